"""Loading and checking survey files: every rule, with the file, line and field it reports."""

from __future__ import annotations

import re
import shutil

import pytest

from voice.definitions import Problem
from voice.surveys.loader import (
    QUOTE_CONSENT_TEXT,
    SurveyFileError,
    load_survey_file,
    load_survey_text,
    load_surveys_dir,
    survey_from_dict,
)
from voice.surveys.schema import PREFER_NOT_TO_SAY, Condition

from tests.unit.surveys.survey_test_helpers import FIXTURES, SURVEYS_DIR, to_yaml


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(SurveyFileError) as info:
        load_survey_text(text, "test.yaml")
    return info.value.problems


def fields_of(text: str) -> set[str]:
    return {p.field for p in problems_of(text)}


def questions(minimal: dict) -> list[dict]:
    return minimal["sections"][0]["questions"]


# --- the fixture with many known mistakes --------------------------------------------------


def expected_from_comments(path) -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.search(r"# expect: (.+)$", line)
        if match:
            for field in match.group(1).split(","):
                expected.add((number, field.strip()))
    return expected


def test_every_problem_in_a_file_is_reported_with_its_line_and_field():
    path = FIXTURES / "many_problems.yaml"
    expected = expected_from_comments(path)
    assert len(expected) >= 20  # the fixture really does hold many mistakes
    with pytest.raises(SurveyFileError) as info:
        load_survey_file(path)
    got = {(p.line, p.field) for p in info.value.problems}
    assert got == expected
    assert all(p.file == str(path) for p in info.value.problems)


def test_problem_messages_are_specific():
    with pytest.raises(SurveyFileError) as info:
        load_survey_file(FIXTURES / "many_problems.yaml")
    by_field = {p.field: p.message for p in info.value.problems}
    assert by_field["sections[0].questions[1].show_if.question"] == (
        "'uses_webcm' is not an earlier question (did you mean 'uses_webcam'?)")
    assert "did you mean 'required'" in by_field["sections[0].questions[3].requried"]
    assert "did you mean 'single'" in by_field["sections[0].questions[2].type"]
    assert "comes later" in by_field["sections[1].questions[0].show_if.question"]
    assert "'maybe' is not an option of 'uses_webcam'" in by_field["sections[1].questions[2].show_if.equals"]
    assert "line 26" in by_field["sections[0].questions[5].id"]  # points at the first 'pets'
    assert "quote_consent" in by_field["sections"]
    assert "given twice" in by_field["sections[1].questions[7].text"]


def test_problem_str_names_file_line_and_field():
    p = Problem("surveys/esafety_year9.yaml", 42, "sections[1].questions[0].show_if.question",
                      "rule_on_unknown_question", "'uses_webcm' is not an earlier question")
    assert str(p) == ("surveys/esafety_year9.yaml, line 42, field sections[1].questions[0].show_if.question: "
                      "'uses_webcm' is not an earlier question")
    assert str(Problem("editor", None, "id", "missing", "id is missing")) == "editor, field id: id is missing"


def test_yaml_syntax_error_gives_its_line():
    with pytest.raises(SurveyFileError) as info:
        load_survey_file(FIXTURES / "syntax_error.yaml")
    [problem] = info.value.problems
    assert problem.line == 5
    assert "not valid YAML" in problem.message and "line 4" in problem.message


def test_tabs_get_a_hint():
    [problem] = problems_of("id: x\nsections:\n\t- id: a\n")
    assert "tabs" in problem.message


@pytest.mark.parametrize("text, message", [("", "empty"), ("- a\n- b\n", "group of fields")])
def test_empty_or_non_mapping_file(text, message):
    [problem] = problems_of(text)
    assert message in problem.message


# --- normalising ------------------------------------------------------------------------------


def test_minimal_survey_gets_defaults(minimal):
    survey = load_survey_text(to_yaml(minimal), "mini.yaml")
    assert survey.languages == ("en",)
    assert survey.retention_months == 24
    assert survey.source == "mini.yaml"
    q = survey.question("uses_webcam")
    assert [o.id for o in q.options] == ["yes", "no", PREFER_NOT_TO_SAY]
    assert [o.label["en"] for o in q.options] == ["Yes", "No", "Prefer not to say"]
    assert q.text == {"en": "Do you use a webcam?"}
    assert q.required is False and q.sensitive is False


def test_prefer_not_to_say_is_appended_once(minimal):
    questions(minimal).append({"id": "pet", "type": "single", "text": "Pet?", "options": [
        {"id": "dog", "label": "Dog"}, {"id": "cat", "label": "Cat"}]})
    questions(minimal).append({"id": "pet2", "type": "single", "text": "Pet?", "options": [
        {"id": "prefer_not_to_say", "label": "Rather not say"}, {"id": "cat", "label": "Cat"},
        {"id": "dog", "label": "Dog"}]})
    survey = load_survey_text(to_yaml(minimal))
    assert [o.id for o in survey.question("pet").options] == ["dog", "cat", PREFER_NOT_TO_SAY]
    # Listed by the file: kept where it is, with the file's own label, not added again.
    pet2 = survey.question("pet2")
    assert [o.id for o in pet2.options] == [PREFER_NOT_TO_SAY, "cat", "dog"]
    assert pet2.option(PREFER_NOT_TO_SAY).label == {"en": "Rather not say"}


def test_yes_no_labels_can_be_overridden(minimal):
    questions(minimal)[0]["options"] = [{"id": "no", "label": "Nope"}, {"id": "yes", "label": "Yep"}]
    q = load_survey_text(to_yaml(minimal)).question("uses_webcam")
    assert [(o.id, o.label["en"]) for o in q.options] == [("yes", "Yep"), ("no", "Nope"),
                                                         (PREFER_NOT_TO_SAY, "Prefer not to say")]


def test_yes_no_with_other_option_ids_is_a_problem(minimal):
    questions(minimal)[0]["options"] = [{"id": "yes", "label": "Yes"}, {"id": "maybe", "label": "Maybe"}]
    assert fields_of(to_yaml(minimal)) == {"sections[0].questions[0].options"}


def test_unquoted_yes_and_numbers_stay_words():
    # YAML 1.1 reads `yes` as true and `10_13` as 1013; in ids and labels they are words.
    text = """
id: words
title: Words
version: 1
audience: {min_age: 10, max_age: 18}
intro: Hi
privacy_notice: Safe
sections:
  - id: a
    title: A
    questions:
      - id: uses_webcam
        type: yes_no
        text: Webcam?
      - id: chat
        type: yes_no
        text: Chat?
        show_if: {question: uses_webcam, equals: yes}
      - id: age_zone
        type: single
        text: Age?
        options:
          - {id: 10_13, label: 10 to 13}
          - {id: 14_18, label: No}
      - id: rating
        type: scale
        text: Rate it
        options: [{id: 1, label: Low}, {id: 2, label: High}]
"""
    survey = load_survey_text(text)
    assert survey.question("chat").show_if == Condition(op="equals", question="uses_webcam", values=("yes",))
    assert [o.id for o in survey.question("age_zone").options] == ["10_13", "14_18", PREFER_NOT_TO_SAY]
    assert survey.question("age_zone").option("14_18").label == {"en": "No"}
    assert [o.id for o in survey.question("rating").options][:2] == ["1", "2"]


def test_translations_are_kept_and_checked(minimal):
    minimal["languages"] = ["en", "pl"]
    questions(minimal)[0]["text"] = {"en": "Do you use a webcam?", "pl": "Czy używasz kamery?"}
    survey = load_survey_text(to_yaml(minimal))
    assert survey.question("uses_webcam").text == {"en": "Do you use a webcam?", "pl": "Czy używasz kamery?"}
    assert survey.languages == ("en", "pl")

    questions(minimal)[0]["text"] = {"pl": "Czy używasz kamery?", "ur": "?"}
    got = problems_of(to_yaml(minimal))
    assert {p.field for p in got} == {"sections[0].questions[0].text", "sections[0].questions[0].text.ur"}
    assert any("English" in p.message for p in got)


# --- rules, one at a time -------------------------------------------------------------------


def test_required_fields(minimal):
    for key in ("id", "title", "version", "audience", "intro", "privacy_notice", "sections"):
        data = dict(minimal)
        del data[key]
        assert key in fields_of(to_yaml(data)), key


def test_wrong_types(minimal):
    minimal["version"] = "one"
    minimal["retention_months"] = 0
    minimal["priorities"] = "voice_of_child"
    questions(minimal)[0]["sensitive"] = "very"
    assert fields_of(to_yaml(minimal)) == {
        "version", "retention_months", "priorities", "sections[0].questions[0].sensitive"}


def test_survey_id_must_be_snake_case(minimal):
    minimal["id"] = "E-Safety 2016"
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "id" and problem.line == 1


def test_audience_ages(minimal):
    minimal["audience"] = {"min_age": 15, "max_age": 12}
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "audience.max_age" and "lower than min_age" in problem.message
    minimal["audience"] = {"min_age": 10, "max_age": 25, "mid_age": 12}
    assert fields_of(to_yaml(minimal)) == {"audience.max_age", "audience.mid_age"}


def test_unknown_keys_everywhere(minimal):
    minimal["colour"] = "red"
    minimal["sections"][0]["intr"] = "Hi"
    questions(minimal).append({"id": "pet", "type": "single", "text": "Pet?",
                               "options": [{"id": "dog", "label": "Dog", "lable": "x"}, {"id": "cat", "label": "Cat"}],
                               "show_if": {"question": "uses_webcam", "equals": "yes", "equal": "no"}})
    assert fields_of(to_yaml(minimal)) == {
        "colour", "sections[0].intr", "sections[0].questions[1].options[0].lable",
        "sections[0].questions[1].show_if.equal"}


def test_closed_questions_need_their_own_option(minimal):
    questions(minimal).append({"id": "pet", "type": "single", "text": "Pet?",
                               "options": [{"id": "prefer_not_to_say", "label": "Prefer not to say"}]})
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections[0].questions[1].options" and "of its own" in problem.message


@pytest.mark.parametrize("qtype", ["single", "multi", "scale"])
def test_a_question_with_one_option_of_its_own_is_refused(minimal, qtype):
    """Issue 17: "What year are you in?" with only "Year 9" (and Prefer not to say) asks nothing."""
    questions(minimal).append({"id": "year_group", "type": qtype, "text": "What year are you in?",
                               "options": [{"id": "year_9", "label": "Year 9"}]})
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections[0].questions[1].options"
    assert "at least 2 options of its own (it has 1" in problem.message and problem.line


def test_exclusive_options_only_on_multi_and_prefer_not_to_say_always_stands_alone(minimal):
    questions(minimal).append({"id": "apps", "type": "multi", "text": "Which apps?", "options": [
        {"id": "snapchat", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"},
        {"id": "none", "label": "None of these", "exclusive": True}]})
    apps = load_survey_text(to_yaml(minimal)).question("apps")
    assert apps.exclusive_ids == {"none", PREFER_NOT_TO_SAY}
    assert not apps.option("snapchat").exclusive
    questions(minimal)[-1] = {"id": "pet", "type": "single", "text": "Pet?", "options": [
        {"id": "dog", "label": "Dog"}, {"id": "cat", "label": "Cat", "exclusive": True}]}
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections[0].questions[1].options[1].exclusive" and "only for multi" in problem.message
    questions(minimal)[-1] = {"id": "apps", "type": "multi", "text": "Which apps?", "options": [
        {"id": "a", "label": "A", "exclusive": True}, {"id": "b", "label": "B", "exclusive": "maybe"}]}
    fields = fields_of(to_yaml(minimal))
    assert "sections[0].questions[1].options[1].exclusive" in fields  # true or false, nothing else


def test_who_a_survey_is_for_and_how_long_it_takes(minimal):
    survey = load_survey_text(to_yaml(minimal))
    assert survey.audience_who == {} and survey.minutes is None and survey.duration_minutes == 1  # estimated
    minimal["audience"]["who"] = "Pupils in Year 9"
    minimal["minutes"] = 5
    survey = load_survey_text(to_yaml(minimal))
    assert survey.audience_who == {"en": "Pupils in Year 9"} and survey.duration_minutes == 5
    minimal["minutes"] = 500
    minimal["audience"]["whom"] = "x"
    assert fields_of(to_yaml(minimal)) == {"minutes", "audience.whom"}


def test_emoji_scale_options_need_emoji(minimal):
    questions(minimal).append({"id": "mood", "type": "emoji_scale", "text": "Mood?",
                               "options": [{"id": "sad", "label": "Sad"}, {"id": "ok", "label": "OK", "emoji": "🙂"}]})
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections[0].questions[1].options[0]"


def test_number_min_max(minimal):
    questions(minimal).append({"id": "hours", "type": "number", "text": "Hours?", "min": 10, "max": 2})
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections[0].questions[1].max"
    questions(minimal)[1].update(min=0, max=24)
    assert load_survey_text(to_yaml(minimal)).question("hours").max == 24.0


def test_sections_need_questions(minimal):
    minimal["sections"].append({"id": "empty", "title": "Empty", "questions": []})
    assert fields_of(to_yaml(minimal)) == {"sections[1].questions"}


# --- show_if ----------------------------------------------------------------------------------


def with_questions(minimal, *extra) -> dict:
    questions(minimal).extend(extra)
    return minimal


APPS = {"id": "apps", "type": "multi", "text": "Apps?",
        "options": [{"id": "snapchat", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"}]}
STORY = {"id": "story", "type": "text", "text": "Tell us"}
CONSENT = {"id": "quote_consent", "type": "yes_no", "text": QUOTE_CONSENT_TEXT}


def test_show_if_forms_are_parsed(minimal):
    with_questions(minimal, APPS, STORY, CONSENT, {
        "id": "follow_up", "type": "yes_no", "text": "More?",
        "show_if": {"all": [
            {"question": "uses_webcam", "not_equals": "no"},
            {"any": [{"question": "apps", "includes": "snapchat"},
                     {"question": "story", "answered": True},
                     {"question": "uses_webcam", "in": ["yes", "prefer_not_to_say"]}]},
        ]}})
    cond = load_survey_text(to_yaml(minimal)).question("follow_up").show_if
    assert cond.op == "all"
    assert cond.conditions[0] == Condition("not_equals", "uses_webcam", ("no",))
    inner = cond.conditions[1]
    assert inner.op == "any"
    assert inner.conditions == (
        Condition("includes", "apps", ("snapchat",)),
        Condition("answered", "story"),
        Condition("in", "uses_webcam", ("yes", "prefer_not_to_say")),
    )


@pytest.mark.parametrize("show_if, field, words", [
    ({"question": "apps", "equals": "snapchat"}, "show_if.equals", "use 'includes'"),
    ({"question": "story", "equals": "hello"}, "show_if.equals", "only 'answered: true'"),
    ({"question": "uses_webcam", "answered": False}, "show_if.answered", "answered: true"),
    ({"question": "follow_up", "equals": "yes"}, "show_if.question", "its own answer"),
    ({"question": "uses_webcam"}, "show_if", "exactly one test"),
    ({"question": "uses_webcam", "equals": "yes", "in": ["no"]}, "show_if", "exactly one test"),
    ({"all": []}, "show_if.all", "list of tests"),
    ({"equals": "yes"}, "show_if.question", "missing"),
    ({"question": "uses_webcam", "in": ["yes", "perhaps"]}, "show_if.in[1]", "'perhaps' is not an option"),
])
def test_show_if_rules(minimal, show_if, field, words):
    with_questions(minimal, APPS, STORY, CONSENT,
                   {"id": "follow_up", "type": "yes_no", "text": "More?", "show_if": show_if})
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == f"sections[0].questions[4].{field}"
    assert words in problem.message


def test_show_if_may_look_into_an_earlier_section(minimal):
    minimal["sections"].append({"id": "later", "title": "Later", "questions": [
        {"id": "chat", "type": "yes_no", "text": "Chat?", "show_if": {"question": "uses_webcam", "equals": "yes"}}]})
    assert load_survey_text(to_yaml(minimal)).question("chat").show_if.question == "uses_webcam"


# --- text questions and quote consent ----------------------------------------------------------


def test_text_questions_need_quote_consent(minimal):
    with_questions(minimal, STORY)
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections" and "quote_consent" in problem.message
    with_questions(minimal, CONSENT)
    assert load_survey_text(to_yaml(minimal)).question("quote_consent").type == "yes_no"


def test_quote_consent_wording_type_and_place(minimal):
    with_questions(minimal, {"id": "quote_consent", "type": "single", "text": "Can we quote you?",
                             "options": [{"id": "ok", "label": "OK"}, {"id": "not_ok", "label": "No"}]}, STORY)
    got = {p.field: p.message for p in problems_of(to_yaml(minimal))}
    assert set(got) == {"sections[0].questions[1].type", "sections[0].questions[1].text",
                        "sections[0].questions[1].id"}
    assert "after the free-text questions" in got["sections[0].questions[1].id"]


def test_text_and_number_are_never_required(minimal):
    with_questions(minimal, STORY, CONSENT, {"id": "hours", "type": "number", "text": "Hours?", "required": True})
    [problem] = problems_of(to_yaml(minimal))
    assert problem.field == "sections[0].questions[3].required"
    assert "never made to write" in problem.message


# --- survey_from_dict (the in-app editor) -------------------------------------------------------


def test_survey_from_dict_same_rules_no_lines(minimal):
    assert survey_from_dict(minimal).source == "editor"
    questions(minimal)[0]["type"] = "yesno"
    with pytest.raises(SurveyFileError) as info:
        survey_from_dict(minimal)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("editor", None, "sections[0].questions[0].type")
    assert "line" not in str(problem)


def test_survey_from_dict_accepts_tuples_and_matches_file(minimal):
    from_file = load_survey_text(to_yaml(minimal), "editor")
    minimal["sections"] = tuple(minimal["sections"])
    assert survey_from_dict(minimal) == from_file


# --- folders ---------------------------------------------------------------------------------


def test_broken_files_are_skipped_and_reported(tmp_path):
    shutil.copy(FIXTURES / "many_problems.yaml", tmp_path)
    shutil.copy(FIXTURES / "syntax_error.yaml", tmp_path)
    shutil.copy(SURVEYS_DIR / "esafety_year6.yaml", tmp_path)
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "themes.yaml").write_text("themes: [a, b]\n")  # not a survey
    (tmp_path / "notes.txt").write_text("not yaml")

    result = load_surveys_dir(tmp_path)
    assert list(result.surveys) == ["esafety_year6"]
    files = {p.file for p in result.problems}
    assert files == {str(tmp_path / "many_problems.yaml"), str(tmp_path / "syntax_error.yaml")}


def test_same_survey_id_in_two_files(tmp_path):
    shutil.copy(SURVEYS_DIR / "esafety_year6.yaml", tmp_path / "a.yaml")
    shutil.copy(SURVEYS_DIR / "esafety_year6.yaml", tmp_path / "b.yaml")
    result = load_surveys_dir(tmp_path)
    assert result.surveys["esafety_year6"].source == str(tmp_path / "a.yaml")
    [problem] = result.problems
    assert problem.file == str(tmp_path / "b.yaml") and "already used" in problem.message


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    result = load_surveys_dir(tmp_path / "nope")
    assert result.surveys == {} and len(result.problems) == 1
