"""Closed answers as indicators: the options a survey file marks with `risk: {option: category}`.

Every submitted response of a survey with markers is checked once against the survey's markers (the
union over all its published versions: question and option ids are stable across versions, and when in
doubt the lead sees it). A response is checked again only when the set of markers changes, so marking
a question later also reaches the responses already given, imported ones too.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.models import Answer, Response, SafeguardingScreening, SurveyVersion
from voice.models.safeguarding import INDICATOR_CLOSED
from voice.safeguarding.records import NewIndicator, closed_why

BATCH = 1000


@dataclass(frozen=True)
class Marker:
    question_id: str
    option_id: str
    category: str
    question_label: str
    option_label: str


@dataclass(frozen=True)
class SurveyMarkers:
    survey_id: str
    markers: dict[tuple[str, str], Marker]
    version: str  # a hash of the markers: a change checks every response again

    def __bool__(self) -> bool:
        return bool(self.markers)


_cache: dict[tuple, SurveyMarkers] = {}
_cache_lock = threading.Lock()


def markers_of(survey) -> dict[tuple[str, str], Marker]:
    """The marked options of one parsed survey (voice.surveys.schema.Survey)."""
    from voice.surveys.schema import tr

    found = {}
    for question in survey.questions:
        for option_id, category in (question.risk or {}).items():
            option = question.option(option_id)
            found[(question.id, option_id)] = Marker(question.id, option_id, category, tr(question.text),
                                                     tr(option.label) if option else option_id)
    return found


def survey_markers(session: Session, survey_id: str) -> SurveyMarkers:
    """Markers of every published version of a survey (newest wording wins). Cached per set of versions."""
    from voice.surveys.registry import survey_of_version

    versions = session.execute(select(SurveyVersion.id, SurveyVersion.content_hash)
                               .where(SurveyVersion.survey_id == survey_id).order_by(SurveyVersion.revision)).all()
    key = (survey_id, tuple(h for _, h in versions))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    markers: dict[tuple[str, str], Marker] = {}
    for version_id, _ in versions:
        try:
            survey = survey_of_version(session.get_one(SurveyVersion, version_id))
        except Exception:  # a definition that no longer parses adds nothing (it cannot be asked any more)
            continue
        markers.update(markers_of(survey))
    digest = hashlib.sha256(json.dumps(sorted((q, o, m.category) for (q, o), m in markers.items()))
                            .encode()).hexdigest()[:32]
    result = SurveyMarkers(survey_id, markers, digest)
    with _cache_lock:
        _cache[key] = result
    return result


def _marked(markers: SurveyMarkers):
    by_question: dict[str, list[str]] = {}
    for question_id, option_id in markers.markers:
        by_question.setdefault(question_id, []).append(option_id)
    return or_(*(and_(Answer.question_id == q, Answer.option_id.in_(options)) for q, options in by_question.items()))


def screen_closed_answers(session: Session, response_ids: Sequence[int] | None = None,
                          now: datetime | None = None) -> list[NewIndicator]:
    """Indicators for marked closed answers of submitted responses not yet checked against current markers.

    `response_ids` limits the check (one response just submitted). Records each checked response, so the
    next run skips it; the caller passes the indicators to voice.safeguarding.records.raise_indicators in
    the same transaction.
    """
    now = now or utcnow()
    survey_ids = session.scalars(select(SurveyVersion.survey_id).distinct()).all()
    found: list[NewIndicator] = []
    for survey_id in sorted(survey_ids):
        markers = survey_markers(session, survey_id)
        if not markers:
            continue
        pending = (select(Response.id)
                   .outerjoin(SafeguardingScreening, SafeguardingScreening.response_id == Response.id)
                   .where(Response.survey_id == survey_id, Response.status == "submitted",
                          or_(SafeguardingScreening.response_id.is_(None),
                              SafeguardingScreening.markers_version != markers.version))
                   .order_by(Response.id))
        if response_ids is not None:
            pending = pending.where(Response.id.in_(list(response_ids)))
        last = 0
        while True:
            batch = list(session.scalars(pending.where(Response.id > last).limit(BATCH)))
            if not batch:
                break
            last = batch[-1]
            for answer_id, response_id, question_id, option_id in session.execute(
                    select(Answer.id, Answer.response_id, Answer.question_id, Answer.option_id)
                    .where(Answer.response_id.in_(batch), _marked(markers)).order_by(Answer.id)):
                marker = markers.markers[(question_id, option_id)]
                found.append(NewIndicator(response_id, answer_id, INDICATOR_CLOSED, (marker.category,), question_id,
                                          marker.question_label, option_id, marker.option_label, (),
                                          closed_why(marker.question_label, marker.option_label)))
            _record_screened(session, batch, markers.version, now)
    return found


def _record_screened(session: Session, response_ids: list[int], version: str, now: datetime) -> None:
    rows = [{"response_id": r, "markers_version": version, "screened_at": now} for r in response_ids]
    dialect = session.get_bind().dialect.name
    dialect_insert: Callable[..., Any]  # either dialect's insert (both have on_conflict_do_update)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(SafeguardingScreening.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["response_id"],
        set_={"markers_version": statement.excluded.markers_version, "screened_at": statement.excluded.screened_at})
    session.execute(statement, rows)


__all__ = ["Marker", "SurveyMarkers", "markers_of", "screen_closed_answers", "survey_markers"]
