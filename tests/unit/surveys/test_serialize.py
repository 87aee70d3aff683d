"""Round trip: a survey written out and read back is the same survey."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice.surveys.loader import QUOTE_CONSENT_TEXT, load_survey_text, load_surveys_dir, survey_from_dict
from voice.surveys.schema import PREFER_NOT_TO_SAY
from voice.surveys.serialize import survey_to_dict, survey_to_yaml

from tests.unit.surveys.survey_test_helpers import SURVEYS_DIR, minimal_survey, to_yaml

BUILT_INS = load_surveys_dir(SURVEYS_DIR).surveys


def same(a, b) -> bool:
    return dataclasses.replace(a, source="") == dataclasses.replace(b, source="")


@pytest.mark.parametrize("survey_id", sorted(BUILT_INS))
def test_built_ins_round_trip_through_yaml(survey_id):
    survey = BUILT_INS[survey_id]
    assert same(load_survey_text(survey_to_yaml(survey), "again.yaml"), survey)


@pytest.mark.parametrize("survey_id", sorted(BUILT_INS))
def test_built_ins_round_trip_through_json(survey_id):
    # The registry stores survey_to_dict(survey) as JSON and rebuilds with survey_from_dict.
    survey = BUILT_INS[survey_id]
    data = json.loads(json.dumps(survey_to_dict(survey)))
    assert same(survey_from_dict(data), survey)


def test_defaults_are_left_out():
    survey = load_survey_text(to_yaml(minimal_survey()))
    data = survey_to_dict(survey)
    assert "languages" not in data and "retention_months" not in data and "priorities" not in data
    question = data["sections"][0]["questions"][0]
    assert question == {"id": "uses_webcam", "type": "yes_no", "text": "Do you use a webcam?"}


def test_wording_is_a_plain_string_only_when_english_only():
    data = minimal_survey()
    data["languages"] = ["en", "ur"]
    data["title"] = {"en": "Mini", "ur": "منی"}
    out = survey_to_dict(load_survey_text(to_yaml(data)))
    assert out["title"] == {"en": "Mini", "ur": "منی"}
    assert out["intro"] == "Hi."
    assert out["languages"] == ["en", "ur"]


# --- generated surveys -------------------------------------------------------------------

# Words that YAML likes to misread, plus ordinary and non-English ones.
tricky_words = st.sampled_from(["yes", "No", "on", "null", "~", "10", "1.5", "0x1F", "2020-01-01", "#tag",
                                "a: b", "- dash", "Prefer not to say", "Zażółć", "😀 happy", "'quoted'", '"dq"'])
wording = st.one_of(tricky_words, st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
                    ).map(str.strip).filter(bool)
option_id = st.one_of(st.sampled_from(["yes", "no", "1", "10_13", "1_to_10", "none", "on", "null"]),
                      st.from_regex(r"[a-z0-9][a-z0-9_]{0,8}", fullmatch=True))


@st.composite
def closed_question(draw, qid):
    qtype = draw(st.sampled_from(["single", "multi", "scale", "emoji_scale"]))
    ids = draw(st.lists(option_id.filter(lambda i: i != PREFER_NOT_TO_SAY), min_size=2, max_size=5, unique=True))
    options = [{"id": i, "label": draw(wording), **({"emoji": draw(st.sampled_from(["😀", "🙂", "😐"]))}
                                                     if qtype == "emoji_scale" else {})} for i in ids]
    q = {"id": qid, "type": qtype, "text": draw(wording), "options": options}
    if draw(st.booleans()):
        q["help"] = draw(wording)
    if draw(st.booleans()):
        q["required"] = True
    if draw(st.booleans()):
        q["sensitive"] = True
    return q


@st.composite
def generated_survey(draw):
    first = draw(closed_question("q0"))
    second = draw(closed_question("q1"))
    first_ids = [o["id"] for o in first["options"]]
    op = "includes" if first["type"] == "multi" else draw(st.sampled_from(["equals", "not_equals", "in"]))
    value = draw(st.sampled_from(first_ids + [PREFER_NOT_TO_SAY]))
    second["show_if"] = {"question": "q0", op: [value] if op == "in" else value}
    story = {"id": "story", "type": "text", "text": draw(wording)}
    if draw(st.booleans()):
        story["max_length"] = draw(st.integers(1, 5000))
    number = {"id": "count", "type": "number", "text": draw(wording),
              "min": draw(st.integers(-5, 0)),
              "max": draw(st.floats(1, 100, allow_nan=False).map(lambda f: round(f, 2)))}
    consent = {"id": "quote_consent", "type": "yes_no", "text": QUOTE_CONSENT_TEXT,
               "show_if": {"question": "story", "answered": True}}
    data = minimal_survey()
    data["title"] = draw(wording)
    data["version"] = draw(st.integers(1, 99))
    data["retention_months"] = draw(st.integers(1, 120))
    data["sections"][0]["questions"] += [first, second, story, number, consent]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_survey())
def test_generated_surveys_round_trip(data):
    survey = load_survey_text(to_yaml(data))
    again = load_survey_text(survey_to_yaml(survey))
    assert same(again, survey)
    assert same(survey_from_dict(json.loads(json.dumps(survey_to_dict(survey)))), survey)
