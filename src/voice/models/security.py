"""Staff accounts and the audit trail. Young people have no account and never appear here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from voice.db import utcnow
from voice.models.base import Base


class User(Base):
    """A member of staff. Roles are a list of voice.security.roles names; a person may hold several."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)  # stored lower-case
    email: Mapped[str] = mapped_column(String(200), default="")  # matched for organisation (OIDC) sign-in
    password_hash: Mapped[str] = mapped_column(String(200), default="")  # argon2id; "" = organisation sign-in only
    roles: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    # Set when an admin resets the password: the temporary one works once, to choose a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_sign_in: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what, when. `detail` holds counts, ids and hashes: never the content of answers."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # naive UTC
    actor: Mapped[str] = mapped_column(String(80), index=True)  # username, "system" or "anonymous"
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class WebTicket(Base):
    """A one-time, short-lived handover from a script run to the browser (voice.security.web_sessions).

    A Streamlit script cannot set a cookie, so it stores a ticket and sends the browser to
    /auth/session?ticket=…, which redeems it (once, within a minute, from the same browser) for a cookie.
    Only a hash of the ticket is stored."""

    __tablename__ = "web_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the ticket
    purpose: Mapped[str] = mapped_column(String(40))  # "staff", or another use such as "survey"
    value: Mapped[dict] = mapped_column(JSON, default=dict)  # what the cookie will stand for
    browser_hash: Mapped[str] = mapped_column(String(64))  # the browser it was issued to
    next_path: Mapped[str] = mapped_column(String(200), default="/")  # where the browser goes afterwards
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class WebSession(Base):
    """What a cookie stands for, kept on the server: a staff member's session, or a value for one browser.

    The cookie holds a fresh random token; only its sha256 is stored. A session ends at sign-out
    (`ended_at`, `end_reason`), after `idle_seconds` without activity, or at `expires_at`."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_purpose_subject", "purpose", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(Text, default="")  # staff: the username; other uses: their value
    roles: Mapped[list | None] = mapped_column(JSON, nullable=True)  # organisation roles from a claim, else None
    method: Mapped[str] = mapped_column(String(20), default="")  # "password" or "organisation" for staff
    browser_hash: Mapped[str] = mapped_column(String(64), default="")  # the browser it was started in
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: no idle limit
    expires_at: Mapped[datetime] = mapped_column(index=True)  # the absolute end
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    end_reason: Mapped[str] = mapped_column(String(40), default="")
