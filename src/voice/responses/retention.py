"""Retention and erasure. Purpose decides how long each thing is kept:

- free text: until its survey's `retention_months` (default: surveys.schema.DEFAULT_RETENTION_MONTHS) after
  the response was sent; figures (closed answers) are kept;
- responses started but never sent: removed after VOICE_UNFINISHED_RETENTION_DAYS (default 30) days;
- safeguarding records: for VOICE_SAFEGUARDING_RETENTION_YEARS (default 15) after a lead closed them
  (reason in docs/security.md). An OPEN item is never removed, and neither is anything of its response:
  a lead has not read it yet. Retention lists what it held back and why (in --dry-run too, and in the
  audit entry).

Erasure removes one response on request, by its receipt code, unless a safeguarding item on it is still
open (a lead must close it first: voice.safeguarding.held). The record itself stays, without the answers
(voice.safeguarding.records.forget_response).

Both delete rows (not blank them) and SQLite overwrites what it deletes (secure_delete) and has its write-
ahead log truncated after the commit (voice.db.checkpoint_wal), so the text leaves no copy in the files.
Quotes made from the text go with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from voice.db import after_commit, checkpoint_wal, utcnow
from voice.errors import NotFound, Refused
from voice.models import Answer, Quote, Response, SafeguardingItem, SurveyVersion
from voice.responses.codes import fingerprint_code, normalise_code
from voice.safeguarding.held import OPEN_STATUSES, held_responses, withheld
from voice.safeguarding.records import forget_answers, forget_response
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import ADMIN, FACILITATOR, SAFEGUARDING
from voice.surveys.schema import DEFAULT_RETENTION_MONTHS

HELD_REASON = "a safeguarding item on the response is still open: a lead must close it first"


class NothingToErase(NotFound):
    """No sent response has that receipt code. The message is safe to show."""

    def __init__(self) -> None:
        super().__init__("No sent answers have that receipt code. Please check the code: it looks like K7QF-M2XD.")


class HeldForSafeguarding(Refused):
    """The response has an open safeguarding item: it cannot be erased until a lead closes it."""

    def __init__(self, item_id: int):
        self.item_id = item_id
        super().__init__(f"These answers cannot be erased yet: a safeguarding lead must first close safeguarding "
                         f"item #{item_id}, which is about this response. Please tell a safeguarding lead that "
                         "the young person has asked for their answers to be erased.")


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
    unfinished_responses: int = 0  # started, never sent, older than the setting
    unfinished_days: int = 0
    safeguarding_records: int = 0  # closed records past their own retention
    safeguarding_years: int = 0
    # Held back, and why: open items, and the text of their responses that was due to go.
    held_items: list[int] = field(default_factory=list)
    held_responses: int = 0
    held_text_answers: int = 0
    held_reason: str = HELD_REASON


def _retention_months(version: SurveyVersion) -> int:
    from voice.surveys.registry import survey_of_version

    try:
        return int(survey_of_version(version).retention_months)
    except Exception:  # a definition that no longer parses still gets the default, never "keep forever"
        return int((version.definition or {}).get("retention_months") or DEFAULT_RETENTION_MONTHS)


def years_before(at: datetime, years: int) -> datetime:
    return months_before(at, 12 * years)


def run_retention(session: Session, actor: Actor, now: datetime | None = None, dry_run: bool = False,
                  unfinished_days: int | None = None, safeguarding_years: int | None = None) -> RetentionReport:
    """Remove what has outlived its purpose (see the module note). Never an open item or its response."""
    from voice.config import get_settings

    require(actor, ADMIN)
    now = now or utcnow()
    settings = get_settings()
    report = RetentionReport(dry_run=dry_run,
                             unfinished_days=unfinished_days or settings.unfinished_retention_days,
                             safeguarding_years=safeguarding_years or settings.safeguarding_retention_years)
    held = held_responses()
    # 1. Free text past each survey's retention, except the responses a lead has not finished with.
    for version in session.scalars(select(SurveyVersion).order_by(SurveyVersion.id)):
        months = _retention_months(version)
        cutoff = months_before(now, months)
        old = (select(Response.id).where(Response.survey_version_id == version.id,
                                         Response.status == "submitted", Response.submitted_at < cutoff))
        due_ids = select(Answer.id).where(Answer.response_id.in_(old), Answer.text.is_not(None))
        kept_ids = due_ids.where(Answer.response_id.in_(held))
        text_ids = due_ids.where(Answer.response_id.not_in(held))
        report.held_text_answers += session.scalar(select(func.count()).select_from(kept_ids.subquery())) or 0
        answers = session.scalar(select(func.count()).select_from(text_ids.subquery())) or 0
        if not answers:
            continue
        responses = session.scalar(select(func.count(func.distinct(Answer.response_id)))
                                   .where(Answer.id.in_(text_ids))) or 0
        quotes = session.scalar(select(func.count()).select_from(Quote).where(Quote.answer_id.in_(text_ids))) or 0
        if not dry_run:
            ids = list(session.scalars(text_ids))
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                forget_answers(session, chunk, actor.username, "retention period of the survey ended", now)
                session.execute(delete(Quote).where(Quote.answer_id.in_(chunk)))
                session.execute(delete(Answer).where(Answer.id.in_(chunk)))
        entry = report.by_survey.setdefault(version.survey_id, {"months": months, "text_answers": 0, "quotes": 0,
                                                                 "responses": 0})
        entry["text_answers"] += answers
        entry["quotes"] += quotes
        entry["responses"] += responses
        report.text_answers += answers
        report.quotes += quotes
        report.responses += responses
    report.held_items = sorted(session.scalars(select(SafeguardingItem.id).where(
        SafeguardingItem.status.in_(OPEN_STATUSES))))
    report.held_responses = session.scalar(select(func.count()).select_from(held.subquery())) or 0

    # 2. Responses started and never sent (they can hold sensitive answers, and nobody can use them).
    unfinished = select(Response.id).where(Response.status != "submitted",
                                           Response.updated_at < now - timedelta(days=report.unfinished_days))
    report.unfinished_responses = session.scalar(select(func.count()).select_from(unfinished.subquery())) or 0
    if report.unfinished_responses and not dry_run:
        session.execute(delete(Answer).where(Answer.response_id.in_(unfinished)))
        session.execute(delete(Response).where(Response.id.in_(unfinished.scalar_subquery()))
                        .execution_options(synchronize_session=False))

    # 3. Closed safeguarding records past their own retention (an open item is never old enough).
    expired = select(SafeguardingItem.id).where(SafeguardingItem.status.not_in(OPEN_STATUSES),
                                                SafeguardingItem.outcome_at < years_before(now,
                                                                                           report.safeguarding_years))
    report.safeguarding_records = session.scalar(select(func.count()).select_from(expired.subquery())) or 0
    if report.safeguarding_records and not dry_run:
        session.execute(delete(SafeguardingItem).where(SafeguardingItem.id.in_(expired.scalar_subquery()))
                        .execution_options(synchronize_session=False))

    if not dry_run:
        record(session, actor, "retention_run", "retention", "", at=now, text_answers=report.text_answers,
               quotes=report.quotes, responses=report.responses,
               surveys={k: v["text_answers"] for k, v in report.by_survey.items()},
               unfinished_responses=report.unfinished_responses, unfinished_days=report.unfinished_days,
               safeguarding_records=report.safeguarding_records, safeguarding_years=report.safeguarding_years,
               held={"open_items": report.held_items, "responses": report.held_responses,
                     "text_answers": report.held_text_answers, "why": HELD_REASON})
        after_commit(session, "checkpoint", checkpoint_wal)
    return report


@dataclass(frozen=True)
class ResponsePreview:
    """What an erasure will remove. `texts` only for staff who read young people's words anyway, and never
    held text (voice.safeguarding.held) to anyone but a lead. `held_by` names an open item: no erasure yet."""

    receipt_code: str
    survey_id: str
    submitted_at: datetime | None
    answers: int
    quotes: int
    texts: tuple[tuple[str, str], ...]  # (question id, text)
    held_by: int | None = None
    texts_held_back: int = 0


def _find_submitted(session: Session, receipt_code: str) -> Response:
    code = normalise_code(receipt_code)
    response = session.scalar(select(Response).where(Response.receipt_code == code)) if code else None
    if response is None:
        raise NothingToErase()
    return response


def _open_item(session: Session, response_id: int) -> int | None:
    return session.scalar(select(SafeguardingItem.id).where(SafeguardingItem.response_id == response_id,
                                                            SafeguardingItem.status.in_(OPEN_STATUSES)).limit(1))


def preview_erasure(session: Session, actor: Actor, receipt_code: str) -> ResponsePreview:
    require(actor, ADMIN, FACILITATOR, SAFEGUARDING)
    response = _find_submitted(session, receipt_code)
    answers = session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == response.id)) or 0
    quotes = _quote_count(session, response.id)
    held_by = _open_item(session, response.id)
    texts: tuple[tuple[str, str], ...] = ()
    held_back = 0
    if actor.has(FACILITATOR, SAFEGUARDING):
        query = (select(Answer.question_id, Answer.text, withheld(Answer.id, Answer.response_id))
                 .where(Answer.response_id == response.id, Answer.text.is_not(None)).order_by(Answer.id))
        lead = actor.has(SAFEGUARDING)
        rows = session.execute(query).all()
        texts = tuple((q, t or "") for q, t, held in rows if lead or not held)  # (t is not None: the query)
        held_back = len(rows) - len(texts)
    record(session, actor, "erasure_previewed", "response", fingerprint_code(response.receipt_code or ""),
           held=held_by is not None)
    return ResponsePreview(response.receipt_code or "", response.survey_id, response.submitted_at, answers, quotes,
                           texts, held_by, held_back)


def _quote_count(session: Session, response_id: int) -> int:
    answer_ids = select(Answer.id).where(Answer.response_id == response_id)
    return session.scalar(select(func.count()).select_from(Quote).where(
        or_(Quote.response_id == response_id, Quote.answer_id.in_(answer_ids)))) or 0


@dataclass(frozen=True)
class ErasureReport:
    receipt_hash: str
    answers: int
    quotes: int
    safeguarding_records: tuple[int, ...] = ()  # records kept, without the answers


def erase_response(session: Session, actor: Actor, receipt_code: str) -> ErasureReport:
    """Delete one response, its answers and any quote made from it. Audited with the code's hash only.

    Refused (HeldForSafeguarding) while a safeguarding item on it is open. A closed item stays as the
    safeguarding record, without the answers.
    """
    require(actor, ADMIN, FACILITATOR, SAFEGUARDING)
    response = _find_submitted(session, receipt_code)
    digest = fingerprint_code(response.receipt_code or "")
    held_by = _open_item(session, response.id)
    if held_by is not None:  # (the look that found it is audited by preview_erasure)
        raise HeldForSafeguarding(held_by)
    records = tuple(forget_response(session, response.id, actor.username, "erased at the young person's request"))
    answer_ids = select(Answer.id).where(Answer.response_id == response.id)
    quotes = session.execute(delete(Quote).where(  # type: ignore[attr-defined]  # DML gives a CursorResult
        or_(Quote.response_id == response.id, Quote.answer_id.in_(answer_ids)))).rowcount or 0
    answers = session.execute(delete(Answer).where(Answer.response_id == response.id)).rowcount or 0  # type: ignore[attr-defined]  # DML gives a CursorResult
    session.execute(delete(Response).where(Response.id == response.id))
    session.expunge(response)
    kept: dict[str, Any] = {"safeguarding_records_kept": list(records)} if records else {}
    record(session, actor, "response_erased", "response", digest, survey=response.survey_id, answers=answers,
           quotes=quotes, **kept)
    after_commit(session, "checkpoint", checkpoint_wal)
    return ErasureReport(digest, answers, quotes, records)
