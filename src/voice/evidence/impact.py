"""Is it making a difference? A measure's figure in each wave, and the change between two waves.

This is the one place a measure's figure is worked out. The Priorities page, the Board overview, the
priority page, the Word and PDF board reports and `voice stats --measures` all take it from
`measure_trend`, so they say the same thing in the same words:

* **the figure**: the young people who chose the measure's answers, of those asked the question who
  answered it (the base follows skip logic), from voice.stats.question_results. It is hidden ("fewer than
  10") when any of the answers it adds up is hidden, when it is from 1 to 9 young people, or when it is 0%
  or 100% of fewer than 50 (group disclosure): voice.stats' rules, never a rule of its own.
* **the waves**: voice.stats.waves decides which campaigns count (real waves by their dates; a survey's
  always-open link never does) and which two a change compares (the last two whose figure is shown).
* **the change**: in percentage points between the rounded percentages people read
  (`voice.stats.change_in_points`), with an arrow, and a verdict read through the measure's polarity: a
  rise in "% who felt unsafe online" (low_is_good) is "worse". It names the two waves it compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlalchemy.orm import Session

from voice.evidence.errors import EvidenceNotFound
from voice.models import Campaign, Measure
from voice.stats import change_in_points, question_results, response_count
from voice.stats.results import ResultRow
from voice.stats.suppression import MIN_BASE, SUPPRESSED_TEXT, figure_hidden, percentage
from voice.stats.waves import compared, wave_labels, waves
from voice.surveys.registry import UnknownSurvey, get_survey
from voice.surveys.schema import PREFER_NOT_TO_SAY, tr

ARROWS = {"up": "↑", "down": "↓", "same": "→"}
POLARITIES = ("high_is_good", "low_is_good", "no_polarity")
POLARITY_WORDS = {"high_is_good": "higher is better", "low_is_good": "lower is better",
                  "no_polarity": "no better or worse direction"}
NO_ANSWERS = "no answers"


@dataclass(frozen=True)
class MeasureFigure:
    """A measure in one wave: `count` of `base` chose the measure's answers."""

    campaign: str  # the campaign's name, e.g. demo-esafety-2016
    wave: str  # its short label beside other waves, e.g. "Feb 2016"
    title: str  # the campaign's full title
    count: int | None
    base: int | None
    percent: float | None  # None when hidden or nobody answered
    suppressed: bool

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.percent is not None

    @property
    def text(self) -> str:
        """"10.7% of 280", "fewer than 10" or "no answers"."""
        if self.suppressed:
            return SUPPRESSED_TEXT
        if self.percent is None:
            return NO_ANSWERS
        return f"{self.percent:.1f}% of {self.base:,}"

    @property
    def wave_text(self) -> str:
        """"Feb 2016: 10.7% of 280"."""
        return f"{self.wave}: {self.text}"


def figure(count: int | None, base: int | None, campaign: str = "", wave: str = "", title: str = "",
           hidden: bool = False) -> MeasureFigure:
    """A measure's figure from its count and base, with voice.stats' rules for a figure on its own."""
    if count is not None and base is not None and (count < 0 or base < 0 or count > base):
        raise ValueError(f"count {count} and base {base} do not make a percentage")
    if not hidden and base == 0:
        return MeasureFigure(campaign, wave or campaign, title or campaign, 0, 0, None, False)
    if hidden or count is None or base is None or figure_hidden(count, base):
        return MeasureFigure(campaign, wave or campaign, title or campaign, None, None, None, True)
    return MeasureFigure(campaign, wave or campaign, title or campaign, count, base, percentage(count, base), False)


@dataclass(frozen=True)
class MeasureChange:
    before: MeasureFigure
    after: MeasureFigure
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
    def between(self) -> str:
        return f"{self.before.wave} to {self.after.wave}"

    @property
    def text(self) -> str:
        """"↓ down 2.8 percentage points, Feb 2016 to Feb 2017 (better)"."""
        if self.points is None:
            return f"No change shown: {SUPPRESSED_TEXT} answers ({self.between})"
        if self.direction == "same":
            return f"{self.arrow} no change, {self.between}"
        size = abs(self.points)
        return (f"{self.arrow} {self.direction} {size:.1f} percentage point{'' if size == 1 else 's'}, "
                f"{self.between} ({self.verdict})")


def change(before: MeasureFigure, after: MeasureFigure, polarity: str) -> MeasureChange:
    """The change from `before` to `after`, judged by `polarity` (high_is_good, low_is_good, no_polarity)."""
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}")
    points = change_in_points(_row(before), _row(after))
    if points is None:
        return MeasureChange(before, after, polarity, None, None, "not shown")
    if points == 0:
        return MeasureChange(before, after, polarity, 0.0, "same", "no change")
    direction = "up" if points > 0 else "down"
    if polarity == "no_polarity":
        verdict = f"went {direction}"
    else:
        verdict = "better" if (direction == "up") == (polarity == "high_is_good") else "worse"
    return MeasureChange(before, after, polarity, points, direction, verdict)


def _row(f: MeasureFigure) -> ResultRow:
    return ResultRow("", "", None, None, f.count, f.base, f.percent if f.shown else None, f.suppressed)


@dataclass(frozen=True)
class MeasureTrend:
    id: int
    label: str
    polarity: str
    survey_id: str
    question_id: str
    question_text: str
    figures: tuple[MeasureFigure, ...]  # one per wave with answers, oldest first
    change: MeasureChange | None  # the last two waves whose figure is shown

    @property
    def polarity_words(self) -> str:
        return POLARITY_WORDS.get(self.polarity, self.polarity)

    @property
    def arrow(self) -> str:
        return self.change.arrow if self.change else ""

    @property
    def verdict(self) -> str:
        return self.change.verdict if self.change else "not shown"

    @property
    def worsening(self) -> bool:
        return self.change is not None and self.change.verdict == "worse"

    @property
    def latest(self) -> MeasureFigure | None:
        """The newest wave whose figure is shown (a newer one with too few answers yet is passed over)."""
        shown = [f for f in self.figures if f.shown]
        return shown[-1] if shown else None

    @property
    def figures_text(self) -> str:
        return "; ".join(f.wave_text for f in self.figures) or "No wave with answers yet"

    @property
    def change_text(self) -> str:
        if self.change is not None:
            return self.change.text
        if not self.figures:
            return "No change to show: no wave with answers yet"
        shown = [f for f in self.figures if f.shown]
        hidden = [f.wave for f in self.figures if f.suppressed]
        if len(shown) == 1 and not hidden:
            return f"No change to show yet: one wave so far ({shown[0].wave})"
        return (f"No change shown: {SUPPRESSED_TEXT} answers in {' and '.join(hidden)}" if hidden
                else "No change shown: no answers to compare")


def measure_trend(session: Session, measure: Measure, until: date | None = None) -> MeasureTrend:
    """The measure in each wave of its survey (those opened by `until`, when given) and the change."""
    try:
        _, survey = get_survey(session, measure.survey_id)
        question = survey.question(measure.question_id)
        question_text = tr(question.text) if question else measure.question_id
    except UnknownSurvey:
        return MeasureTrend(measure.id, measure.label, measure.polarity, measure.survey_id, measure.question_id,
                            measure.question_id, (), None)
    mine = waves(session, measure.survey_id, until)
    labels = wave_labels(mine)
    figures = []
    for wave in mine:
        f = wave_figure(session, measure.survey_id, measure.question_id, measure.option_ids, wave, labels[wave.id])
        if f is not None:
            figures.append(f)
    pair = compared(figures, lambda f: f.shown)
    return MeasureTrend(measure.id, measure.label, measure.polarity, measure.survey_id, measure.question_id,
                        question_text, tuple(figures), change(pair[0], pair[1], measure.polarity) if pair else None)


def wave_figure(session: Session, survey_id: str, question_id: str, option_ids: Sequence[str], campaign: Campaign,
                wave: str = "") -> MeasureFigure | None:
    """The measure's figure in one campaign; None when no young person's answers count there yet."""
    if response_count(session, survey_id, campaign.name) == 0:
        return None
    rows = [r for r in question_results(session, survey_id, campaign.name, question_ids=[question_id])
            if r.option_id != PREFER_NOT_TO_SAY]
    chosen = [r for r in rows if r.option_id in option_ids]
    title = campaign.title or campaign.name
    base = next((r.base for r in rows if r.base is not None), None)
    # Any hidden part hides the sum (the sum with a hidden part would give it back).
    hidden = not chosen or any(r.suppressed for r in chosen) or base is None
    count = None if hidden else sum(r.count or 0 for r in chosen)  # (a shown row has its count)
    return figure(count, base, campaign.name, wave, title, hidden=hidden and base != 0)


def priority_trends(session: Session, priority_id: int, until: date | None = None) -> list[MeasureTrend]:
    """Every measure of a priority, in the order they were added."""
    from sqlalchemy import select

    measures = session.scalars(select(Measure).where(Measure.priority_id == priority_id).order_by(Measure.id))
    return [measure_trend(session, m, until) for m in measures]


def get_trend(session: Session, measure_id: int, until: date | None = None) -> MeasureTrend:
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise EvidenceNotFound(f"There is no measure with id {measure_id}.")
    return measure_trend(session, measure, until)


# --- how a measure reads, wherever it is shown ---------------------------------------------------------------

MEASURE_COLUMNS = ("Measure", "Direction wanted", "Figures by wave", "Change")


def measure_table(trends: Sequence[MeasureTrend]) -> list[dict[str, str]]:
    """The measures as table rows (the same columns and words on every screen and in both report formats)."""
    return [{"Measure": m.label, "Direction wanted": m.polarity_words, "Figures by wave": m.figures_text,
             "Change": m.change_text} for m in trends]


def chart_rows(trend: MeasureTrend) -> list[ResultRow]:
    """The measure as chart rows: one bar per wave (for voice.reports.charts.bar_chart)."""
    return [ResultRow(trend.question_id, f.wave, None, None, f.count, f.base, f.percent, f.suppressed or not f.shown)
            for f in trend.figures]


__all__ = ["ARROWS", "MEASURE_COLUMNS", "MIN_BASE", "POLARITY_WORDS", "MeasureChange", "MeasureFigure", "MeasureTrend",
           "change", "chart_rows", "figure", "get_trend", "measure_table", "measure_trend", "priority_trends",
           "wave_figure"]
