"""The safeguarding queue: responses that may show a young person at risk, for designated safeguarding
leads and nobody else.

One item per response (voice.safeguarding.records), holding every indicator that raised it: flagged free
text and closed answers the survey marks as a risk. Every function checks the role itself (the page checks
too) and every look at the queue or at an item is written to the audit trail (who has seen an item is read
back from it). Status moves new -> reviewed -> action_taken | no_action, each step in the item's history
with who and when. Nothing is done to a young person automatically: the queue only informs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.analysis.examples import keep_outcome
from voice.db import utcnow
from voice.errors import Invalid, NotFound
from voice.models import (
    Answer, AuditEvent, Response, SafeguardingIndicator, SafeguardingItem, SurveyVersion,
)
from voice.models.analysis import SG_ACTION_TAKEN, SG_NEW, SG_NO_ACTION, SG_REVIEWED, SG_STATUSES
from voice.models.safeguarding import INDICATOR_CLOSED, INDICATOR_TEXT
from voice.safeguarding.categories import rank
from voice.safeguarding.held import OPEN_STATUSES
from voice.safeguarding.records import event, note_event
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import SAFEGUARDING

OVERDUE_AFTER = timedelta(hours=24)
OVERDUE_WORDS = f"{OVERDUE_AFTER // timedelta(hours=1)} hours"  # how the queue names OVERDUE_AFTER
OUTCOMES = (SG_ACTION_TAKEN, SG_NO_ACTION)
STATUS_LABELS = {SG_NEW: "New", SG_REVIEWED: "Reviewed", SG_ACTION_TAKEN: "Action taken",
                 SG_NO_ACTION: "No action needed"}
STATUS_FILTERS = ("open", SG_NEW, SG_REVIEWED, SG_ACTION_TAKEN, SG_NO_ACTION, "all")
MAX_NOTE = 4000


class InvalidTransition(Invalid):
    """A status change the lifecycle does not allow; the message says what is allowed."""


@dataclass(frozen=True)
class QueueItem:
    id: int
    status: str
    categories: tuple[str, ...]
    survey_id: str
    survey_title: str
    campaign: str
    group: str
    created_at: datetime
    updated_at: datetime
    age_hours: float
    overdue: bool  # still new after OVERDUE_AFTER: highlighted
    reviewed_by: str | None
    outcome_by: str | None
    indicators: int
    summary: str  # the flagged words (or the marked answer) for the list: leads only
    answers_erased: bool


@dataclass(frozen=True)
class IndicatorView:
    kind: str  # text | closed | (a later kind: shown by its `why`)
    categories: tuple[str, ...]
    question_id: str
    question_label: str
    option_label: str
    text: str | None  # the young person's words, while the answer exists
    matches: tuple[str, ...]
    why: str
    created_at: datetime


@dataclass(frozen=True)
class ContextAnswer:
    """One answer of the whole response, labelled with the question as the young person saw it."""

    question_id: str
    question: str
    answer: str
    is_text: bool
    raised: bool  # this answer is one of the item's indicators


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime | None
    by: str
    event: str
    what: str  # in words, for the lead
    note: str


@dataclass(frozen=True)
class ItemDetail:
    id: int
    status: str
    categories: tuple[str, ...]
    indicators: tuple[IndicatorView, ...]
    answers: tuple[ContextAnswer, ...]  # empty once the response is erased
    survey_id: str
    survey_title: str
    campaign: str
    group: str
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    overdue: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    outcome_by: str | None
    outcome_at: datetime | None
    released: bool
    history: tuple[HistoryEntry, ...]
    seen_by: tuple[tuple[str, datetime, int], ...]  # (who, last look, how many looks), most recent first
    answers_erased_at: datetime | None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def notes(self) -> tuple[HistoryEntry, ...]:
        return tuple(h for h in self.history if h.note)


def is_overdue(status: str, created_at: datetime, now: datetime) -> bool:
    return status == SG_NEW and now - created_at > OVERDUE_AFTER


def _status_condition(query, status: str | None):
    if status in (None, "", "open"):
        return query.where(SafeguardingItem.status.in_(OPEN_STATUSES))
    if status == "all":
        return query
    if status not in SG_STATUSES:
        raise Invalid(f"'{status}' is not a status: use open, all or one of {', '.join(SG_STATUSES)}.")
    return query.where(SafeguardingItem.status == status)


def _summaries(session: Session, item_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Per item: (number of indicators, a one-line summary: the flagged words first, else the marked answer)."""
    out: dict[int, tuple[int, str]] = {}
    found: dict[int, list[tuple[str, str]]] = {}
    for i in range(0, len(item_ids), 500):
        for item_id, kind, question_label, option_label, why, text in session.execute(
                select(SafeguardingIndicator.item_id, SafeguardingIndicator.kind, SafeguardingIndicator.question_label,
                       SafeguardingIndicator.option_label, SafeguardingIndicator.why, Answer.text)
                .outerjoin(Answer, Answer.id == SafeguardingIndicator.answer_id)
                .where(SafeguardingIndicator.item_id.in_(item_ids[i:i + 500])).order_by(SafeguardingIndicator.id)):
            if kind == INDICATOR_TEXT:
                line = text if text is not None else "(answer erased)"
            elif kind == INDICATOR_CLOSED:
                line = f"{option_label} to \u201c{question_label}\u201d"
            else:
                line = why or kind
            found.setdefault(item_id, []).append((kind, line))
    for item_id, lines in found.items():
        texts = [line for kind, line in lines if kind == INDICATOR_TEXT]
        others = [line for kind, line in lines if kind != INDICATOR_TEXT]
        out[item_id] = (len(lines), " · ".join(texts + others))
    return out


def list_queue(session: Session, actor: Actor, status: str | None = "open", *, category: str | None = None,
               campaign: str | None = None, now: datetime | None = None, limit: int = 500,
               already_seen: Iterable[int] | None = None) -> list[QueueItem]:
    """Items for the lead: new items left for over OVERDUE_AFTER first, then new before reviewed, newest first (an
    item something was added to counts from then), and among items raised together (by one import or
    catch-up) the most serious category first. `status`: 'open' (new and reviewed), 'all', or one status.

    Audited as a look at the queue, unless every item shown is in `already_seen` (the page refreshing
    itself every few seconds is not a new look until something new appears).
    """
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    query = _status_condition(select(SafeguardingItem), status)
    if campaign:
        query = query.where(SafeguardingItem.campaign == campaign)
    rows = list(session.scalars(query.order_by(SafeguardingItem.updated_at.desc(), SafeguardingItem.id.desc())
                                .limit(limit if not category else limit * 10)))
    if category:
        rows = [i for i in rows if category in (i.categories or [])][:limit]
    summaries = _summaries(session, [i.id for i in rows])
    items = [
        QueueItem(i.id, i.status, tuple(i.categories or ()), i.survey_id, i.survey_title or i.survey_id,
                  i.campaign or "", i.group_name or "(no group)", i.created_at, i.updated_at or i.created_at,
                  round((now - i.created_at).total_seconds() / 3600, 1), is_overdue(i.status, i.created_at, now),
                  i.reviewed_by, i.outcome_by, *summaries.get(i.id, (0, "")), i.answers_erased_at is not None)
        for i in rows
    ]
    status_order = {SG_NEW: 0, SG_REVIEWED: 1}
    # Items raised by one run (an import, a catch-up) share their time exactly: the most serious first.
    items.sort(key=lambda q: (not q.overdue, status_order.get(q.status, 2), -q.updated_at.timestamp(),
                              rank(q.categories), -q.id))
    shown = {q.id for q in items}
    if already_seen is None or not shown <= set(already_seen):
        record(session, actor, "safeguarding_queue_viewed", "safeguarding_queue", status or "open", at=now,
               items=len(items), overdue=sum(q.overdue for q in items), item_ids=sorted(shown)[:200])
    return items


def queue_summary(session: Session, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Counts for the menu and the lead's home: new, overdue, reviewed (not audited: no item is shown)."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    counts = dict(session.execute(select(SafeguardingItem.status, func.count())
                                  .where(SafeguardingItem.status.in_(OPEN_STATUSES))
                                  .group_by(SafeguardingItem.status)).all())
    overdue = session.scalar(select(func.count()).select_from(SafeguardingItem).where(
        SafeguardingItem.status == SG_NEW, SafeguardingItem.created_at < now - OVERDUE_AFTER)) or 0
    return {"new": counts.get(SG_NEW, 0), "reviewed": counts.get(SG_REVIEWED, 0), "overdue": overdue}


def filter_choices(session: Session, actor: Actor) -> dict[str, list[str]]:
    """Campaigns and categories that items have, for the queue's filters."""
    require(actor, SAFEGUARDING)
    campaigns = [c for c in session.scalars(select(SafeguardingItem.campaign).distinct()
                                            .order_by(SafeguardingItem.campaign)) if c]
    categories: list[str] = []
    for cats in session.scalars(select(SafeguardingItem.categories)):
        categories += [c for c in (cats or []) if c not in categories]
    return {"campaigns": campaigns, "categories": sorted(categories, key=lambda c: (rank([c]), c))}


def _item(session: Session, item_id: int) -> SafeguardingItem:
    item = session.get(SafeguardingItem, item_id)
    if item is None:
        raise NotFound(f"There is no safeguarding item {item_id}.")
    return item


def _answer_words(question, rows: list[tuple[str, str | None, float | None]]) -> tuple[str, bool]:
    """An answer in words: option labels (several for a multi question), the text, or the number."""
    from voice.surveys.schema import tr

    if question is not None and question.type == "text" or any(text is not None for _, text, _ in rows):
        return next((text for _, text, _ in rows if text is not None), ""), True
    if any(number is not None for _, _, number in rows):
        number = next(n for _, _, n in rows if n is not None)
        return (str(int(number)) if float(number).is_integer() else str(number)), False
    labels = []
    for option_id, _, _ in rows:
        option = question.option(option_id) if question is not None else None
        labels.append(tr(option.label) if option is not None else option_id)
    return ", ".join(labels), False


def _context(session: Session, response: Response | None, raised_answers: set[int]) -> tuple[ContextAnswer, ...]:
    """Every answer of the response in survey order, labelled with the question's wording."""
    from voice.surveys.registry import survey_of_version
    from voice.surveys.schema import tr

    if response is None:
        return ()
    try:
        survey = survey_of_version(session.get_one(SurveyVersion, response.survey_version_id))
    except Exception:  # a version that no longer parses: still show the answers, by question id
        survey = None
    by_question: dict[str, list] = {}
    for answer_id, question_id, option_id, text, number in session.execute(
            select(Answer.id, Answer.question_id, Answer.option_id, Answer.text, Answer.number)
            .where(Answer.response_id == response.id).order_by(Answer.id)):
        by_question.setdefault(question_id, []).append((answer_id, option_id, text, number))
    order = [q.id for q in survey.questions] if survey else []
    out = []
    for question_id in sorted(by_question, key=lambda q: (order.index(q) if q in order else len(order), q)):
        question = survey.question(question_id) if survey else None
        rows = by_question[question_id]
        words, is_text = _answer_words(question, [(o, t, n) for _, o, t, n in rows])
        out.append(ContextAnswer(question_id, tr(question.text) if question else question_id, words, is_text,
                                 any(a in raised_answers for a, *_ in rows)))
    return tuple(out)


EVENT_WORDS = {
    "created": "Raised",
    "indicator_added": "Something else in the same response raised it again",
    "back_to_new": "Back to new: something unread was added after the review",
    "reviewed": "Marked as reviewed",
    "note": "Note",
    "answers_erased": "The young person's answers were erased",
    "merged": "Items of the same response were merged into this one",
}


def _history(item: SafeguardingItem) -> tuple[HistoryEntry, ...]:
    from voice.safeguarding.categories import labels

    out = []
    for entry in item.history or []:
        try:
            at = datetime.fromisoformat(str(entry.get("at") or "")) if entry.get("at") else None
        except ValueError:
            at = None
        name = str(entry.get("event") or "")
        what = EVENT_WORDS.get(name) or name.replace("_", " ").capitalize()
        if name == "closed":
            what = f"Closed: {STATUS_LABELS.get(entry.get('status'), entry.get('status'))}"
            if entry.get("released"):
                what += " (released to facilitators)"
        elif name == "indicator_added" and entry.get("categories"):
            what += f" ({labels(entry['categories'])})"
        elif name == "answers_erased" and entry.get("reason"):
            what += f" ({entry['reason']})"
        elif name == "merged" and entry.get("merged_items"):
            what += " (" + ", ".join(f"#{i}" for i in entry["merged_items"]) + ")"
        out.append(HistoryEntry(at, str(entry.get("by") or ""), name, what, str(entry.get("note") or "")))
    return tuple(out)


def seen_by(session: Session, item_id: int) -> tuple[tuple[str, datetime, int], ...]:
    """Who has opened the item (from the audit trail): (who, last time, times), most recent first."""
    rows = session.execute(select(AuditEvent.actor, func.max(AuditEvent.at), func.count())
                           .where(AuditEvent.action == "safeguarding_item_viewed",
                                  AuditEvent.target_type == "safeguarding_item",
                                  AuditEvent.target_id == str(item_id))
                           .group_by(AuditEvent.actor)).all()
    return tuple(sorted(((a, at, n) for a, at, n in rows), key=lambda r: r[1], reverse=True))


def open_item(session: Session, actor: Actor, item_id: int, now: datetime | None = None,
              audit: bool = True) -> ItemDetail:
    """The item in full: its indicators, the whole response in context, its history and who has seen it.

    Audited as a look (counted in `seen_by` at once). `audit=False` only for the same look continuing
    (the page re-drawing the item it already shows after a note or a decision).
    """
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    item = _item(session, item_id)
    if audit:
        record(session, actor, "safeguarding_item_viewed", "safeguarding_item", item.id, at=now, status=item.status)
        session.flush()
    response = session.get(Response, item.response_id) if item.response_id else None
    texts = dict(session.execute(select(Answer.id, Answer.text).where(
        Answer.id.in_([i.answer_id for i in item.indicators if i.answer_id is not None]))).all())
    indicators = tuple(
        IndicatorView(i.kind, tuple(i.categories or ()), i.question_id, i.question_label, i.option_label,
                      texts.get(i.answer_id) if i.kind == INDICATOR_TEXT and i.answer_id is not None else None,
                      tuple(i.matches or ()), i.why,
                      i.created_at)
        for i in item.indicators)
    raised = {i.answer_id for i in item.indicators if i.answer_id is not None}
    return ItemDetail(
        item.id, item.status, tuple(item.categories or ()), indicators, _context(session, response, raised),
        item.survey_id, item.survey_title or item.survey_id, item.campaign or "", item.group_name or "(no group)",
        response.submitted_at if response else None, item.created_at, item.updated_at or item.created_at,
        is_overdue(item.status, item.created_at, now), item.reviewed_by, item.reviewed_at, item.outcome_by,
        item.outcome_at, bool(item.released), _history(item), seen_by(session, item.id), item.answers_erased_at,
    )


def _clean_note(note: str) -> str:
    return (note or "").replace("\x00", "").strip()[:MAX_NOTE]


def add_note(session: Session, actor: Actor, item_id: int, note: str, now: datetime | None = None) -> SafeguardingItem:
    """A note on the record, at any time (also after it is closed or its answers erased)."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    note = _clean_note(note)
    if not note:
        raise Invalid("Write the note first.")
    item = _item(session, item_id)
    note_event(item, event(now, actor.username, "note", note=note))
    record(session, actor, "safeguarding_note_added", "safeguarding_item", item.id, at=now)
    session.flush()
    return item


def mark_reviewed(session: Session, actor: Actor, item_id: int, note: str = "",
                  now: datetime | None = None) -> SafeguardingItem:
    """new -> reviewed: a lead has read the item and is deciding what to do."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    item = _item(session, item_id)
    if item.status != SG_NEW:
        raise InvalidTransition(f"Item {item_id} is already '{STATUS_LABELS[item.status]}': only a new item "
                                "can be marked as reviewed.")
    item.status, item.reviewed_by, item.reviewed_at = SG_REVIEWED, actor.username, now
    note_event(item, event(now, actor.username, "reviewed", note=_clean_note(note)))
    record(session, actor, "safeguarding_item_reviewed", "safeguarding_item", item.id, at=now)
    session.flush()
    return item


def record_outcome(session: Session, actor: Actor, item_id: int, outcome: str, note: str = "",
                   release: bool = False, now: datetime | None = None) -> SafeguardingItem:
    """reviewed -> action_taken | no_action: the lead's decision (the one place it is recorded).

    `release` (no_action only) lets facilitators use the response's free text, the answers that raised
    the item included. Without it, the rest of the response is free once the item is closed, but the
    answers that raised it stay with the leads (voice.safeguarding.held).
    """
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    if outcome not in OUTCOMES:
        raise Invalid(f"'{outcome}' is not an outcome: use {' or '.join(OUTCOMES)}.")
    item = _item(session, item_id)
    if item.status != SG_REVIEWED:
        raise InvalidTransition(f"Item {item_id} is '{STATUS_LABELS[item.status]}': mark it as reviewed first, "
                                "then record what was done." if item.status == SG_NEW else
                                f"Item {item_id} already has an outcome ('{STATUS_LABELS[item.status]}').")
    if release and outcome != SG_NO_ACTION:
        raise InvalidTransition("Only an item closed with 'no action needed' can be released to facilitators.")
    note = _clean_note(note)
    if outcome == SG_ACTION_TAKEN and not note:
        raise Invalid("Say briefly what action was taken (for the record).")
    item.status, item.outcome_by, item.outcome_at, item.released = outcome, actor.username, now, bool(release)
    keep_outcome(session, item, now)  # the decision becomes a labelled example (voice.analysis.examples)
    note_event(item, event(now, actor.username, "closed", status=outcome, released=bool(release), note=note))
    record(session, actor, "safeguarding_outcome_recorded", "safeguarding_item", item.id, at=now, outcome=outcome,
           released=bool(release))
    session.flush()
    return item


__all__ = [
    "ContextAnswer", "HistoryEntry", "IndicatorView", "InvalidTransition", "ItemDetail", "OUTCOMES", "OVERDUE_AFTER",
    "QueueItem", "STATUS_FILTERS", "STATUS_LABELS", "add_note", "filter_choices", "is_overdue", "list_queue",
    "mark_reviewed", "open_item", "queue_summary", "record_outcome", "seen_by",
]
