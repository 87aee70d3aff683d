"""Links to priorities, the "you said, we did" lifecycle, refusals and waiting time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from voice.evidence import priorities, you_said_we_did as yswd
from voice.evidence.errors import EvidenceRefused
from voice.evidence.plan_file import parse_plan
from voice.evidence.priority_evidence import priority_evidence
from voice.models import Group, Quote
from voice.security.access import Actor, SYSTEM
from .conftest import publish_survey
from .test_plan_import import SMALL

FAC1 = Actor("fac1", frozenset({"facilitator"}))
CHAIR = Actor("chair", frozenset({"facilitator"}))

SURVEY = {
    "id": "mini", "title": "Mini", "version": 1, "audience": {"min_age": 10, "max_age": 18},
    "intro": "Hi.", "privacy_notice": "No names.",
    "sections": [{"id": "s", "title": "S", "questions": [
        {"id": "felt_unsafe_online", "type": "yes_no", "text": "Have you felt unsafe online?",
         "priorities": ["voice_of_child"]},
        {"id": "apps", "type": "multi", "text": "Which apps?",
         "options": [{"id": "snapchat", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"}]},
        {"id": "worries", "type": "text", "text": "Anything worrying you?", "priorities": ["mental_health"]},
        {"id": "quote_consent", "type": "yes_no", "text": "Can we use your words, without your name, in reports?"},
    ]}],
}


@pytest.fixture
def world(session, plan):
    publish_survey(session, SURVEY)
    session.add(Group(code="HILL", name="Hill Academy", type="school"))
    approved = Quote(survey_id="mini", text="I feel like I was listened to", attribution="(YPAG)",
                     status="approved", theme_ids=[], priority_ids=["voice_of_child"])
    via_theme = Quote(survey_id="mini", text="Worries about being bullied online affect your mental health",
                      attribution="(YPAG)", status="approved", theme_ids=["cyberbullying"], priority_ids=[])
    draft = Quote(survey_id="mini", text="not yet checked", attribution="(YPAG)", status="draft",
                  priority_ids=["voice_of_child"])
    session.add_all([approved, via_theme, draft])
    session.flush()
    return {"approved": approved.id, "via_theme": via_theme.id, "draft": draft.id}


def _item(session, codebook, **extra):
    fields = dict(you_said="You said there should be more information on how to protect yourself from "
                           "cyber-bullying", raised_at=date(2020, 2, 10), codebook=codebook)
    fields.update(extra)
    return yswd.create_item(session, FAC1, **fields)


def test_priority_evidence_gathers_everything_linked(session, world, codebook):
    item = _item(session, codebook, priority_ids=["voice_of_child"], theme_ids=["online_safety"],
                 quote_ids=[world["approved"]])
    voice = priorities.find_priority(session, "voice_of_child")
    evidence = priority_evidence(session, voice.id, codebook)

    assert [m.label for m in evidence.measures] == [m.label for m in priorities.measures_of(session, voice.id)]
    assert len(evidence.measures) == 2
    assert [(q.survey_id, q.question_id) for q in evidence.questions] == [("mini", "felt_unsafe_online")]
    expected_themes = {t.id for t in codebook.themes if "voice_of_child" in t.priorities}
    assert {t.id for t in evidence.themes} == expected_themes and expected_themes
    # Approved quotes linked directly or through a theme; never the draft.
    assert {(q.id, q.via) for q in evidence.quotes} == {(world["approved"], "priority"),
                                                        (world["via_theme"], "theme cyberbullying")}
    assert [i.id for i in evidence.items] == [item.id]
    assert evidence.counts == {"measures": 2, "questions": 1, "themes": len(expected_themes), "quotes": 2,
                               "items": 1}
    mental = priority_evidence(session, priorities.find_priority(session, "mental_health").id, codebook)
    assert [q.question_id for q in mental.questions] == ["worries"] and mental.items == []


def test_only_approved_quotes_can_be_linked_and_only_approved_ones_are_shown(session, world, codebook):
    with pytest.raises(EvidenceRefused, match="not approved yet"):
        _item(session, codebook, quote_ids=[world["draft"]])
    item = _item(session, codebook, quote_ids=[world["approved"]], we_did="We made a leaflet.")
    assert [q.text for q in item.quotes] == ["I feel like I was listened to"]
    # Withdrawn after linking: it disappears from the item and publishing is refused until it is removed.
    session.get(Quote, world["approved"]).status = "draft"
    session.flush()
    assert yswd.get_item(session, item.id).quotes == ()
    with pytest.raises(EvidenceRefused, match="no longer approved"):
        yswd.publish_item(session, FAC1, item.id)


def test_item_lifecycle_from_planned_to_published(session, world, codebook):
    item = _item(session, codebook, audience="ypag", priority_ids=["mental_health", "voice_of_child"])
    assert item.status == "planned" and item.status_words == "We're planning this"
    assert not item.published and item.responded_at is None

    item = yswd.update_item(session, FAC1, item.id, status="in_progress", we_did="We asked schools to "
                            "add cyber-bullying to lessons.", responded_at=date(2020, 3, 20), agency="Schools")
    assert item.status_words == "We're working on it" and item.days_waiting == 39
    item = yswd.publish_item(session, FAC1, item.id)
    assert item.published and item.published_at is not None
    assert [i.id for i in yswd.published_items(session)] == [item.id]

    item = yswd.update_item(session, FAC1, item.id, status="done")
    assert item.status_words == "Done" and item.published
    item = yswd.unpublish_item(session, FAC1, item.id)
    assert yswd.published_items(session) == []


def test_publishing_without_a_we_did_is_refused(session, world, codebook):
    item = _item(session, codebook)
    with pytest.raises(EvidenceRefused, match='no "we did"'):
        yswd.publish_item(session, FAC1, item.id)
    assert not yswd.get_item(session, item.id).published


def test_not_possible_needs_a_reason(session, world, codebook):
    item = _item(session, codebook)
    with pytest.raises(EvidenceRefused, match="why it wasn't possible"):
        yswd.update_item(session, FAC1, item.id, status="not_possible", we_did="We looked into it.")
    item = yswd.update_item(session, FAC1, item.id, status="not_possible", we_did="We looked into it.",
                            not_possible_reason="The curriculum is set nationally, so we wrote to the minister.")
    assert item.status_words == "We couldn't do this"


def test_linking_to_a_priority_of_another_period_is_refused(session, world, codebook):
    priorities.import_plan(session, SYSTEM,
                           parse_plan(SMALL.replace("key: mental_health", "key: youth_justice"), "b.yaml"))
    with pytest.raises(EvidenceRefused) as refused:
        _item(session, codebook, priority_ids=["youth_justice"])
    assert "plan 2021/22, not of 2020/21" in refused.value.message
    assert "voice_of_child" in refused.value.message  # says what to choose instead
    with pytest.raises(EvidenceRefused, match="There is no priority 'online_safety'"):
        _item(session, codebook, priority_ids=["online_safety"])


def test_unknown_themes_groups_and_campaigns_are_refused(session, world, codebook):
    with pytest.raises(EvidenceRefused, match="not in the codebook"):
        _item(session, codebook, theme_ids=["no_such_theme"])
    with pytest.raises(EvidenceRefused, match="no group with code 'NOPE'"):
        _item(session, codebook, audience="NOPE")
    with pytest.raises(EvidenceRefused, match="no campaign called"):
        _item(session, codebook, campaign="nope-2016")


def test_deleting_a_priority_with_evidence_is_refused(session, world, codebook):
    voice = priorities.find_priority(session, "voice_of_child")
    with pytest.raises(EvidenceRefused, match="2 measures"):
        priorities.delete_priority(session, SYSTEM, voice.id)
    stat = priorities.find_priority(session, "statutory")
    priorities.delete_priority(session, SYSTEM, stat.id)  # nothing links to it yet
    assert [p.key for p in priorities.priorities_of(session)][:1] == ["voice_of_child"]


def test_waiting_time_for_answered_and_open_items(session, world, codebook):
    today = date(2020, 3, 1)
    assert yswd.days_waiting(date(2020, 2, 10), date(2020, 2, 24), today) == 14
    assert yswd.days_waiting(date(2020, 2, 10), None, today) == 20
    assert yswd.waiting_words(date(2020, 2, 10), None, today) == "waiting for an answer for 20 days"
    assert yswd.waiting_words(date(2020, 2, 10), date(2020, 2, 11), today) == "answered after 1 day"
    open_item = _item(session, codebook)
    views = yswd.list_items(session, today=open_item.raised_at + timedelta(days=5))
    assert [(v.is_open, v.days_waiting) for v in views] == [(True, 5)]


def test_writing_the_we_did_stops_the_clock(session, world, codebook):
    item = _item(session, codebook, raised_at=date.today() - timedelta(days=3))
    item = yswd.update_item(session, FAC1, item.id, we_did="We told every school.")
    assert item.responded_at is not None and item.days_waiting >= 3 and not item.is_open


def test_group_link_shows_that_groups_items_and_the_general_ones(session, world, codebook):
    general = _item(session, codebook, we_did="A", audience="all_young_people")
    school = _item(session, codebook, we_did="B", audience="hill")
    hidden = _item(session, codebook, we_did="C", audience="all_young_people")
    for item in (general, school):
        yswd.publish_item(session, FAC1, item.id)
    assert school.audience == "HILL"
    assert {i.id for i in yswd.published_items(session)} == {general.id}
    assert {i.id for i in yswd.published_items(session, "hill")} == {general.id, school.id}
    assert hidden.id not in {i.id for i in yswd.published_items(session, "HILL")}


def test_rag_status_keeps_its_history(session, plan):
    voice = priorities.find_priority(session, "voice_of_child")
    with pytest.raises(EvidenceRefused, match="Say why"):
        priorities.set_rag(session, CHAIR, voice.id, "green", "  ")
    with pytest.raises(EvidenceRefused, match="one of red, amber, green"):
        priorities.set_rag(session, CHAIR, voice.id, "blue", "why")
    from datetime import datetime

    priorities.set_rag(session, CHAIR, voice.id, "red", "No YPAG input yet.", at=datetime(2020, 5, 1))
    priorities.set_rag(session, CHAIR, voice.id, "amber", "YPAG priorities agreed.", at=datetime(2020, 9, 1))
    history = priorities.rag_history(session, voice.id)
    assert [(h.status, h.rationale) for h in history] == [("amber", "YPAG priorities agreed."),
                                                          ("red", "No YPAG input yet.")]
    assert priorities.current_rag(session, voice.id).status == "amber"


def test_measures_are_checked_against_the_survey(session, world):
    voice = priorities.find_priority(session, "voice_of_child")
    with pytest.raises(EvidenceRefused, match="no answer maybe"):
        priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="felt_unsafe_online",
                               option_ids=["maybe"], label="% unsure", polarity="low_is_good")
    with pytest.raises(EvidenceRefused, match="counts one answer"):
        priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="apps",
                               option_ids=["snapchat", "tiktok"], label="% apps", polarity="no_polarity")
    with pytest.raises(EvidenceRefused, match="not a question with answers"):
        priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="worries",
                               option_ids=["yes"], label="% worried", polarity="low_is_good")
    m = priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="felt_unsafe_online",
                               option_ids=["yes"], label="% who felt unsafe online", polarity="low_is_good")
    assert m.option_ids == ("yes",)


def test_quotes_link_to_priorities_of_one_period(session, world):
    linked = priorities.link_quote(session, SYSTEM, world["draft"], ["mental_health", "mental_health"])
    assert linked == ["mental_health"]
    with pytest.raises(EvidenceRefused, match="no priority 'cse'"):
        priorities.link_quote(session, SYSTEM, world["draft"], ["cse"])
