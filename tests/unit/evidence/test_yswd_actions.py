""""You said, we did" changes: who may make them, one item per Save press, and an audit entry for each."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from voice.evidence import you_said_we_did as yswd
from voice.evidence.errors import EvidenceRefused
from voice.models import AuditEvent, YouSaidWeDid
from voice.security.access import AccessDenied, Actor

FAY = Actor("fay", frozenset({"facilitator"}))
BOARD = Actor("bob", frozenset({"board_member"}))


def _actions(session):
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "fay").order_by(AuditEvent.id)))


def test_the_same_form_token_makes_one_item_however_often_save_is_pressed(session, plan):
    fields = dict(you_said="You said the bus stop is dark", raised_at=date(2020, 2, 1), we_did="We asked the council")
    first = yswd.create_item(session, FAY, request_token="form-1", **fields)
    again = yswd.create_item(session, FAY, request_token="form-1", **fields)
    other = yswd.create_item(session, FAY, request_token="form-2", **fields)
    assert again.id == first.id and other.id != first.id
    assert session.scalar(select(func.count()).select_from(YouSaidWeDid)) == 2
    assert _actions(session).count("yswd_created") == 2


def test_every_change_is_audited_and_repeats_change_nothing(session, plan):
    item = yswd.create_item(session, FAY, you_said="You said lessons come too late", raised_at=date(2020, 2, 1))
    yswd.update_item(session, FAY, item.id, we_did="We moved them to Year 5")
    yswd.publish_item(session, FAY, item.id)
    yswd.publish_item(session, FAY, item.id)  # a second press
    with pytest.raises(EvidenceRefused, match="Unpublish it first"):
        yswd.delete_item(session, FAY, item.id)
    yswd.unpublish_item(session, FAY, item.id)
    yswd.delete_item(session, FAY, item.id)
    yswd.delete_item(session, FAY, item.id)  # already gone
    assert _actions(session) == ["yswd_created", "yswd_updated", "yswd_published", "yswd_unpublished",
                                 "yswd_deleted"]
    row = session.scalars(select(AuditEvent).where(AuditEvent.action == "yswd_created")).one()
    assert "lessons" not in str(row.detail)  # ids and counts, never the words


def test_only_facilitators_change_items(session, plan):
    item = yswd.create_item(session, FAY, you_said="You said lessons come too late", raised_at=date(2020, 2, 1))
    for call in (lambda: yswd.create_item(session, BOARD, you_said="x", raised_at=date(2020, 2, 1)),
                 lambda: yswd.update_item(session, BOARD, item.id, we_did="x"),
                 lambda: yswd.publish_item(session, BOARD, item.id),
                 lambda: yswd.unpublish_item(session, BOARD, item.id),
                 lambda: yswd.delete_item(session, BOARD, item.id)):
        with pytest.raises(AccessDenied):
            call()
    assert session.get(YouSaidWeDid, item.id).we_did == ""
