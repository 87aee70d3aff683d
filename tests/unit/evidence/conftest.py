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
    registry.publish(session, survey, source="test")
    session.flush()
