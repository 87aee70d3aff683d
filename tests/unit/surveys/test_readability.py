"""Reading-level warnings: plain words pass, long hard sentences are flagged."""

from __future__ import annotations


from voice.surveys.loader import load_survey_text
from voice.surveys.readability import count_syllables, max_grade_for_age, reading_grade, reading_level_warnings

from tests.unit.surveys.survey_test_helpers import minimal_survey, to_yaml

HARD = ("Notwithstanding contemporaneous safeguarding considerations, do you ordinarily "
        "communicate electronically with unfamiliar individuals?")


def survey_with(text: str, min_age: int = 10, help_text: str | None = None):
    data = minimal_survey()
    data["audience"] = {"min_age": min_age, "max_age": 18}
    data["sections"][0]["questions"][0]["text"] = text
    if help_text:
        data["sections"][0]["questions"][0]["help"] = help_text
    return load_survey_text(to_yaml(data), "plain.yaml")


def test_syllables():
    words = ("cat", "online", "anything", "lockdown", "made", "worried")
    assert [count_syllables(w) for w in words] == [1, 2, 3, 2, 1, 2]


def test_plain_question_passes():
    assert reading_level_warnings(survey_with("Do you use a webcam or the camera on a phone?")) == []


def test_hard_question_is_flagged_with_where_and_what():
    [warning] = reading_level_warnings(survey_with(HARD))
    assert "question uses_webcam text" in warning and "youngest reader (10)" in warning
    assert "plain.yaml" in warning


def test_help_is_checked_too():
    [warning] = reading_level_warnings(survey_with("Do you use a webcam?", help_text=HARD))
    assert "question uses_webcam help" in warning


def test_older_audience_allows_harder_text():
    text = "Have you ever sent a nude or sexual photo or video of yourself to someone?"
    grade = reading_grade(text)
    assert max_grade_for_age(10) < grade <= max_grade_for_age(13)
    assert reading_level_warnings(survey_with(text, min_age=13)) == []


def test_very_short_texts_are_not_scored():
    assert reading_level_warnings(survey_with("Extraordinary circumstances?")) == []
