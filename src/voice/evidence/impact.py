"""Is it making a difference? A measure's value per campaign and the change between two campaigns.

The arithmetic works on (count, base) pairs so it does not care where they come from; the one place
that fetches them is `_counts` (voice.stats when it is in this checkout). A change reads the measure's
polarity: a rise in "% who felt unsafe online" (low_is_good) is "worse". Where either side's base is
small the change is not shown at all: rates in small groups jump about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.evidence.errors import NotFound, Refused
from voice.models import Campaign, Measure

from voice.stats import question_results
from voice.stats.suppression import MIN_BASE, SUPPRESSED_TEXT

ARROWS = {"up": "↑", "down": "↓", "same": "→"}


@dataclass(frozen=True)
class Figure:
    campaign: str
    count: int
    base: int
    percent: float | None  # None when suppressed or nobody answered
    suppressed: bool

    @property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED_TEXT
        if self.percent is None:
            return "no answers"
        return f"{self.percent:.0f}% (of {self.base:,})"


def figure(count: int, base: int, campaign: str = "", suppressed: bool | None = None) -> Figure:
    """A percentage with its base; suppressed when the base is small (or the caller says so)."""
    if count < 0 or base < 0 or count > base:
        raise ValueError(f"count {count} and base {base} do not make a percentage")
    hidden = base < MIN_BASE if suppressed is None else suppressed
    percent = None if hidden or base == 0 else 100 * count / base
    return Figure(campaign, count, base, percent, hidden)


@dataclass(frozen=True)
class Change:
    before: Figure
    after: Figure
    polarity: str
    points: float | None  # percentage points, after minus before; None when not shown
    direction: str | None  # up | down | same
    verdict: str  # better | worse | no change | went up | went down | not shown

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction or "", "")

    @property
    def suppressed(self) -> bool:
        return self.points is None

    @property
    def text(self) -> str:
        if self.points is None:
            if self.before.suppressed or self.after.suppressed:
                return f"No change shown: {SUPPRESSED_TEXT} answers"
            return "No change shown: no answers to compare"
        if self.direction == "same":
            return f"{self.arrow} no change"
        size = abs(self.points)
        shown = f"{size:.0f}" if size == round(size) else f"{size:.1f}"
        return f"{self.arrow} {self.direction} {shown} percentage point{'s' if shown != '1' else ''} ({self.verdict})"


def change(before: Figure, after: Figure, polarity: str) -> Change:
    """The change from `before` to `after`, judged by `polarity` (high_is_good, low_is_good, no_polarity)."""
    if polarity not in ("high_is_good", "low_is_good", "no_polarity"):
        raise ValueError(f"unknown polarity {polarity!r}")
    if before.percent is None or after.percent is None:
        return Change(before, after, polarity, None, None, "not shown")
    points = round(after.percent - before.percent, 1)
    if points == 0:
        return Change(before, after, polarity, 0.0, "same", "no change")
    direction = "up" if points > 0 else "down"
    if polarity == "no_polarity":
        verdict = f"went {direction}"
    else:
        good = (direction == "up") == (polarity == "high_is_good")
        verdict = "better" if good else "worse"
    return Change(before, after, polarity, points, direction, verdict)


# --- measures over campaigns --------------------------------------------------------------------------

def measure_figures(session: Session, measure_id: int, campaigns: Iterable[str]) -> list[Figure]:
    measure = _measure(session, measure_id)
    out = []
    for name in campaigns:
        count, base, suppressed = _counts(session, measure, name)
        out.append(figure(count, base, name, suppressed))
    return out


def measure_change(session: Session, measure_id: int, before_campaign: str, after_campaign: str) -> Change:
    """e.g. measure_change(s, m, "esafety-2016", "esafety-2017")."""
    before, after = measure_figures(session, measure_id, [before_campaign, after_campaign])
    return change(before, after, _measure(session, measure_id).polarity)


def campaigns_for(session: Session, measure_id: int) -> list[str]:
    """The measure's survey's campaigns, oldest first (the always-open one last)."""
    measure = _measure(session, measure_id)
    rows = session.scalars(select(Campaign).where(Campaign.survey_id == measure.survey_id)
                           .order_by(Campaign.is_default, Campaign.opens_at, Campaign.created_at, Campaign.id))
    return [c.name for c in rows]


def _measure(session: Session, measure_id: int) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise NotFound(f"There is no measure with id {measure_id}.")
    return measure


def _counts(session: Session, measure: Measure, campaign: str) -> tuple[int, int, bool | None]:
    """(count, base, suppressed) for one campaign. The one call site that reads survey answers."""
    campaign_row = session.scalars(select(Campaign).where(Campaign.name == campaign,
                                                         Campaign.survey_id == measure.survey_id)).first()
    if campaign_row is None:
        raise Refused(f"'{campaign}' is not a campaign of the {measure.survey_id} survey, which "
                      f"'{measure.label}' counts.")
    rows = [r for r in question_results(session, measure.survey_id, campaign, None,
                                        question_ids=[measure.question_id])
            if r.question_id == measure.question_id and r.option_id in measure.option_ids]
    # The base of the chosen options (those shown the question who answered it, "prefer not to say"
    # kept apart), so "% of these" follows skip logic as every other figure does.
    base = max((r.base or 0 for r in rows), default=0)
    count = sum(r.count or 0 for r in rows)
    return count, base, any(r.suppressed for r in rows) or None

