"""Which campaigns a figure compares: the one rule, used by every screen, report and command.

* A **wave** is a campaign run for a period (e.g. the 2016 e-safety survey in schools). A survey's
  always-open campaign (`<survey>-open`, the link that works any time) is never a wave: it holds whatever
  arrives between waves, so it is neither "the latest" nor comparable with a wave.
* Waves are ordered by their dates: when they opened (a wave set up without dates counts from the day it
  was set up), then by id.
* A plan period's waves are those that had opened by the period's last day.
* A comparison takes the **last two waves whose figure is shown** (at least 10 answers, nothing hidden)
  and always says which two ("Feb 2016 to Feb 2017"). A later wave with too few answers so far does not
  stop the comparison of the two before it; it is listed with its figure hidden.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable, Iterable, Sequence, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.models import Campaign
from voice.stats.release import is_closed

T = TypeVar("T")


def is_wave(campaign: Campaign) -> bool:
    return not campaign.is_default


def wave_date(campaign: Campaign) -> datetime:
    """When the wave counts from: its opening, else the day it was set up."""
    return campaign.opens_at or campaign.created_at or datetime.min


def wave_order(campaigns: Iterable[Campaign]) -> list[Campaign]:
    return sorted(campaigns, key=lambda c: (wave_date(c), c.id or 0))


def waves(session: Session, survey_id: str | None = None, until: date | None = None) -> list[Campaign]:
    """The waves (of one survey, or of every survey), oldest first; with `until`, those opened by that day."""
    query = select(Campaign).where(Campaign.is_default.is_(False))
    if survey_id is not None:
        query = query.where(Campaign.survey_id == survey_id)
    found = list(session.scalars(query))
    if until is not None:
        end = datetime.combine(until, datetime.max.time())
        found = [c for c in found if wave_date(c) <= end]
    return wave_order(found)


def always_open(session: Session, survey_ids: Iterable[str] | None = None) -> list[Campaign]:
    """The surveys' always-open campaigns (never waves)."""
    query = select(Campaign).where(Campaign.is_default.is_(True)).order_by(Campaign.survey_id)
    if survey_ids is not None:
        query = query.where(Campaign.survey_id.in_(list(survey_ids)))
    return list(session.scalars(query))


def wave_labels(campaigns: Sequence[Campaign], now: datetime | None = None) -> dict[int, str]:
    """Short names for waves side by side: the month they opened ("Feb 2016"), or the title when two
    open in the same month; "(still open)" while answers may still arrive. Always-open campaigns read
    "always-open link"."""
    months: dict[str, int] = {}
    for c in campaigns:
        if is_wave(c):
            key = f"{c.survey_id}:{wave_date(c):%b %Y}"
            months[key] = months.get(key, 0) + 1
    labels = {}
    for c in campaigns:
        if not is_wave(c):
            labels[c.id] = "always-open link"
            continue
        month = f"{wave_date(c):%b %Y}"
        label = month if months[f"{c.survey_id}:{month}"] == 1 else (c.title or c.name)
        labels[c.id] = label + ("" if is_closed(c, now) else " (still open)")
    return labels


def wave_label(campaign: Campaign, now: datetime | None = None) -> str:
    return wave_labels([campaign], now)[campaign.id]


def compared(figures: Sequence[T], shown: Callable[[T], bool]) -> tuple[T, T] | None:
    """The two figures a change compares: the last two (in wave order) that are `shown`; None when fewer."""
    usable = [f for f in figures if shown(f)]
    return (usable[-2], usable[-1]) if len(usable) >= 2 else None


def date_words(campaign: Campaign, now: datetime | None = None) -> str:
    """A wave's dates in words: "1 Feb 2016 to 25 Mar 2016", "from 1 Feb 2021, still open", "no dates set"."""
    opens, closes = campaign.opens_at, campaign.closes_at
    if not is_wave(campaign):
        return "always open (no dates)"
    if opens and closes:
        return f"{opens:%-d %b %Y} to {closes:%-d %b %Y}" + ("" if is_closed(campaign, now) else " (still open)")
    if opens:
        return f"from {opens:%-d %b %Y}, still open"
    if closes:
        return f"until {closes:%-d %b %Y}"
    return f"no dates set (set up {campaign.created_at:%-d %b %Y})" if campaign.created_at else "no dates set"


__all__ = ["always_open", "compared", "date_words", "is_wave", "wave_date", "wave_label", "wave_labels",
           "wave_order", "waves"]
