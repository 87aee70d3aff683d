"""Quotes: young people's words chosen as evidence, with consent, redaction and approval.

- Made only from a free-text answer whose respondent said yes to `quote_consent` (refused otherwise),
  and never from an answer held for the safeguarding leads.
- Redacted automatically (group and school names count as places), each change logged by kind and
  length, never the words removed. The facilitator may adjust the text; that is logged too.
- Attributed to a group, never a person: "(YPAG)", "Young person, Year 9, Staying safe online 2016".
  A school name or an exact age appears only when that group has at least 10 respondents.
- draft -> approved (audited). `approved_quotes` is the only way other code reads quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.analysis.review import effective_themes, visible_to_facilitators
from voice.db import utcnow
from voice.evidence.redaction import redact
from voice.models import (
    Answer, Campaign, Group, Quote, Response, SurveyRecord, SurveyVersion, TextAnalysis, ThemeReview,
)
from voice.models.evidence import QUOTE_APPROVED, QUOTE_DRAFT
from voice.safeguarding.held import withheld
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import FACILITATOR

CONSENT_QUESTION = "quote_consent"
MIN_GROUP_FOR_DETAIL = 10  # below this, a school name or exact age could point to one young person
MAX_QUOTE_CHARS = 1000


class QuoteRefused(ValueError):
    """The answer cannot become a quote; the message says why, for the facilitator."""


@dataclass(frozen=True)
class QuoteView:
    id: int
    answer_id: int | None
    survey_id: str
    text: str
    attribution: str
    status: str
    theme_ids: tuple[str, ...]
    priority_ids: tuple[str, ...]
    redactions: tuple[dict, ...]
    created_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None


@dataclass(frozen=True)
class ApprovedQuote:
    id: int
    text: str
    attribution: str
    survey_id: str
    theme_ids: tuple[str, ...]
    priority_ids: tuple[str, ...]
    approved_at: datetime | None


def _view(q: Quote) -> QuoteView:
    return QuoteView(q.id, q.answer_id, q.survey_id, q.text, q.attribution, q.status, tuple(q.theme_ids or ()),
                     tuple(q.priority_ids or ()), tuple(q.redactions or ()), q.created_by, q.created_at,
                     q.approved_by, q.approved_at)


def has_quote_consent(session: Session, response_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(Answer).where(
        Answer.response_id == response_id, Answer.question_id == CONSENT_QUESTION, Answer.option_id == "yes")) > 0


def consenting_answers(session: Session, actor: Actor, survey_id: str | None = None, limit: int = 200) -> list[tuple]:
    """(answer_id, survey_id, question_id, text) of analysed, visible answers whose respondent said yes."""
    require(actor, FACILITATOR)
    consent = select(Answer.response_id).where(Answer.question_id == CONSENT_QUESTION, Answer.option_id == "yes")
    query = (select(Answer.id, Response.survey_id, Answer.question_id, Answer.text)
             .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
             .join(Response, Response.id == Answer.response_id)
             .where(visible_to_facilitators(), Answer.response_id.in_(consent))
             .order_by(Answer.id.desc()).limit(limit))
    if survey_id:
        query = query.where(Response.survey_id == survey_id)
    return [tuple(r) for r in session.execute(query)]


# ---------------------------------------------------------------- attribution

def _year_of(campaign: Campaign | None, response: Response) -> str:
    if campaign is not None:
        if campaign.opens_at is not None:
            return str(campaign.opens_at.year)
        found = re.search(r"(19|20)\d\d", campaign.name or "")
        if found:
            return found.group(0)
    when = response.submitted_at or response.started_at
    return str(when.year) if when else ""


def _option_label(session: Session, response: Response, question_id: str) -> str | None:
    from voice.surveys.registry import survey_of_version
    from voice.surveys.schema import tr

    option = session.scalar(select(Answer.option_id).where(Answer.response_id == response.id,
                                                           Answer.question_id == question_id))
    if not option:
        return None
    survey = survey_of_version(session.get(SurveyVersion, response.survey_version_id))
    question = survey.question(question_id)
    for o in (question.options if question else ()):
        if o.id == option:
            return tr(o.label)
    return None


def group_size(session: Session, response: Response) -> int:
    """Submitted responses from the same group in the same campaign."""
    if response.group_id is None:
        return 0
    return session.scalar(select(func.count()).select_from(Response).where(
        Response.group_id == response.group_id, Response.campaign_id == response.campaign_id,
        Response.status == "submitted")) or 0


def attribution_for(session: Session, response: Response) -> str:
    """Group-level attribution for a quote from `response` (see the module docstring)."""
    group = session.get(Group, response.group_id) if response.group_id else None
    if group is not None and group.type == "ypag":
        return "(YPAG)"
    campaign = session.get(Campaign, response.campaign_id)
    survey = session.get(SurveyRecord, response.survey_id)
    detail_allowed = group is not None and group_size(session, response) >= MIN_GROUP_FOR_DETAIL
    parts = ["Young person"]
    year_group = _option_label(session, response, "year_group")
    if year_group and year_group.lower().startswith("year"):
        parts.append(year_group)
    if detail_allowed:
        age = session.scalar(select(Answer.number).where(Answer.response_id == response.id,
                                                         Answer.question_id == "age"))
        if age is not None:
            parts.append(f"age {int(age)}")
        if group.type in ("school", "college"):
            parts.append(group.name)
    if campaign is not None and campaign.title and not campaign.is_default:
        parts.append(campaign.title)
    else:
        parts.append(" ".join(p for p in ((survey.title if survey else response.survey_id), _year_of(campaign, response)) if p))
    return ", ".join(parts)


# ---------------------------------------------------------------- making and approving

def _places(session: Session) -> list[str]:
    # Schools, clubs and colleges by name. The YPAG is left alone: quotes are attributed to it anyway,
    # and "the YPAG listened to me" should not read "the [school] listened to me".
    return [n for n in session.scalars(select(Group.name).where(Group.type != "ypag")) if n]


def _log_changes(changes, by: str, at: datetime) -> list[dict]:
    # The words removed are not kept: they may be the very name the redaction hides.
    # start/end are offsets in the original answer (voice.evidence.redaction.Change).
    return [{"kind": c.kind, "original_length": len(c.original), "replacement": c.replacement, "start": c.start,
             "end": c.end, "by": by, "at": at.isoformat(timespec="seconds")} for c in changes]


def make_quote(session: Session, actor: Actor, answer_id: int, theme_ids: Iterable[str] | None = None,
               priority_ids: Iterable[str] | None = None, now: datetime | None = None) -> QuoteView:
    """A draft quote from one answer, redacted and attributed. Raises QuoteRefused with the reason."""
    from voice.analysis.store import active_codebook

    require(actor, FACILITATOR)
    now = now or utcnow()
    answer = session.get(Answer, answer_id)
    if answer is None or answer.option_id != "" or not (answer.text or "").strip():
        raise QuoteRefused("Only a written answer can become a quote.")
    response = session.get(Response, answer.response_id)
    if response is None or response.status != "submitted":
        raise QuoteRefused("This answer's survey was not sent, so it cannot be quoted.")
    visible = session.scalar(select(func.count()).select_from(Answer)
                             .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
                             .where(Answer.id == answer_id, visible_to_facilitators()))
    if not visible:
        raise QuoteRefused("This answer is not available for quotes.")
    if not has_quote_consent(session, response.id):
        raise QuoteRefused("This young person did not say yes to us using their words, so it cannot be quoted.")
    existing = session.scalars(select(Quote).where(Quote.answer_id == answer_id)).first()
    if existing is not None:
        return _view(existing)
    result = redact(answer.text.strip(), places=_places(session))
    text = result.text[:MAX_QUOTE_CHARS]
    if theme_ids is None:
        auto = session.scalar(select(TextAnalysis.theme_ids).where(TextAnalysis.answer_id == answer_id)) or []
        decisions = {r.theme_id: r.decision for r in session.scalars(
            select(ThemeReview).where(ThemeReview.answer_id == answer_id))}
        theme_ids = effective_themes(auto, decisions)
    theme_ids = list(dict.fromkeys(theme_ids))
    if priority_ids is None:
        _, codebook = active_codebook(session)
        by_id = {t.id: t for t in codebook.themes}
        priority_ids = [p for t in theme_ids if t in by_id for p in by_id[t].priorities]
    quote = Quote(answer_id=answer.id, response_id=response.id, survey_id=response.survey_id,
                  campaign_id=response.campaign_id, text=text, redactions=_log_changes(result.changes, "auto", now),
                  attribution=attribution_for(session, response), status=QUOTE_DRAFT, theme_ids=theme_ids,
                  priority_ids=list(dict.fromkeys(priority_ids)), created_by=actor.username, created_at=now)
    session.add(quote)
    session.flush()
    record(session, actor, "quote_created", "quote", quote.id, answer_id=answer.id, redactions=len(result.changes))
    return _view(quote)


def _draft(session: Session, quote_id: int) -> Quote:
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise LookupError(f"There is no quote {quote_id}.")
    if quote.status != QUOTE_DRAFT:
        raise QuoteRefused("This quote is approved; it can no longer be changed.")
    return quote


def edit_quote_text(session: Session, actor: Actor, quote_id: int, text: str, now: datetime | None = None) -> QuoteView:
    """The facilitator adjusts the redacted text (undo an over-redaction, hide a detail). Logged."""
    require(actor, FACILITATOR)
    now = now or utcnow()
    quote = _draft(session, quote_id)
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise QuoteRefused("A quote cannot be empty.")
    if len(text) > MAX_QUOTE_CHARS:
        raise QuoteRefused(f"A quote can be at most {MAX_QUOTE_CHARS} characters.")
    if text == quote.text:
        return _view(quote)
    log = list(quote.redactions or [])
    log.append({"kind": "manual_edit", "before_length": len(quote.text), "after_length": len(text),
                "by": actor.username, "at": now.isoformat(timespec="seconds")})
    quote.text, quote.redactions = text, log
    session.flush()
    record(session, actor, "quote_edited", "quote", quote.id)
    return _view(quote)


def still_identifying(session: Session, text: str) -> list[str]:
    """Kinds of detail automatic redaction would still remove from `text` (a warning after a manual edit)."""
    return sorted({c.kind for c in redact(text, places=_places(session)).changes})


def set_quote_tags(session: Session, actor: Actor, quote_id: int, theme_ids: Iterable[str],
                   priority_ids: Iterable[str]) -> QuoteView:
    require(actor, FACILITATOR)
    quote = _draft(session, quote_id)
    quote.theme_ids = list(dict.fromkeys(theme_ids))
    quote.priority_ids = list(dict.fromkeys(priority_ids))
    session.flush()
    return _view(quote)


def approve_quote(session: Session, actor: Actor, quote_id: int, now: datetime | None = None) -> QuoteView:
    require(actor, FACILITATOR)
    now = now or utcnow()
    quote = _draft(session, quote_id)
    quote.status, quote.approved_by, quote.approved_at = QUOTE_APPROVED, actor.username, now
    session.flush()
    record(session, actor, "quote_approved", "quote", quote.id, at=now)
    return _view(quote)


def discard_quote(session: Session, actor: Actor, quote_id: int) -> None:
    require(actor, FACILITATOR)
    quote = _draft(session, quote_id)
    session.delete(quote)
    session.flush()
    record(session, actor, "quote_discarded", "quote", quote_id)


def list_quotes(session: Session, actor: Actor, status: str | None = None) -> list[QuoteView]:
    require(actor, FACILITATOR)
    # A quote whose response is now held for the safeguarding leads (a later indicator) leaves the workspace too.
    query = select(Quote).where(~withheld(Quote.answer_id, Quote.response_id)).order_by(Quote.id.desc())
    if status:
        query = query.where(Quote.status == status)
    return [_view(q) for q in session.scalars(query)]


def approved_quotes(session: Session, priority_id: str | None = None, theme_id: str | None = None) -> list[ApprovedQuote]:
    """Approved quotes only, newest approval first: the one way other code (priorities, reports) reads quotes."""
    query = (select(Quote).where(Quote.status == QUOTE_APPROVED, ~withheld(Quote.answer_id, Quote.response_id))
             .order_by(Quote.approved_at.desc(), Quote.id.desc()))
    out = []
    for q in session.scalars(query):
        themes, priorities = tuple(q.theme_ids or ()), tuple(q.priority_ids or ())
        if priority_id and priority_id not in priorities:
            continue
        if theme_id and theme_id not in themes:
            continue
        out.append(ApprovedQuote(q.id, q.text, q.attribution, q.survey_id, themes, priorities, q.approved_at))
    return out


__all__ = [
    "ApprovedQuote", "QuoteRefused", "QuoteView", "approve_quote", "approved_quotes", "attribution_for",
    "consenting_answers", "discard_quote", "edit_quote_text", "group_size", "has_quote_consent", "list_quotes",
    "make_quote", "set_quote_tags", "still_identifying",
]
