"""XLSForm: round trips keep every feature; errors name sheet, row and column; what can't be mapped is listed."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from voice.cli import main as voice_main
from voice.surveys.loader import load_survey_file, load_survey_text, survey_files
from voice.surveys.schema import Condition
from voice.surveys.serialize import survey_to_yaml
from voice.surveys.xlsform import XLSFormError, condition_to_relevant, read_xlsform, survey_to_xlsform

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "surveys" / "every_feature_en_pl.yaml"


def same(a, b) -> bool:
    return replace(a, source="") == replace(b, source="")


def workbook(survey_rows, choice_rows=None, settings_rows=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey_rows:
        ws.append(row)
    if choice_rows is not None:
        cs = wb.create_sheet("choices")
        for row in choice_rows:
            cs.append(row)
    if settings_rows is not None:
        ss = wb.create_sheet("settings")
        for row in settings_rows:
            ss.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def errors_of(data: bytes, **kwargs) -> list:
    with pytest.raises(XLSFormError) as info:
        read_xlsform(data, **kwargs)
    return info.value.problems


@pytest.mark.parametrize("path", survey_files(Path(__file__).resolve().parents[3] / "surveys"), ids=lambda p: p.stem)
def test_built_in_surveys_round_trip_yaml_xlsform_yaml(path):
    original = load_survey_file(path)
    report = read_xlsform(survey_to_xlsform(original))
    assert same(report.survey, original)
    assert report.unmapped == [] and report.filled_in == []
    # ... and the YAML written from the import reads back to the same survey.
    assert same(load_survey_text(survey_to_yaml(report.survey)), original)


def test_every_type_skip_rule_and_two_languages_round_trip():
    original = load_survey_file(FIXTURE)
    assert {q.type for q in original.questions} == {"single", "multi", "yes_no", "scale", "emoji_scale", "text",
                                                    "number"}
    report = read_xlsform(survey_to_xlsform(original))
    assert same(report.survey, original)
    assert report.survey.languages == ("en", "pl")
    assert report.survey.question("worry").show_if.op == "all"
    assert report.survey.question("mood").options[0].emoji == "🙁"


def test_exported_sheets_use_standard_xlsform_columns():
    data = survey_to_xlsform(load_survey_file(FIXTURE))
    wb = load_workbook(io.BytesIO(data))
    header = [c.value for c in wb["survey"][1]]
    assert header[:4] == ["type", "name", "label::English (en)", "label::Polski (pl)"]
    rows = {r[1]: r for r in wb["survey"].iter_rows(min_row=2, values_only=True)}
    col = {h: i for i, h in enumerate(header)}
    assert rows["uses_apps"][col["type"]] == "select_multiple uses_apps"
    assert rows["snap_hours"][col["relevant"]] == "selected(${uses_apps}, 'snapchat')"
    assert rows["snap_hours"][col["constraint"]] == ". >= 0 and . <= 24"
    assert rows["mood"][col["voice_type"]] == "emoji_scale"
    assert rows["about"][col["type"]] == "begin_group"
    settings = dict(zip(*[[c.value for c in r] for r in wb["settings"].iter_rows(max_row=2)]))
    assert settings["form_id"] == "every_feature" and settings["version"] == "3"
    assert settings["default_language"] == "English (en)"


@pytest.mark.parametrize("condition, expression", [
    (Condition("equals", "a", ("yes",)), "${a} = 'yes'"),
    (Condition("not_equals", "a", ("no",)), "${a} != 'no'"),
    (Condition("answered", "a"), "${a} != ''"),
    (Condition("includes", "m", ("x",)), "selected(${m}, 'x')"),
    (Condition("in", "a", ("x", "y")), "selected(${a}, 'x') or selected(${a}, 'y')"),
    (Condition("all", conditions=(Condition("equals", "a", ("yes",)), Condition("in", "b", ("x", "y")))),
     "${a} = 'yes' and (selected(${b}, 'x') or selected(${b}, 'y'))"),
])
def test_relevant_expressions(condition, expression):
    assert condition_to_relevant(condition) == expression


FOREIGN_SURVEY = [
    ["type", "name", "label::English (en)", "label::Polski (pl)", "hint", "required", "relevant", "constraint",
     "appearance"],
    ["start", "start", None, None, None, None, None, None, None],
    ["begin_group", "you", "About you", "O Tobie", None, None, None, None, "field-list"],
    ["select_one yn", "likes_school", "Do you like school?", "Czy lubisz szkołę?", None, "true()", None, None, None],
    ["note", "thanks_note", "Thanks!", None, None, None, None, None, None],
    ["select_multiple apps", "apps", "Which apps?", None, None, None, "${likes_school} = 'yes' or ${likes_school} = 'no'",
     None, None],
    ["integer", "age", "How old are you?", None, "In years", None, None, ". > 9 and . < 19", None],
    ["calculate", "double_age", None, None, None, None, None, None, None],
    ["text", "why", "Why?", None, None, "${age} > 12", "count-selected(${apps}) > 1", None, None],
    ["end_group", None, None, None, None, None, None, None, None],
    ["begin_repeat", "friends", "Friends", None, None, None, None, None, None],
    ["text", "friend_name", "Friend's name", None, None, None, None, None, None],
    ["end_repeat", None, None, None, None, None, None, None, None],
    ["geopoint", "where", "Where are you?", None, None, None, None, None, None],
]
FOREIGN_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Polski (pl)"],
    ["yn", "yes", "Yes", "Tak"], ["yn", "no", "No", "Nie"],
    ["apps", "snapchat", "Snapchat", None], ["apps", "tiktok", "TikTok", None],
]


def test_a_foreign_xlsform_imports_and_lists_everything_it_could_not_map():
    report = read_xlsform(workbook(FOREIGN_SURVEY, FOREIGN_CHOICES), default_id="school_form")
    survey = report.survey
    assert survey.id == "school_form" and survey.languages == ("en", "pl")
    assert [q.id for q in survey.questions] == ["likes_school", "apps", "age", "why", "quote_consent"]
    assert survey.question("likes_school").required is True
    assert survey.question("likes_school").text == {"en": "Do you like school?", "pl": "Czy lubisz szkołę?"}
    apps_rule = survey.question("apps").show_if
    assert apps_rule.op == "any" and [c.values for c in apps_rule.conditions] == [("yes",), ("no",)]
    assert survey.question("age").help == {"en": "In years"}
    listed = {(u.sheet, u.row, u.column) for u in report.unmapped}
    assert ("survey", 2, "type") in listed       # start (device metadata)
    assert ("survey", 5, "type") in listed       # note
    assert ("survey", 7, "constraint") in listed  # . > 9 is not a bound we map
    assert ("survey", 8, "type") in listed       # calculate
    assert ("survey", 9, "required") in listed   # required as an expression
    assert ("survey", 9, "relevant") in listed   # count-selected(...)
    assert ("survey", 11, "type") in listed and ("survey", 12, "type") in listed  # repeat and what is inside
    assert ("survey", 14, "type") in listed      # geopoint
    assert ("survey", None, "appearance") in listed  # a column we do not use, with its rows
    messages = " ".join(str(u) for u in report.unmapped)
    assert "column G (relevant)" in messages and "row 5" in messages
    assert any("quote_consent" in f for f in report.filled_in)
    assert any("intro" in f for f in report.filled_in)


def test_errors_name_sheet_row_and_column():
    problems = errors_of(workbook(
        [["type", "name", "label"],
         ["select_one colours", "fav", "Favourite colour?"],
         ["select_one yn", "Bad-Name", "Is this OK?"],
         ["text", None, "No name here"],
         ["unicorn", "horn", "What?"]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "yes", "Yes again"], [None, "x", "X"]],
        [["form_id", "form_title"], ["my_form", "My form"]]))
    placed = {(p.sheet, p.row, p.column) for p in problems}
    assert ("survey", 2, "type") in placed      # list 'colours' is not on the choices sheet
    assert ("survey", 4, "name") in placed      # no name
    assert ("survey", 5, "type") in placed      # unknown type
    assert ("choices", 4, "list_name") in placed
    text = "\n".join(map(str, problems))
    assert "list 'colours' is not on the choices sheet" in text
    assert "survey sheet, row 5, column A (type)" in text


def test_survey_rule_problems_point_at_the_cell():
    problems = errors_of(workbook(
        [["type", "name", "label"],
         ["select_one yn", "first", "First?"],
         ["select_one yn", "Second_Q", "Second?"],
         ["select_one yn", "third", "Third?"]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "yes", "Yes again"]],
        [["form_id", "form_title"], ["my_form", "My form"]]))
    placed = {(p.sheet, p.row, p.column) for p in problems}
    assert ("survey", 3, "name") in placed        # Second_Q: not a usable id
    assert ("choices", 3, "name") in placed       # yes twice in list yn


def test_a_rule_on_a_later_question_is_an_error_at_its_relevant_cell():
    problems = errors_of(workbook(
        [["type", "name", "label", "relevant"],
         ["select_one yn", "first", "First?", "${second} = 'yes'"],
         ["select_one yn", "second", "Second?", None]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
        [["form_id", "form_title"], ["my_form", "My form"]]))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("survey", 2, "relevant")]
    assert "later" in problems[0].message


def test_missing_sheet_and_missing_columns():
    assert "no 'survey' sheet" in str(errors_of(_only_choices())[0])
    problems = errors_of(workbook([["name", "label"], ["a", "A"]]), default_id="x")
    assert (problems[0].sheet, problems[0].row, problems[0].column) == ("survey", 1, "type")
    assert "not an Excel" in str(errors_of(b"not a workbook")[0])


def _only_choices() -> bytes:
    wb = Workbook()
    wb.active.title = "choices"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_group_relevant_applies_to_each_question_inside():
    report = read_xlsform(workbook(
        [["type", "name", "label", "relevant"],
         ["select_one yn", "online", "Are you online?", None],
         ["begin_group", "online_bits", "Online", "${online} = 'yes'"],
         ["select_one yn", "chat", "Do you chat?", None],
         ["select_one yn", "video", "Do you video call?", "${chat} = 'yes'"],
         ["end_group", None, None, None]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
        [["form_id", "form_title"], ["my_form", "My form"]]))
    assert report.survey.question("chat").show_if == Condition("equals", "online", ("yes",))
    assert report.survey.question("video").show_if.op == "all"


def test_cli_export_and_import(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")  # empty: falls back to the files
    xlsx = tmp_path / "y9.xlsx"
    assert voice_main(["surveys", "export-xlsform", "esafety_year9", str(xlsx)]) == 0
    out = tmp_path / "y9.yaml"
    assert voice_main(["surveys", "import-xlsform", str(xlsx), "--out", str(out)]) == 0
    assert same(load_survey_file(out), load_survey_file(Path(__file__).resolve().parents[3] / "surveys" /
                                                        "esafety_year9.yaml"))
    assert voice_main(["surveys", "check", str(out)]) == 0  # the existing command still works beside ours
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["type", "name", "label"], ["select_one nope", "q", "Q?"]], [["list_name", "name",
                                                                                            "label"]]))
    assert voice_main(["surveys", "import-xlsform", str(bad), "--check"]) == 1
    assert "survey sheet, row 2, column A (type)" in capsys.readouterr().out
