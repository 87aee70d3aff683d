"""The audit trail: who did what and when. Counts, ids and hashes only, never what a young person wrote."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.errors import Invalid
from voice.models import AuditEvent
from voice.security.access import Actor, require
from voice.security.roles import ADMIN

# Keys that could carry a young person's words: refused so a careless caller cannot leak them into the log.
FORBIDDEN_DETAIL_KEYS = frozenset({"text", "answer", "answer_text", "quote", "quote_text", "content", "password"})
EXPORT_HEADER = ("at (UTC)", "actor", "action", "target type", "target id", "detail")


def fingerprint(value: str) -> str:
    """A keyed one-way hash (HMAC-SHA256, first 32 hex digits), for recording that a name or code was used
    without storing it. Keyed with the app's secret (voice.config.secret_key), so a short value such as a
    receipt code or a password typed into the username box cannot be recovered by hashing guesses."""
    from voice.config import secret_key

    return hmac.new(secret_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def record(session: Session, actor: Actor | str, action: str, target_type: str = "", target_id: Any = "",
           *, at: datetime | None = None, **detail: Any) -> AuditEvent:
    """Add one audit event to `session` (committed with the caller's own work, so both or neither happen)."""
    leaked = FORBIDDEN_DETAIL_KEYS & set(detail)
    if leaked:
        raise ValueError(f"Audit detail must not hold content: {', '.join(sorted(leaked))}")
    name = actor.username if isinstance(actor, Actor) else str(actor)
    event = AuditEvent(at=at or utcnow(), actor=name[:80], action=action[:60], target_type=target_type[:40],
                       target_id=str(target_id)[:120], detail=_jsonable(detail))
    session.add(event)
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v) for v in items]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    since: datetime | None = None  # naive UTC, inclusive
    until: datetime | None = None  # naive UTC, exclusive
    limit: int | None = 1000


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict

    def detail_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(self.detail.items()))


def list_events(session: Session, actor: Actor, filters: AuditFilter | None = None) -> list[AuditRow]:
    """Newest first. Admins only: the trail shows who looked at what."""
    require(actor, ADMIN)
    f = filters or AuditFilter()
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if f.actor:
        query = query.where(AuditEvent.actor == f.actor.strip().lower())
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.target_type:
        query = query.where(AuditEvent.target_type == f.target_type)
    if f.since is not None:
        query = query.where(AuditEvent.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEvent.at < f.until)
    if f.limit:
        query = query.limit(f.limit)
    return [AuditRow(e.at, e.actor, e.action, e.target_type, e.target_id, dict(e.detail or {}))
            for e in session.scalars(query)]


def list_actions(session: Session, actor: Actor) -> list[str]:
    require(actor, ADMIN)
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def export_events(session: Session, actor: Actor, path: str | Path, filters: AuditFilter | None = None) -> int:
    """Write the events to .csv or .xlsx through safe_csv (no cell can run as a formula). Returns the row count."""
    from voice.io.safe_csv import write_csv, write_xlsx

    require(actor, ADMIN)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Invalid("The audit export must end in .csv or .xlsx.")
    f = filters or AuditFilter()
    rows = list_events(session, actor, AuditFilter(f.actor, f.action, f.target_type, f.since, f.until, limit=None))
    table = [(r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.target_type, r.target_id, r.detail_text())
             for r in rows]
    record(session, actor, "audit_exported", "audit", "", rows=len(table), format=suffix[1:])
    if suffix == ".csv":
        return write_csv(path, EXPORT_HEADER, table)
    write_xlsx(path, {"Audit trail": (EXPORT_HEADER, table)})
    return len(table)
