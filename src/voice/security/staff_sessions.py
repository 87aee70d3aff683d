"""Staff sessions: who a `voice_staff` cookie signs in, for how long, and with which roles.

Built on voice.security.web_sessions (purpose "staff"). The flow, for a password or an organisation:
1. the sign-in page checks the person (accounts.sign_in / sign_in_external) and calls `ticket_value`;
   voice.ui.session stores it as a one-time ticket and sends the browser to /auth/session;
2. that route calls `start_session`: a fresh random token, set as the cookie;
3. every script run calls `resume` with the cookie's token: the session must be open, not idle for longer
   than the idle limit, not past its absolute end, and the account still active. Roles are read from the
   account each time (a change applies at once), or, for organisation roles taken from a claim, from the
   session (they change at the next sign-in).
A Streamlit session id therefore grants nothing: the role comes from the cookie, checked on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.config import get_settings
from voice.db import utcnow
from voice.models import User
from voice.security import web_sessions
from voice.security.access import Actor
from voice.security.audit import record

STAFF = "staff"
ACCOUNT_DISABLED = "account_disabled"
SIGNED_OUT = "signed_out"
# How each way of ending is written in the audit trail.
_END_ACTIONS = {web_sessions.TIMED_OUT: "session_timed_out", web_sessions.EXPIRED: "session_expired",
                ACCOUNT_DISABLED: "session_ended_inactive"}


@dataclass(frozen=True)
class StaffSession:
    status: str  # web_sessions.ACTIVE, UNKNOWN, TIMED_OUT, EXPIRED, SIGNED_OUT or ACCOUNT_DISABLED
    actor: Actor | None = None
    method: str = ""
    expires_at: datetime | None = None
    idle_seconds: int | None = None

    @property
    def active(self) -> bool:
        return self.status == web_sessions.ACTIVE


def ticket_value(actor: Actor, method: str, roles_from_claim: bool = False) -> dict:
    """What a staff ticket carries: who, how they signed in, and their roles when a claim gave them."""
    return {"username": actor.username, "method": method,
            "roles": sorted(actor.roles) if roles_from_claim else None}


def start_session(session: Session, value: dict, now: datetime | None = None, browser_hash: str = "") -> str | None:
    """Start the session a redeemed ticket stands for; its token, or None if the account went meanwhile.
    `browser_hash`: web_sessions.digest of the browser's id (signing out ends all of that browser's)."""
    now = now or utcnow()
    username, roles = str(value.get("username") or ""), value.get("roles")
    user = _account(session, username)
    if not username or (user is not None and not user.active) or (roles is None and user is None):
        return None
    settings = get_settings()
    return web_sessions.start(session, STAFF, username, max_seconds=settings.session_max_seconds,
                              idle_seconds=settings.session_idle_seconds, roles=roles,
                              method=str(value.get("method") or ""), browser_hash=browser_hash, now=now)


def resume(session: Session, token: str, now: datetime | None = None, touch: bool = True) -> StaffSession:
    """The signed-in member of staff behind `token`, checked now. `touch`: this run is the person's action
    (not the timer that blanks an idle screen), so it counts as activity."""
    now = now or utcnow()
    found = web_sessions.look_up(session, STAFF, token, now, touch=touch)
    if not found.active:
        if found.newly_ended:
            record(session, found.subject, _END_ACTIONS.get(found.status, "session_ended"), "session",
                   str(found.id), at=now)
        return StaffSession(found.status)
    user = _account(session, found.subject)
    if (user is not None and not user.active) or (found.roles is None and user is None):
        if found.id is not None and web_sessions.end_by_id(session, found.id, ACCOUNT_DISABLED, now):
            record(session, found.subject, _END_ACTIONS[ACCOUNT_DISABLED], "session", str(found.id), at=now)
        return StaffSession(ACCOUNT_DISABLED)
    # (no roles on the session and no account was refused just above)
    roles = frozenset(found.roles) if found.roles is not None else frozenset((user.roles or ()) if user else ())
    return StaffSession(web_sessions.ACTIVE, Actor(found.subject, roles), found.method, found.expires_at,
                        found.idle_seconds)


def sign_out(session: Session, token: str, now: datetime | None = None) -> None:
    """End the session behind `token`, and any other session of the same person in the same browser (a
    second sign-in in another tab): every tab and window of that browser is signed out at its next action."""
    found = web_sessions.end(session, STAFF, token, SIGNED_OUT, now)
    if found.browser_hash:
        web_sessions.end_all(session, STAFF, found.subject, SIGNED_OUT, now, browser_hash=found.browser_hash)
    if found.newly_ended:
        record(session, found.subject, "sign_out", "session", str(found.id), at=now)


def _account(session: Session, name: str) -> User | None:
    """The local account a session belongs to: by username, or by e-mail for organisation identities."""
    if not name:
        return None
    return session.scalar(select(User).where((User.username == name) | (User.email == name)).limit(1))
