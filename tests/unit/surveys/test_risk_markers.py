"""`risk` on a question: options that put a response in the safeguarding queue. Checked with file, line and
field; kept by the editor's layout (YAML) and by XLSForm export; marked on the built-in surveys."""

from __future__ import annotations

import io

import pytest

from voice.surveys.loader import SurveyFileError, load_survey_file, load_survey_text, survey_from_dict
from voice.surveys.serialize import survey_to_dict, survey_to_yaml

from tests.unit.surveys.survey_test_helpers import SURVEYS_DIR

MARKED = """\
id: mini
title: Mini survey
version: 1
audience: {min_age: 10, max_age: 11}
intro: Hi.
privacy_notice: We keep it safe.
sections:
  - id: main
    title: Main
    questions:
      - id: threatened
        type: yes_no
        text: Has anyone threatened you online?
        risk: {"yes": threats_blackmail}
      - id: feel_safe_home
        type: single
        text: Do you feel safe at home?
        options:
          - {id: always, label: Always}
          - {id: sometimes, label: Sometimes}
          - {id: never, label: Never}
        risk: {sometimes: missing_unsafe_home, never: missing_unsafe_home}
"""


def problems(text: str) -> list:
    with pytest.raises(SurveyFileError) as info:
        load_survey_text(text, "mini.yaml")
    return info.value.problems


def test_marked_options_load_with_their_categories():
    survey = load_survey_text(MARKED, "mini.yaml")
    assert survey.question("threatened").risk == {"yes": "threats_blackmail"}
    assert survey.question("feel_safe_home").risk == {"sometimes": "missing_unsafe_home",
                                                      "never": "missing_unsafe_home"}


def test_unquoted_yes_is_the_option_yes_not_true():
    survey = load_survey_text(MARKED.replace('{"yes": threats_blackmail}', "{yes: threats_blackmail}"), "m.yaml")
    assert survey.question("threatened").risk == {"yes": "threats_blackmail"}


@pytest.mark.parametrize("marker, line, field, words", [
    ('{"maybe": threats_blackmail}', 14, "sections[0].questions[0].risk.maybe", "'maybe' is not an option"),
    ('{"yes": self_harm}', 14, "sections[0].questions[0].risk.yes", "not a concern category; use one of"),
    ('{prefer_not_to_say: other}', 14, "sections[0].questions[0].risk.prefer_not_to_say", "nobody has to tell"),
    ("[yes]", 14, "sections[0].questions[0].risk", "should list the options"),
])
def test_a_wrong_marker_names_file_line_and_field(marker, line, field, words):
    (problem,) = problems(MARKED.replace('{"yes": threats_blackmail}', marker))
    assert (problem.file, problem.line, problem.field) == ("mini.yaml", line, field)
    assert words in problem.message


def test_a_text_question_cannot_be_marked():
    text = MARKED + """\
      - id: worries
        type: text
        text: Anything worrying you?
        risk: {"yes": other}
      - id: quote_consent
        type: yes_no
        text: Can we use your words, without your name, in reports?
"""
    (problem,) = problems(text)
    assert problem.field == "sections[0].questions[2].risk" and "concern lexicon" in problem.message


def test_markers_survive_the_yaml_the_editor_writes_and_the_editor_layout():
    survey = load_survey_text(MARKED, "mini.yaml")
    assert load_survey_text(survey_to_yaml(survey), "again.yaml").questions == survey.questions
    assert survey_from_dict(survey_to_dict(survey)).questions == survey.questions


def test_xlsform_export_carries_markers_on_the_choices_sheet():
    from openpyxl import load_workbook

    from voice.surveys.xlsform import read_xlsform, survey_to_xlsform

    survey = load_survey_text(MARKED, "mini.yaml")
    workbook = load_workbook(io.BytesIO(survey_to_xlsform(survey)))
    rows = list(workbook["choices"].iter_rows(values_only=True))
    header = list(rows[0])
    assert "risk" in header
    marked = {(r[0], r[1]): r[header.index("risk")] for r in rows[1:] if r[header.index("risk")]}
    assert marked == {("threatened", "yes"): "threats_blackmail",
                      ("feel_safe_home", "sometimes"): "missing_unsafe_home",
                      ("feel_safe_home", "never"): "missing_unsafe_home"}
    assert read_xlsform(survey_to_xlsform(survey)).survey.question("threatened").risk == {"yes": "threats_blackmail"}


def test_the_built_in_surveys_mark_what_a_lead_must_see():
    y9 = load_survey_file(SURVEYS_DIR / "esafety_year9.yaml")
    assert {q.id: dict(q.risk) for q in y9.questions if q.risk} == {
        "threatened_on_webcam": {"yes": "threats_blackmail"}, "met_alone": {"yes": "grooming_exploitation"},
        "met_person_lied": {"yes": "grooming_exploitation"}, "sent_self_image": {"yes": "sexual_abuse"}}
    y6 = load_survey_file(SURVEYS_DIR / "esafety_year6.yaml")
    assert {q.id for q in y6.questions if q.risk} == {"webcam_chat_new_people", "felt_unsafe_online"}
    safe = load_survey_file(SURVEYS_DIR / "safe_feel_safe.yaml")
    assert safe.question("feel_safe_home").risk == {"sometimes": "missing_unsafe_home", "never": "missing_unsafe_home"}
    assert all(q.risk.get("never") for q in safe.questions if q.id.startswith("feel_safe_"))


def test_surveys_check_reports_a_wrong_marker(tmp_path):
    from tests.unit.surveys.test_cli import run

    path = tmp_path / "mini.yaml"
    path.write_text(MARKED.replace("threats_blackmail", "threats"), encoding="utf-8")
    result = run("surveys", "check", str(path))
    assert result.returncode == 1
    assert "line 14, field sections[0].questions[0].risk.yes: 'threats' is not a concern category" in result.stdout
