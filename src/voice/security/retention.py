"""Retention and erasure: free text is removed when its survey's retention period ends; one response
can be erased on request by its receipt code. Figures (closed answers) are kept by retention.

Both delete rows (not blank them), so the text is gone from the tables; quotes made from the text
go with it (quotes.answer_id / response_id cascade, and are deleted explicitly for SQLite safety).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.models import Answer, Quote, Response, SurveyVersion
from voice.responses.codes import fingerprint_code, normalise_code
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import ADMIN, FACILITATOR

DEFAULT_RETENTION_MONTHS = 24


class NothingToErase(LookupError):
    """No sent response has that receipt code. The message is safe to show."""

    def __init__(self) -> None:
        super().__init__("No sent answers have that receipt code. Please check the code: it looks like K7QF-M2XD.")


def months_before(at: datetime, months: int) -> datetime:
    """`at` moved back a number of calendar months (31 March - 1 month = 28/29 February)."""
    import calendar

    total = at.year * 12 + (at.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


@dataclass
class RetentionReport:
    dry_run: bool
    text_answers: int = 0
    quotes: int = 0
    responses: int = 0
    by_survey: dict[str, dict[str, int]] = field(default_factory=dict)  # survey id -> counts and months


def _retention_months(version: SurveyVersion) -> int:
    from voice.surveys.registry import survey_of_version

    try:
        return int(survey_of_version(version).retention_months)
    except Exception:  # a definition that no longer parses still gets the default, never "keep forever"
        return int((version.definition or {}).get("retention_months") or DEFAULT_RETENTION_MONTHS)


def run_retention(session: Session, actor: Actor, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Remove free-text answers (and quotes made from them) of responses sent before each survey's cut-off."""
    require(actor, ADMIN)
    now = now or utcnow()
    report = RetentionReport(dry_run=dry_run)
    for version in session.scalars(select(SurveyVersion).order_by(SurveyVersion.id)):
        months = _retention_months(version)
        cutoff = months_before(now, months)
        old = (select(Response.id).where(Response.survey_version_id == version.id,
                                         Response.status == "submitted", Response.submitted_at < cutoff))
        text_ids = select(Answer.id).where(Answer.response_id.in_(old), Answer.text.is_not(None))
        answers = session.scalar(select(func.count()).select_from(text_ids.subquery())) or 0
        if not answers:
            continue
        responses = session.scalar(select(func.count(func.distinct(Answer.response_id)))
                                   .where(Answer.id.in_(text_ids))) or 0
        quotes = session.scalar(select(func.count()).select_from(Quote).where(Quote.answer_id.in_(text_ids))) or 0
        if not dry_run:
            session.execute(delete(Quote).where(Quote.answer_id.in_(text_ids)))
            session.execute(delete(Answer).where(Answer.id.in_(text_ids.scalar_subquery())))
        entry = report.by_survey.setdefault(version.survey_id, {"months": months, "text_answers": 0, "quotes": 0,
                                                                 "responses": 0})
        entry["text_answers"] += answers
        entry["quotes"] += quotes
        entry["responses"] += responses
        report.text_answers += answers
        report.quotes += quotes
        report.responses += responses
    if not dry_run:
        record(session, actor, "retention_run", "retention", "", at=now, text_answers=report.text_answers,
               quotes=report.quotes, responses=report.responses,
               surveys={k: v["text_answers"] for k, v in report.by_survey.items()})
    return report


@dataclass(frozen=True)
class ResponsePreview:
    """What an erasure will remove. `texts` only for facilitators, who read young people's words anyway."""

    receipt_code: str
    survey_id: str
    submitted_at: datetime | None
    answers: int
    quotes: int
    texts: tuple[tuple[str, str], ...]  # (question id, text)


def _find_submitted(session: Session, receipt_code: str) -> Response:
    code = normalise_code(receipt_code)
    response = session.scalar(select(Response).where(Response.receipt_code == code)) if code else None
    if response is None:
        raise NothingToErase()
    return response


def preview_erasure(session: Session, actor: Actor, receipt_code: str) -> ResponsePreview:
    require(actor, ADMIN, FACILITATOR)
    response = _find_submitted(session, receipt_code)
    answers = session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == response.id)) or 0
    quotes = _quote_count(session, response.id)
    texts: tuple[tuple[str, str], ...] = ()
    if actor.has(FACILITATOR):
        texts = tuple((q, t) for q, t in session.execute(
            select(Answer.question_id, Answer.text).where(Answer.response_id == response.id, Answer.text.is_not(None))
            .order_by(Answer.id)))
    record(session, actor, "erasure_previewed", "response", fingerprint_code(response.receipt_code or ""))
    return ResponsePreview(response.receipt_code or "", response.survey_id, response.submitted_at, answers, quotes,
                           texts)


def _quote_count(session: Session, response_id: int) -> int:
    answer_ids = select(Answer.id).where(Answer.response_id == response_id)
    return session.scalar(select(func.count()).select_from(Quote).where(
        or_(Quote.response_id == response_id, Quote.answer_id.in_(answer_ids)))) or 0


@dataclass(frozen=True)
class ErasureReport:
    receipt_hash: str
    answers: int
    quotes: int


def erase_response(session: Session, actor: Actor, receipt_code: str) -> ErasureReport:
    """Delete one response, its answers and any quote made from it. Audited with the code's hash only."""
    require(actor, ADMIN, FACILITATOR)
    response = _find_submitted(session, receipt_code)
    digest = fingerprint_code(response.receipt_code or "")
    answer_ids = select(Answer.id).where(Answer.response_id == response.id)
    quotes = session.execute(delete(Quote).where(
        or_(Quote.response_id == response.id, Quote.answer_id.in_(answer_ids)))).rowcount or 0
    answers = session.execute(delete(Answer).where(Answer.response_id == response.id)).rowcount or 0
    session.execute(delete(Response).where(Response.id == response.id))
    session.expunge(response)
    record(session, actor, "response_erased", "response", digest, survey=response.survey_id, answers=answers,
           quotes=quotes)
    return ErasureReport(digest, answers, quotes)
