"""Piping (${question} shows an earlier answer, escaped) and decimal numbers kept as decimals."""

from __future__ import annotations

import pytest

from voice.responses.answers import AnswerRejected, clean_value
from voice.surveys.loader import SurveyFileError, load_survey_text
from voice.surveys.piping import NOT_ANSWERED, answer_text, pipe, piped_question
from voice.surveys.serialize import survey_to_yaml

from tests.unit.surveys.survey_test_helpers import minimal_survey, to_yaml


def survey_with(*questions: dict):
    data = minimal_survey()
    data["sections"][0]["questions"] = list(questions)
    return load_survey_text(to_yaml(data), "piping.yaml")


APP = {"id": "app", "type": "single", "text": "Which app do you use most?",
       "options": [{"id": "snap", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"}]}
NICK = {"id": "nick", "type": "text", "text": "What should we call you?"}
HOURS = {"id": "hours", "type": "number", "text": "How many hours?", "decimals": True}
CONSENT = {"id": "quote_consent", "type": "yes_no", "text": "Can we use your words, without your name, in reports?"}


def test_an_earlier_answer_is_shown_in_the_wording():
    survey = survey_with(APP, HOURS, {"id": "why", "type": "single", "text": "Why ${app} for ${hours} hours?",
                                      "help": "You picked ${app}.", "options": [{"id": "fun", "label": "${app} is fun"},
                                                                             {"id": "friends", "label": "Friends"}]})
    q = piped_question(survey.question("why"), survey, {"app": "snap", "hours": 2.5}, "en")
    assert q.text == {"en": "Why Snapchat for 2.5 hours?"} and q.help == {"en": "You picked Snapchat."}
    assert q.options[0].label == {"en": "Snapchat is fun"} and q.options[0].id == "fun"
    skipped = piped_question(survey.question("why"), survey, {}, "en")
    assert skipped.text["en"] == f"Why {NOT_ANSWERED} for {NOT_ANSWERED} hours?"


def test_a_young_persons_words_are_escaped_and_never_change_the_page():
    from voice.ui.text import plain

    survey = survey_with(NICK, CONSENT, {"id": "hello", "type": "yes_no", "text": "**Hi** ${nick}, ok?"})
    nasty = "[click](http://evil.example) <b>x</b> :red[y] www.evil.example me@evil.example"
    q = piped_question(survey.question("hello"), survey, {"nick": nasty}, "en", escape=plain)
    assert q.text["en"].startswith("**Hi** ")  # the author's wording stays as written
    assert "\\[click\\]\\(http" in q.text["en"] and "\\<b\\>" in q.text["en"]
    # Markdown links a written address even when escaped: an invisible word joiner stops it.
    assert "\u2060" in q.text["en"] and "http://evil" not in q.text["en"] and "www.evil" not in q.text["en"]


def test_answer_text_for_each_kind():
    survey = survey_with(APP, {**APP, "id": "apps", "type": "multi"}, HOURS, {"id": "n", "type": "number", "text": "N"})
    assert answer_text(survey.question("apps"), ["snap", "tiktok"], "en") == "Snapchat, TikTok"
    assert answer_text(survey.question("n"), 12.0, "en") == "12"
    assert answer_text(survey.question("hours"), 0.5, "en") == "0.5"
    assert pipe("no pipes", survey, {}, "en") == "no pipes"


@pytest.mark.parametrize("text, message", [
    ("${later} first?", "comes later in the survey"),
    ("${nope}?", "is not a question in this survey"),
    ("Is ${why} right?", "is this question itself"),
])
def test_a_pipe_must_name_an_earlier_question(text, message):
    with pytest.raises(SurveyFileError) as caught:
        survey_with(APP, {"id": "why", "type": "yes_no", "text": text}, {"id": "later", "type": "yes_no", "text": "L"})
    [problem] = caught.value.problems
    assert problem.code == "pipe_unknown_question" and message in problem.message


def test_a_survey_title_cannot_pipe():
    data = minimal_survey()
    data["title"] = "Hello ${uses_webcam}"
    with pytest.raises(SurveyFileError) as caught:
        load_survey_text(to_yaml(data), "t.yaml")
    assert caught.value.problems[0].code == "pipe_not_here"


# --- decimals -----------------------------------------------------------------------------------------


def test_whole_numbers_refuse_decimals_and_decimal_questions_keep_them():
    survey = survey_with({"id": "age", "type": "number", "text": "Age?", "min": 10, "max": 18}, HOURS)
    with pytest.raises(AnswerRejected, match="whole number"):
        clean_value(survey.question("age"), "12.5")
    assert clean_value(survey.question("age"), "12") == 12
    assert clean_value(survey.question("hours"), "2.25") == 2.25


def test_decimals_round_trip_through_the_survey_file_and_a_fractional_limit_implies_them():
    survey = survey_with(HOURS, {"id": "sleep", "type": "number", "text": "Sleep?", "min": 0.5})
    assert survey.question("sleep").decimals  # a limit of 0.5 only makes sense with decimals
    again = load_survey_text(survey_to_yaml(survey), "again.yaml")
    assert again.question("hours").decimals and again.question("sleep").decimals
    with pytest.raises(SurveyFileError) as caught:
        survey_with({"id": "x", "type": "number", "text": "X", "min": 0.5, "decimals": False})
    assert caught.value.problems[0].field.endswith("decimals")


def test_decimal_answers_are_stored_exported_and_imported_as_written(tmp_path, session):
    from voice.responses import service
    from voice.responses.exporter import export_responses
    from voice.responses.importer import import_responses
    from voice.surveys.registry import get_survey, publish

    publish(session, survey_with({"id": "age", "type": "number", "text": "Age?"}, HOURS), source="test")
    code = service.start_response(session, "mini").resume_code
    service.save_step(session, code, {"age": 13, "hours": 2.25}, ["age", "hours"], 0)
    service.submit(session, code)
    out = tmp_path / "answers.csv"
    export_responses(session, "mini", out)
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].endswith(",13,2.25")
    report = import_responses(session, "mini", out, "again")
    assert report.imported == 1
    assert get_survey(session, "mini")[1].question("hours").decimals
