"""The survey journey on the server: start, save per step, resume, submit once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from voice.models import Answer, Campaign, Group, Response
from voice.responses import service
from voice.responses.answers import AnswersRejected
from voice.responses.errors import (
    AlreadySubmitted,
    CampaignClosed,
    UnknownCampaign,
    UnknownGroup,
    UnknownResumeCode,
)
from voice.surveys.loader import survey_from_dict
from voice.surveys.registry import UnknownSurvey, publish

MINI = {
    "id": "mini",
    "title": "Mini survey",
    "version": 1,
    "audience": {"min_age": 10, "max_age": 18},
    "intro": "A short survey.",
    "privacy_notice": "No names.",
    "sections": [
        {"id": "camera", "title": "Cameras", "questions": [
            {"id": "uses_webcam", "type": "yes_no", "text": "Do you use a webcam?"},
            {"id": "webcam_chat_new_people", "type": "yes_no", "text": "Do you chat to new people on it?",
             "show_if": {"question": "uses_webcam", "equals": "yes"}},
        ]},
        {"id": "apps", "title": "Apps", "questions": [
            {"id": "apps_used", "type": "multi", "text": "Which apps?",
             "options": [{"id": "snapchat", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"}]},
            {"id": "age", "type": "number", "text": "How old are you?", "min": 10, "max": 18},
        ]},
        {"id": "words", "title": "In your words", "questions": [
            {"id": "worries", "type": "text", "text": "Anything worrying you?"},
            {"id": "quote_consent", "type": "yes_no",
             "text": "Can we use your words, without your name, in reports?"},
        ]},
    ],
}


@pytest.fixture
def mini(session):
    survey = survey_from_dict(MINI)
    publish(session, survey, source="test")
    session.add(Group(code="HILL", name="Hill Academy", area="Charnwood", type="school"))
    session.flush()
    return survey


def test_start_uses_the_always_open_campaign_and_the_group(session, mini):
    progress = service.start_response(session, "mini", group_code="hill")
    assert progress.campaign_name == "mini-open"
    assert progress.group_name == "Hill Academy"
    assert progress.current_step == 0 and not progress.submitted
    assert len(progress.resume_code) == 9 and progress.resume_code[4] == "-"


def test_answers_are_saved_per_step_and_come_back_on_resume(session, mini):
    code = service.start_response(session, "mini").resume_code
    service.save_step(session, code, {"uses_webcam": "yes", "webcam_chat_new_people": "no"},
                      ["uses_webcam", "webcam_chat_new_people"], 1)
    service.save_step(session, code, {"apps_used": ["tiktok", "snapchat"], "age": 13}, ["apps_used", "age"], 2)
    # A new browser tab knows only the code.
    resumed = service.load_progress(session, code.lower().replace("-", " "))
    assert resumed.current_step == 2
    assert resumed.answers == {"uses_webcam": "yes", "webcam_chat_new_people": "no",
                               "apps_used": ["snapchat", "tiktok"], "age": 13.0}


def test_going_back_and_changing_a_parent_answer_removes_the_hidden_child(session, mini):
    code = service.start_response(session, "mini").resume_code
    service.save_step(session, code, {"uses_webcam": "yes", "webcam_chat_new_people": "yes"},
                      ["uses_webcam", "webcam_chat_new_people"], 1)
    service.save_step(session, code, {"uses_webcam": "no"}, ["uses_webcam", "webcam_chat_new_people"], 1)
    assert service.load_progress(session, code).answers == {"uses_webcam": "no"}


def test_text_is_stored_exactly_as_typed(session, mini):
    code = service.start_response(session, "mini").resume_code
    typed = "<script>alert('x')</script> 😢 نعم ਪੰਜਾਬੀ Zażółć\nnew line & \"quotes\""
    service.save_step(session, code, {"worries": typed}, ["worries", "quote_consent"], 3)
    assert service.load_progress(session, code).answers["worries"] == typed


def test_text_over_the_limit_is_refused_with_a_message_and_nothing_is_cut(session, mini):
    code = service.start_response(session, "mini").resume_code
    with pytest.raises(AnswersRejected) as caught:
        service.save_step(session, code, {"worries": "a" * 5001}, ["worries", "quote_consent"], 3)
    assert "5,001 characters" in caught.value.message and "5,000" in caught.value.message
    assert session.scalar(select(func.count()).select_from(Answer)) == 0
    service.save_step(session, code, {"worries": "a" * 5000}, ["worries", "quote_consent"], 3)
    assert len(service.load_progress(session, code).answers["worries"]) == 5000


def test_an_unknown_choice_and_an_out_of_range_number_are_both_reported(session, mini):
    code = service.start_response(session, "mini").resume_code
    with pytest.raises(AnswersRejected) as caught:
        service.save_step(session, code, {"apps_used": ["myspace"], "age": 99}, ["apps_used", "age"], 2)
    assert {p.question_id for p in caught.value.problems} == {"apps_used", "age"}


def test_submit_is_idempotent(session, mini):
    code = service.start_response(session, "mini").resume_code
    service.save_step(session, code, {"uses_webcam": "yes"}, ["uses_webcam", "webcam_chat_new_people"], 1)
    first = service.submit(session, code)
    second = service.submit(session, code)
    assert first == second and first
    assert service.count_submitted(session, "mini") == 1
    with pytest.raises(AlreadySubmitted):
        service.save_step(session, code, {"uses_webcam": "no"}, ["uses_webcam"], 1)


def test_each_response_keeps_the_version_it_answered(session, mini):
    code = service.start_response(session, "mini").resume_code
    changed = dict(MINI, version=2, title="Mini survey, new wording")
    publish(session, survey_from_dict(changed), source="test")
    assert service.load_progress(session, code).survey.version == 1
    new_code = service.start_response(session, "mini").resume_code
    assert service.load_progress(session, new_code).survey.version == 2


def test_friendly_errors_for_unknown_things(session, mini):
    with pytest.raises(UnknownSurvey) as caught:
        service.start_response(session, "nope")
    assert "mini" in str(caught.value)
    with pytest.raises(UnknownGroup):
        service.start_response(session, "mini", group_code="NOPE")
    with pytest.raises(UnknownResumeCode):
        service.load_progress(session, "ZZZZ-ZZZZ")
    with pytest.raises(UnknownCampaign):
        service.start_response(session, "mini", campaign_name="no-such-round")


def test_campaign_dates_choose_and_close(session, mini):
    now = datetime(2026, 3, 1)
    session.add_all([
        Campaign(name="mini-2025", survey_id="mini", opens_at=datetime(2025, 1, 1), closes_at=datetime(2025, 12, 31)),
        Campaign(name="mini-2026", survey_id="mini", opens_at=datetime(2026, 1, 1), closes_at=now + timedelta(days=30)),
    ])
    session.flush()
    assert service.start_response(session, "mini", now=now).campaign_name == "mini-2026"
    with pytest.raises(CampaignClosed) as caught:
        service.start_response(session, "mini", campaign_name="mini-2025", now=now)
    assert "closed" in caught.value.message
    # After every dated campaign has closed, the always-open one takes answers.
    later = now + timedelta(days=60)
    assert service.start_response(session, "mini", now=later).campaign_name == "mini-open"


def test_no_identifying_columns_are_stored():
    columns = {c.name for c in Response.__table__.columns} | {c.name for c in Answer.__table__.columns}
    for forbidden in ("name", "ip", "ip_address", "user_agent", "device", "email"):
        assert forbidden not in columns
