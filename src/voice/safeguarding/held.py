"""Which young people's words are held back for the safeguarding leads. THE one place that says so.

A response is *held* while it has an open safeguarding item (new or reviewed): none of its free text
reaches anyone but the leads (workspace, quotes, board and reports, the erase page, exports). Once a
lead closes the item, the rest of the response is free again, but the answers that raised the item stay
held unless the lead released the item ("no action needed, not a concern").

Every screen, export and report asks through these functions, so the rule cannot drift:
    ~withheld(Answer.id, Answer.response_id)      in a query over answers
    ~withheld(Quote.answer_id, Quote.response_id)  in a query over quotes
"""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from voice.models import SafeguardingIndicator, SafeguardingItem
from voice.models.analysis import SG_NEW, SG_REVIEWED

OPEN_STATUSES = (SG_NEW, SG_REVIEWED)


def held_responses() -> Select:
    """Ids of responses held for the leads: those with an open item."""
    return select(SafeguardingItem.response_id).where(SafeguardingItem.status.in_(OPEN_STATUSES),
                                                      SafeguardingItem.response_id.is_not(None))


def response_held(response_id) -> ColumnElement[bool]:
    """SQL: the response `response_id` (a column or a value) has an open item."""
    return exists().where(SafeguardingItem.response_id == response_id, SafeguardingItem.status.in_(OPEN_STATUSES))


def raised_and_kept(answer_id) -> ColumnElement[bool]:
    """SQL: the answer raised an item that was not released (open, or closed without releasing)."""
    return exists().where(SafeguardingIndicator.answer_id == answer_id,
                          SafeguardingItem.id == SafeguardingIndicator.item_id,
                          SafeguardingItem.released.is_(False))


def released(answer_id) -> ColumnElement[bool]:
    """SQL: the answer raised an item that a lead closed and released to facilitators."""
    return exists().where(SafeguardingIndicator.answer_id == answer_id,
                          SafeguardingItem.id == SafeguardingIndicator.item_id,
                          SafeguardingItem.released.is_(True))


def withheld(answer_id, response_id) -> ColumnElement[bool]:
    """SQL: this answer's words are for the leads only (its response is held, or it raised an item still kept)."""
    return or_(response_held(response_id), raised_and_kept(answer_id))


def visible_text(answer_id, response_id, concern_flag=None) -> ColumnElement[bool]:
    """SQL: the answer's words may be shown to staff other than leads.

    `concern_flag` (TextAnalysis.concern_flag, where the query has it) also holds a flagged answer the
    moment the analysis flags it, even before its item exists (belt and braces: both are written in one
    transaction), unless a lead released it.
    """
    rule = ~withheld(answer_id, response_id)
    if concern_flag is not None:
        rule = and_(rule, or_(concern_flag.is_(False), released(answer_id)))
    return rule


__all__ = ["OPEN_STATUSES", "held_responses", "raised_and_kept", "released", "response_held", "visible_text",
           "withheld"]
