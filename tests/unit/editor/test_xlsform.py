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

from tests.unit.surveys.survey_test_helpers import workbook

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "surveys" / "every_feature_en_pl.yaml"


def same(a, b) -> bool:
    return replace(a, source="") == replace(b, source="")


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
    assert settings["add_prefer_not_to_say"] == "yes"


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


def test_a_foreign_xlsform_lists_everything_it_could_not_map():
    # Real forms and every alias, case and language rule: tests/unit/surveys/test_xlsform_import.py.
    report = read_xlsform(workbook(
        [["type", "name", "label::English (en)", "label::Polski (pl)", "hint", "required", "relevant", "constraint",
          "appearance"],
         ["start", "start", None, None, None, None, None, None, None],
         ["begin_group", "you", "About you", "O Tobie", None, None, None, None, "field-list"],
         ["select_one yn", "likes_school", "Do you like school?", "Czy lubisz szkołę?", None, "true()", None, None,
          None],
         ["note", "thanks_note", "Thanks!", None, None, None, None, None, None],
         ["integer", "age", "How old are you?", None, "In years", None, None, ". > 9 and . < 19", None],
         ["date", "birthday", "When is your birthday?", None, None, None, None, None, None],
         ["text", "why", "Why?", None, None, "${age} > 12", "${age} > 12", None, None],
         ["end_group", None, None, None, None, None, None, None, None],
         ["geopoint", "where", "Where are you?", None, None, None, None, None, None]],
        [["list_name", "name", "label::English (en)", "label::Polski (pl)"],
         ["yn", "yes", "Yes", "Tak"], ["yn", "no", "No", "Nie"]]), default_id="school_form")
    survey = report.survey
    assert survey.id == "school_form" and survey.languages == ("en", "pl")
    assert [q.id for q in survey.questions] == ["likes_school", "age", "why", "quote_consent"]
    assert survey.question("likes_school").text == {"en": "Do you like school?", "pl": "Czy lubisz szkołę?"}
    listed = {(u.sheet, u.row, u.column) for u in report.unmapped}
    assert ("survey", 2, "type") in listed       # start (device metadata)
    assert ("survey", 5, "type") in listed       # note
    assert ("survey", 6, "constraint") in listed  # . > 9 is not a bound we map
    assert ("survey", 7, "type") in listed       # date
    assert ("survey", 8, "required") in listed   # required as an expression
    assert ("survey", 8, "relevant") in listed   # a number comparison
    assert ("survey", 10, "type") in listed      # geopoint
    assert ("survey", None, "appearance") in listed  # a column we do not use, with its rows
    assert "column G (relevant)" in " ".join(str(u) for u in report.unmapped)
    assert any("quote_consent" in f for f in report.filled_in)
    assert any("intro" in f for f in report.filled_in)


def test_the_first_error_pyxform_finds_is_placed_in_the_workbook():
    problems = errors_of(workbook(
        [["type", "name", "label"], ["select_one colours", "fav", "Favourite colour?"]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"]], [["form_id", "form_title"], ["my_form", "My form"]]))
    [problem] = problems
    assert (problem.sheet, problem.row) == ("survey", 2)
    assert "colours" in problem.message and str(problem).startswith("survey sheet, row 2")


def test_survey_rule_problems_point_at_the_cell():
    problems = errors_of(workbook(
        [["type", "name", "label", "voice_type"],
         ["select_one yn", "first", "First?", "yes_no"]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "maybe", "Maybe"]],
        [["form_id", "form_title"], ["my_form", "My form"]]))
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("survey", 2, "type", "bad_yes_no")]


def test_missing_sheet_and_missing_columns():
    assert "survey" in str(errors_of(_only_choices())[0])
    problems = errors_of(workbook([["name", "label"], ["a", "A"]]), default_id="x")
    assert problems[0].sheet == "survey" and "'type'" in problems[0].message
    assert "not an Excel workbook" in str(errors_of(b"not a workbook")[0])


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
    out = capsys.readouterr().out
    assert "choices sheet" in out and "nothing was imported" in out
