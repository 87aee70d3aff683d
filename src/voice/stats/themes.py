"""Theme shares and the tone of comments: the one place these figures are worked out.

* **Theme share**: young people whose comments carry a theme, of the young people who wrote any comment
  (a young person counts once per theme however many comments they wrote; one can mention several themes).
* **Tone**: of the comments carrying a theme, the share read as negative, neutral and positive.

Both go through voice.stats' suppression: a share from 1 to 9 people or comments reads "fewer than 10",
0% or 100% of a small base is hidden (group disclosure), and a hidden tone share is protected from being
worked out of the others (they add up to the comments).

Which comments count is decided in one function, `counted_comments`: submitted answers that count in the
figures (released, for a campaign still open), coded by the analysis, and visible to facilitators (answers
held for the safeguarding leads never count). Facilitators' reviews win over the automatic themes.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from voice.analysis.review import effective_themes, visible_to_facilitators
from voice.models import Answer, Campaign, Response, TextAnalysis, ThemeReview
from voice.stats.release import counted_responses
from voice.stats.suppression import (ANSWERED, BASE, MIN_BASE, PNTS, SUPPRESSED_TEXT, figure_hidden, format_percent,
                                     percentage, suppress_single_row)

SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class SentimentShare:
    label: str
    count: int | None
    percent: float | None
    suppressed: bool

    @property
    def text(self) -> str:
        return format_percent(self.percent, self.suppressed)


@dataclass(frozen=True)
class ThemeFigure:
    """Young people whose comments touch a theme, of those who wrote any comment (`base`)."""

    theme_id: str
    name: str
    young_people: int | None
    base: int | None
    percent: float | None
    suppressed: bool
    comments: int | None  # comments carrying the theme (None when suppressed)
    sentiment: tuple[SentimentShare, ...]

    @property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED_TEXT
        return f"{self.young_people:,} young people ({self.percent:.1f}% of the {self.base:,} who wrote comments)"

    @property
    def young_people_text(self) -> str:
        return SUPPRESSED_TEXT if self.suppressed else f"{self.young_people:,}"

    @property
    def percent_text(self) -> str:
        return format_percent(self.percent, self.suppressed)

    def tone(self, label: str) -> SentimentShare:
        return next(s for s in self.sentiment if s.label == label)

    @property
    def sentiment_text(self) -> str:
        """The tone in words, e.g. "negative 57.0%, neutral 43.0%, positive 0.0%"."""
        if self.suppressed:
            return SUPPRESSED_TEXT
        return ", ".join(f"{s.label} {s.text}" for s in self.sentiment)


@dataclass
class ThemeShares:
    commenters: int | None  # young people who wrote any counted comment (None when hidden)
    figures: dict[str, ThemeFigure]  # every theme of the codebook, in its order

    def ranked(self, theme_ids: Sequence[str] | None = None, limit: int | None = None) -> list[ThemeFigure]:
        """Themes with anything to show, most mentioned first (hidden ones last)."""
        wanted = self.figures.values() if theme_ids is None else [self.figures[t] for t in theme_ids
                                                                    if t in self.figures]
        shown = [t for t in wanted if t.suppressed or t.young_people]
        ordered = sorted(shown, key=lambda t: (t.suppressed, -(t.young_people or 0), t.name))
        return ordered[:limit] if limit is not None else ordered


def counted_comments(campaigns: Sequence[Campaign]):
    """The one selection of free text that figures are made from: (response id, answer id, automatic themes as
    JSON, sentiment) of coded answers that count in these campaigns' figures and are not held for the
    safeguarding leads."""
    return (select(Answer.response_id, Answer.id, cast(TextAnalysis.theme_ids, String), TextAnalysis.sentiment)
            .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id.in_([c.id for c in campaigns]), counted_responses(campaigns),
                   visible_to_facilitators()))


def theme_shares(session: Session, campaigns: Sequence[Campaign], names: Mapping[str, str]) -> ThemeShares:
    """Young people per theme (and the tone of their comments) over the campaigns' counted comments.

    Grouped by (automatic themes, sentiment) for answers nobody reviewed; reviewed answers (few) come one by
    one so the facilitator's decision wins over the codebook.
    """
    if not campaigns or not names:
        return ThemeShares(None, {})
    ids = [c.id for c in campaigns]
    decisions: dict[int, dict[str, str]] = {}
    reviews = (select(ThemeReview.answer_id, ThemeReview.theme_id, ThemeReview.decision)
               .join(Answer, Answer.id == ThemeReview.answer_id).join(Response, Response.id == Answer.response_id)
               .where(Response.campaign_id.in_(ids)))
    for answer_id, theme_id, decision in session.execute(reviews):
        decisions.setdefault(answer_id, {})[theme_id] = decision
    people: dict[str, set[int]] = {}
    moods: dict[str, Counter] = {}
    commenters: set[int] = set()
    parsed: dict[str, list[str]] = {}
    for response_id, answer_id, themes_json, label in session.execute(counted_comments(campaigns)):
        commenters.add(response_id)
        auto = parsed.get(themes_json)
        if auto is None:
            auto = parsed[themes_json] = list(json.loads(themes_json or "[]") or [])
        themes = effective_themes(auto, decisions[answer_id]) if answer_id in decisions else auto
        for t in themes:
            if t in names:
                people.setdefault(t, set()).add(response_id)
                moods.setdefault(t, Counter())[label if label in SENTIMENTS else "neutral"] += 1
    base = len(commenters)
    base_hidden = 0 < base < MIN_BASE
    figures = {theme_id: theme_figure(theme_id, name, len(people.get(theme_id, ())), base,
                                      moods.get(theme_id, Counter()), base_hidden)
               for theme_id, name in names.items()}
    return ThemeShares(None if base_hidden else base, figures)


def theme_figure(theme_id: str, name: str, n: int, commenters: int, moods: Mapping[str, int],
                 base_hidden: bool = False) -> ThemeFigure:
    """One theme's share of the commenters and the tone of its comments, suppressed."""
    hidden = base_hidden or (figure_hidden(n, commenters) if n else False)
    if hidden or not n:
        return ThemeFigure(theme_id, name, None if hidden else 0, None if hidden else commenters,
                           None if hidden else percentage(0, commenters), hidden, None if hidden else 0,
                           tuple(SentimentShare(s, None, None, hidden) for s in SENTIMENTS))
    comments = sum(moods.values())
    return ThemeFigure(theme_id, name, n, commenters, percentage(n, commenters), False, comments,
                       tone_shares(moods))


def tone_shares(moods: Mapping[str, int]) -> tuple[SentimentShare, ...]:
    """Shares of comments by tone. They add up to the comments, so voice.stats hides a small one and whatever
    would give it back (and 0% / 100% of fewer than 50 comments)."""
    comments = sum(moods.get(s, 0) for s in SENTIMENTS)
    mask = suppress_single_row([BASE, PNTS, ANSWERED, *SENTIMENTS],
                               [comments, 0, comments, *(moods.get(s, 0) for s in SENTIMENTS)],
                               options_sum_to_base=True)
    return tuple(SentimentShare(s, None if mask[3 + k] else moods.get(s, 0),
                                None if mask[3 + k] else percentage(moods.get(s, 0), comments), bool(mask[3 + k]))
                 for k, s in enumerate(SENTIMENTS))


__all__ = ["SENTIMENTS", "SentimentShare", "ThemeFigure", "ThemeShares", "counted_comments", "theme_figure",
           "theme_shares", "tone_shares"]
