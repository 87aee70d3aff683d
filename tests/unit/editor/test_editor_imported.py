"""An imported form in the editor: what the import kept (list names, decimals, language names, plain groups)
survives ordinary edits, and an edit that breaks a shared list gives the question a list of its own."""

from __future__ import annotations

from voice.surveys import editor as ed
from voice.surveys.xlsform import read_xlsform

from tests.unit.surveys.survey_test_helpers import workbook

FORM = workbook(
    [["type", "name", "label::English (en)", "label::Kiswahili (sw)"],
     ["select_one yn", "a", "A?", "A sw?"], ["select_one yn", "b", "B?", "B sw?"],
     ["decimal", "hours", "Hours?", "Saa?"]],
    [["list_name", "name", "label::English (en)", "label::Kiswahili (sw)"],
     ["yn", "yes", "Yes", "Ndiyo"], ["yn", "no", "No", "Hapana"]],
    [["form_id", "form_title"], ["imported", "Imported"]])


def draft() -> dict:
    return read_xlsform(FORM).data


def test_a_text_edit_keeps_the_list_name_and_decimals():
    after = ed.set_question_fields(draft(), "hours", text={"en": "How many hours?", "sw": "Saa ngapi?"})
    assert ed.find_question(after, "hours")[2]["decimals"] is True
    after = ed.set_question_fields(after, "a", text={"en": "Really A?", "sw": "A sw?"})
    assert ed.find_question(after, "a")[2]["options_list"] == "yn"
    survey = ed.draft_to_survey(after)
    assert survey.question("a").options_list == survey.question("b").options_list == "yn"


def test_changing_a_shared_lists_options_gives_that_question_its_own_list():
    after = ed.add_option(draft(), "a", "maybe", {"en": "Maybe", "sw": "Labda"})
    a, b = ed.find_question(after, "a")[2], ed.find_question(after, "b")[2]
    assert "options_list" not in a and b["options_list"] == "yn"
    assert ed.draft_to_survey(after).question("a").options_list is None


def test_dropping_a_language_drops_its_column_name_too():
    start = draft()
    assert start["language_names"] == {"sw": "Kiswahili (sw)"}
    after = ed.update_survey(start, languages=["en"])
    assert "language_names" not in after and "languages" not in after
    assert ed.draft_to_survey(after).languages == ("en",)


def test_the_editor_accepts_the_names_the_import_kept():
    form = workbook([["type", "name", "label"], ["integer", "Q1.2", "How many?"]], None,
                    [["form_id"], ["names"]])
    after = ed.set_question_fields(read_xlsform(form).data, "Q1.2", text="How many, really?")
    assert ed.draft_to_survey(after).question("Q1.2").text == {"en": "How many, really?"}
