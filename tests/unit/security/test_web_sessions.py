"""Server-side sessions and one-time tickets (voice.security.web_sessions, staff_sessions), with a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from voice.models import AuditEvent, WebSession, WebTicket
from voice.security import accounts, staff_sessions, web_sessions
from voice.security.access import SYSTEM, Actor
from voice.security.roles import BOARD, FACILITATOR

T0 = datetime(2026, 3, 2, 9, 0, 0)
BROWSER = "browser-id-of-this-test"


def _actions(session):
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- tickets ------------------------------------------------------------------------------------------------


def test_a_ticket_is_redeemed_once_within_a_minute_by_the_browser_it_was_issued_to(session):
    ticket = web_sessions.issue_ticket(session, "staff", {"username": "fran"}, BROWSER, "/workspace", now=T0)
    assert len(ticket) >= 40
    assert session.scalar(select(WebTicket.ticket_hash)) == web_sessions.digest(ticket)  # never the ticket
    assert web_sessions.redeem_ticket(session, ticket, "another browser", now=T0) is None
    assert web_sessions.redeem_ticket(session, ticket, BROWSER, now=T0 + timedelta(seconds=61)) is None
    redeemed = web_sessions.redeem_ticket(session, ticket, BROWSER, now=T0 + timedelta(seconds=59))
    assert redeemed == web_sessions.Redeemed("staff", {"username": "fran"}, "/workspace")
    assert web_sessions.redeem_ticket(session, ticket, BROWSER, now=T0 + timedelta(seconds=59)) is None  # once
    assert web_sessions.redeem_ticket(session, "made-up", BROWSER, now=T0) is None


def test_tickets_need_a_browser_and_a_plain_purpose(session):
    with pytest.raises(ValueError, match="browser"):
        web_sessions.issue_ticket(session, "staff", {}, "", now=T0)
    for purpose in ("Staff", "x", "a b", "staff;drop", ""):
        with pytest.raises(ValueError, match="purpose"):
            web_sessions.issue_ticket(session, purpose, {}, BROWSER, now=T0)


def test_a_value_kept_for_a_browser_is_claimed_once(session):
    web_sessions.issue_ticket(session, "return_to", {"path": "/quotes"}, BROWSER, now=T0, seconds=900)
    web_sessions.issue_ticket(session, "return_to", {"path": "/workspace"}, BROWSER, now=T0 + timedelta(seconds=1))
    assert web_sessions.claim_browser_ticket(session, "return_to", "someone else", now=T0) is None
    assert web_sessions.claim_browser_ticket(session, "return_to", BROWSER, now=T0) == {"path": "/workspace"}
    assert web_sessions.claim_browser_ticket(session, "return_to", BROWSER, now=T0) == {"path": "/quotes"}
    assert web_sessions.claim_browser_ticket(session, "return_to", BROWSER, now=T0) is None


def test_old_tickets_are_cleared_away(session):
    web_sessions.issue_ticket(session, "staff", {}, BROWSER, now=T0)
    web_sessions.issue_ticket(session, "staff", {}, BROWSER, now=T0 + timedelta(days=2))
    assert session.scalar(select(WebTicket).where(WebTicket.created_at == T0)) is None
    assert len(session.scalars(select(WebTicket)).all()) == 1


# --- sessions -----------------------------------------------------------------------------------------------


def test_a_session_is_found_by_its_token_only_and_ends_when_idle(session):
    token = web_sessions.start(session, "survey", "K7QF-M2XD", max_seconds=3600, idle_seconds=600, now=T0)
    assert session.scalar(select(WebSession.token_hash)) == web_sessions.digest(token)
    assert session.scalar(select(WebSession.subject)) == "K7QF-M2XD"
    assert web_sessions.look_up(session, "survey", token, T0 + timedelta(minutes=9)).active
    assert web_sessions.look_up(session, "staff", token, T0).status == web_sessions.UNKNOWN  # other purpose
    assert web_sessions.look_up(session, "survey", token + "x", T0).status == web_sessions.UNKNOWN
    # Activity at 9 minutes moved the clock on: 15 minutes is only 6 minutes idle.
    assert web_sessions.look_up(session, "survey", token, T0 + timedelta(minutes=15)).active
    timed_out = web_sessions.look_up(session, "survey", token, T0 + timedelta(minutes=26))
    assert (timed_out.status, timed_out.newly_ended) == (web_sessions.TIMED_OUT, True)
    again = web_sessions.look_up(session, "survey", token, T0 + timedelta(minutes=27))
    assert (again.status, again.newly_ended) == (web_sessions.TIMED_OUT, False)  # recorded once


def test_a_look_up_by_a_timer_is_not_activity(session):
    token = web_sessions.start(session, "staff", "fran", max_seconds=3600, idle_seconds=600, now=T0)
    for minute in (3, 6, 9):
        assert web_sessions.look_up(session, "staff", token, T0 + timedelta(minutes=minute), touch=False).active
    assert web_sessions.look_up(session, "staff", token, T0 + timedelta(minutes=10, seconds=1),
                                touch=False).status == web_sessions.TIMED_OUT


def test_activity_is_written_at_most_every_tenth_of_the_idle_limit(session):
    token = web_sessions.start(session, "staff", "fran", max_seconds=3600, idle_seconds=100, now=T0)
    web_sessions.look_up(session, "staff", token, T0 + timedelta(seconds=5))
    assert session.scalar(select(WebSession.last_seen_at)) == T0  # too soon to be worth a write
    web_sessions.look_up(session, "staff", token, T0 + timedelta(seconds=10))
    assert session.scalar(select(WebSession.last_seen_at)) == T0 + timedelta(seconds=10)


def test_a_busy_session_still_ends_at_its_absolute_limit(session):
    token = web_sessions.start(session, "staff", "fran", max_seconds=3600, idle_seconds=600, now=T0)
    for minute in range(5, 60, 5):
        assert web_sessions.look_up(session, "staff", token, T0 + timedelta(minutes=minute)).active
    assert web_sessions.look_up(session, "staff", token, T0 + timedelta(minutes=60)).status == web_sessions.EXPIRED


def test_ending_one_session_or_all_of_a_subjects(session):
    a = web_sessions.start(session, "staff", "fran", max_seconds=3600, now=T0)
    b = web_sessions.start(session, "staff", "fran", max_seconds=3600, now=T0)
    c = web_sessions.start(session, "staff", "dee", max_seconds=3600, now=T0)
    assert web_sessions.end(session, "staff", a, "signed_out", T0).newly_ended
    assert not web_sessions.end(session, "staff", a, "signed_out", T0).newly_ended
    assert web_sessions.look_up(session, "staff", a, T0).status == "signed_out"
    assert web_sessions.end_all(session, "staff", "fran", "account_disabled", T0) == 1
    assert web_sessions.look_up(session, "staff", b, T0).status == "account_disabled"
    assert web_sessions.look_up(session, "staff", c, T0).active


# --- staff sessions -----------------------------------------------------------------------------------------


@pytest.fixture
def fran(session):
    accounts.create_user(session, SYSTEM, "fran", [FACILITATOR], None)
    session.commit()
    return Actor("fran", frozenset({FACILITATOR}))


def test_a_staff_session_takes_its_limits_from_settings(session, fran, monkeypatch):
    monkeypatch.setenv("VOICE_SESSION_IDLE_SECONDS", "45")
    monkeypatch.setenv("VOICE_SESSION_MAX_SECONDS", "120")
    token = staff_sessions.start_session(session, staff_sessions.ticket_value(fran, "password"), now=T0)
    row = session.scalar(select(WebSession))
    assert (row.idle_seconds, row.expires_at, row.method, row.roles) == (45, T0 + timedelta(seconds=120),
                                                                         "password", None)
    found = staff_sessions.resume(session, token, T0 + timedelta(seconds=30))
    assert found.active and found.actor == fran
    assert staff_sessions.resume(session, token, T0 + timedelta(seconds=76)).status == web_sessions.TIMED_OUT
    assert _actions(session)[-1] == "session_timed_out"


def test_defaults_are_thirty_idle_minutes_and_eight_hours(session, fran, monkeypatch):
    monkeypatch.delenv("VOICE_SESSION_IDLE_SECONDS", raising=False)
    monkeypatch.delenv("VOICE_SESSION_MAX_SECONDS", raising=False)
    staff_sessions.start_session(session, staff_sessions.ticket_value(fran, "password"), now=T0)
    row = session.scalar(select(WebSession))
    assert (row.idle_seconds, row.expires_at) == (30 * 60, T0 + timedelta(hours=8))


def test_roles_come_from_the_account_each_time_and_a_disabled_account_ends_the_session(session, fran):
    token = staff_sessions.start_session(session, staff_sessions.ticket_value(fran, "password"), now=T0)
    accounts.set_roles(session, SYSTEM, "fran", [BOARD])
    assert staff_sessions.resume(session, token, T0).actor.roles == frozenset({BOARD})
    accounts.deactivate_user(session, SYSTEM, "fran")
    assert staff_sessions.resume(session, token, T0).status == staff_sessions.ACCOUNT_DISABLED
    accounts.reactivate_user(session, SYSTEM, "fran")
    assert staff_sessions.resume(session, token, T0).status == staff_sessions.ACCOUNT_DISABLED  # stays ended
    assert _actions(session).count("session_ended_inactive") == 1


def test_no_session_starts_for_a_disabled_or_unknown_account(session, fran):
    accounts.deactivate_user(session, SYSTEM, "fran")
    assert staff_sessions.start_session(session, {"username": "fran", "method": "password"}, now=T0) is None
    assert staff_sessions.start_session(session, {"username": "nobody", "method": "password"}, now=T0) is None
    assert session.scalar(select(WebSession)) is None


def test_organisation_roles_from_a_claim_are_kept_on_the_session(session):
    kim = Actor("kim@council.example", frozenset({BOARD}))
    token = staff_sessions.start_session(session, staff_sessions.ticket_value(kim, "organisation", True), now=T0)
    found = staff_sessions.resume(session, token, T0)
    assert found.active and found.actor == kim and found.method == "organisation"
    # A local account with that e-mail, disabled by an administrator, still ends it.
    accounts.create_user(session, SYSTEM, "kim", [FACILITATOR], None, email="kim@council.example")
    accounts.deactivate_user(session, SYSTEM, "kim")
    assert staff_sessions.resume(session, token, T0).status == staff_sessions.ACCOUNT_DISABLED


def test_signing_out_ends_the_session_for_every_tab_and_is_audited_once(session, fran):
    token = staff_sessions.start_session(session, staff_sessions.ticket_value(fran, "password"), now=T0)
    staff_sessions.sign_out(session, token, T0)
    staff_sessions.sign_out(session, token, T0)
    assert staff_sessions.resume(session, token, T0).status == staff_sessions.SIGNED_OUT
    assert _actions(session).count("sign_out") == 1


def test_signing_out_ends_the_persons_other_sessions_in_that_browser_only(session, fran):
    """Two sign-ins in two tabs of one browser (each tab keeps its own cookie value until reloaded): one
    Sign out ends both. The same person's session in another browser carries on."""
    here, there = web_sessions.digest("this browser"), web_sessions.digest("another computer")
    value = staff_sessions.ticket_value(fran, "password")
    first = staff_sessions.start_session(session, value, now=T0, browser_hash=here)
    second = staff_sessions.start_session(session, value, now=T0, browser_hash=here)
    elsewhere = staff_sessions.start_session(session, value, now=T0, browser_hash=there)
    staff_sessions.sign_out(session, second, T0)
    assert staff_sessions.resume(session, first, T0).status == staff_sessions.SIGNED_OUT
    assert staff_sessions.resume(session, elsewhere, T0).active
