"""Safeguarding items from indicators, and the record that stays when the answers go.

- `raise_indicators` turns indicators (flagged free text, marked closed answers) into items: ONE open item
  per response; a later indicator for a response with an open item joins that item (a reviewed item goes
  back to new, since something in it is unread), a response whose item is closed gets a new item. An
  answer raises an indicator once, ever. Nobody is told here: the caller hands the result to
  voice.safeguarding.notify, in the same transaction.
- `forget_response` / `forget_answers` run just before answers are deleted (erasure, retention): the words
  that fired are removed from the indicators and the history says when, so the record keeps everything a
  lead needs (survey, campaign, group, categories, indicators, decisions, notes) without the answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.models import (
    Answer, Campaign, Group, Response, SafeguardingIndicator, SafeguardingItem, SurveyRecord, SurveyVersion,
)
from voice.models.analysis import SG_NEW, SG_REVIEWED
from voice.models.safeguarding import INDICATOR_TEXT
from voice.safeguarding.categories import labels, merged
from voice.safeguarding.held import OPEN_STATUSES

CHUNK = 500


@dataclass(frozen=True)
class NewIndicator:
    """Something in one response that a lead must see. `matches` are the young person's own words."""

    response_id: int
    answer_id: int | None
    kind: str
    categories: tuple[str, ...]
    question_id: str = ""
    question_label: str = ""
    option_id: str = ""
    option_label: str = ""
    matches: tuple[str, ...] = ()
    why: str = ""


@dataclass
class Raised:
    """What one run added to the queue (for the notification and the counts)."""

    new_items: list[int] = field(default_factory=list)
    updated_items: list[int] = field(default_factory=list)  # open items that got another indicator
    indicators: int = 0
    categories: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new_items or self.updated_items)


def event(at: datetime, by: str, name: str, **extra) -> dict:
    """One history entry. `at` is naive UTC, written as ISO text (JSON has no dates)."""
    return {"at": at.isoformat(timespec="seconds"), "by": by, "event": name, **extra}


def text_why(question_label: str, categories: Sequence[str]) -> str:
    """Why a free-text answer raised an item, without the answer's words."""
    about = f" to \u201c{question_label}\u201d" if question_label else ""
    if "not_screened" in categories:
        return (f"The free-text answer{about} could not be checked automatically (it seems to be in a language "
                "the check does not read): please read it.")
    return f"The free-text answer{about} has words the concern check looks for ({labels(categories)})."


def closed_why(question_label: str, option_label: str) -> str:
    return (f"Answered \u201c{option_label}\u201d to \u201c{question_label}\u201d "
            "(the survey marks this answer as a risk).")


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _question_labels(session: Session, fresh: list[NewIndicator]) -> list[NewIndicator]:
    """Fill in question ids and wording (and the plain 'why') for text indicators that name only an answer."""
    from voice.surveys.registry import survey_of_version
    from voice.surveys.schema import Survey, tr

    wanted = [i.answer_id for i in fresh if i.answer_id is not None and not i.question_label]
    where: dict[int, tuple[str, int]] = {}
    for chunk in _chunks(wanted):
        for answer_id, question_id, version_id in session.execute(
                select(Answer.id, Answer.question_id, Response.survey_version_id)
                .join(Response, Response.id == Answer.response_id).where(Answer.id.in_(chunk))):
            where[answer_id] = (question_id, version_id)
    versions: dict[int, Survey | None] = {}
    out = []
    for ind in fresh:
        question_id, label = ind.question_id, ind.question_label
        if ind.answer_id in where and not label:
            question_id, version_id = where[ind.answer_id]
            if version_id not in versions:
                try:
                    versions[version_id] = survey_of_version(session.get_one(SurveyVersion, version_id))
                except Exception:  # a definition that no longer parses: the id will do
                    versions[version_id] = None
            survey = versions[version_id]
            question = survey.question(question_id) if survey else None
            label = tr(question.text) if question else question_id
        why = ind.why or (text_why(label, ind.categories) if ind.kind == INDICATOR_TEXT else "")
        out.append(NewIndicator(ind.response_id, ind.answer_id, ind.kind, tuple(ind.categories), question_id, label,
                                ind.option_id, ind.option_label, tuple(ind.matches), why))
    return out


def _open_items(session: Session, response_ids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(list(response_ids)):
        for item_id, response_id in session.execute(
                select(SafeguardingItem.id, SafeguardingItem.response_id)
                .where(SafeguardingItem.response_id.in_(chunk), SafeguardingItem.status.in_(OPEN_STATUSES))):
            if response_id is not None:  # always: the query asks for these responses
                found[response_id] = item_id
    return found


def _insert_ignoring_conflicts(session: Session, table, rows: list[dict], *returning) -> list:
    """Insert rows, skipping any that another session got in first (a unique index), returning what went in."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    dialect_insert: Callable[..., Any]  # either dialect's insert (both have on_conflict_do_nothing)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        return list(session.execute(insert(table).returning(*returning), rows))
    statement = dialect_insert(table).on_conflict_do_nothing().returning(*returning)
    return list(session.execute(statement, rows))


def _new_items(session: Session, fresh: dict[int, list[NewIndicator]], now: datetime) -> dict[int, int]:
    """A new open item for each response (where it came from, its categories); {response id: item id} of the
    items this session made (a response another session got to first is left out)."""
    rows = []
    response_ids = sorted(fresh)
    for chunk in _chunks(response_ids):
        for response_id, survey_id, title, campaign, group in session.execute(
                select(Response.id, Response.survey_id, SurveyRecord.title, Campaign.name, Group.name)
                .outerjoin(SurveyRecord, SurveyRecord.id == Response.survey_id)
                .outerjoin(Campaign, Campaign.id == Response.campaign_id)
                .outerjoin(Group, Group.id == Response.group_id)
                .where(Response.id.in_(chunk)).order_by(Response.id)):  # item numbers follow the responses
            indicators = fresh[response_id]
            rows.append({"response_id": response_id, "survey_id": survey_id, "survey_title": title or survey_id,
                         "campaign": campaign or "", "group_name": group or "",
                         "categories": merged(*(i.categories for i in indicators)), "status": SG_NEW,
                         "created_at": now, "updated_at": now, "released": False,
                         "history": [event(now, "system", "created", indicators=len(indicators))]})
    table = SafeguardingItem.__table__
    return {response_id: item_id for item_id, response_id in
            _insert_ignoring_conflicts(session, table, rows, table.c.id, table.c.response_id)}


def raise_indicators(session: Session, indicators: Iterable[NewIndicator], now: datetime | None = None) -> Raised:
    """Add indicators to their response's open item, or to a new one. Answers already raised are skipped.

    The caller commits (with the analysis results that found them) and passes the result to
    voice.safeguarding.notify.enqueue.
    """
    indicators = list(indicators)
    raised = Raised()
    if not indicators:
        return raised
    now = now or utcnow()
    answer_ids = [i.answer_id for i in indicators if i.answer_id is not None]
    done: set[int] = set()
    for chunk in _chunks(answer_ids):
        done |= set(session.scalars(select(SafeguardingIndicator.answer_id)
                                    .where(SafeguardingIndicator.answer_id.in_(chunk))))
    fresh, seen = [], set()
    for ind in indicators:
        if ind.answer_id is not None:
            if ind.answer_id in done or ind.answer_id in seen:
                continue
            seen.add(ind.answer_id)
        fresh.append(ind)
    if not fresh:
        return raised
    fresh = _question_labels(session, fresh)
    by_response: dict[int, list[NewIndicator]] = defaultdict(list)
    for ind in fresh:
        by_response[ind.response_id].append(ind)

    existing = _open_items(session, sorted(by_response))
    created = _new_items(session, {r: v for r, v in by_response.items() if r not in existing}, now)
    item_of = {**existing, **created}
    missing = [r for r in by_response if r not in item_of]
    if missing:  # another session made their open items a moment ago: join those
        item_of.update(_open_items(session, missing))

    rows = [{"item_id": item_of[ind.response_id], "answer_id": ind.answer_id, "kind": ind.kind,
             "categories": list(ind.categories), "question_id": ind.question_id,
             "question_label": ind.question_label, "option_id": ind.option_id, "option_label": ind.option_label,
             "matches": list(ind.matches), "why": ind.why, "created_at": now}
            for ind in fresh if ind.response_id in item_of]
    table = SafeguardingIndicator.__table__
    added = _insert_ignoring_conflicts(session, table, rows, table.c.item_id, table.c.kind, table.c.categories)
    per_item: dict[int, list] = defaultdict(list)
    for item_id, kind, categories in added:
        per_item[item_id].append((kind, list(categories or [])))
    raised.indicators = len(added)
    new_ids = set(created.values())
    raised.new_items = sorted(i for i in new_ids if i in per_item)
    raised.categories = merged(*(c for i in raised.new_items for _, c in per_item[i]))

    # Items that were open already (few): they take the new categories, and their history says what came.
    joined = [i for i in per_item if i not in new_ids]
    for item in session.scalars(select(SafeguardingItem).where(SafeguardingItem.id.in_(joined))) if joined else ():
        new_categories = merged(*(c for _, c in per_item[item.id]))
        item.categories = merged(item.categories or [], new_categories)
        item.updated_at = now
        raised.categories = merged(raised.categories, new_categories)
        history = list(item.history or [])
        history.append(event(now, "system", "indicator_added", kinds=[k for k, _ in per_item[item.id]],
                             categories=new_categories))
        if item.status == SG_REVIEWED:  # something unread arrived after the review: it needs reading again
            history.append(event(now, "system", "back_to_new"))
            item.status, item.reviewed_by, item.reviewed_at = SG_NEW, None, None
        item.history = history
        raised.updated_items.append(item.id)
    raised.updated_items.sort()
    session.flush()
    return raised


def note_event(item: SafeguardingItem, entry: dict) -> None:
    item.history = [*(item.history or []), entry]


def forget_answers(session: Session, answer_ids: Select | Sequence[int], by: str, reason: str,
                   now: datetime | None = None) -> list[int]:
    """Before deleting answers: remove the words that fired from their indicators; note it on each record.

    Returns the ids of the records (items) concerned. The indicators stay (kind, category, question, why).
    """
    now = now or utcnow()
    item_ids = list(session.scalars(select(SafeguardingIndicator.item_id).distinct()
                                    .where(SafeguardingIndicator.answer_id.in_(answer_ids))))
    if not item_ids:
        return []
    session.execute(update(SafeguardingIndicator).where(SafeguardingIndicator.answer_id.in_(answer_ids))
                    .values(matches=[], answer_id=None).execution_options(synchronize_session=False))
    for item in session.scalars(select(SafeguardingItem).where(SafeguardingItem.id.in_(item_ids))):
        note_event(item, event(now, by, "answers_erased", reason=reason))
        item.answers_erased_at = now
    return sorted(item_ids)


def forget_response(session: Session, response_id: int, by: str, reason: str,
                    now: datetime | None = None) -> list[int]:
    """Before deleting a whole response: as `forget_answers`, and the records stop pointing at it."""
    now = now or utcnow()
    touched = set(forget_answers(session, select(Answer.id).where(Answer.response_id == response_id), by, reason,
                                 now))
    for item in session.scalars(select(SafeguardingItem).where(SafeguardingItem.response_id == response_id)):
        if item.id not in touched:
            note_event(item, event(now, by, "answers_erased", reason=reason))
            item.answers_erased_at = now
            touched.add(item.id)
        item.response_id = None
    session.flush()
    return sorted(touched)


__all__ = ["NewIndicator", "Raised", "closed_why", "event", "forget_answers", "forget_response", "note_event",
           "raise_indicators", "text_why"]
