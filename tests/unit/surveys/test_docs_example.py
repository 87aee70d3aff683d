"""The example in docs/survey-files.md must itself be a valid survey."""

import re

from voice.surveys.loader import load_survey_text
from voice.surveys.readability import reading_level_warnings

from survey_test_helpers import REPO


def test_docs_example_loads_cleanly():
    doc = (REPO / "docs" / "survey-files.md").read_text(encoding="utf-8")
    example = re.search(r"## A short example\n\n```yaml\n(.*?)```", doc, re.S).group(1)
    survey = load_survey_text(example, "docs example")
    assert survey.question("webcam_chat_new_people").show_if.question == "uses_webcam"
    assert reading_level_warnings(survey) == []
