"""The editor's pure functions: every kind of edit, and each refusal naming the question and field."""

from __future__ import annotations

import pytest

from voice.surveys import editor as ed
from voice.surveys.editor import EditRefused
from voice.surveys.loader import QUOTE_CONSENT_ID, load_survey_file


def two_questions() -> dict:
    d = ed.new_draft("ypag_march", "What do you think?")
    d = ed.add_question(d, "questions", {"id": "feel_safe", "type": "yes_no", "text": "Do you feel safe at school?"})
    d = ed.add_question(d, "questions", {
        "id": "why_not", "type": "single", "text": "What makes you feel unsafe?",
        "options": [{"id": "bullying", "label": "Bullying"}, {"id": "online", "label": "Things online"}],
        "show_if": {"question": "feel_safe", "equals": "no"}})
    return d


def refused(fn, *args, **kwargs) -> list:
    with pytest.raises(EditRefused) as info:
        fn(*args, **kwargs)
    return info.value.problems


def test_a_new_survey_with_two_questions_publishes():
    survey = ed.draft_to_survey(two_questions())
    assert [q.id for q in survey.questions] == ["feel_safe", "why_not"]
    assert survey.question("why_not").show_if.values == ("no",)
    assert [o.id for o in survey.question("why_not").options] == ["bullying", "online", "prefer_not_to_say"]


def test_edits_return_a_new_draft_and_leave_the_old_one_alone():
    d = two_questions()
    after = ed.set_question_fields(d, "feel_safe", text="Do you feel safe?")
    assert ed.find_question(d, "feel_safe")[2]["text"] == "Do you feel safe at school?"
    assert ed.find_question(after, "feel_safe")[2]["text"] == "Do you feel safe?"


def test_every_question_type_can_be_added():
    d = ed.new_draft("all_types", "All types")
    specs = [
        {"id": "q_single", "type": "single", "text": "Pick one", "options": [{"id": "a", "label": "A"},
                                                                               {"id": "b", "label": "B"}]},
        {"id": "q_multi", "type": "multi", "text": "Pick any", "options": [{"id": "a", "label": "A"},
                                                                              {"id": "b", "label": "B"}]},
        {"id": "q_yes_no", "type": "yes_no", "text": "Yes or no?"},
        {"id": "q_scale", "type": "scale", "text": "How much?", "options": [{"id": str(i), "label": str(i)}
                                                                              for i in range(1, 6)]},
        {"id": "q_emoji", "type": "emoji_scale", "text": "How do you feel?",
         "options": [{"id": "sad", "label": "Sad", "emoji": "🙁"}, {"id": "happy", "label": "Happy", "emoji": "🙂"}]},
        {"id": "q_text", "type": "text", "text": "Tell us more", "help": "You can leave this empty."},
        {"id": "q_number", "type": "number", "text": "How many hours?", "min": 0, "max": 24},
    ]
    for spec in specs:
        d = ed.add_question(d, "questions", spec)
    survey = ed.draft_to_survey(d)
    assert [q.type for q in survey.questions] == ["single", "multi", "yes_no", "scale", "emoji_scale", "text",
                                                  "yes_no", "number"]
    # The consent question is added after the free-text question, worded as the rule requires.
    assert survey.questions[6].id == QUOTE_CONSENT_ID
    assert survey.question("q_text").help == {"en": "You can leave this empty."}
    assert survey.question("q_number").max == 24


def test_sections_add_edit_reorder_delete():
    d = two_questions()
    d = ed.add_section(d, "more", "A bit more", intro="Nearly done.")
    d = ed.add_question(d, "more", {"id": "age", "type": "number", "text": "How old are you?"})
    d = ed.update_section(d, "more", title="Last bit")
    assert ed.find_section(d, "more")[1]["title"] == "Last bit"
    d = ed.move_section(d, "more", -1)
    assert [s["id"] for s in d["sections"]] == ["more", "questions"]
    d = ed.move_question(d, "age", to_section="questions")
    d = ed.delete_section(d, "more")
    assert [q["id"] for q in ed.questions(d)] == ["feel_safe", "why_not", "age"]
    ed.draft_to_survey(d)


def test_reorder_questions_and_options():
    d = two_questions()
    d = ed.add_question(d, "questions", {"id": "club", "type": "yes_no", "text": "Do you go to a club?"})
    d = ed.move_question(d, "club", -2)
    assert [q["id"] for q in ed.questions(d)] == ["club", "feel_safe", "why_not"]
    d = ed.move_option(d, "why_not", "online", -1)
    assert [o["id"] for o in ed.find_question(d, "why_not")[2]["options"]] == ["online", "bullying"]
    d = ed.add_option(d, "why_not", "other", "Something else")
    d = ed.update_option(d, "why_not", "other", label="Something different")
    assert ed.find_question(d, "why_not")[2]["options"][-1] == {"id": "other", "label": "Something different"}
    d = ed.delete_option(d, "why_not", "other")
    assert len(ed.find_question(d, "why_not")[2]["options"]) == 2


def test_skip_rule_on_a_later_question_is_refused_naming_question_and_field():
    d = two_questions()
    d = ed.add_question(d, "questions", {"id": "club", "type": "yes_no", "text": "Do you go to a club?"})
    problems = refused(ed.set_show_if, d, "feel_safe", {"question": "club", "equals": "yes"})
    assert problems[0].where == "question 'feel_safe'" and problems[0].field == "show_if"
    assert "comes later" in problems[0].message


def test_skip_rule_on_a_missing_question_is_refused():
    problems = refused(ed.set_show_if, two_questions(), "why_not", {"question": "feel_unsafe", "equals": "no"})
    assert (problems[0].where, problems[0].field) == ("question 'why_not'", "show_if")
    assert "'feel_unsafe' is not a question" in problems[0].message


def test_skip_rule_with_an_option_the_question_does_not_have_is_refused():
    problems = refused(ed.set_show_if, two_questions(), "why_not", {"question": "feel_safe", "equals": "maybe"})
    assert "maybe: not an option of 'feel_safe'" in problems[0].message


def test_moving_a_question_above_the_one_its_rule_looks_at_is_refused():
    problems = refused(ed.move_question, two_questions(), "why_not", -1)
    assert problems[0].where == "question 'why_not'" and "would come after it" in problems[0].message


def test_duplicate_option_ids_are_refused():
    problems = refused(ed.add_question, two_questions(), "questions", {
        "id": "how", "type": "single", "text": "How?",
        "options": [{"id": "a", "label": "A"}, {"id": "a", "label": "Also A"}]})
    assert (problems[0].where, problems[0].field) == ("question 'how'", "options[2].id")
    assert "used twice" in problems[0].message
    assert refused(ed.add_option, two_questions(), "why_not", "bullying", "Bullying again")[0].field == "options[3].id"


def test_an_empty_option_list_is_refused():
    problems = refused(ed.add_question, two_questions(), "questions",
                       {"id": "how", "type": "multi", "text": "How?", "options": []})
    assert (problems[0].where, problems[0].field) == ("question 'how'", "options")
    assert "at least one option" in problems[0].message
    # One option left would be nothing to choose from (issue 17): refused too.
    assert refused(ed.delete_option, two_questions(), "why_not", "online")[0].field == "options"


def test_removing_an_option_a_skip_rule_uses_is_refused():
    d = ed.add_question(two_questions(), "questions", {
        "id": "told_someone", "type": "yes_no", "text": "Did you tell someone?",
        "show_if": {"question": "why_not", "equals": "bullying"}})
    problems = refused(ed.delete_option, d, "why_not", "bullying")
    assert problems[0].where == "question 'why_not'" and "told_someone" in problems[0].message


def test_deleting_a_question_a_later_rule_depends_on_is_refused():
    problems = refused(ed.delete_question, two_questions(), "feel_safe")
    assert "why_not" in problems[0].message and "change or remove that rule first" in problems[0].message


def test_unknown_priority_is_refused_and_known_ones_kept():
    """The known priorities are the plan's (the page passes voice.evidence.priorities.priority_choices)."""
    from voice.evidence.plan_file import load_plan_file
    from voice.evidence.priorities import DEFAULT_PLAN_FILE
    from tests.unit.surveys.survey_test_helpers import SURVEYS_DIR

    known = [p.key for p in load_plan_file(SURVEYS_DIR / "analysis" / DEFAULT_PLAN_FILE).priorities]
    problems = refused(ed.set_priorities, two_questions(), "feel_safe", ["voice_of_child", "happiness"],
                       known_priorities=known)
    assert (problems[0].where, problems[0].field) == ("question 'feel_safe'", "priorities")
    assert "happiness" in problems[0].message and "mental_health" in problems[0].message
    problems = refused(ed.update_survey, two_questions(), priorities=["happiness"], known_priorities=known)
    assert (problems[0].where, problems[0].field) == ("survey", "priorities")
    d = ed.set_priorities(two_questions(), "feel_safe", ["voice_of_child", "mental_health"], known_priorities=known)
    assert ed.draft_to_survey(d).question("feel_safe").priorities == ("voice_of_child", "mental_health")


def test_file_rules_apply_too_required_text_is_refused():
    problems = refused(ed.add_question, two_questions(), "questions",
                       {"id": "story", "type": "text", "text": "Tell us", "required": True})
    assert (problems[0].where, problems[0].field) == ("question 'story'", "required")


def test_duplicate_question_id_and_missing_text_are_refused():
    problems = refused(ed.add_question, two_questions(), "questions", {"id": "feel_safe", "type": "yes_no"})
    assert {(p.field) for p in problems} == {"id", "text"}


def test_renaming_a_question_carries_into_skip_rules():
    d = ed.set_question_fields(two_questions(), "feel_safe", id="safe_at_school")
    assert ed.find_question(d, "why_not")[2]["show_if"] == {"question": "safe_at_school", "equals": "no"}


def test_consent_question_stays_after_free_text_and_cannot_be_deleted_while_needed():
    d = ed.add_question(two_questions(), "questions", {"id": "story", "type": "text", "text": "Tell us more"})
    d = ed.add_section(d, "end", "The end")
    d = ed.add_question(d, "end", {"id": "more", "type": "text", "text": "Anything else?"})
    ids = [q["id"] for q in ed.questions(d)]
    assert ids[-1] == QUOTE_CONSENT_ID and ids.count(QUOTE_CONSENT_ID) == 1
    assert "free-text" in refused(ed.delete_question, d, QUOTE_CONSENT_ID)[0].message
    ed.draft_to_survey(d)


def test_languages_add_wording_and_removing_a_language_drops_its_wording():
    d = ed.update_survey(two_questions(), languages=["en", "pl"])
    d = ed.set_question_fields(d, "feel_safe", text={"en": "Do you feel safe at school?",
                                                      "pl": "Czy czujesz się bezpiecznie w szkole?"})
    assert ed.draft_to_survey(d).question("feel_safe").text["pl"].startswith("Czy")
    assert "English" in refused(ed.update_survey, d, languages=["pl"])[0].message
    d = ed.update_survey(d, languages=["en"])
    assert ed.find_question(d, "feel_safe")[2]["text"] == "Do you feel safe at school?"
    assert "languages" not in d


def test_copy_of_a_built_in_survey_keeps_everything_under_a_new_id(surveys_dir):
    original = load_survey_file(surveys_dir / "esafety_year9.yaml")
    d = ed.draft_from_survey(original, new_id="esafety_year9_2024", new_title="Online safety 2024")
    copy = ed.draft_to_survey(d)
    assert copy.id == "esafety_year9_2024" and copy.title == {"en": "Online safety 2024"}
    assert copy.questions == original.questions


def test_blank_publish_problems_list_what_is_missing():
    d = ed.new_draft("empty_one", "Empty")
    problems = ed.publish_problems(d)
    assert any("needs a list of questions" in p.message and p.where == "section 'questions'" for p in problems)


def test_builder_helpers():
    d = two_questions()
    assert [q["id"] for q in ed.skip_rule_targets(d, "why_not")] == ["feel_safe"]
    assert ed.ops_for(ed.find_question(d, "feel_safe")[2]) == ("equals", "not_equals", "in", "answered")
    assert ed.option_ids(ed.find_question(d, "feel_safe")[2]) == ["yes", "no", "prefer_not_to_say"]
    assert ed.make_condition("feel_safe", "in", ["yes", "no"]) == {"question": "feel_safe", "in": ["yes", "no"]}
    assert ed.describe_condition({"question": "feel_safe", "equals": "no"}) == "shown if feel_safe is no"
