"""Staff accounts and the audit trail. Young people have no account and never appear here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, false
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
