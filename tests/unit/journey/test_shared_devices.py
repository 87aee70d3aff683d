"""Issue 17, on the server: resume codes on shared school devices (expiry, limits, audit) and answers
that cannot say two opposite things ("None of these" with Snapchat)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from voice.db import utcnow
from voice.models import AuditEvent, Response
from voice.responses import service
from voice.responses.answers import AnswersRejected, clean_value
from voice.responses.codes import GROUP_FAILURES_PER_MINUTE, GuessLimiter
from voice.responses.errors import AlreadySubmitted, AnswerRejected, ResumeCodeExpired, TooManyTries, UnknownResumeCode
from voice.surveys.loader import survey_from_dict
from voice.surveys.registry import publish

from tests.unit.journey.test_response_service import MINI
from tests.unit.journey.test_response_service import mini as _mini

mini = _mini  # the fixture, bound as a name (an imported name that tests take as a parameter is a redefinition)

APPS = {**MINI, "sections": [
    {"id": "apps", "title": "Apps", "questions": [
        {"id": "apps_used", "type": "multi", "text": "Which apps?",
         "options": [{"id": "snapchat", "label": "Snapchat"}, {"id": "tiktok", "label": "TikTok"},
                     {"id": "none", "label": "None of these", "exclusive": True}]}]}]}


def refused(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == service.CODE_REFUSED)))


def test_the_right_code_opens_the_unfinished_answers(session, mini):
    code = service.start_response(session, "mini").resume_code
    service.save_step(session, code, {"uses_webcam": "no"}, ["uses_webcam", "webcam_chat_new_people"], 1)
    progress = service.open_with_code(session, code.lower().replace("-", ""), "screen-1", limiter=GuessLimiter())
    assert isinstance(progress, service.Progress)
    assert progress.answers == {"uses_webcam": "no"} and progress.current_step == 1
    assert progress.expires_on == (utcnow() + timedelta(days=14)).date()
    assert refused(session) == []


def test_a_wrong_code_is_audited_by_group_never_by_the_code_typed(session, mini):
    outcome = service.open_with_code(session, "WXYZ-2345", "screen-1", group_code="hill", limiter=GuessLimiter())
    assert isinstance(outcome, UnknownResumeCode)
    [event] = refused(session)
    assert (event.actor, event.target_type, event.target_id) == ("anonymous", "group", "HILL")
    assert event.detail == {"reason": "unknown", "failures_from_this_screen": 1}
    assert "WXYZ" not in repr(event.detail) and "2345" not in event.target_id
    # A made-up group in the link counts with everyone without a group: no allowance of its own.
    service.open_with_code(session, "WXYZ-2346", "screen-1", group_code="[x](http://e.example)",
                           limiter=GuessLimiter())
    assert refused(session)[-1].target_id == "-"


def test_a_code_runs_out_after_the_days_in_the_settings(session, mini, monkeypatch):
    code = service.start_response(session, "mini").resume_code
    response = session.scalars(select(Response).where(Response.resume_code == code)).one()
    response.started_at = utcnow() - timedelta(days=15)
    session.flush()
    outcome = service.open_with_code(session, code, "screen-1", limiter=GuessLimiter())
    assert isinstance(outcome, ResumeCodeExpired) and "14 days" in outcome.message
    assert refused(session)[-1].detail["reason"] == "expired"
    monkeypatch.setenv("VOICE_RESUME_CODE_DAYS", "30")
    assert isinstance(service.open_with_code(session, code, "screen-1", limiter=GuessLimiter()), service.Progress)


def test_a_sent_code_shows_nothing_to_the_next_person(session, mini):
    code = service.start_response(session, "mini").resume_code
    service.save_step(session, code, {"uses_webcam": "yes"}, ["uses_webcam", "webcam_chat_new_people"], 1)
    service.submit(session, code)
    outcome = service.open_with_code(session, code, "screen-1", limiter=GuessLimiter())
    assert isinstance(outcome, AlreadySubmitted)
    assert "uses_webcam" not in outcome.message and outcome.receipt_code  # the refusal carries no answers
    assert refused(session)[-1].detail["reason"] == "already_sent"


def test_five_wrong_codes_from_one_screen_make_it_wait_even_for_a_right_one(session, mini):
    limiter = GuessLimiter()
    code = service.start_response(session, "mini").resume_code
    now = utcnow()
    for n in range(5):
        assert isinstance(service.open_with_code(session, f"WXYZ-234{n + 2}", "screen-1", now=now,
                                                 limiter=limiter), UnknownResumeCode)
    waiting = service.open_with_code(session, code, "screen-1", now=now, limiter=limiter)
    assert isinstance(waiting, TooManyTries) and waiting.wait_minutes == 10
    assert len(refused(session)) == 5  # a try that was never checked is not a guess
    assert isinstance(service.open_with_code(session, code, "screen-2", now=now, limiter=limiter), service.Progress)
    later = now + timedelta(minutes=10, seconds=1)
    assert isinstance(service.open_with_code(session, code, "screen-1", now=later, limiter=limiter),
                      service.Progress)


def test_many_screens_guessing_for_one_group_are_held_up_together(session, mini):
    """Eight tabs each get five tries, but the group as a whole gets GROUP_FAILURES_PER_MINUTE a minute."""
    limiter = GuessLimiter()
    code = service.start_response(session, "mini", group_code="HILL").resume_code
    now = utcnow()
    for n in range(GROUP_FAILURES_PER_MINUTE):
        service.open_with_code(session, f"WXYZ-{n:04d}", f"tab-{n % 8}", group_code="HILL", now=now,
                               limiter=limiter)
    held = service.open_with_code(session, code, "a-fresh-tab", group_code="HILL", now=now, limiter=limiter)
    assert isinstance(held, TooManyTries) and held.wait_minutes == 1
    # Another school's pupils are not held up, and a minute later this one's are not either.
    assert isinstance(service.open_with_code(session, code, "a-fresh-tab", now=now, limiter=limiter),
                      service.Progress)
    assert isinstance(service.open_with_code(session, code, "a-fresh-tab", group_code="HILL",
                                             now=now + timedelta(seconds=61), limiter=limiter), service.Progress)


def test_exclusive_options_are_refused_with_others_on_every_path(session):
    survey = survey_from_dict(APPS)
    question = survey.question("apps_used")
    assert clean_value(question, ["none"]) == ["none"]
    assert clean_value(question, ["snapchat", "tiktok"]) == ["snapchat", "tiktok"]
    for mixed in (["none", "snapchat"], ["tiktok", "prefer_not_to_say"]):
        with pytest.raises(AnswerRejected) as caught:
            clean_value(question, mixed)
        assert "can't be ticked with other answers" in str(caught.value)
    publish(session, survey, source="test")
    code = service.start_response(session, "mini").resume_code
    with pytest.raises(AnswersRejected) as caught:
        service.save_step(session, code, {"apps_used": ["snapchat", "none"]}, ["apps_used"], 1)
    assert "“None of these” can't be ticked with other answers" in caught.value.message
