"""Quotes: young people's words chosen as evidence, with consent, redaction and approval.

- Made only from a free-text answer whose respondent said yes to `quote_consent` (refused otherwise),
  and never from an answer held for the safeguarding leads.
- Redacted automatically (group and school names count as places), each change logged by kind and
  length, never the words removed. The facilitator may adjust the text; that is logged too.
- Attributed to a group, never a person: "(YPAG)", "Young person, Year 9, Staying safe online 2016".
  A school name or an exact age appears only when that group has at least 10 respondents.
- draft -> approved -> withdrawn (each audited; a withdrawn quote can go back to draft and be approved
  again). `approved_quotes` is the only way other code reads quotes, so a withdrawn quote disappears from
  reports, priority pages and published "you said, we did" items at once; `quote_usage` says where it was.
- Lists are paged and filtered in SQL (`quote_candidates`, `quote_page`): thousands of answers stay quick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from voice.analysis.review import (
    AnswerFilter, apply_filter, effective_themes, question_texts, visible_to_facilitators,
)
from voice.db import utcnow
from voice.errors import Invalid, NotFound
from voice.evidence.redaction import redact
from voice.models import (
    Answer, Campaign, Group, Quote, Response, SurveyRecord, SurveyVersion, TextAnalysis, ThemeReview, YouSaidWeDid,
)
from voice.models.evidence import QUOTE_APPROVED, QUOTE_DRAFT, QUOTE_WITHDRAWN
from voice.paging import Page, clamp, count_of, like_pattern
from voice.safeguarding.held import withheld
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import FACILITATOR

CONSENT_QUESTION = "quote_consent"
MIN_GROUP_FOR_DETAIL = 10  # below this, a school name or exact age could point to one young person
MAX_QUOTE_CHARS = 1000


class QuoteRefused(Invalid):
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
    survey_title: str = ""  # filled in by quote_page, so cards need no ids
    question_text: str = ""
    campaign_title: str = ""


@dataclass(frozen=True)
class QuoteCandidate:
    """An answer that may become a quote, as a card shows it (no ids on screen)."""

    answer_id: int
    text: str
    survey_title: str
    question_text: str
    campaign_title: str
    sentiment: str
    quote_id: int | None  # the quote already made from it, if any
    quote_status: str | None


@dataclass(frozen=True)
class ItemUse:
    id: int
    you_said: str
    published: bool


@dataclass(frozen=True)
class QuoteUsage:
    """Where an approved quote shows: "you said, we did" items and the priorities it is linked to
    (the board report and the priority pages show a quote under its linked priorities)."""

    items: tuple[ItemUse, ...]
    priorities: tuple[tuple[str, str], ...]  # (key, title) in the current plan period

    @property
    def published_items(self) -> int:
        return sum(1 for i in self.items if i.published)


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
    return (session.scalar(select(func.count()).select_from(Answer).where(
        Answer.response_id == response_id, Answer.question_id == CONSENT_QUESTION, Answer.option_id == "yes")) or 0) > 0


def _consent():
    return Answer.response_id.in_(select(Answer.response_id).where(Answer.question_id == CONSENT_QUESTION,
                                                                   Answer.option_id == "yes"))


def consenting_answers(session: Session, actor: Actor, survey_id: str | None = None, limit: int = 200) -> list[tuple]:
    """(answer_id, survey_id, question_id, text) of analysed, visible answers whose respondent said yes."""
    require(actor, FACILITATOR)
    query = (select(Answer.id, Response.survey_id, Answer.question_id, Answer.text)
             .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
             .join(Response, Response.id == Answer.response_id)
             .where(visible_to_facilitators(), _consent())
             .order_by(Answer.id.desc()).limit(limit))
    if survey_id:
        query = query.where(Response.survey_id == survey_id)
    return [tuple(r) for r in session.execute(query)]


# Which answers to list, by what has been done with them.
NOT_QUOTED, ANY = "not_quoted", "any"
QUOTE_STATES = (NOT_QUOTED, QUOTE_DRAFT, QUOTE_APPROVED, QUOTE_WITHDRAWN, ANY)


def quote_candidates(session: Session, actor: Actor, filters: AnswerFilter | None = None, quoted: str = NOT_QUOTED,
                     page: int = 1, size: int = 20) -> Page[QuoteCandidate]:
    """Answers whose writer said yes to quoting, newest first, one page at a time, with the total.

    `filters` as in the workspace (survey, campaign, theme, sentiment, words); `quoted` is one of
    QUOTE_STATES: not quoted yet (default), answers with a draft, approved or withdrawn quote, or any."""
    require(actor, FACILITATOR)
    if quoted not in QUOTE_STATES:
        raise Invalid(f"'{quoted}' is not one of {', '.join(QUOTE_STATES)}.")
    query = (select(Answer.id, Answer.text, SurveyRecord.title, Response.survey_version_id, Answer.question_id,
                    Campaign.title, Campaign.name, TextAnalysis.sentiment, Quote.id, Quote.status)
             .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
             .join(Response, Response.id == Answer.response_id)
             .join(Campaign, Campaign.id == Response.campaign_id)
             .join(SurveyRecord, SurveyRecord.id == Response.survey_id)
             .outerjoin(Quote, Quote.answer_id == Answer.id)
             .where(visible_to_facilitators(), _consent()))
    query = apply_filter(query, filters or AnswerFilter())
    if quoted == NOT_QUOTED:
        query = query.where(Quote.id.is_(None))
    elif quoted != ANY:
        query = query.where(Quote.status == quoted)
    total = count_of(session, query)
    number = clamp(page, total, size)
    rows = session.execute(query.order_by(Answer.id.desc()).limit(size).offset((number - 1) * size)).all()
    wording = question_texts(session, [(r[3], r[4]) for r in rows])
    return Page([QuoteCandidate(r[0], r[1] or "", r[2] or "", wording.get((r[3], r[4]), r[4]), r[5] or r[6], r[7],
                                r[8], r[9]) for r in rows], total, number, size)


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
    survey = survey_of_version(session.get_one(SurveyVersion, response.survey_version_id))
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
        if group is not None and group.type in ("school", "college"):  # detail_allowed: never None here
            parts.append(group.name)
    if campaign is not None and campaign.title and not campaign.is_default:
        parts.append(campaign.title)
    else:
        title = survey.title if survey else response.survey_id
        parts.append(" ".join(p for p in (title, _year_of(campaign, response)) if p))
    return ", ".join(parts)


# ---------------------------------------------------------------- making and approving

def _places(session: Session) -> list[str]:
    # Schools, clubs and colleges by name. The YPAG is left alone: quotes are attributed to it anyway,
    # and "the YPAG listened to me" should not read "the [school] listened to me".
    return [n for n in session.scalars(select(Group.name).where(Group.type != "ypag")) if n]


def _log_changes(changes, by: str, at: datetime) -> list[dict]:
    # The words removed are not kept: they may be the very name the redaction hides.
    # start/end are offsets in the original answer (voice.evidence.redaction.RedactionChange).
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
    result = redact((answer.text or "").strip(), places=_places(session))
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


def _quote(session: Session, quote_id: int) -> Quote:
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound("That quote is no longer there (it was discarded, or its answer was erased).")
    return quote


def _draft(session: Session, quote_id: int) -> Quote:
    quote = _quote(session, quote_id)
    if quote.status == QUOTE_APPROVED:
        raise QuoteRefused("This quote is approved; it can no longer be changed. Withdraw it first to change it.")
    if quote.status == QUOTE_WITHDRAWN:
        raise QuoteRefused("This quote was withdrawn. Put it back in drafts first to change it.")
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
    record(session, actor, "quote_tagged", "quote", quote.id, themes=quote.theme_ids, priorities=quote.priority_ids)
    return _view(quote)


def approve_quote(session: Session, actor: Actor, quote_id: int, now: datetime | None = None) -> QuoteView:
    """Approve a draft. Pressing Approve twice (or a retry) finds it approved and changes nothing."""
    require(actor, FACILITATOR)
    now = now or utcnow()
    quote = _quote(session, quote_id)
    if quote.status == QUOTE_APPROVED:
        return _view(quote)
    quote = _draft(session, quote_id)
    quote.status, quote.approved_by, quote.approved_at = QUOTE_APPROVED, actor.username, now
    session.flush()
    record(session, actor, "quote_approved", "quote", quote.id, at=now)
    return _view(quote)


def discard_quote(session: Session, actor: Actor, quote_id: int) -> None:
    """Delete a draft (an approved quote is withdrawn instead). A second press finds nothing left to do."""
    require(actor, FACILITATOR)
    if session.get(Quote, quote_id) is None:
        return
    quote = _draft(session, quote_id)
    session.delete(quote)
    session.flush()
    record(session, actor, "quote_discarded", "quote", quote_id)


def quote_usage(session: Session, actor: Actor, quote_id: int) -> QuoteUsage:
    """Where the quote shows while approved: "you said, we did" items linking it, and its priorities."""
    from voice.evidence.priorities import current_period

    require(actor, FACILITATOR)
    quote = _quote(session, quote_id)
    items = session.scalars(select(YouSaidWeDid)
                            .where(cast(YouSaidWeDid.quote_ids, Text).like(like_pattern(str(quote.id))))
                            .order_by(YouSaidWeDid.id))
    used = tuple(ItemUse(i.id, i.you_said, bool(i.published)) for i in items if quote.id in (i.quote_ids or []))
    period = current_period(session)
    titles = {p.key: p.title for p in (period.priorities if period else [])}
    return QuoteUsage(used, tuple((k, titles[k]) for k in (quote.priority_ids or []) if k in titles))


def withdraw_quote(session: Session, actor: Actor, quote_id: int, reason: str = "",
                   now: datetime | None = None) -> QuoteView:
    """Take an approved quote back: from then on it shows nowhere (reports, priority pages, published
    "you said, we did" items read approved quotes only). Withdrawing twice changes nothing."""
    require(actor, FACILITATOR)
    now = now or utcnow()
    quote = _quote(session, quote_id)
    if quote.status == QUOTE_WITHDRAWN:
        return _view(quote)
    if quote.status != QUOTE_APPROVED:
        raise QuoteRefused("Only an approved quote can be withdrawn; a draft can simply be discarded.")
    usage = quote_usage(session, actor, quote_id)
    quote.status = QUOTE_WITHDRAWN
    quote.redactions = [*(quote.redactions or []), {"kind": "withdrawn", "by": actor.username,
                                                     "at": now.isoformat(timespec="seconds"),
                                                     "reason": (reason or "").replace("\x00", "").strip()[:500]}]
    session.flush()
    record(session, actor, "quote_withdrawn", "quote", quote.id, items=[i.id for i in usage.items],
           published_items=usage.published_items, priorities=[k for k, _ in usage.priorities])
    return _view(quote)


def reinstate_quote(session: Session, actor: Actor, quote_id: int) -> QuoteView:
    """A withdrawn quote back to draft, to check and approve again (it shows nowhere until then)."""
    require(actor, FACILITATOR)
    quote = _quote(session, quote_id)
    if quote.status == QUOTE_DRAFT:
        return _view(quote)
    if quote.status != QUOTE_WITHDRAWN:
        raise QuoteRefused("This quote is approved. Withdraw it first if it should not be used.")
    quote.status, quote.approved_by, quote.approved_at = QUOTE_DRAFT, None, None
    session.flush()
    record(session, actor, "quote_reinstated", "quote", quote.id)
    return _view(quote)


def quote_page(session: Session, actor: Actor, status: str, search: str = "", page: int = 1,
               size: int = 20) -> Page[QuoteView]:
    """Quotes with `status` (draft, approved, withdrawn), newest first, one page with the total."""
    require(actor, FACILITATOR)
    query = (select(Quote, SurveyRecord.title, Response.survey_version_id, Answer.question_id, Campaign.title,
                    Campaign.name)
             .outerjoin(SurveyRecord, SurveyRecord.id == Quote.survey_id)
             .outerjoin(Answer, Answer.id == Quote.answer_id)
             .outerjoin(Response, Response.id == Quote.response_id)
             .outerjoin(Campaign, Campaign.id == Quote.campaign_id)
             .where(Quote.status == status))
    if (search or "").strip():
        query = query.where(Quote.text.ilike(like_pattern(search.strip()), escape="\\"))
    total = count_of(session, query)
    number = clamp(page, total, size)
    order = Quote.approved_at.desc() if status == QUOTE_APPROVED else Quote.id.desc()
    rows = session.execute(query.order_by(order, Quote.id.desc()).limit(size).offset((number - 1) * size)).all()
    wording = question_texts(session, [(r[2], r[3]) for r in rows if r[2] is not None])
    views = []
    for quote, survey_title, version_id, question_id, campaign_title, campaign_name in rows:
        view = _view(quote)
        views.append(QuoteView(**{**view.__dict__, "survey_title": survey_title or quote.survey_id,
                                  "question_text": wording.get((version_id, question_id), "") if version_id else "",
                                  "campaign_title": campaign_title or campaign_name or ""}))
    return Page(views, total, number, size)


def quote_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many quotes are in each state (for the tab labels)."""
    require(actor, FACILITATOR)
    counts = dict(session.execute(select(Quote.status, func.count()).group_by(Quote.status)).all())
    return {s: int(counts.get(s, 0)) for s in (QUOTE_DRAFT, QUOTE_APPROVED, QUOTE_WITHDRAWN)}


def list_quotes(session: Session, actor: Actor, status: str | None = None) -> list[QuoteView]:
    require(actor, FACILITATOR)
    # A quote whose response is now held for the safeguarding leads (a later indicator) leaves the workspace too.
    query = select(Quote).where(~withheld(Quote.answer_id, Quote.response_id)).order_by(Quote.id.desc())
    if status:
        query = query.where(Quote.status == status)
    return [_view(q) for q in session.scalars(query)]


def approved_quotes(session: Session, priority_id: str | None = None,
                    theme_id: str | None = None) -> list[ApprovedQuote]:
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
    "ANY", "NOT_QUOTED", "QUOTE_STATES", "ApprovedQuote", "ItemUse", "QuoteCandidate", "QuoteRefused",
    "QuoteUsage", "QuoteView", "approve_quote", "approved_quotes", "attribution_for", "consenting_answers",
    "discard_quote", "edit_quote_text", "group_size", "has_quote_consent", "list_quotes", "make_quote",
    "quote_candidates", "quote_counts", "quote_page", "quote_usage", "reinstate_quote", "set_quote_tags",
    "still_identifying", "withdraw_quote",
]
