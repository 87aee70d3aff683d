"""The safeguarding queue: flagged answers for designated safeguarding leads, and nobody else.

Every function checks the role itself (the page checks too) and every look at the queue or at an
item is written to the audit trail. Status moves new -> reviewed -> action_taken | no_action, each
step with who and when. Nothing is done to a young person automatically: the queue only informs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.analysis.examples import keep_outcome
from voice.db import utcnow
from voice.models import Answer, Campaign, Group, Response, SafeguardingItem, SurveyRecord
from voice.models.analysis import SG_ACTION_TAKEN, SG_NEW, SG_NO_ACTION, SG_REVIEWED, SG_STATUSES
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import SAFEGUARDING

OVERDUE_AFTER = timedelta(hours=24)
OPEN_STATUSES = (SG_NEW, SG_REVIEWED)
OUTCOMES = (SG_ACTION_TAKEN, SG_NO_ACTION)
STATUS_LABELS = {SG_NEW: "New", SG_REVIEWED: "Reviewed", SG_ACTION_TAKEN: "Action taken",
                 SG_NO_ACTION: "No action needed"}


class InvalidTransition(ValueError):
    """A status change the lifecycle does not allow; the message says what is allowed."""


@dataclass(frozen=True)
class QueueItem:
    id: int
    status: str
    categories: tuple[str, ...]
    survey_id: str
    group: str
    created_at: datetime
    age_hours: float
    overdue: bool  # still new after OVERDUE_AFTER: highlighted
    reviewed_by: str | None
    outcome_by: str | None


@dataclass(frozen=True)
class ItemDetail:
    id: int
    status: str
    categories: tuple[str, ...]
    matches: tuple[str, ...]
    text: str
    question_id: str
    survey_id: str
    survey_title: str
    campaign: str
    group: str
    submitted_at: datetime | None
    created_at: datetime
    overdue: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    outcome_by: str | None
    outcome_at: datetime | None
    note: str
    released: bool


def is_overdue(status: str, created_at: datetime, now: datetime) -> bool:
    return status == SG_NEW and now - created_at > OVERDUE_AFTER


def list_queue(session: Session, actor: Actor, status: str | None = "open", now: datetime | None = None,
               limit: int = 500) -> list[QueueItem]:
    """Items, overdue first then oldest first. status: 'open' (new and reviewed), 'all', or one status."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    query = (select(SafeguardingItem, Group.name)
             .join(Response, Response.id == SafeguardingItem.response_id)
             .outerjoin(Group, Group.id == Response.group_id)
             .order_by(SafeguardingItem.created_at, SafeguardingItem.id))
    if status == "open":
        query = query.where(SafeguardingItem.status.in_(OPEN_STATUSES))
    elif status and status != "all":
        if status not in SG_STATUSES:
            raise ValueError(f"'{status}' is not a status: use open, all or one of {', '.join(SG_STATUSES)}.")
        query = query.where(SafeguardingItem.status == status)
    items = [
        QueueItem(i.id, i.status, tuple(i.categories or ()), i.survey_id, group or "(no group)", i.created_at,
                  round((now - i.created_at).total_seconds() / 3600, 1), is_overdue(i.status, i.created_at, now),
                  i.reviewed_by, i.outcome_by)
        for i, group in session.execute(query.limit(limit)).all()
    ]
    items.sort(key=lambda q: (not q.overdue, q.status != SG_NEW, q.created_at))
    record(session, actor, "safeguarding_queue_viewed", "safeguarding_queue", status or "open", at=now,
           items=len(items), overdue=sum(q.overdue for q in items))
    return items


def queue_summary(session: Session, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Counts for a badge: new, overdue, reviewed (not audited: no item is shown)."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    counts = dict(session.execute(select(SafeguardingItem.status, func.count()).group_by(SafeguardingItem.status)).all())
    overdue = session.scalar(select(func.count()).select_from(SafeguardingItem).where(
        SafeguardingItem.status == SG_NEW, SafeguardingItem.created_at < now - OVERDUE_AFTER)) or 0
    return {"new": counts.get(SG_NEW, 0), "reviewed": counts.get(SG_REVIEWED, 0), "overdue": overdue}


def _item(session: Session, item_id: int) -> SafeguardingItem:
    item = session.get(SafeguardingItem, item_id)
    if item is None:
        raise LookupError(f"There is no safeguarding item {item_id}.")
    return item


def open_item(session: Session, actor: Actor, item_id: int, now: datetime | None = None) -> ItemDetail:
    """The flagged answer in full, with where it came from. Audited."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    item = _item(session, item_id)
    answer = session.get(Answer, item.answer_id)
    response = session.get(Response, item.response_id)
    group = session.get(Group, response.group_id) if response and response.group_id else None
    campaign = session.get(Campaign, response.campaign_id) if response else None
    survey = session.get(SurveyRecord, item.survey_id)
    record(session, actor, "safeguarding_item_viewed", "safeguarding_item", item.id, at=now, status=item.status)
    return ItemDetail(
        item.id, item.status, tuple(item.categories or ()), tuple(item.matches or ()),
        (answer.text or "") if answer else "", answer.question_id if answer else "", item.survey_id,
        survey.title if survey else item.survey_id, campaign.name if campaign else "",
        group.name if group else "(no group)", response.submitted_at if response else None, item.created_at,
        is_overdue(item.status, item.created_at, now), item.reviewed_by, item.reviewed_at, item.outcome_by,
        item.outcome_at, item.note or "", bool(item.released),
    )


def _add_note(item: SafeguardingItem, actor: Actor, at: datetime, note: str) -> None:
    note = (note or "").replace("\x00", "").strip()
    if note:
        line = f"[{at:%Y-%m-%d %H:%M} UTC, {actor.username}] {note}"
        item.note = f"{item.note}\n{line}" if item.note else line


def mark_reviewed(session: Session, actor: Actor, item_id: int, note: str = "",
                  now: datetime | None = None) -> SafeguardingItem:
    """new -> reviewed: a lead has read the answer and is deciding what to do."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    item = _item(session, item_id)
    if item.status != SG_NEW:
        raise InvalidTransition(f"Item {item_id} is already '{STATUS_LABELS[item.status]}': only a new item "
                                "can be marked as reviewed.")
    item.status, item.reviewed_by, item.reviewed_at = SG_REVIEWED, actor.username, now
    _add_note(item, actor, now, note)
    record(session, actor, "safeguarding_item_reviewed", "safeguarding_item", item.id, at=now)
    session.flush()
    return item


def record_outcome(session: Session, actor: Actor, item_id: int, outcome: str, note: str = "",
                   release: bool = False, now: datetime | None = None) -> SafeguardingItem:
    """reviewed -> action_taken | no_action. `release` (no_action only) lets facilitators use the answer."""
    require(actor, SAFEGUARDING)
    now = now or utcnow()
    if outcome not in OUTCOMES:
        raise ValueError(f"'{outcome}' is not an outcome: use {' or '.join(OUTCOMES)}.")
    item = _item(session, item_id)
    if item.status != SG_REVIEWED:
        raise InvalidTransition(f"Item {item_id} is '{STATUS_LABELS[item.status]}': mark it as reviewed first, "
                                "then record what was done." if item.status == SG_NEW else
                                f"Item {item_id} already has an outcome ('{STATUS_LABELS[item.status]}').")
    if release and outcome != SG_NO_ACTION:
        raise InvalidTransition("Only an item closed with 'no action needed' can be released to facilitators.")
    if outcome == SG_ACTION_TAKEN and not (note or "").strip():
        raise ValueError("Say briefly what action was taken (for the record).")
    item.status, item.outcome_by, item.outcome_at, item.released = outcome, actor.username, now, bool(release)
    keep_outcome(session, actor, item, now)  # the decision becomes a labelled example (voice.analysis.examples)
    _add_note(item, actor, now, note)
    record(session, actor, "safeguarding_outcome_recorded", "safeguarding_item", item.id, at=now, outcome=outcome,
           released=bool(release))
    session.flush()
    return item


__all__ = [
    "InvalidTransition", "ItemDetail", "OVERDUE_AFTER", "QueueItem", "STATUS_LABELS", "is_overdue", "list_queue",
    "mark_reviewed", "open_item", "queue_summary", "record_outcome",
]
