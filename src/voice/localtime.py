"""Times as people here read them: Europe/London (GMT or BST), whatever the server's clock says.

The database keeps naive UTC (voice.db.utcnow); screens and messages show local time through these.
The `tzdata` package carries the zone data, so this works on servers without system time zones.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def local(at: datetime) -> datetime:
    """A stored time (naive UTC, or aware) in Europe/London."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(LONDON)


def when(at: datetime | None, now: datetime | None = None) -> str:
    """'14:05 today', '09:12 yesterday' or '3 Mar 2026, 14:05', with GMT/BST so nobody has to guess."""
    if at is None:
        return ""
    here = local(at)
    today = local(now).date() if now is not None else datetime.now(LONDON).date()
    zone = here.tzname() or ""
    if here.date() == today:
        return f"{here:%H:%M} {zone} today"
    if (today - here.date()).days == 1:
        return f"{here:%H:%M} {zone} yesterday"
    return f"{here.day} {here:%b %Y, %H:%M} {zone}"


__all__ = ["LONDON", "local", "when"]
