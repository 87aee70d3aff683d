"""What a browser's cookie stands for, kept on the server; and the one-time tickets that hand a cookie over.

A Streamlit script cannot set a cookie. So a script run that wants the browser to carry one (a member of
staff has just signed in; issue 17's survey wants to survive a reload) stores a **ticket** here and sends
the browser to `/auth/session?ticket=…` (voice.web.routes). That route redeems the ticket (once, within a
minute, only from the browser it was issued to), starts a **web session** with a fresh random token, sets
the token as an HttpOnly cookie and sends the browser on. Every later script run reads the cookie through
`st.context.cookies` and looks the session up here (`look_up`).

Only sha256 hashes of tickets and tokens are stored: a copy of the database gives no working cookie.
A session ends when its owner signs out (`end`), after `idle_seconds` without activity, and at
`expires_at` whatever happens. Nothing here knows about Streamlit (voice.ui.session) or HTTP (voice.web).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.models import WebSession, WebTicket

TICKET_SECONDS = 60  # a ticket is redeemed by a redirect straight away; a minute allows for a slow page
COOKIE_PREFIX = "voice_"
BROWSER_COOKIE = "voice_browser"  # a random id for this browser, set on staff pages (voice.web.middleware)
PURPOSE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
KEEP_ENDED = timedelta(days=1)  # ended and expired rows are deleted a day later (the audit trail keeps the events)
# Active, ended by its owner or an administrator, or ended by time: what look_up found.
ACTIVE, UNKNOWN, TIMED_OUT, EXPIRED = "active", "unknown", "timed_out", "expired"


def cookie_name(purpose: str) -> str:
    """The cookie that carries a session of `purpose`: voice_staff, voice_survey, …"""
    _check_purpose(purpose)
    return COOKIE_PREFIX + purpose


def digest(secret: str) -> str:
    """sha256 of a ticket, token or browser id. They are long random strings, so no key is needed."""
    return hashlib.sha256((secret or "").encode("utf-8")).hexdigest()


def _check_purpose(purpose: str) -> None:
    if not PURPOSE_PATTERN.match(purpose or ""):
        raise ValueError(f"A purpose is 2 to 31 lower-case letters, digits or _, starting with a letter: {purpose!r}")


# --- tickets ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redeemed:
    purpose: str
    value: dict
    next_path: str


def issue_ticket(session: Session, purpose: str, value: dict, browser_id: str, next_path: str = "/",
                 now: datetime | None = None, seconds: int = TICKET_SECONDS) -> str:
    """A one-time ticket for `value`, redeemable only by the browser holding `browser_id`. Returns the ticket."""
    _check_purpose(purpose)
    if not browser_id:
        raise ValueError("A ticket needs the browser's id (the voice_browser cookie)")
    now = now or utcnow()
    session.execute(delete(WebTicket).where(WebTicket.expires_at < now - KEEP_ENDED))
    ticket = secrets.token_urlsafe(32)
    session.add(WebTicket(ticket_hash=digest(ticket), purpose=purpose, value=dict(value),
                          browser_hash=digest(browser_id), next_path=next_path[:200], created_at=now,
                          expires_at=now + timedelta(seconds=seconds)))
    session.flush()
    return ticket


def redeem_ticket(session: Session, ticket: str, browser_id: str, now: datetime | None = None) -> Redeemed | None:
    """The ticket's purpose, value and next page, once; None if unknown, used, expired or from another browser."""
    if not ticket or not browser_id:
        return None
    now = now or utcnow()
    # One conditional UPDATE: of two requests racing with the same ticket, only one wins.
    claimed = session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        update(WebTicket)
        .where(WebTicket.ticket_hash == digest(ticket), WebTicket.used_at.is_(None), WebTicket.expires_at > now,
               WebTicket.browser_hash == digest(browser_id))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        return None
    row = session.scalar(select(WebTicket).where(WebTicket.ticket_hash == digest(ticket)))
    if row is None:  # claimed just above, so it is there
        return None
    return Redeemed(row.purpose, dict(row.value or {}), row.next_path)


def claim_browser_ticket(session: Session, purpose: str, browser_id: str, now: datetime | None = None) -> dict | None:
    """The value of the newest unused, unexpired ticket of `purpose` issued to this browser, used up.

    For a value that must outlive a redirect the app does not control (organisation sign-in returns to
    the front page, so the page the person asked for is remembered this way)."""
    if not browser_id:
        return None
    now = now or utcnow()
    row = session.scalar(
        select(WebTicket).where(WebTicket.purpose == purpose, WebTicket.browser_hash == digest(browser_id),
                                WebTicket.used_at.is_(None), WebTicket.expires_at > now)
        .order_by(WebTicket.created_at.desc(), WebTicket.id.desc()).limit(1))
    if row is None:
        return None
    row.used_at = now
    return dict(row.value or {})


# --- sessions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What look_up found. `newly_ended` is True only for the call that ended it (audit it once)."""

    status: str  # ACTIVE, UNKNOWN, TIMED_OUT, EXPIRED, or the end_reason it was ended with
    id: int | None = None
    subject: str = ""
    roles: tuple[str, ...] | None = None
    method: str = ""
    expires_at: datetime | None = None
    last_seen_at: datetime | None = None
    idle_seconds: int | None = None
    newly_ended: bool = False
    browser_hash: str = ""

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


def start(session: Session, purpose: str, subject: str, *, max_seconds: int, idle_seconds: int | None = None,
          roles=None, method: str = "", browser_hash: str = "", now: datetime | None = None) -> str:
    """Start a session and return its fresh random token (for the cookie; only its hash is kept).
    `browser_hash`: digest of the browser's id, so signing out can end every session of that browser."""
    _check_purpose(purpose)
    now = now or utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now - KEEP_ENDED))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=digest(token), purpose=purpose, subject=subject,
                           roles=sorted(roles) if roles is not None else None, method=method,
                           browser_hash=browser_hash, created_at=now,
                           last_seen_at=now, idle_seconds=idle_seconds,
                           expires_at=now + timedelta(seconds=max_seconds), end_reason=""))
    session.flush()
    return token


def touch_interval(idle_seconds: int | None) -> timedelta:
    """How stale last_seen may get before a run writes it again: a tenth of the idle limit, at most 30 s.
    So a busy member of staff does not write to the database on every click."""
    if not idle_seconds:
        return timedelta(seconds=30)
    return timedelta(seconds=min(30.0, idle_seconds / 10))


def look_up(session: Session, purpose: str, token: str, now: datetime | None = None, touch: bool = True) -> Found:
    """The session behind a cookie's token. `touch` counts this as activity (a person's action, not a timer)."""
    if not token:
        return Found(UNKNOWN)
    now = now or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_hash == digest(token),
                                                  WebSession.purpose == purpose))
    if row is None:
        return Found(UNKNOWN)
    if row.ended_at is not None:
        return _found(row, row.end_reason or "ended")
    if now >= row.expires_at:
        return _found(row, EXPIRED, newly_ended=_end_row(session, row, EXPIRED, now))
    if row.idle_seconds and now - row.last_seen_at > timedelta(seconds=row.idle_seconds):
        return _found(row, TIMED_OUT, newly_ended=_end_row(session, row, TIMED_OUT, now))
    if touch and now - row.last_seen_at >= touch_interval(row.idle_seconds):
        row.last_seen_at = now
    return _found(row, ACTIVE)


def end(session: Session, purpose: str, token: str, reason: str, now: datetime | None = None) -> Found:
    """End the session behind `token` (sign-out). Ending one that has already ended changes nothing."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == digest(token or ""),
                                                  WebSession.purpose == purpose))
    if row is None:
        return Found(UNKNOWN)
    ended = _end_row(session, row, reason, now or utcnow())
    return _found(row, reason if ended else (row.end_reason or "ended"), newly_ended=ended)


def end_by_id(session: Session, session_id: int, reason: str, now: datetime | None = None) -> bool:
    row = session.get(WebSession, session_id)
    return row is not None and _end_row(session, row, reason, now or utcnow())


def end_all(session: Session, purpose: str, subject: str, reason: str, now: datetime | None = None,
            browser_hash: str | None = None) -> int:
    """End every open session of `subject` (in one browser, when `browser_hash` is given). Returns how many."""
    query = update(WebSession).where(WebSession.purpose == purpose, WebSession.subject == subject,
                                     WebSession.ended_at.is_(None))
    if browser_hash is not None:
        query = query.where(WebSession.browser_hash == browser_hash)
    return session.execute(query.values(ended_at=now or utcnow(), end_reason=reason[:40])).rowcount  # type: ignore[attr-defined]  # DML gives a CursorResult


def _end_row(session: Session, row: WebSession, reason: str, now: datetime) -> bool:
    # Conditional, so of two tabs noticing the same time-out only one records it.
    ended = session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        update(WebSession).where(WebSession.id == row.id, WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason[:40])
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    session.refresh(row)
    return ended


def _found(row: WebSession, status: str, newly_ended: bool = False) -> Found:
    return Found(status, row.id, row.subject, tuple(row.roles) if row.roles is not None else None, row.method,
                 row.expires_at, row.last_seen_at, row.idle_seconds, newly_ended, row.browser_hash)
