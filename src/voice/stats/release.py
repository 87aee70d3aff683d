"""Release in steps: the figures of a campaign that is still open grow only in steps of RELEASE_STEP answers.

Without this, anyone who looked at the figures of an open campaign after each submission could subtract
two views ("12 answered, 7 said yes" then "13 answered, 8 said yes") and read the newest young person's
answers. So, while a campaign is open, a submitted response counts in its figures only once it has been
*released*; answers are released together, when at least RELEASE_STEP of them are waiting, and all of
them when the campaign closes (its `closes_at` has passed). Every figure (the Results page, `voice stats`,
school packs, the board) counts the same released set, so no two views differ by fewer than 10 people.

The release point is stored on the responses (`responses.released_at`), so it survives restarts and is the
same for every process. Releasing happens when figures are asked for (`release_due`, called by
voice.stats before counting): no job has to run for it.

Left as they are (documented in docs/results.md): the final release at close may add fewer than 10
answers; imports into a closed campaign and erasures change its figures by what they add or remove.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import and_, false, func, or_, select, update
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.models import Campaign, Response
from voice.stats.suppression import MIN_BASE

RELEASE_STEP = MIN_BASE
SUBMITTED = "submitted"


def is_closed(campaign: Campaign, now: datetime | None = None) -> bool:
    """Closed once its closing time has passed; a campaign with no closing time never closes."""
    return campaign.closes_at is not None and (now or utcnow()) >= campaign.closes_at


def still_open(campaigns: Iterable[Campaign], now: datetime | None = None) -> list[int]:
    """Ids of the campaigns whose figures are released in steps."""
    now = now or utcnow()
    return [c.id for c in campaigns if not is_closed(c, now)]


def counted(campaign_id, released_at, campaign_ids: Sequence[int], open_ids: Sequence[int]):
    """SQL: a response of these campaigns counts in the figures (with the caller's submitted test).

    `campaign_id` and `released_at` are the columns to test (of Response or of an alias of its table)."""
    open_set = set(open_ids)
    closed = [i for i in campaign_ids if i not in open_set]
    still = [i for i in campaign_ids if i in open_set]
    parts = []
    if closed:
        parts.append(campaign_id.in_(closed))
    if still:
        parts.append(and_(campaign_id.in_(still), released_at.isnot(None)))
    return or_(*parts) if parts else false()


def counted_responses(campaigns: Sequence[Campaign], now: datetime | None = None):
    """SQL over `Response`: submitted, and counted in the figures of one of `campaigns` (for queries outside
    voice.stats.results, e.g. the board's head counts and themes)."""
    ids = [c.id for c in campaigns]
    return and_(Response.status == SUBMITTED,
                counted(Response.campaign_id, Response.released_at, ids, still_open(campaigns, now)))


def waiting(session: Session, campaign_ids: Sequence[int]) -> dict[int, int]:
    """Submitted answers not yet released, per open campaign id (never shown as a number)."""
    if not campaign_ids:
        return {}
    return dict(session.execute(
        select(Response.campaign_id, func.count())
        .where(Response.campaign_id.in_(list(campaign_ids)), Response.status == SUBMITTED,
               Response.released_at.is_(None))
        .group_by(Response.campaign_id)).all())


def release_due(session: Session, campaigns: Iterable[Campaign], now: datetime | None = None) -> list[int]:
    """Release the waiting answers of every open campaign with at least RELEASE_STEP of them. Returns the
    ids of the campaigns released. Safe to run from two processes at once: the second finds nothing left."""
    now = now or utcnow()
    open_ids = still_open(campaigns, now)
    due = [cid for cid, n in waiting(session, open_ids).items() if n >= RELEASE_STEP]
    if due:
        session.execute(update(Response)
                        .where(Response.campaign_id.in_(due), Response.status == SUBMITTED,
                               Response.released_at.is_(None))
                        .values(released_at=now).execution_options(synchronize_session=False))
        session.flush()
    return due


def has_waiting(session: Session, campaigns: Sequence[Campaign], now: datetime | None = None) -> bool:
    """Answers that have arrived but are not in the figures yet (said in words, never as a number)."""
    return any(waiting(session, still_open(campaigns, now)).values())


__all__ = ["RELEASE_STEP", "counted", "counted_responses", "has_waiting", "is_closed", "release_due", "still_open",
           "waiting"]
