"""One item per response, whatever raised it; later indicators join an open item; records outlive answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.unit.safeguarding.conftest import LEAD, WEBCAM_THREAT, submitted_and_analysed
from voice.analysis.safeguarding import mark_reviewed, record_outcome
from voice.analysis.store import analyse_new_answers, analyse_response
from voice.models import Answer, Response, SafeguardingIndicator, SafeguardingItem
from voice.safeguarding.markers import survey_markers
from voice.safeguarding.records import NewIndicator, raise_indicators

SELF_HARM = "sometimes I want to kill myself"


def _items(session):
    return session.scalars(select(SafeguardingItem).order_by(SafeguardingItem.id)).all()


def test_a_submitted_response_with_a_marked_answer_and_a_flag_is_one_item_at_once(session, published_surveys):
    from voice.responses import service

    code = service.start_response(session, "esafety_year9").resume_code
    service.save_step(session, code, WEBCAM_THREAT, list(WEBCAM_THREAT), 1)
    service.save_step(session, code, {"met_online_contact": "yes", "met_alone": "yes", "met_person_lied": "no"},
                      ["met_online_contact", "met_alone", "met_person_lied"], 2)
    service.save_step(session, code, {"esafety_worries": SELF_HARM}, ["esafety_worries"], 3)
    service.submit(session, code)
    submitted_and_analysed(session)  # the submit hook's background analysis: no catch-up run needed
    (item,) = _items(session)
    assert sorted(i.question_id for i in item.indicators) == ["esafety_worries", "met_alone", "threatened_on_webcam"]
    assert item.categories[:1] == ["self_harm_suicide"] and "threats_blackmail" in item.categories
    assert item.survey_title == "Staying safe online" and item.campaign == "esafety_year9-open"
    assert [e["event"] for e in item.history] == ["created"] and item.history[0]["indicators"] == 3


def test_every_marked_answer_in_the_built_in_surveys_raises_an_item(session, make):
    marked = [("esafety_year9", {"sent_self_image": "yes"}), ("esafety_year9", WEBCAM_THREAT),
              ("esafety_year9", {"met_online_contact": "yes", "met_person_lied": "yes"}),
              ("esafety_year6", {"uses_webcam": "yes", "webcam_chat_new_people": "yes"}),
              ("esafety_year6", {"felt_unsafe_online": "yes"}), ("safe_feel_safe", {"feel_safe_home": "sometimes"}),
              ("safe_feel_safe", {"feel_safe_school": "never"})]
    fine = [("esafety_year9", {"sent_self_image": "no", "uses_webcam": "yes"}),
            ("safe_feel_safe", {"feel_safe_home": "mostly", "feel_safe_school": "sometimes"}),
            ("esafety_year9", {"sent_self_image": "prefer_not_to_say"})]
    responses = [make.response({}, survey_id=s, extra=e) for s, e in marked + fine]
    analyse_new_answers(session)
    raised = {i.response_id for i in _items(session)}
    assert raised == {r.id for r in responses[:len(marked)]}


def test_a_later_indicator_joins_the_open_item_and_a_reviewed_item_is_new_again(session, make):
    response = make.response({"esafety_worries": "someone online keeps asking me for pics"})
    analyse_new_answers(session)
    (item,) = _items(session)
    mark_reviewed(session, LEAD, item.id, note="looking into it")
    answer = Answer(response_id=response.id, question_id="sent_self_image", option_id="yes")
    session.add(answer)
    session.flush()
    raised = raise_indicators(session, [NewIndicator(response.id, answer.id, "closed", ("sexual_abuse",),
                                                     "sent_self_image", "Have you ever sent…", "yes", "Yes")])
    assert (raised.new_items, raised.updated_items) == ([], [item.id])
    assert raised.categories == ["sexual_abuse"]
    session.refresh(item)
    assert len(item.indicators) == 2 and item.categories[-1] == "sexual_abuse"
    assert (item.status, item.reviewed_by) == ("new", None)
    assert [e["event"] for e in item.history][-2:] == ["indicator_added", "back_to_new"]
    assert session.scalar(select(func.count()).select_from(SafeguardingItem)) == 1


def test_a_response_whose_item_is_closed_gets_a_new_item(session, make):
    response = make.response({"esafety_worries": "someone online keeps asking me for pics"})
    analyse_new_answers(session)
    (first,) = _items(session)
    mark_reviewed(session, LEAD, first.id)
    record_outcome(session, LEAD, first.id, "action_taken", note="Referred")
    answer = Answer(response_id=response.id, question_id="sent_self_image", option_id="yes")
    session.add(answer)
    session.flush()
    raised = raise_indicators(session, [NewIndicator(response.id, answer.id, "closed", ("sexual_abuse",))])
    assert len(raised.new_items) == 1 and raised.new_items[0] != first.id
    assert [(i.status, i.response_id) for i in _items(session)] == [("action_taken", response.id),
                                                                    ("new", response.id)]


def test_an_answer_raises_an_indicator_once_however_often_the_analysis_runs(session, make):
    response = make.response({"esafety_worries": SELF_HARM}, extra=WEBCAM_THREAT)
    for _ in range(3):
        analyse_new_answers(session)
        analyse_response(session, response.id)
    assert session.scalar(select(func.count()).select_from(SafeguardingIndicator)) == 2
    assert session.scalar(select(func.count()).select_from(SafeguardingItem)) == 1


def test_marking_a_question_later_reaches_the_responses_already_given(session, make):
    from voice.surveys.loader import load_survey_file
    from voice.surveys.registry import publish
    from voice.surveys.serialize import survey_to_dict
    from tests.conftest import SURVEYS_DIR

    before = make.response({}, extra={"uses_webcam": "yes", "webcam_chat_new_people": "yes"})
    analyse_new_answers(session)
    assert _items(session) == []
    survey = load_survey_file(SURVEYS_DIR / "esafety_year9.yaml")
    data = survey_to_dict(survey)
    for section in data["sections"]:
        for question in section["questions"]:
            if question["id"] == "webcam_chat_new_people":
                question["risk"] = {"yes": "grooming_exploitation"}
    from voice.surveys.loader import survey_from_dict

    publish(session, survey_from_dict(data), source="test")
    assert ("webcam_chat_new_people", "yes") in survey_markers(session, "esafety_year9").markers
    analyse_new_answers(session)
    assert [i.response_id for i in _items(session)] == [before.id]
    analyse_new_answers(session)  # checked once against these markers: nothing twice
    assert session.scalar(select(func.count()).select_from(SafeguardingIndicator)) == 1


def test_only_one_open_item_per_response_even_if_two_sessions_race(session, make):
    response = make.response({})
    session.add(SafeguardingItem(response_id=response.id, survey_id="esafety_year9", status="new", history=[]))
    session.flush()
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(SafeguardingItem(response_id=response.id, survey_id="esafety_year9", status="reviewed",
                                         history=[]))
            session.flush()
    # A closed item beside it is fine (a record of an earlier decision).
    session.add(SafeguardingItem(response_id=response.id, survey_id="esafety_year9", status="no_action", history=[]))
    session.flush()


def test_demo_content_every_response_with_a_marked_answer_is_in_the_queue(session, published_surveys):
    from voice.demo import load_demo

    load_demo(session)
    analyse_new_answers(session)
    missing = []
    for survey_id in ("esafety_year9", "esafety_year6", "safe_feel_safe"):
        markers = survey_markers(session, survey_id).markers
        assert markers, survey_id
        for response_id, question_id, option_id in session.execute(
                select(Answer.response_id, Answer.question_id, Answer.option_id)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.survey_id == survey_id, Response.status == "submitted")):
            if (question_id, option_id) in markers:
                raised = session.scalar(select(func.count()).select_from(SafeguardingItem)
                                        .where(SafeguardingItem.response_id == response_id))
                if not raised:
                    missing.append((survey_id, response_id, question_id))
    assert missing == []
    assert session.scalar(select(func.count()).select_from(SafeguardingItem)) > 0
