"""The safeguarding queue: leads only (checked in the service), one item per response with every indicator,
the whole response in context, most urgent first, filters, lifecycle with who/when, views audited."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.unit.workspace.conftest import BOARD, FACILITATOR, LEAD
from voice.analysis.review import list_answers
from voice.analysis.safeguarding import (
    InvalidTransition, add_note, filter_choices, list_queue, mark_reviewed, open_item, queue_summary,
    record_outcome,
)
from voice.analysis.store import analyse_new_answers
from voice.models import AuditEvent, SafeguardingItem
from voice.security.access import SYSTEM, AccessDenied

DISCLOSURE = "my stepdad hits me and I am scared to go home"


@pytest.fixture
def item(session, make) -> SafeguardingItem:
    make.response({"esafety_worries": DISCLOSURE, "esafety_help": "more lessons please"},
                  group=make.group("HILL01", "Demo Hill Academy"),
                  extra={"uses_webcam": "yes", "webcam_chat_new_people": "yes", "threatened_on_webcam": "yes"})
    analyse_new_answers(session)
    return session.scalars(select(SafeguardingItem)).one()


def test_only_safeguarding_leads_may_see_the_queue(session, item):
    def calls(actor):
        return (lambda: list_queue(session, actor), lambda: open_item(session, actor, item.id),
                lambda: mark_reviewed(session, actor, item.id), lambda: queue_summary(session, actor),
                lambda: add_note(session, actor, item.id, "x"), lambda: filter_choices(session, actor))

    for actor in (FACILITATOR, BOARD):
        for call in calls(actor):
            with pytest.raises(AccessDenied):
                call()
    assert [q.id for q in list_queue(session, LEAD)] == [item.id]
    assert list_queue(session, SYSTEM)  # the operator's CLI


def test_one_item_names_each_indicator_and_shows_the_whole_response(session, item):
    detail = open_item(session, LEAD, item.id)
    assert [(i.kind, i.question_id) for i in detail.indicators] == [("text", "esafety_worries"),
                                                                    ("closed", "threatened_on_webcam")]
    text, closed = detail.indicators
    assert text.text == DISCLOSURE and text.matches and "abuse_at_home" in text.categories
    assert closed.categories == ("threats_blackmail",) and closed.option_label == "Yes"
    assert closed.why.startswith("Answered \u201cYes\u201d to \u201cHas anyone you chatted to")
    assert DISCLOSURE not in text.why and DISCLOSURE not in closed.why  # the why holds no answer text
    assert set(detail.categories) >= {"abuse_at_home", "threats_blackmail"}
    context = {a.question_id: a for a in detail.answers}
    assert context["uses_webcam"].question.startswith("Do you use a webcam") and context["uses_webcam"].answer == "Yes"
    assert context["esafety_help"].answer == "more lessons please" and not context["esafety_help"].raised
    assert context["threatened_on_webcam"].raised and context["esafety_worries"].raised
    order = [a.question_id for a in detail.answers]
    assert order.index("uses_webcam") < order.index("threatened_on_webcam") < order.index("esafety_worries")
    assert (detail.group, detail.campaign) == ("Demo Hill Academy", "esafety_year9-open")
    # The list shows the words and the marked answer, for the lead to see at a glance.
    listed = list_queue(session, LEAD)[0]
    assert DISCLOSURE in listed.summary and "Yes to \u201cHas anyone" in listed.summary and listed.indicators == 2


def test_viewing_is_audited_without_content_and_shows_who_has_seen_it(session, item):
    list_queue(session, LEAD)
    first = open_item(session, LEAD, item.id, now=datetime(2026, 3, 2, 9))
    assert [(who, n) for who, _, n in first.seen_by] == [("dee", 1)]
    other = SYSTEM
    again = open_item(session, other, item.id, now=datetime(2026, 3, 2, 10))
    assert [(who, n) for who, _, n in again.seen_by] == [("system", 1), ("dee", 1)]
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["safeguarding_queue_viewed", "safeguarding_item_viewed",
                                          "safeguarding_item_viewed"]
    assert all("stepdad" not in str(e.detail) for e in events)


def test_a_queue_refreshing_itself_is_not_a_new_look_until_something_new_shows(session, item, make):
    list_queue(session, LEAD)
    list_queue(session, LEAD, already_seen={item.id})
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "safeguarding_queue_viewed")).all()) == 1
    make.response({"esafety_worries": "someone online keeps asking me for nudes"})
    analyse_new_answers(session)
    assert len(list_queue(session, LEAD, already_seen={item.id})) == 2
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "safeguarding_queue_viewed")).all()) == 2


def test_overdue_first_then_new_then_newest_and_the_most_serious_of_those_raised_together(session, make):
    make.response({"esafety_worries": "there are gangs near the park and they chased me"})  # violence: less serious
    make.response({"esafety_worries": "sometimes I want to kill myself"})  # self-harm: most serious
    make.response({"esafety_worries": "there was a knife fight near school"})  # violence
    analyse_new_answers(session)
    gangs, self_harm, knife = session.scalars(select(SafeguardingItem).order_by(SafeguardingItem.id)).all()
    # Raised together (one catch-up): the most serious first, then the later one.
    assert [q.id for q in list_queue(session, LEAD)] == [self_harm.id, knife.id, gangs.id]
    knife.updated_at = gangs.updated_at + timedelta(minutes=5)  # something was added to it later: newest
    session.flush()
    assert [q.id for q in list_queue(session, LEAD)] == [knife.id, self_harm.id, gangs.id]
    mark_reviewed(session, LEAD, knife.id)
    assert [q.id for q in list_queue(session, LEAD)] == [self_harm.id, gangs.id, knife.id]  # new before reviewed
    late = gangs.created_at + timedelta(hours=30)
    assert list_queue(session, LEAD, now=late)[0].overdue  # new for over 24 hours: first of all


def test_filters_by_status_category_and_campaign(session, make):
    make.response({"esafety_worries": "sometimes I want to kill myself"},
                  campaign=make.campaign("esafety_year9", "esafety-2016"))
    make.response({"esafety_worries": "there was a knife fight near school"})
    analyse_new_answers(session)
    choices = filter_choices(session, LEAD)
    assert choices["campaigns"] == ["esafety-2016", "esafety_year9-open"]
    assert choices["categories"][0] == "self_harm_suicide"
    assert len(list_queue(session, LEAD, category="self_harm_suicide")) == 1
    assert len(list_queue(session, LEAD, campaign="esafety-2016")) == 1
    assert list_queue(session, LEAD, campaign="esafety-2016")[0].categories == ("self_harm_suicide",)
    assert list_queue(session, LEAD, status="no_action") == []
    with pytest.raises(ValueError, match="not a status"):
        list_queue(session, LEAD, status="closed-ish")


def test_status_lifecycle_records_who_and_when_with_notes(session, item):
    t1, t2, t3 = datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10), datetime(2026, 3, 3, 8)
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
    add_note(session, LEAD, item.id, "School confirmed a plan is in place", now=t3)
    with pytest.raises(ValueError, match="note"):
        add_note(session, LEAD, item.id, "   ")
    with pytest.raises(InvalidTransition, match="already has an outcome"):
        record_outcome(session, LEAD, item.id, "no_action")
    detail = open_item(session, LEAD, item.id)
    assert [(h.event, h.by) for h in detail.history] == [("created", "system"), ("reviewed", "dee"),
                                                         ("closed", "dee"), ("note", "dee")]
    assert [n.note for n in detail.notes] == ["Read it; calling the school DSL", "Referred to the school DSL",
                                              "School confirmed a plan is in place"]
    assert detail.history[2].what == "Closed: Action taken"
    assert list_queue(session, LEAD) == []  # closed items leave the open queue
    assert [q.id for q in list_queue(session, LEAD, status="all")] == [item.id]


def test_items_new_for_over_24_hours_are_highlighted(session, item):
    created = item.created_at
    just_under = created + timedelta(hours=23, minutes=59)
    over = created + timedelta(hours=24, minutes=1)
    assert not list_queue(session, LEAD, now=just_under)[0].overdue
    assert list_queue(session, LEAD, now=over)[0].overdue
    assert queue_summary(session, LEAD, now=over) == {"new": 1, "reviewed": 0, "overdue": 1}
    mark_reviewed(session, LEAD, item.id, now=over)
    assert not list_queue(session, LEAD, now=over + timedelta(days=3))[0].overdue  # reviewed: no longer "new"
    assert queue_summary(session, LEAD, now=over) == {"new": 0, "reviewed": 1, "overdue": 0}


def test_a_false_alarm_can_be_released_to_facilitators(session, item):
    assert list_answers(session, FACILITATOR) == []  # the whole response is held, the harmless answer too
    mark_reviewed(session, LEAD, item.id)
    record_outcome(session, LEAD, item.id, "no_action", note="figure of speech", release=True)
    assert sorted(a.text for a in list_answers(session, FACILITATOR)) == sorted([DISCLOSURE, "more lessons please"])


def test_closing_without_release_frees_the_rest_but_not_the_flagged_words(session, item):
    mark_reviewed(session, LEAD, item.id)
    record_outcome(session, LEAD, item.id, "action_taken", note="Referred")
    assert [a.text for a in list_answers(session, FACILITATOR)] == ["more lessons please"]


def test_an_unknown_category_or_indicator_kind_still_shows(session, item):
    from voice.models import SafeguardingIndicator

    item.categories = [*item.categories, "not_screened", "brand_new_kind"]
    session.add(SafeguardingIndicator(item_id=item.id, kind="model_score", categories=["brand_new_kind"],
                                      why="A future check thought this needs a look."))
    session.flush()
    listed = list_queue(session, LEAD)[0]
    assert "A future check thought this needs a look." in listed.summary
    detail = open_item(session, LEAD, item.id)
    assert detail.indicators[-1].kind == "model_score" and "brand_new_kind" in detail.categories
