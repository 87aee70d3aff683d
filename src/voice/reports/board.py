"""The board's view: for each priority of a plan period, what young people told us, what was done, and
whether it made a difference. Plain data for the overview page, the drill-down page and the report.

Scope: a plan period's evidence is every campaign that opened on or before the period's last day (the
consultations the board has in hand that year; the YPAG named the 2020/21 priorities in February 2020).
Figures come from voice.stats (`question_results`, `percentage`, `suppress`): a count or percentage
from fewer than 10 young people never appears, and nor does anything it could be worked out from.
Free text is never shown: themes are counts from TextAnalysis (with facilitators' reviews applied and
answers held for the safeguarding leads left out), and the only words shown are approved quotes.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Sequence

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from voice.analysis.review import effective_themes, visible_to_facilitators
from voice.evidence.impact import Change, Figure, change
from voice.evidence.priorities import RagEntry, _period, list_periods, priority_evidence
from voice.evidence.quotes import ApprovedQuote, approved_quotes
from voice.evidence.you_said_we_did import STATUS_WORDS, ItemView
from voice.models import Answer, Campaign, CampaignGroup, Response, SurveyRecord, TextAnalysis, ThemeReview
from voice.models.priorities import YSWD_STATUSES
from voice.security.access import Actor, require
from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.stats import SUPPRESSED_TEXT, ResultRow, format_count, format_percent, percentage, question_results
from voice.stats.suppression import ANSWERED, BASE, PNTS, Table, is_small, suppress, suppress_single_row
from voice.surveys.registry import UnknownSurvey, get_survey
from voice.surveys.schema import PREFER_NOT_TO_SAY, Survey, tr

BOARD_ROLES = (BOARD, FACILITATOR, ADMIN)
QUOTES_PER_PRIORITY = 3
THEMES_PER_PRIORITY = 5
QUESTIONS_PER_SURVEY = 6  # headline figures per linked survey; the Results page has the rest
LONG_WAIT_DAYS = 90  # an unanswered "you said" older than a school term is flagged for monitoring
SENTIMENTS = ("negative", "neutral", "positive")
POLARITY_WORDS = {"high_is_good": "higher is better", "low_is_good": "lower is better",
                  "no_polarity": "no better or worse direction"}

# progress(stage, done, total), as in voice.reports.school_packs
ProgressCallback = Callable[[str, int, int], None]


# --- plain data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSummary:
    name: str
    title: str
    survey_id: str
    survey_title: str
    opens: date | None
    closes: date | None
    groups: int  # schools and groups invited or answering
    respondents: int | None  # None when suppressed
    suppressed: bool
    is_demo: bool

    @property
    def respondents_text(self) -> str:
        if not self.suppressed and self.respondents == 0:
            return "nobody yet"
        return format_count(self.respondents, self.suppressed)


@dataclass(frozen=True)
class MeasureFigure:
    campaign: str
    campaign_title: str
    count: int | None
    base: int | None
    percent: float | None
    suppressed: bool

    @property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED_TEXT
        if self.percent is None:
            return "no answers"
        return f"{self.percent:.1f}% of {self.base:,}"


@dataclass(frozen=True)
class MeasureTrend:
    id: int
    label: str
    polarity: str
    survey_id: str
    question_id: str
    question_text: str
    figures: tuple[MeasureFigure, ...]  # oldest first; the last two are compared
    change: Change | None

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
    def change_text(self) -> str:
        if self.change is None:
            return "Only one campaign so far: no change to show" if self.figures else "No campaign yet"
        return self.change.text

    @property
    def latest(self) -> MeasureFigure | None:
        return self.figures[-1] if self.figures else None


@dataclass(frozen=True)
class SentimentShare:
    label: str
    count: int | None
    percent: float | None
    suppressed: bool


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
    def sentiment_text(self) -> str:
        if self.suppressed:
            return SUPPRESSED_TEXT
        return ", ".join(f"{s.label} {format_percent(s.percent, s.suppressed)}" for s in self.sentiment)


@dataclass(frozen=True)
class QuestionFigure:
    """One headline figure, with its base in words: "21.4% of the 140 who answered 'Yes' to '…'"."""

    survey_id: str
    survey_title: str
    campaign: str
    question_id: str
    question_text: str
    option_id: str
    option_label: str
    count: int | None
    base: int | None
    percent: float | None
    suppressed: bool
    base_group: str  # "who answered" or "who answered 'Yes' to 'Do you use a webcam…?'"

    @property
    def text(self) -> str:
        if self.suppressed:
            return f"{self.option_label}: {SUPPRESSED_TEXT}"
        return f"{self.percent:.1f}% ({self.count:,}) of the {self.base:,} {self.base_group} said '{self.option_label}'"


@dataclass(frozen=True)
class ActionView:
    what: str
    who: str
    when: str
    progress: str
    impact: str


@dataclass
class PriorityCard:
    id: int
    key: str
    title: str
    owner: str
    outcomes: tuple[str, ...]
    rag: RagEntry | None
    measures: list[MeasureTrend] = field(default_factory=list)
    themes: list[ThemeFigure] = field(default_factory=list)
    questions: list[QuestionFigure] = field(default_factory=list)
    more_questions: int = 0  # linked questions not shown here (they are on the Results page)
    quotes: list[ApprovedQuote] = field(default_factory=list)
    items: list[ItemView] = field(default_factory=list)
    actions: list[ActionView] = field(default_factory=list)

    @property
    def item_counts(self) -> dict[str, int]:
        counts = Counter(i.status for i in self.items)
        return {s: counts.get(s, 0) for s in YSWD_STATUSES}

    @property
    def long_waiting(self) -> list[ItemView]:
        return [i for i in self.items if i.is_open and i.days_waiting > LONG_WAIT_DAYS]

    @property
    def monitoring(self) -> list[str]:
        """Why the board should keep an eye on this priority: RAG, worsening measures, long waits."""
        out = []
        if self.rag and self.rag.status in ("amber", "red"):
            out.append(f"RAG {self.rag.status.upper()}: {self.rag.rationale}")
        if self.rag is None:
            out.append("No RAG status has been set.")
        for m in self.measures:
            if m.worsening:
                out.append(f"{m.label}: {m.change_text}.")
        for i in self.long_waiting:
            out.append(f'"{i.you_said}": {i.waiting_words}.')
        return out


@dataclass
class BoardOverview:
    period_id: str
    period_title: str
    starts: date
    ends: date
    campaigns: list[CampaignSummary]
    respondents: int | None  # all campaigns in scope (None when suppressed)
    respondents_suppressed: bool
    commenters: int | None
    themes: list[ThemeFigure]  # every theme with anything to show, most mentioned first
    priorities: list[PriorityCard]
    generated_at: datetime
    periods: list[str] = field(default_factory=list)

    @property
    def has_demo(self) -> bool:
        return any(c.is_demo for c in self.campaigns)

    @property
    def has_responses(self) -> bool:
        return self.respondents_suppressed or bool(self.respondents)

    @property
    def respondents_text(self) -> str:
        return format_count(self.respondents, self.respondents_suppressed)

    @property
    def empty_explanation(self) -> str | None:
        """Why there is nothing to show yet, in words a board member can act on."""
        if not self.campaigns:
            return (f"No survey campaign had opened by the end of {self.period_id}, so there is nothing from young "
                    f"people to show yet. Facilitators start campaigns on the Campaigns page.")
        if not self.has_responses:
            names = ", ".join(c.title or c.name for c in self.campaigns)
            return (f"Campaigns have been set up ({names}) but no young person has sent in a survey yet, so there "
                    f"are no figures or themes to show. They appear as soon as answers arrive.")
        return None

    def priority(self, key_or_id) -> PriorityCard:
        for card in self.priorities:
            if str(key_or_id) in (card.key, str(card.id)):
                return card
        raise LookupError(f"No priority '{key_or_id}' in {self.period_id}. "
                          f"Priorities: {', '.join(c.key for c in self.priorities)}.")


# --- building it ----------------------------------------------------------------------------------------


def board_overview(session: Session, actor: Actor, period_id: str | None = None,
                   progress: ProgressCallback | None = None) -> BoardOverview:
    """Everything the board sees for one plan period (default: the current one).

    Raises AccessDenied for anyone but board members, facilitators and admins, and NotFound (naming the
    periods that exist) for an unknown period.
    """
    require(actor, *BOARD_ROLES)
    period = _period(session, period_id)
    campaigns = campaigns_in_scope(session, period.ends)
    submitted = _submitted_counts(session, [c.id for c in campaigns])
    summaries, total, total_hidden = _campaign_summaries(session, campaigns, submitted)
    answered = [c for c in campaigns if submitted.get(c.id)]  # figures only from campaigns with answers
    codebook = _codebook(session)
    theme_names = {t.id: t.name for t in codebook.themes} if codebook else {}
    theme_counts = _theme_counts(session, [c.id for c in campaigns], theme_names)
    commenters = theme_counts.commenters
    all_themes = sorted((t for t in theme_counts.figures.values() if t.suppressed or t.young_people),
                        key=lambda t: (t.suppressed, -(t.young_people or 0), t.name))
    quotes = approved_quotes(session)
    priorities = list(period.priorities)
    cards: list[PriorityCard] = []
    if progress:
        progress("priorities", 0, len(priorities))
    for done, priority in enumerate(priorities, start=1):
        evidence = priority_evidence(session, priority.id, codebook=codebook)
        theme_ids = [t.id for t in evidence.themes]
        card = PriorityCard(
            id=priority.id, key=priority.key, title=priority.title, owner=priority.owner,
            outcomes=evidence.outcomes, rag=evidence.rag,
            measures=[_measure_trend(session, m, answered) for m in evidence.measures],
            themes=_top(theme_counts.figures, theme_ids),
            quotes=_quotes_for(quotes, priority.key, set(theme_ids)),
            items=list(evidence.items),
            actions=[ActionView(a.what, a.who, a.when, a.progress, a.impact) for a in priority.actions],
        )
        card.questions, card.more_questions = _question_figures(session, evidence.questions, answered)
        cards.append(card)
        if progress:
            progress("priorities", done, len(priorities))
    return BoardOverview(
        period_id=period.id, period_title=period.title, starts=period.starts, ends=period.ends,
        campaigns=summaries, respondents=total, respondents_suppressed=total_hidden,
        commenters=commenters, themes=all_themes, priorities=cards, generated_at=datetime.now(),
        periods=[p.id for p in list_periods(session)],
    )


def period_ids(session: Session, actor: Actor) -> list[str]:
    require(actor, *BOARD_ROLES)
    return [p.id for p in list_periods(session)]


def campaigns_in_scope(session: Session, period_end: date) -> list[Campaign]:
    """Campaigns that had opened by the end of the period (undated ones count: they are always open)."""
    end = datetime.combine(period_end, datetime.max.time())
    return list(session.scalars(
        select(Campaign).where(or_(Campaign.opens_at.is_(None), Campaign.opens_at <= end))
        .order_by(Campaign.opens_at.is_(None), Campaign.opens_at, Campaign.survey_id, Campaign.id)))


def _submitted_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Submitted responses per campaign id (never shown as they are: see _campaign_summaries)."""
    if not ids:
        return {}
    return dict(session.execute(
        select(Response.campaign_id, func.count()).where(Response.campaign_id.in_(list(ids)),
                                                         Response.status == "submitted")
        .group_by(Response.campaign_id)).all())


def _campaign_summaries(session: Session, campaigns: Sequence[Campaign], counts: dict[int, int]):
    """Per campaign, its young people; the total too. A campaign under 10 is hidden, and (through
    voice.stats' suppression) so is whatever would let the total give it back."""
    ids = [c.id for c in campaigns]
    answering = dict(session.execute(
        select(Response.campaign_id, func.count(func.distinct(Response.group_id)))
        .where(Response.campaign_id.in_(ids), Response.status == "submitted").group_by(Response.campaign_id)).all()
    ) if ids else {}
    invited = dict(session.execute(
        select(CampaignGroup.campaign_id, func.count()).where(CampaignGroup.campaign_id.in_(ids))
        .group_by(CampaignGroup.campaign_id)).all()) if ids else {}
    titles = dict(session.execute(select(SurveyRecord.id, SurveyRecord.title)).all())
    # Rows: the total, then each campaign with answers adding up into it. Zero is shown as it is (it
    # tells nothing about anyone), so campaigns nobody answered stay out of the suppression table.
    answered = [i for i in ids if counts.get(i)]
    values = [sum(counts.values())] + [counts[i] for i in answered]
    import numpy as np

    table = Table(rows=["all"] + answered, parent=[None] + [0] * len(answered), columns=[BASE, PNTS, ANSWERED],
                  values=np.array([[v, 0, v] for v in values], dtype=np.int64), options_sum_to_base=False)
    hidden = _hide_small_totals(table) if values[0] else np.zeros(1, dtype=bool)
    row_of = {cid: k for k, cid in enumerate(answered, start=1)}
    summaries = []
    for c in campaigns:
        if c.is_default and c.id not in row_of:
            continue  # a survey's always-open link nobody has used says nothing to the board
        k = row_of.get(c.id)
        n, secret = (values[k], bool(hidden[k])) if k else (0, False)
        summaries.append(CampaignSummary(
            name=c.name, title=c.title or c.name, survey_id=c.survey_id, survey_title=titles.get(c.survey_id, c.survey_id),
            opens=c.opens_at.date() if c.opens_at else None, closes=c.closes_at.date() if c.closes_at else None,
            groups=max(invited.get(c.id, 0), answering.get(c.id, 0)),
            respondents=None if secret else n, suppressed=secret, is_demo=bool(c.is_demo)))
    total_hidden = bool(hidden[0])
    return summaries, None if total_hidden else values[0], total_hidden


def _hide_small_totals(table: Table):
    """Hidden flags per row for plain head counts: voice.stats' primary and secondary suppression."""
    mask = suppress(table)
    return mask[:, table.columns.index(ANSWERED)] | mask[:, table.columns.index(BASE)]


# --- measures --------------------------------------------------------------------------------------------


def _measure_trend(session: Session, measure, campaigns: Sequence[Campaign]) -> MeasureTrend:
    """The measure in each campaign of its survey (in scope and with answers); the last two compared."""
    try:
        _, survey = get_survey(session, measure.survey_id)
        question = survey.question(measure.question_id)
        question_text = tr(question.text) if question else measure.question_id
    except UnknownSurvey:
        question_text = measure.question_id
    mine = [c for c in campaigns if c.survey_id == measure.survey_id]
    figures = []
    for c in mine:
        fig = measure_figure(session, measure.survey_id, measure.question_id, measure.option_ids, c)
        if fig is not None:
            figures.append(fig)
    trend_change = None
    if len(figures) >= 2:
        before, after = figures[-2], figures[-1]
        trend_change = change(_as_impact(before), _as_impact(after), measure.polarity)
    return MeasureTrend(measure.id, measure.label, measure.polarity, measure.survey_id, measure.question_id,
                        question_text, tuple(figures), trend_change)


def measure_figure(session: Session, survey_id: str, question_id: str, option_ids: Sequence[str],
                   campaign: Campaign) -> MeasureFigure | None:
    """The measure's figure in one campaign (None when nobody answered the question there).

    Counts of the chosen answers are added up; any of them hidden hides the figure (an added-up figure
    with a hidden part would give it back)."""
    rows = [r for r in question_results(session, survey_id, campaign.name, question_ids=[question_id])
            if r.option_id != PREFER_NOT_TO_SAY]
    if not rows:
        return None
    chosen = [r for r in rows if r.option_id in option_ids]
    title = campaign.title or campaign.name
    if not chosen or any(r.suppressed for r in chosen):
        return MeasureFigure(campaign.name, title, None, None, None, True)
    base = chosen[0].base
    count = sum(r.count for r in chosen)
    return MeasureFigure(campaign.name, title, count, base, percentage(count, base), False)


def _as_impact(f: MeasureFigure) -> Figure:
    # impact.change reads the polarity; it needs the percent only, which voice.stats computed.
    return Figure(f.campaign, f.count or 0, f.base or 0, f.percent, f.suppressed)


def measure_rows(trend: MeasureTrend) -> list[ResultRow]:
    """The measure as chart rows, one series per campaign (for voice.reports.charts)."""
    return [ResultRow(trend.question_id, "measure", "campaign", f.campaign, f.count, f.base, f.percent, f.suppressed)
            for f in trend.figures]


# --- headline figures of linked questions ---------------------------------------------------------------


def _question_figures(session: Session, links, campaigns: Sequence[Campaign]) -> tuple[list[QuestionFigure], int]:
    """For each survey linked to the priority, its latest campaign in scope with answers, and a headline
    figure per linked closed question (the "yes", or the most chosen answer)."""
    by_survey: dict[str, list[str]] = {}
    for link in links:
        by_survey.setdefault(link.survey_id, []).append(link.question_id)
    out: list[QuestionFigure] = []
    more = 0
    for survey_id, question_ids in by_survey.items():
        mine = [c for c in campaigns if c.survey_id == survey_id]
        if not mine:
            continue
        latest = mine[-1]  # campaigns come oldest first, and only those with answers
        try:
            _, survey = get_survey(session, survey_id)
        except UnknownSurvey:
            continue
        closed = [q for q in question_ids if (q2 := survey.question(q)) is not None and q2.is_closed]
        rows = question_results(session, survey_id, latest.name, question_ids=closed)
        shown = 0
        for qid in closed:
            mine = [r for r in rows if r.question_id == qid and r.option_id != PREFER_NOT_TO_SAY]
            if not mine:
                continue
            if shown >= QUESTIONS_PER_SURVEY:
                more += 1
                continue
            out.append(_headline(survey, latest, qid, mine))
            shown += 1
    return out, more


def _headline(survey: Survey, campaign: Campaign, question_id: str, rows: list[ResultRow]) -> QuestionFigure:
    question = survey.question(question_id)
    labels = {o.id: tr(o.label) for o in question.options}
    yes = [r for r in rows if r.option_id == "yes"]
    shown = [r for r in rows if not r.suppressed]
    pick = yes[0] if yes else (max(shown, key=lambda r: (r.count, -rows.index(r))) if shown else rows[0])
    return QuestionFigure(survey.id, tr(survey.title), campaign.name, question_id, tr(question.text), pick.option_id,
                          labels.get(pick.option_id, pick.option_id), pick.count, pick.base, pick.percent,
                          pick.suppressed, base_group(survey, question_id))


def base_group(survey: Survey, question_id: str) -> str:
    """Who a question's base is, in words: its skip logic's condition when it is a plain 'equals'."""
    question = survey.question(question_id)
    cond = question.show_if if question else None
    if cond is not None and cond.op in ("equals", "in", "includes") and cond.question and cond.values:
        earlier = survey.question(cond.question)
        if earlier is not None:
            labels = {o.id: tr(o.label) for o in earlier.options}
            said = " or ".join(f"'{labels.get(v, v)}'" for v in cond.values)
            return f"who answered {said} to '{tr(earlier.text)}' and this question"
    return "who answered"


# --- themes ------------------------------------------------------------------------------------------------


@dataclass
class _ThemeCounts:
    commenters: int | None
    figures: dict[str, ThemeFigure]


def _codebook(session: Session):
    from voice.analysis.store import active_codebook

    try:
        return active_codebook(session)[1]
    except Exception:  # no codebook file and none saved: themes are simply not shown
        return None


def _theme_counts(session: Session, campaign_ids: Sequence[int], names: dict[str, str]) -> _ThemeCounts:
    """Young people per theme (and the sentiment of their comments), over the campaigns' visible answers.

    Grouped in SQL by (automatic themes, sentiment) for answers nobody reviewed; reviewed answers (few)
    come one by one so the facilitator's decision wins over the codebook.
    """
    if not campaign_ids or not names:
        return _ThemeCounts(None, {})
    base = (select(Answer.response_id, Answer.id, cast(TextAnalysis.theme_ids, String), TextAnalysis.sentiment)
            .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id.in_(list(campaign_ids)), Response.status == "submitted",
                   visible_to_facilitators()))
    people: dict[str, set[int]] = {}
    sentiment: dict[str, Counter] = {}
    commenters: set[int] = set()
    decisions: dict[int, dict[str, str]] = {}
    rows = session.execute(base).all()
    reviews = (select(ThemeReview.answer_id, ThemeReview.theme_id, ThemeReview.decision)
               .join(Answer, Answer.id == ThemeReview.answer_id).join(Response, Response.id == Answer.response_id)
               .where(Response.campaign_id.in_(list(campaign_ids))))
    for answer_id, theme_id, decision in session.execute(reviews):
        decisions.setdefault(answer_id, {})[theme_id] = decision
    parsed: dict[str, list[str]] = {}
    for response_id, answer_id, themes_json, label in rows:
        commenters.add(response_id)
        auto = parsed.get(themes_json)
        if auto is None:
            auto = parsed[themes_json] = list(json.loads(themes_json or "[]") or [])
        themes = effective_themes(auto, decisions[answer_id]) if answer_id in decisions else auto
        for t in themes:
            if t in names:
                people.setdefault(t, set()).add(response_id)
                sentiment.setdefault(t, Counter())[label if label in SENTIMENTS else "neutral"] += 1
    n_commenters = len(commenters)
    hidden_base = is_small(n_commenters) if n_commenters else False
    figures = {}
    for theme_id, name in names.items():
        n = len(people.get(theme_id, ()))
        moods = sentiment.get(theme_id, Counter())
        figures[theme_id] = _theme_figure(theme_id, name, n, n_commenters, moods, hidden_base)
    return _ThemeCounts(None if hidden_base else n_commenters, figures)


def _theme_figure(theme_id: str, name: str, n: int, commenters: int, moods: Counter, hidden_base: bool) -> ThemeFigure:
    hidden = (hidden_base or is_small(n)) if n else hidden_base
    comments = sum(moods.values())
    if hidden or not n:
        return ThemeFigure(theme_id, name, None if hidden else 0, None if hidden else commenters,
                           None if hidden else percentage(0, commenters), hidden, None if hidden else 0,
                           tuple(SentimentShare(s, None, None, hidden) for s in SENTIMENTS))
    # The shares of comments by sentiment add up to the comments: voice.stats hides a small one and
    # whatever would give it back.
    mask = suppress_single_row([BASE, PNTS, ANSWERED, *SENTIMENTS],
                               [comments, 0, comments, *(moods.get(s, 0) for s in SENTIMENTS)],
                               options_sum_to_base=True)
    shares = tuple(SentimentShare(s, None if mask[3 + k] else moods.get(s, 0),
                                  None if mask[3 + k] else percentage(moods.get(s, 0), comments), bool(mask[3 + k]))
                   for k, s in enumerate(SENTIMENTS))
    return ThemeFigure(theme_id, name, n, commenters, percentage(n, commenters), False, comments, shares)


def _top(figures: dict[str, ThemeFigure], theme_ids: Sequence[str]) -> list[ThemeFigure]:
    mine = [figures[t] for t in theme_ids if t in figures]
    mine = [t for t in mine if t.suppressed or t.young_people]
    return sorted(mine, key=lambda t: (t.suppressed, -(t.young_people or 0), t.name))[:THEMES_PER_PRIORITY]


def theme_rows(themes: Sequence[ThemeFigure]) -> list[ResultRow]:
    """Themes as chart rows (% of young people who wrote comments), for voice.reports.charts."""
    return [ResultRow("themes", t.theme_id, None, None, t.young_people, t.base, t.percent, t.suppressed)
            for t in themes]


# --- quotes ------------------------------------------------------------------------------------------------


def _quotes_for(quotes: Sequence[ApprovedQuote], key: str, theme_ids: set[str]) -> list[ApprovedQuote]:
    """Approved quotes linked to the priority (first), then through one of its themes; newest first."""
    direct = [q for q in quotes if key in q.priority_ids]
    via_theme = [q for q in quotes if key not in q.priority_ids and theme_ids & set(q.theme_ids)]
    return (direct + via_theme)[:QUOTES_PER_PRIORITY]


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


__all__ = [
    "BOARD_ROLES", "BoardOverview", "CampaignSummary", "MeasureFigure", "MeasureTrend", "PriorityCard",
    "QuestionFigure", "ThemeFigure", "base_group", "board_overview", "campaigns_in_scope", "measure_figure",
    "measure_rows", "period_ids", "status_words", "theme_rows",
]
