"""The must-answer rule lives in the domain (voice.responses.answers) and the server applies it on Next."""

from __future__ import annotations

import pytest

from voice.responses import service
from voice.responses.answers import REQUIRED_MESSAGE, AnswersRejected, unanswered_required
from voice.surveys.loader import survey_from_dict
from voice.surveys.registry import publish

SURVEY = {
    "id": "must_answer", "title": "Must answer", "version": 1, "audience": {"min_age": 10, "max_age": 18},
    "intro": "Hi.", "privacy_notice": "No names.",
    "sections": [
        {"id": "one", "title": "One", "questions": [
            {"id": "feel_safe", "type": "yes_no", "text": "Do you feel safe?", "required": True},
            {"id": "age", "type": "number", "text": "How old are you?", "min": 10, "max": 18},
            {"id": "who", "type": "single", "text": "Who helps?", "required": True,
             "options": [{"id": "friends", "label": "Friends"}, {"id": "family", "label": "Family"}],
             "show_if": {"question": "feel_safe", "equals": "no"}},
        ]},
        {"id": "two", "title": "Two",
         "questions": [{"id": "again", "type": "yes_no", "text": "Would you do it again?"}]},
    ],
}


@pytest.fixture
def survey(session):
    published = survey_from_dict(SURVEY)
    publish(session, published, source="test")
    session.flush()
    return published


def test_the_rule_names_each_unanswered_closed_question(survey):
    shown = survey.sections[0].questions[:2]
    missing = unanswered_required(shown, {"age": ""})
    assert [(p.question_id, p.message) for p in missing] == [("feel_safe", REQUIRED_MESSAGE)]
    assert unanswered_required(shown, {"feel_safe": "prefer_not_to_say"}) == []  # an answer like any other
    assert unanswered_required(shown, {"feel_safe": ["  "]}) == []  # not empty: the option is checked elsewhere


def test_the_server_refuses_to_move_on_without_a_required_answer(session, survey):
    code = service.start_response(session, "must_answer").resume_code
    step = ["feel_safe", "age", "who"]
    with pytest.raises(AnswersRejected) as refused:
        service.save_step(session, code, {}, step, 1)
    assert [p.question_id for p in refused.value.problems] == ["feel_safe"]
    assert service.load_progress(session, code).current_step == 0
    # A follow-up shown by the answer is required too; a hidden one is not.
    with pytest.raises(AnswersRejected) as refused:
        service.save_step(session, code, {"feel_safe": "no"}, step, 1)
    assert [p.question_id for p in refused.value.problems] == ["who"]
    assert service.save_step(session, code, {"feel_safe": "yes"}, step, 1).current_step == 1
    # Going back never needs answers.
    assert service.save_step(session, code, {}, ["again"], 0).current_step == 0
