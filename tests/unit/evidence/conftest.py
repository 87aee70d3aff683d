"""Evidence fixtures: the built-in 2020/21 plan loaded into the clean test database."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.analysis.codebook import load_codebook
from voice.evidence import priorities
from voice.security.access import SYSTEM

REPO = Path(__file__).resolve().parents[3]
DEFINITIONS = REPO / "surveys" / "analysis"


@pytest.fixture
def plan(session):
    priorities.import_plan_file(session, SYSTEM, DEFINITIONS / priorities.DEFAULT_PLAN_FILE)
    session.flush()
    return "2020/21"


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(DEFINITIONS / "codebook.yaml")


def publish_survey(session, data: dict) -> None:
    """Serve a survey definition dict, as registry.publish does."""
    from voice.surveys import registry
    from voice.surveys.loader import survey_from_dict

    survey = survey_from_dict(data)
    try:
        registry.publish(session, survey, source="test")
    except ModuleNotFoundError:
        # PENDING(feat/surveys): voice.surveys.serialize is not in this checkout yet; store the dict
        # itself as the version's definition (the same layout) until it lands.
        from voice.models import SurveyRecord, SurveyVersion

        record = SurveyRecord(id=survey.id, title=data["title"], source="test")
        session.add(record)
        session.flush()
        version = SurveyVersion(survey_id=survey.id, revision=1, declared_version=1, content_hash="test",
                                definition=data, source="test")
        session.add(version)
        session.flush()
        record.current_version_id = version.id
        registry.ensure_default_campaign(session, survey.id)
    session.flush()
