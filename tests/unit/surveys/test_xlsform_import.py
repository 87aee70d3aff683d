"""XLSForm import on pyxform: real forms, every alias/case/language rule the issue names, and nothing changed
without a line in the report. Fixtures in tests/fixtures/xlsform/ come from pyxform's own tests (SOURCES.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from voice.surveys.loader import load_survey_text
from voice.surveys.schema import PREFER_NOT_TO_SAY, Condition
from voice.surveys.serialize import survey_to_yaml
from voice.surveys.xlsform import XLSFormError, read_xlsform, survey_to_xlsform

from tests.unit.surveys.survey_test_helpers import workbook

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "xlsform"


def fixture(name: str, **kwargs):
    return read_xlsform((FIXTURES / name).read_bytes(), default_id=name.split(".")[0], **kwargs)


def errors_of(data: bytes, **kwargs) -> list:
    with pytest.raises(XLSFormError) as info:
        read_xlsform(data, **kwargs)
    return info.value.problems


def codes(report) -> list[str]:
    return [p.code for p in report.unmapped]


YN = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]
SETTINGS = [["form_id", "form_title"], ["my_form", "My form"]]


# --- real forms ------------------------------------------------------------------------------------


def test_a_real_field_form_in_two_languages_imports_with_everything_left_out_listed():
    report = fixture("UCL_Biomass_Plot_Form.xlsx")
    survey = report.survey
    assert survey.languages == ("en", "sw")
    assert survey.question("leader_name").text == {"en": "Your Name", "sw": "Jina Lako"}
    assert survey.question("leader_name").options_list == "enumerator"
    assert survey.question("leader_name_other").show_if == Condition("equals", "leader_name", ("other",))
    assert survey.question("tree_distance").decimals and not survey.question("canopy_cover").decimals
    left_out = "\n".join(map(str, report.unmapped))
    assert "survey sheet, row 22, column A (type): 'center_point' (geopoint) is not imported" in left_out
    assert "'deviceid' (deviceid) is not imported: device metadata" in left_out
    assert "repeat 'trees': its questions are asked once" in left_out
    assert "constraint_message::English (en)" in left_out  # a column we do not use, named as written
    assert all(p.row or p.column for p in report.unmapped)  # every item says where it is


def test_xls_files_and_the_select_one_from_alias():
    survey = fixture("yes_or_no_question.xls").survey
    q = survey.question("good_day")
    assert q.type == "single" and [o.id for o in q.options] == ["yes", "no"]  # no extra choice
    assert q.options_list == "yes_or_no"


def test_string_alias_and_a_choices_sheet_name_pyxform_accepts():
    survey = fixture("badly_named_choices_sheet.xls").survey
    assert survey.question("name").type == "text"  # type `string`
    assert [o.id for o in survey.question("color").options] == ["red", "blue", "green", "yellow"]


def test_headers_and_types_in_capitals():
    report = fixture("case_insensitivity.xlsx")  # TYPE / NAME / LABEL::EN headers
    assert report.survey.question("q1").options_list == "c1"
    assert report.survey.language_names == {"en": "EN"}
    left_out = "\n".join(map(str, report.unmapped))
    assert "column A (TYPE): 'q2' (select one external) is not imported" in left_out


def test_a_list_named_with_capitals_is_found():
    report = read_xlsform(workbook([["type", "name", "label"], ["select_one Sex", "sex", "Are you…?"]],
                                   [["list_name", "name", "label"], ["Sex", "girl", "Girl"], ["Sex", "boy", "Boy"]],
                                   SETTINGS))
    assert report.survey.question("sex").options_list == "Sex"


@pytest.mark.parametrize("type_cell, expected", [
    ("select one from yn", "single"),
    ("select all that apply from yn", "multi"),
    ("select_multiple yn", "multi"),
    ("string", "text"),
    ("phone number", "text"),
    ("integer", "number"),
    ("int", "number"),
    ("decimal", "number"),
])
def test_type_aliases_pyxform_accepts(type_cell, expected):
    report = read_xlsform(workbook([["type", "name", "label"], [type_cell, "q", "A question?"]], YN, SETTINGS))
    assert report.survey.question("q").type == expected


@pytest.mark.parametrize("type_cell, words", [
    ("photo", "photos"), ("image", "photos"), ("gps", "locations"), ("geopoint", "locations"),
    ("date", "date"), ("calculate", "calculations"), ("note", "a note only shows text"),
    ("select_one_external yn", "another sheet or file"), ("start", "device metadata"),
    ("deviceid", "device metadata"), ("barcode", "barcodes"), ("range", "scale"),
])
def test_types_we_cannot_hold_are_listed_by_name_and_row(type_cell, words):
    rows = [["type", "name", "label", "calculation", "choice_filter"], ["text", "first", "First?", None, None],
            [type_cell, "other", "Other?", "1 + 1" if type_cell == "calculate" else None,
             "name != ''" if "external" in type_cell else None]]
    data = workbook(rows, YN, SETTINGS)
    if "external" in type_cell:
        wb = load_workbook(io.BytesIO(data))
        ext = wb.create_sheet("external_choices")
        for row in (["list_name", "name", "label"], ["yn", "yes", "Yes"]):
            ext.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        data = buffer.getvalue()
    report = read_xlsform(data)
    [item] = [p for p in report.unmapped if p.row == 3 and p.column == "type"]
    assert "'other'" in item.message and words in item.message
    assert report.survey.question("other") is None  # a calculated field never becomes a question


# --- languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header, code, name", [
    ("label::French (fr)", "fr", None),        # our default naming of fr would be "French (fr)": kept as is
    ("label::Français (fr)", "fr", "Français (fr)"),
    ("label::French", "fr", "French"),           # a language without a code
    ("label::polski", "pl", "polski"),
    ("label::sw", "sw", "sw"),
])
def test_language_columns_with_and_without_a_code_come_back_as_written(header, code, name):
    data = workbook([["type", "name", "label::English (en)", header], ["text", "q", "Why?", "Pourquoi ?"]],
                    None, SETTINGS)
    report = read_xlsform(data)
    assert report.survey.languages == ("en", code)
    assert report.survey.question("q").text == {"en": "Why?", code: "Pourquoi ?"}
    assert report.survey.language_names.get(code) == name
    exported = load_workbook(io.BytesIO(survey_to_xlsform(report.survey)))["survey"]
    assert header.replace("French (fr)", "Français (fr)") in [c.value for c in exported[1]] or \
        header in [c.value for c in exported[1]]  # "French (fr)" never comes back as "fr (fr)"


def test_french_comes_back_as_french():
    data = workbook([["type", "name", "label::English (en)", "label::French (fr)"], ["text", "q", "Why?", "Pourquoi"]],
                    None, SETTINGS)
    survey = read_xlsform(data).survey
    header = [c.value for c in load_workbook(io.BytesIO(survey_to_xlsform(survey)))["survey"][1]]
    assert "label::French (fr)" in header and "label::fr (fr)" not in header


def test_bind_body_and_media_columns_are_not_languages():
    data = workbook([["type", "name", "label", "bind::relevant", "body::accuracyThreshold", "media::image"],
                     ["select_one yn", "a", "A?", None, None, None],
                     ["text", "b", "B?", "${a} = 'yes'", "5", "b.png"]], YN, SETTINGS)
    report = read_xlsform(data)
    assert report.survey.languages == ("en",)
    assert report.survey.question("b").show_if == Condition("equals", "a", ("yes",))
    columns = {p.column for p in report.unmapped if p.code == "unused_column"}
    assert columns == {"body::accuracyThreshold", "media::image"}


def test_a_plain_label_column_stays_plain():
    data = workbook([["type", "name", "label", "label::Polski (pl)"], ["text", "q", "Why?", "Dlaczego?"]],
                    None, SETTINGS)
    survey = read_xlsform(data).survey
    assert survey.language_names == {"en": ""}
    header = [c.value for c in load_workbook(io.BytesIO(survey_to_xlsform(survey)))["survey"][1]]
    assert header[:4] == ["type", "name", "label", "label::Polski (pl)"]


def test_a_form_without_english_is_refused_with_a_clear_message():
    [problem] = errors_of(workbook([["type", "name", "label::Deutsch (de)"], ["text", "q", "Warum?"]], None,
                                   SETTINGS))
    assert problem.code == "no_english" and "add label::English (en)" in problem.message


# --- nothing changes silently ------------------------------------------------------------------------


def test_prefer_not_to_say_is_a_visible_choice_not_a_silent_addition():
    data = workbook([["type", "name", "label", "required"], ["select_one yn", "a", "A?", "yes"]], YN, SETTINGS)
    plain = read_xlsform(data)
    assert [o.id for o in plain.survey.question("a").options] == ["yes", "no"]
    assert plain.survey.add_prefer_not_to_say is False
    assert plain.survey.question("a").required is False  # nobody is made to answer…
    assert "'a' is not required here" in str(plain.unmapped[0])  # …and the report says so
    offered = read_xlsform(data, add_prefer_not_to_say=True)
    assert [o.id for o in offered.survey.question("a").options] == ["yes", "no", PREFER_NOT_TO_SAY]
    assert offered.survey.question("a").required is True


def test_shared_lists_keep_their_name_and_are_written_once():
    data = workbook([["type", "name", "label"], ["select_one yn", "a", "A?"], ["select_one yn", "b", "B?"]],
                    YN, SETTINGS)
    survey = read_xlsform(data).survey
    assert survey.question("a").options_list == survey.question("b").options_list == "yn"
    wb = load_workbook(io.BytesIO(survey_to_xlsform(survey)))
    assert [r[0] for r in wb["choices"].iter_rows(min_row=2, values_only=True)] == ["yn", "yn"]
    types = [r[0] for r in wb["survey"].iter_rows(min_row=2, values_only=True)]
    assert types == ["select_one yn", "select_one yn"]  # no group wrapped round them either


def test_decimals_stay_decimals_and_integers_whole():
    data = workbook([["type", "name", "label", "constraint"], ["decimal", "height", "Height?", ". >= 0.5"],
                     ["integer", "age", "Age?", ". >= 10 and . <= 18"]], None, SETTINGS)
    survey = read_xlsform(data).survey
    assert survey.question("height").decimals and survey.question("height").min == 0.5
    assert not survey.question("age").decimals and (survey.question("age").min, survey.question("age").max) == (10, 18)
    types = [r[0] for r in load_workbook(io.BytesIO(survey_to_xlsform(survey)))["survey"].iter_rows(
        min_row=2, values_only=True)]
    assert types == ["decimal", "integer"]


def test_piping_is_kept_and_a_pipe_to_something_not_imported_is_listed():
    data = workbook([["type", "name", "label", "calculation"],
                     ["select_one yn", "likes", "Do you like it?", None],
                     ["calculate", "total", None, "1 + 1"],
                     ["text", "why", "You said ${likes}. Why? (${total})", None]], YN, SETTINGS)
    report = read_xlsform(data)
    assert report.survey.question("why").text["en"] == "You said ${likes}. Why? (…)"
    [item] = [p for p in report.unmapped if p.code == "pipe_not_imported"]
    assert item.row == 4 and "${total}" in item.message


def test_questions_outside_groups_stay_outside_and_groups_keep_their_names():
    data = workbook([["type", "name", "label"], ["text", "first", "First?"], ["begin_group", "g", "Group"],
                     ["text", "inner", "Inner?"], ["end_group", None, None], ["text", "last", "Last?"]], None, SETTINGS)
    survey = read_xlsform(data).survey
    assert [(s.id, s.group) for s in survey.sections] == [("questions", False), ("g", True), ("questions_2", False)]
    rows = list(load_workbook(io.BytesIO(survey_to_xlsform(survey)))["survey"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [("text", "first"), ("begin_group", "g"), ("text", "inner"),
                                            ("end_group", None), ("text", "last"),
                                            ("select_one quote_consent", "quote_consent")]


def test_xlsform_names_are_kept_not_renamed():
    data = workbook([["type", "name", "label"], ["select_one yn", "Q1.a", "A?"], ["integer", "hh-size", "B?"]],
                    [["list_name", "name", "label"], ["yn", "Yes", "Yes"], ["yn", "-99", "Don't know"]], SETTINGS)
    survey = read_xlsform(data).survey
    assert [q.id for q in survey.questions] == ["Q1.a", "hh-size"]
    assert [o.id for o in survey.question("Q1.a").options] == ["Yes", "-99"]
    assert load_survey_text(survey_to_yaml(survey)) is not None  # the survey file holds them too


def test_a_duplicated_label_column_is_an_error_not_a_silent_winner():
    [problem] = errors_of((FIXTURES / "duplicate_columns.xlsx").read_bytes())
    assert "Duplicate column header: label" in problem.message


# --- messages ---------------------------------------------------------------------------------------


def test_when_nothing_can_be_imported_the_list_of_what_was_skipped_is_shown():
    problems = errors_of(workbook([["type", "name", "label"], ["geopoint", "where", "Where?"],
                                   ["date", "when", "When?"]], None, SETTINGS))
    assert problems[0].code == "nothing_to_import"
    assert [(p.row, p.code) for p in problems[1:]] == [(2, "type_not_imported"), (3, "type_not_imported")]


def test_errors_after_the_added_quote_consent_name_the_right_row():
    data = workbook([["type", "name", "label", "relevant"],
                     ["text", "story", "Tell us", None],
                     ["select_one yn", "next", "Next?", None],
                     ["select_one yn", "bad", None, None]],
                    [["list_name", "name", "label", "emoji"], ["yn", "yes", "Yes", None], ["yn", "no", "No", "x"]],
                    [["form_id", "version"], ["my_form", "1"]])
    data2 = workbook([["type", "name", "label", "voice_type"], ["text", "story", "Tell us", None],
                      ["select_one yn", "scale_q", "How much?", "emoji_scale"]],
                     [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]], SETTINGS)
    report = read_xlsform(data)
    assert [q.id for q in report.survey.questions] == ["story", "quote_consent", "next", "bad"]
    problems = errors_of(data2)  # emoji_scale options need an emoji: placed on the choices rows, once each
    assert sorted((p.sheet, p.row) for p in problems) == [("choices", 2), ("choices", 3)]


def test_pyxform_errors_are_placed_and_never_a_traceback():
    [problem] = errors_of(workbook([["type", "name", "label"], ["select_one nope", "q", "Q?"]], YN, SETTINGS))
    assert problem.sheet == "survey" and problem.row == 2 and "nope" in problem.message
    [problem] = errors_of(b"not a workbook")
    assert problem.code == "not_a_workbook"


def test_a_rule_on_a_later_question_is_listed_and_the_question_kept():
    report = read_xlsform(workbook([["type", "name", "label", "relevant"],
                                    ["select_one yn", "first", "First?", "${second} = 'yes'"],
                                    ["select_one yn", "second", "Second?", None]], YN, SETTINGS))
    [item] = report.unmapped
    assert (item.row, item.column, item.code) == (2, "relevant", "relevant_not_earlier")
    assert report.survey.question("first").show_if is None


def test_relevant_forms_we_read():
    rows = [["type", "name", "label", "relevant"], ["select_one yn", "a", "A?", None],
            ["select_multiple yn", "m", "M?", None],
            ["text", "b", "B?", "not(${a} = 'yes')"],
            ["text", "c", "C?", "${a}=\"no\" or selected(${m}, 'yes')"],
            ["text", "d", "D?", "${b} != ''"],
            ["text", "e", "E?", "selected(${a}, 'yes') and (${m} != '')"]]
    survey = read_xlsform(workbook(rows, YN, SETTINGS)).survey
    assert survey.question("b").show_if == Condition("not_equals", "a", ("yes",))
    assert survey.question("c").show_if.op == "any"
    assert survey.question("d").show_if == Condition("answered", "b")
    assert survey.question("e").show_if.op == "all"


# --- round trips ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xls*") if "duplicate" not in p.name))
def test_real_forms_round_trip_import_export_pyxform(name):
    from pyxform.xls2xform import convert

    report = fixture(name)
    exported = survey_to_xlsform(report.survey)
    convert(exported, validate=False)  # pyxform accepts our export
    again = read_xlsform(exported)
    assert again.survey.questions == report.survey.questions
    assert again.survey.languages == report.survey.languages
    assert again.survey.language_names == report.survey.language_names
    assert again.unmapped == []


def test_a_group_label_cannot_pipe_and_says_so():
    report = read_xlsform(workbook([["type", "name", "label"], ["text", "nick", "Your name?"],
                                    ["begin_group", "g", "Hi ${nick}"], ["text", "q", "Why?"],
                                    ["end_group", None, None]], None, SETTINGS))
    assert report.survey.sections[1].title == {"en": "Hi …"}
    [item] = [p for p in report.unmapped if p.code == "pipe_not_imported"]
    assert item.row == 3 and "section title" in item.message
