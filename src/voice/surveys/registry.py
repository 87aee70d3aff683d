"""Surveys as served: files in `surveys/` (and the editor) publish versions into the database.

The database is what young people are served from, so a survey built in the app and a survey
file behave the same, and every response keeps the exact version it answered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.definitions import content_hash
from voice.errors import NotFound
from voice.models import Campaign, SurveyRecord, SurveyVersion
from voice.surveys.schema import Survey, tr
from voice.surveys.serialize import survey_to_dict


class UnknownSurvey(NotFound):
    def __init__(self, survey_id: str, known: list[str]):
        self.survey_id, self.known = survey_id, known
        super().__init__(f"There is no survey called '{survey_id}'. Surveys: {', '.join(known) or 'none yet'}.")


@dataclass
class SyncReport:
    published: list[str] = field(default_factory=list)  # "esafety_year9 (revision 2)"
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # file, line, field, message


def publish(session: Session, survey: Survey, source: str) -> SurveyVersion:
    """Store `survey` as a new version unless the newest version already has the same content."""
    definition = survey_to_dict(survey)
    digest = content_hash(definition)
    record = session.get(SurveyRecord, survey.id)
    if record is None:
        record = SurveyRecord(id=survey.id, title=tr(survey.title), source=source)
        session.add(record)
        session.flush()
    latest = _latest_version(session, survey.id)
    if latest is not None and latest.content_hash == digest:
        return latest
    revision = (latest.revision if latest else 0) + 1
    version = SurveyVersion(survey_id=survey.id, revision=revision, declared_version=survey.version,
                            content_hash=digest, definition=definition, source=source)
    session.add(version)
    session.flush()
    record.current_version_id = version.id
    record.title = tr(survey.title)
    record.source = source
    ensure_default_campaign(session, survey.id)
    return version


def ensure_default_campaign(session: Session, survey_id: str) -> Campaign:
    """Every survey has an always-open campaign, so a newly added survey works at once."""
    campaign = session.scalars(
        select(Campaign).where(Campaign.survey_id == survey_id, Campaign.is_default.is_(True))
    ).first()
    if campaign is None:
        campaign = Campaign(name=f"{survey_id}-open", survey_id=survey_id, title="Always open", is_default=True)
        session.add(campaign)
        session.flush()
    return campaign


def sync_survey_files(session: Session, surveys_dir: Path) -> SyncReport:
    """Publish every valid survey file; a broken file is reported and never stops the others."""
    from voice.surveys.loader import load_surveys_dir

    report = SyncReport()
    result = load_surveys_dir(surveys_dir)
    report.problems = [str(p) for p in result.problems]
    for survey_id, survey in sorted(result.surveys.items()):
        before = _latest_version(session, survey_id)
        version = publish(session, survey, source=str(Path(survey.source).name or survey.source))
        label = f"{survey_id} (revision {version.revision})"
        (report.unchanged if before is not None and before.id == version.id else report.published).append(label)
    return report


def _latest_version(session: Session, survey_id: str) -> SurveyVersion | None:
    return session.scalars(
        select(SurveyVersion).where(SurveyVersion.survey_id == survey_id).order_by(SurveyVersion.revision.desc())
    ).first()


# Versions never change once written, so their parsed form is shared by every session thread. Keyed by
# content, not row id: ids differ between databases (and SQLite reuses them after a delete).
_parsed: dict[str, Survey] = {}
_parsed_lock = threading.Lock()


def survey_of_version(version: SurveyVersion) -> Survey:
    key = f"{version.survey_id}:{version.content_hash}"
    with _parsed_lock:
        survey = _parsed.get(key)
    if survey is None:
        from voice.surveys.loader import survey_from_dict

        survey = survey_from_dict(version.definition, source=version.source)
        with _parsed_lock:
            _parsed[key] = survey
    return survey


def current_version(session: Session, survey_id: str) -> SurveyVersion:
    record = session.get(SurveyRecord, survey_id)
    if record is None or record.current_version_id is None or record.archived:
        raise UnknownSurvey(survey_id, list_survey_ids(session))
    return session.get_one(SurveyVersion, record.current_version_id)


def get_survey(session: Session, survey_id: str) -> tuple[SurveyVersion, Survey]:
    version = current_version(session, survey_id)
    return version, survey_of_version(version)


def list_survey_ids(session: Session) -> list[str]:
    return list(session.scalars(select(SurveyRecord.id).where(SurveyRecord.archived.is_(False))
                                .order_by(SurveyRecord.id)))


def list_surveys(session: Session, include_unlisted: bool = False) -> list[tuple[str, str]]:
    """(id, title) of the surveys being served that the young people's front page lists.

    Staff pages pass `include_unlisted=True` to see every survey being served: an unlisted survey (the
    editor asks when publishing) is still open to anyone with its link, it is just not on the front page."""
    query = select(SurveyRecord.id, SurveyRecord.title).where(SurveyRecord.archived.is_(False))
    if not include_unlisted:
        query = query.where(SurveyRecord.listed.is_(True))
    return [(r.id, r.title) for r in session.execute(query.order_by(SurveyRecord.title))]


def is_listed(session: Session, survey_id: str) -> bool | None:
    """Whether the front page lists the survey; None when no version of it is served yet."""
    record = session.get(SurveyRecord, survey_id)
    return None if record is None else bool(record.listed)


def version_count(session: Session, survey_id: str) -> int:
    return session.scalar(select(func.count()).select_from(SurveyVersion)
                          .where(SurveyVersion.survey_id == survey_id)) or 0
