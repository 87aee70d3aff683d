"""Skip logic: which questions show, chains through hidden questions, and pruning."""

from __future__ import annotations

import pytest

from voice.surveys.loader import load_survey_file, survey_from_dict
from voice.surveys.schema import Condition
from voice.surveys.skip_logic import evaluate, is_shown, prune_hidden, visible_questions, visible_sections

from tests.unit.surveys.survey_test_helpers import SURVEYS_DIR


@pytest.fixture(scope="module")
def year9():
    return load_survey_file(SURVEYS_DIR / "esafety_year9.yaml")


def ids(questions) -> list[str]:
    return [q.id for q in questions]


CHAIN = ["uses_webcam", "webcam_chat_new_people", "threatened_on_webcam"]


def test_no_answers_hides_every_follow_up(year9):
    shown = ids(visible_questions(year9, {}))
    assert "uses_webcam" in shown
    for hidden in ("webcam_chat_new_people", "threatened_on_webcam", "met_alone", "met_person_lied"):
        assert hidden not in shown


def test_chain_opens_step_by_step(year9):
    assert ids(visible_questions(year9, {"uses_webcam": "yes"}))[:2] == CHAIN[:2]
    assert ids(visible_questions(year9, {"uses_webcam": "yes", "webcam_chat_new_people": "yes"}))[:3] == CHAIN


def test_hidden_parent_hides_the_whole_chain(year9):
    # They said yes all the way, then went back and changed uses_webcam to no.
    answers = {"uses_webcam": "no", "webcam_chat_new_people": "yes", "threatened_on_webcam": "yes"}
    shown = ids(visible_questions(year9, answers))
    assert "webcam_chat_new_people" not in shown
    assert "threatened_on_webcam" not in shown  # its own condition holds, but its parent is hidden
    q = year9.question("threatened_on_webcam")
    assert is_shown(q, answers, survey=year9) is False
    assert is_shown(q, answers) is True  # without the survey only its own show_if is tested


def test_prefer_not_to_say_does_not_open_follow_ups(year9):
    assert "met_alone" not in ids(visible_questions(year9, {"met_online_contact": "prefer_not_to_say"}))


def test_prune_drops_answers_that_are_now_hidden(year9):
    answers = {"uses_webcam": "no", "webcam_chat_new_people": "yes", "threatened_on_webcam": "no",
               "met_online_contact": "yes", "met_alone": "yes", "esafety_worries": "spam", "not_a_question": 1}
    kept = prune_hidden(year9, answers)
    assert kept == {"uses_webcam": "no", "met_online_contact": "yes", "met_alone": "yes",
                    "esafety_worries": "spam", "not_a_question": 1}
    assert answers["webcam_chat_new_people"] == "yes"  # the input is not changed


def test_prune_keeps_everything_when_all_is_shown(year9):
    answers = {"uses_webcam": "yes", "webcam_chat_new_people": "yes", "threatened_on_webcam": "prefer_not_to_say"}
    assert prune_hidden(year9, answers) == answers


def make_survey(*questions, sections=None):
    return survey_from_dict({
        "id": "t", "title": "T", "version": 1, "audience": {"min_age": 10, "max_age": 18},
        "intro": "Hi", "privacy_notice": "Safe",
        "sections": sections or [{"id": "a", "title": "A", "questions": list(questions)}],
    })


def YN(qid, show_if=None):  # noqa: N802 - reads like the constant APPS beside it
    return {"id": qid, "type": "yes_no", "text": qid, **({"show_if": show_if} if show_if else {})}
APPS = {"id": "apps", "type": "multi", "text": "Apps?",
        "options": [{"id": "snapchat", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"}]}


def test_section_with_all_questions_hidden_is_skipped():
    survey = make_survey(sections=[
        {"id": "one", "title": "One", "questions": [YN("uses_webcam")]},
        {"id": "two", "title": "Two", "questions": [YN("chat", {"question": "uses_webcam", "equals": "yes"})]},
        {"id": "three", "title": "Three", "questions": [YN("last")]},
    ])
    assert [s.id for s in visible_sections(survey, {})] == ["one", "three"]
    assert [s.id for s in visible_sections(survey, {"uses_webcam": "yes"})] == ["one", "two", "three"]


def test_not_equals_on_a_hidden_question_is_false():
    survey = make_survey(YN("a"), YN("b", {"question": "a", "equals": "yes"}),
                         YN("c", {"question": "b", "not_equals": "yes"}))
    assert ids(visible_questions(survey, {"a": "yes"})) == ["a", "b", "c"]  # b skipped: not equal
    assert ids(visible_questions(survey, {"a": "yes", "b": "yes"})) == ["a", "b"]
    assert ids(visible_questions(survey, {"a": "no", "b": "no"})) == ["a"]  # b hidden, so c too


def test_any_survives_one_hidden_branch():
    survey = make_survey(YN("a"), YN("b", {"question": "a", "equals": "yes"}), YN("x"),
                         YN("c", {"any": [{"question": "b", "equals": "yes"}, {"question": "x", "equals": "yes"}]}))
    assert "c" in ids(visible_questions(survey, {"a": "no", "b": "yes", "x": "yes"}))
    assert "c" not in ids(visible_questions(survey, {"a": "no", "b": "yes", "x": "no"}))


@pytest.mark.parametrize("condition, answers, expected", [
    (Condition("equals", "q", ("yes",)), {"q": "yes"}, True),
    (Condition("equals", "q", ("yes",)), {"q": "no"}, False),
    (Condition("equals", "q", ("yes",)), {}, False),
    (Condition("not_equals", "q", ("no",)), {"q": "yes"}, True),
    (Condition("not_equals", "q", ("no",)), {"q": "no"}, False),
    (Condition("not_equals", "q", ("no",)), {}, True),  # skipped counts as "not no"
    (Condition("in", "q", ("a", "b")), {"q": "b"}, True),
    (Condition("in", "q", ("a", "b")), {"q": "c"}, False),
    (Condition("includes", "q", ("snapchat",)), {"q": ["tiktok", "snapchat"]}, True),
    (Condition("includes", "q", ("snapchat",)), {"q": ("tiktok",)}, False),
    (Condition("includes", "q", ("snapchat",)), {"q": []}, False),
    (Condition("answered", "q"), {"q": "Some words"}, True),
    (Condition("answered", "q"), {"q": "   "}, False),
    (Condition("answered", "q"), {"q": 0}, True),  # zero is an answer
    (Condition("answered", "q"), {"q": []}, False),
    (Condition("all", conditions=(Condition("answered", "a"), Condition("answered", "b"))), {"a": "x"}, False),
    (Condition("any", conditions=(Condition("answered", "a"), Condition("answered", "b"))), {"a": "x"}, True),
    (None, {}, True),
])
def test_evaluate(condition, answers, expected):
    assert evaluate(condition, answers) is expected


def test_multi_includes_in_a_survey():
    survey = make_survey(APPS, YN("snap_streaks", {"question": "apps", "includes": "snapchat"}))
    assert ids(visible_questions(survey, {"apps": ["snapchat"]})) == ["apps", "snap_streaks"]
    assert prune_hidden(survey, {"apps": ["tiktok"], "snap_streaks": "yes"}) == {"apps": ["tiktok"]}
