"""Retention and erasure leave no trace of what was written; figures survive retention."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from voice.analysis.store import analysis_worker
from voice.models import Answer, AuditEvent, Quote, Response
from voice.security.access import SYSTEM, AccessDenied, Actor
from voice.security.audit import fingerprint
from voice.responses.retention import NothingToErase, erase_response, months_before, preview_erasure, run_retention
from voice.security.roles import ADMIN, BOARD, FACILITATOR, SAFEGUARDING

from .helpers import publish_survey, rows_containing, submitted_response

NOW = datetime(2026, 6, 15, 12, 0)
OLD_TEXT = "My old worry about a group chat, written long ago"
NEW_TEXT = "A recent idea about the youth club that must be kept for now"  # raises no safeguarding item


def _quote(session, receipt: str) -> Quote:
    response = session.scalar(select(Response).where(Response.receipt_code == receipt))
    answer = session.scalar(select(Answer).where(Answer.response_id == response.id, Answer.text.is_not(None)))
    quote = Quote(answer_id=answer.id, response_id=response.id, survey_id=response.survey_id, text=answer.text,
                  attribution="(YPAG)", status="approved")
    session.add(quote)
    session.flush()
    return quote


@pytest.fixture
def two_responses(session):
    publish_survey(session)
    old = submitted_response(session, OLD_TEXT, "no", at=NOW - timedelta(days=400))
    new = submitted_response(session, NEW_TEXT, "yes", at=NOW - timedelta(days=30))
    _quote(session, old)
    _quote(session, new)
    session.commit()
    # Wait for the submit's background analysis, so what retention holds back does not depend on timing.
    assert analysis_worker(session.get_bind()).idle(30)
    session.expire_all()
    return old, new


def test_months_before_handles_month_ends():
    assert months_before(datetime(2026, 3, 31, 8), 1) == datetime(2026, 2, 28, 8)
    assert months_before(datetime(2026, 6, 15), 24) == datetime(2024, 6, 15)
    assert months_before(datetime(2026, 1, 10), 13) == datetime(2024, 12, 10)


def test_retention_removes_old_text_and_its_quotes_but_keeps_the_figures(session, two_responses):
    old, new = two_responses
    report = run_retention(session, SYSTEM, now=NOW)
    session.commit()
    assert (report.text_answers, report.quotes, report.responses) == (1, 1, 1)
    assert report.by_survey == {"keep12": {"months": 12, "text_answers": 1, "quotes": 1, "responses": 1}}
    assert rows_containing(session, OLD_TEXT) == []  # not in answers, quotes, nor the audit trail
    assert rows_containing(session, NEW_TEXT)  # inside its 12 months: kept
    # The old response's closed answer is still counted.
    closed = session.scalars(select(Answer.option_id).join(Response).where(
        Response.receipt_code == old, Answer.question_id == "feel_safe")).all()
    assert closed == ["no"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_run")).one()
    assert event.actor == "system"
    assert event.detail == {"text_answers": 1, "quotes": 1, "responses": 1, "surveys": {"keep12": 1},
                            "unfinished_responses": 0, "unfinished_days": 30, "safeguarding_records": 0,
                            "safeguarding_years": 15,
                            "held": {"open_items": [], "responses": 0, "text_answers": 0,
                                     "why": "a safeguarding item on the response is still open: a lead must "
                                            "close it first"}}


def test_a_dry_run_only_counts(session, two_responses):
    report = run_retention(session, SYSTEM, now=NOW, dry_run=True)
    session.commit()
    assert (report.dry_run, report.text_answers, report.quotes) == (True, 1, 1)
    assert rows_containing(session, OLD_TEXT)
    assert session.scalar(select(func.count()).select_from(Quote)) == 2
    assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_run")).all()


def test_the_survey_default_is_24_months(session):
    from .helpers import SECRET_SURVEY

    publish_survey(session, {k: v for k, v in SECRET_SURVEY.items() if k != "retention_months"})
    submitted_response(session, "twenty months old", at=NOW - timedelta(days=20 * 30))
    submitted_response(session, "thirty months old", at=NOW - timedelta(days=30 * 30))
    report = run_retention(session, SYSTEM, now=NOW)
    assert report.by_survey["keep12"]["months"] == 24 and report.text_answers == 1
    assert rows_containing(session, "thirty months old") == []
    assert rows_containing(session, "twenty months old")


def test_in_progress_responses_are_left_alone(session):
    from voice.responses import service

    publish_survey(session)
    code = service.start_response(session, "keep12", now=NOW - timedelta(days=800)).resume_code
    service.save_step(session, code, {"worries": "not sent yet"}, ["feel_safe", "worries"], 1)
    assert run_retention(session, SYSTEM, now=NOW).text_answers == 0


@pytest.mark.parametrize("role", [FACILITATOR, SAFEGUARDING, BOARD])
def test_only_admins_run_retention(session, role):
    with pytest.raises(AccessDenied):
        run_retention(session, Actor("x", frozenset({role})), now=NOW)


def test_erasure_deletes_the_response_its_answers_and_quotes_leaving_no_trace(session, two_responses):
    old, new = two_responses
    report = erase_response(session, Actor("fac", frozenset({FACILITATOR})), old.lower().replace("-", " "))
    session.commit()
    assert (report.answers, report.quotes) == (3, 1)
    assert rows_containing(session, OLD_TEXT) == []
    assert rows_containing(session, old) == []  # not even the receipt code is kept
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "response_erased")).one()
    assert (event.actor, event.target_type, event.target_id) == ("fac", "response", fingerprint(old))
    assert event.detail == {"survey": "keep12", "answers": 3, "quotes": 1}
    with pytest.raises(NothingToErase, match="No sent answers"):
        erase_response(session, SYSTEM, old)


def test_erasure_preview_shows_words_only_to_facilitators(session, two_responses):
    old, _ = two_responses
    facilitator = preview_erasure(session, Actor("f", frozenset({FACILITATOR})), old)
    admin = preview_erasure(session, Actor("a", frozenset({ADMIN})), old)
    assert facilitator.texts == (("worries", OLD_TEXT),)
    assert admin.texts == () and admin.answers == 3 and admin.quotes == 1
    lead = preview_erasure(session, Actor("d", frozenset({SAFEGUARDING})), old)
    assert lead.texts == (("worries", OLD_TEXT),)  # leads read everything anyway
    with pytest.raises(AccessDenied):
        preview_erasure(session, Actor("b", frozenset({BOARD})), old)
    with pytest.raises(AccessDenied):
        erase_response(session, Actor("b", frozenset({BOARD})), old)
