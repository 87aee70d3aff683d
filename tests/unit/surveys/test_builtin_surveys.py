"""The five built-in surveys: they load cleanly, read plainly, and keep their id contracts."""

from __future__ import annotations

import pytest

from voice.evidence.plan_file import load_plan_file
from voice.evidence.priorities import DEFAULT_PLAN_FILE
from voice.surveys.loader import QUOTE_CONSENT_TEXT, load_surveys_dir
from voice.surveys.readability import reading_level_warnings
from voice.surveys.schema import PREFER_NOT_TO_SAY

from tests.unit.surveys.survey_test_helpers import SURVEYS_DIR

BUILT_INS = ["esafety_year6", "esafety_year9", "safe_feel_safe", "ypag_priorities", "ypag_wellbeing"]
# The plan's priority keys, from its definition file (the ids questions link to).
PRIORITY_IDS = {p.key for p in load_plan_file(SURVEYS_DIR / "analysis" / DEFAULT_PLAN_FILE).priorities}


@pytest.fixture(scope="module")
def surveys():
    result = load_surveys_dir(SURVEYS_DIR)
    assert result.problems == []
    return result.surveys


def test_all_built_ins_load_without_problems(surveys):
    assert sorted(surveys) == BUILT_INS
    for survey_id in BUILT_INS:
        assert surveys[survey_id].source.endswith(f"{survey_id}.yaml")


@pytest.mark.parametrize("survey_id", BUILT_INS)
def test_no_reading_level_warnings(surveys, survey_id):
    assert reading_level_warnings(surveys[survey_id]) == []


@pytest.mark.parametrize("survey_id", BUILT_INS)
def test_young_people_can_tell_the_surveys_apart_and_never_meet_a_one_option_question(surveys, survey_id):
    """Issue 17: the front page says who each survey is for and how long it takes; nothing to choose from
    one option; "None of these"-style options stand alone; no help line repeating "Tick all that apply"."""
    survey = surveys[survey_id]
    assert survey.minutes and 1 <= survey.duration_minutes <= 10
    for q in survey.questions:
        if q.is_closed:
            assert len([o for o in q.options if o.id != PREFER_NOT_TO_SAY]) >= 2, q.id
        if q.type == "multi":
            assert "pick" not in q.help.get("en", "").lower() and "tick" not in q.help.get("en", "").lower(), q.id
            nobody = [o.id for o in q.options if o.label["en"].lower() in ("none of these", "no one")]
            assert set(nobody) <= q.exclusive_ids and PREFER_NOT_TO_SAY in q.exclusive_ids, q.id
    same_title = [s for s in surveys.values() if s.title == survey.title]
    if len(same_title) > 1:  # the two "Staying safe online" surveys say who they are for
        assert survey.audience_who


@pytest.mark.parametrize("survey_id", BUILT_INS)
def test_common_promises(surveys, survey_id):
    survey = surveys[survey_id]
    for q in survey.questions:
        if q.is_closed:
            assert q.option(PREFER_NOT_TO_SAY) is not None, q.id  # nobody has to tell us
        assert not q.required, q.id  # every built-in question can be skipped
        assert set(q.priorities) <= PRIORITY_IDS, q.id
    ids = [q.id for q in survey.questions]
    consent = survey.question("quote_consent")
    assert consent is not None and consent.type == "yes_no" and consent.text["en"] == QUOTE_CONSENT_TEXT
    last_text = max(i for i, q in enumerate(survey.questions) if q.type == "text")
    assert ids.index("quote_consent") > last_text


def types(survey) -> dict[str, str]:
    return {q.id: q.type for q in survey.questions}


def test_esafety_year6_contract(surveys):
    s = surveys["esafety_year6"]
    assert (s.audience_min_age, s.audience_max_age) == (10, 11)
    assert types(s) == {
        "parents_take_interest": "yes_no", "uses_webcam": "yes_no", "webcam_chat_new_people": "yes_no",
        "learned_esafety_school": "yes_no", "has_social_profile": "yes_no", "online_friends_never_met": "single",
        "felt_unsafe_online": "yes_no", "esafety_worries": "text", "esafety_help": "text",
        "quote_consent": "yes_no", "year_group": "single", "gender": "single",
    }
    assert [o.id for o in s.question("online_friends_never_met").options] == [
        "none", "1_to_10", "more_than_10", PREFER_NOT_TO_SAY]
    assert s.question("webcam_chat_new_people").show_if.question == "uses_webcam"
    assert s.question("esafety_worries").text["en"] == "Is there anything that worries you online?"
    assert [o.id for o in s.question("year_group").options] == ["year_5", "year_6", "year_7", PREFER_NOT_TO_SAY]
    assert [o.id for o in s.question("gender").options] == ["girl", "boy", "another_way", PREFER_NOT_TO_SAY]


def test_esafety_year9_contract(surveys):
    s = surveys["esafety_year9"]
    assert (s.audience_min_age, s.audience_max_age) == (13, 14)
    expected = {"uses_webcam", "webcam_chat_new_people", "threatened_on_webcam", "learned_esafety_school",
                "social_networks_used", "met_online_contact", "met_alone", "met_person_lied", "sent_self_image",
                "esafety_worries", "esafety_help", "quote_consent", "year_group", "gender", "disability", "ethnicity"}
    assert set(types(s)) == expected
    show = {q.id: (q.show_if.question, q.show_if.values) for q in s.questions if q.show_if}
    assert show == {
        "webcam_chat_new_people": ("uses_webcam", ("yes",)),
        "threatened_on_webcam": ("webcam_chat_new_people", ("yes",)),
        "met_alone": ("met_online_contact", ("yes",)),
        "met_person_lied": ("met_online_contact", ("yes",)),
    }
    assert s.question("threatened_on_webcam").sensitive and s.question("sent_self_image").sensitive
    assert [o.id for o in s.question("social_networks_used").options] == [
        "instagram", "snapchat", "facebook", "tiktok", "whatsapp", "youtube", "other", "none", PREFER_NOT_TO_SAY]
    assert s.question("social_networks_used").exclusive_ids == {"none", PREFER_NOT_TO_SAY}
    assert [o.id for o in s.question("year_group").options] == ["year_8", "year_9", "year_10", PREFER_NOT_TO_SAY]
    assert s.question("disability").type == "yes_no"
    assert len(s.question("ethnicity").options) >= 5


def test_ypag_priorities_contract(surveys):
    s = surveys["ypag_priorities"]
    assert [o.id for o in s.question("what_matters_most").options][:-1] == [
        "mental_health", "online_safety", "bullying", "school_support", "being_heard", "family_home",
        "domestic_abuse", "exploitation", "other"]
    scale = s.question("adults_listen")
    assert scale.type == "scale" and scale.text["en"] == "How much do you feel adults listen to young people?"
    assert [o.id for o in scale.options] == ["1", "2", "3", "4", "5", PREFER_NOT_TO_SAY]
    emoji = s.question("feel_listened_to")
    assert emoji.type == "emoji_scale"
    assert len([o for o in emoji.options if o.emoji]) == 5
    assert s.question("what_should_change").type == "text"


def test_ypag_wellbeing_contract(surveys):
    s = surveys["ypag_wellbeing"]
    assert types(s)["lockdown_mood"] == "emoji_scale"
    assert {"sleep", "school_worry", "know_where_to_get_help", "support_used", "what_helped",
            "what_would_help", "quote_consent"} <= set(types(s))
    assert [o.id for o in s.question("support_used").options][:-1] == [
        "family", "friends", "school", "online", "gp", "camhs", "childline", "none", "other"]
    assert "mental_health" in s.priorities
    assert all("mental_health" in q.priorities for q in s.questions if q.id != "quote_consent")


def test_safe_feel_safe_contract(surveys):
    s = surveys["safe_feel_safe"]
    assert (s.audience_min_age, s.audience_max_age) == (10, 18)
    for place in ("school", "home", "online", "community"):
        q = s.question(f"feel_safe_{place}")
        assert [o.id for o in q.options] == ["always", "mostly", "sometimes", "never", PREFER_NOT_TO_SAY]
    assert s.question("know_how_to_stay_safe").type == "multi"
    assert s.question("what_would_make_you_safer").type == "text"
    assert [o.id for o in s.question("age_zone").options] == ["10_13", "14_18", PREFER_NOT_TO_SAY]


def test_esafety_questions_serve_voice_of_child(surveys):
    for survey_id in ("esafety_year6", "esafety_year9"):
        s = surveys[survey_id]
        assert "voice_of_child" in s.priorities
        assert all("voice_of_child" in q.priorities for q in s.questions
                   if q.id not in {"quote_consent", "year_group", "gender", "disability", "ethnicity"})
