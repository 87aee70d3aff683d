"""The safeguarding queue: leads only (checked in the service), lifecycle with who/when, 24-hour highlight, audit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.unit.workspace.conftest import BOARD, FACILITATOR, LEAD
from voice.analysis.review import list_answers
from voice.analysis.safeguarding import (
    InvalidTransition, list_queue, mark_reviewed, open_item, queue_summary, record_outcome,
)
from voice.analysis.store import analyse_new_answers
from voice.models import AuditEvent, SafeguardingItem
from voice.security.access import SYSTEM, AccessDenied

DISCLOSURE = "my stepdad hits me and I am scared to go home"


@pytest.fixture
def item(session, make) -> SafeguardingItem:
    make.response({"esafety_worries": DISCLOSURE}, group=make.group("HILL01", "Demo Hill Academy"))
    analyse_new_answers(session)
    return session.scalars(select(SafeguardingItem)).one()


def test_only_safeguarding_leads_may_see_the_queue(session, item):
    for actor in (FACILITATOR, BOARD):
        with pytest.raises(AccessDenied):
            list_queue(session, actor)
        with pytest.raises(AccessDenied):
            open_item(session, actor, item.id)
        with pytest.raises(AccessDenied):
            mark_reviewed(session, actor, item.id)
        with pytest.raises(AccessDenied):
            queue_summary(session, actor)
    assert [q.id for q in list_queue(session, LEAD)] == [item.id]
    assert list_queue(session, SYSTEM)  # the operator's CLI


def test_viewing_the_queue_and_an_item_is_audited_without_content(session, item):
    list_queue(session, LEAD)
    detail = open_item(session, LEAD, item.id)
    assert detail.text == DISCLOSURE and detail.group == "Demo Hill Academy"
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor, e.action) for e in events] == [("dee", "safeguarding_queue_viewed"),
                                                    ("dee", "safeguarding_item_viewed")]
    assert events[1].target_id == str(item.id)
    assert all("stepdad" not in str(e.detail) for e in events)


def test_status_lifecycle_records_who_and_when(session, item):
    t1, t2 = datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10)
    with pytest.raises(InvalidTransition, match="reviewed first"):
        record_outcome(session, LEAD, item.id, "no_action")
    mark_reviewed(session, LEAD, item.id, note="Read it; calling the school DSL", now=t1)
    assert (item.status, item.reviewed_by, item.reviewed_at) == ("reviewed", "dee", t1)
    with pytest.raises(InvalidTransition):
        mark_reviewed(session, LEAD, item.id)
    with pytest.raises(ValueError, match="what action"):
        record_outcome(session, LEAD, item.id, "action_taken")
    with pytest.raises(InvalidTransition, match="no action"):
        record_outcome(session, LEAD, item.id, "action_taken", note="referred", release=True)
    record_outcome(session, LEAD, item.id, "action_taken", note="Referred to the school DSL", now=t2)
    assert (item.status, item.outcome_by, item.outcome_at) == ("action_taken", "dee", t2)
    assert "calling the school DSL" in item.note and "Referred" in item.note
    with pytest.raises(InvalidTransition, match="already has an outcome"):
        record_outcome(session, LEAD, item.id, "no_action")
    assert list_queue(session, LEAD) == []  # closed items leave the open queue
    assert [q.id for q in list_queue(session, LEAD, status="all")] == [item.id]


def test_items_new_for_over_24_hours_are_highlighted(session, item):
    created = item.created_at
    just_under = created + timedelta(hours=23, minutes=59)
    over = created + timedelta(hours=24, minutes=1)
    assert not list_queue(session, LEAD, now=just_under)[0].overdue
    assert list_queue(session, LEAD, now=over)[0].overdue
    assert queue_summary(session, LEAD, now=over)["overdue"] == 1
    mark_reviewed(session, LEAD, item.id, now=over)
    assert not list_queue(session, LEAD, now=over + timedelta(days=3))[0].overdue  # reviewed: no longer "new"


def test_a_false_alarm_can_be_released_to_facilitators(session, item):
    assert list_answers(session, FACILITATOR) == []
    mark_reviewed(session, LEAD, item.id)
    record_outcome(session, LEAD, item.id, "no_action", note="figure of speech", release=True)
    assert [a.text for a in list_answers(session, FACILITATOR)] == [DISCLOSURE]


def test_erasing_a_response_removes_its_analysis_and_item(session, item):
    from voice.models import Response, TextAnalysis
    from voice.security.retention import erase_response

    receipt = session.get(Response, item.response_id).receipt_code
    erase_response(session, SYSTEM, receipt)
    session.flush()
    session.expire_all()
    assert session.scalars(select(SafeguardingItem)).all() == []
    assert session.scalars(select(TextAnalysis)).all() == []
