"""The board's view: for each priority of a plan period, what young people told us, what was done, and
whether it made a difference. Plain data for the overview page, the priority page and the report.

Scope: a plan period's evidence is its **waves** (voice.stats.waves): the campaigns that had opened by the
period's last day (the consultations the board has in hand that year; the YPAG named the 2020/21 priorities
in February 2020). A survey's always-open link is never a wave: its answers are counted in one line and
left on the Results page.

Every figure is voice.stats': measures through `voice.evidence.impact.measure_trend`, head counts through
`voice.stats.headcounts`, theme shares and tone through `voice.stats.themes`. So a count or percentage from
fewer than 10 young people never appears, nor 0% / 100% of a small group, nor anything a hidden figure
could be worked out from; and an open campaign's figures move only in steps of 10 (voice.stats.release).
Free text is never shown: themes are counts, and the only words shown are approved quotes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.errors import NotFound
from voice.evidence.impact import MeasureTrend, measure_trend
from voice.evidence.common import list_periods, plan_period
from voice.evidence.priorities import RagEntry
from voice.evidence.priority_evidence import priority_evidence
from voice.evidence.quotes import ApprovedQuote, approved_quotes
from voice.evidence.you_said_we_did import STATUS_WORDS, ItemView
from voice.models import Campaign, CampaignGroup, Response
from voice.models import Measure as _Measure
from voice.models.priorities import YSWD_STATUSES
from voice.security.access import Actor, require
from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.stats import SUPPRESSED_TEXT, ResultRow, question_results
from voice.stats.headcounts import Headcount, headcount, headcounts
from voice.stats.release import RELEASE_STEP, counted_responses
from voice.stats.suppression import MIN_BASE
from voice.stats.themes import SENTIMENTS, SentimentShare, ThemeFigure, theme_shares
from voice.stats.waves import always_open, date_words, waves
from voice.surveys.registry import UnknownSurvey, get_survey
from voice.surveys.schema import PREFER_NOT_TO_SAY, Survey, tr
from voice.surveys.titles import survey_titles

BOARD_ROLES = (BOARD, FACILITATOR, ADMIN)
QUOTES_PER_PRIORITY = 3
THEMES_PER_PRIORITY = 5
QUESTIONS_PER_SURVEY = 6  # headline figures per linked survey; the Results page has the rest
LONG_WAIT_DAYS = 90  # an unanswered "you said" older than a school term is flagged for monitoring

# progress(stage, done, total), as in voice.reports.school_packs
ProgressCallback = Callable[[str, int, int], None]


# --- plain data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardCampaignSummary:
    name: str
    title: str
    survey_id: str
    survey_title: str  # as staff see it: "Staying safe online — ages 10 to 11" when two share a title
    opens: date | None
    closes: date | None
    dates: str  # in words: "1 Feb 2016 to 25 Mar 2016", "from 1 Feb 2021, still open"
    groups: int  # schools and groups invited or answering
    young_people: Headcount
    is_demo: bool

    @property
    def respondents(self) -> int | None:
        return self.young_people.count

    @property
    def suppressed(self) -> bool:
        return self.young_people.suppressed

    @property
    def respondents_text(self) -> str:
        return self.young_people.text


@dataclass(frozen=True)
class QuestionFigure:
    """One headline figure, with its base in words: "21.4% of the 140 who answered 'Yes' to '…'"."""

    survey_id: str
    survey_title: str
    campaign: str
    wave: str  # the wave's short label, e.g. "Feb 2017"
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

    @property
    def base_words(self) -> str:
        """Who the percentage is of: "280 who answered" (the base is shown even when the figure is hidden)."""
        return SUPPRESSED_TEXT if self.base is None else f"{self.base:,} {self.base_group}"


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
    campaigns: list[BoardCampaignSummary]  # the period's waves
    young_people: Headcount  # in all of them (suppressed with the waves' own counts)
    commenters: int | None
    themes: list[ThemeFigure]  # every theme with anything to show, most mentioned first
    priorities: list[PriorityCard]
    generated_at: datetime
    periods: list[str] = field(default_factory=list)
    always_open: Headcount = field(default_factory=lambda: Headcount(0, False))  # answers through always-open links

    @property
    def respondents(self) -> int | None:
        return self.young_people.count

    @property
    def respondents_suppressed(self) -> bool:
        return self.young_people.suppressed

    @property
    def has_demo(self) -> bool:
        return any(c.is_demo for c in self.campaigns)

    @property
    def has_responses(self) -> bool:
        return self.young_people.suppressed or bool(self.young_people.count)

    @property
    def respondents_text(self) -> str:
        return self.young_people.text

    @property
    def surveys(self) -> list[str]:
        """The surveys young people answered in the period's waves, as staff see their titles."""
        return list(dict.fromkeys(c.survey_title for c in self.campaigns if c.young_people.count != 0))

    @property
    def who_we_heard_from(self) -> str:
        """"1,565 young people answered 5 surveys (…) in the waves below, which had opened by …"."""
        n = len(self.surveys)
        return (f"{self.young_people.sentence('answered').rstrip('.')} {n} survey{'s' if n != 1 else ''} "
                f"({', '.join(self.surveys)}) in the waves below, which had opened by the end of the plan period.")

    @property
    def always_open_note(self) -> str | None:
        """The answers that came through surveys' always-open links: counted, never compared as a wave."""
        if self.always_open.count == 0 and not self.always_open.suppressed:
            return None
        return (f"{self.always_open.sentence('answered').rstrip('.')} through the surveys' always-open links "
                f"outside these waves. Those answers are on the Results page; they are not a wave, so no "
                f"measure or change here counts them.")

    @property
    def empty_explanation(self) -> str | None:
        """Why there is nothing to show yet, in words a board member can act on."""
        if not self.campaigns:
            return (f"No survey wave had opened by the end of {self.period_id}, so there is nothing from young "
                    f"people to show yet. Facilitators start campaigns on the Campaigns page.")
        if not self.has_responses:
            names = ", ".join(c.title or c.name for c in self.campaigns)
            return (f"Waves have been set up ({names}) but no young person's answers are in the figures yet, so "
                    f"there are no figures or themes to show. They appear once answers arrive (in steps of "
                    f"{RELEASE_STEP} while a wave is open).")
        return None

    def priority(self, key_or_id) -> PriorityCard:
        for card in self.priorities:
            if str(key_or_id) in (card.key, str(card.id)):
                return card
        raise NotFound(f"No priority '{key_or_id}' in {self.period_id}. "
                          f"Priorities: {', '.join(c.key for c in self.priorities)}.")


# --- building it ----------------------------------------------------------------------------------------


def board_overview(session: Session, actor: Actor, period_id: str | None = None,
                   progress: ProgressCallback | None = None) -> BoardOverview:
    """Everything the board sees for one plan period (default: the current one).

    Raises AccessDenied for anyone but board members, facilitators and admins, and NotFound (naming the
    periods that exist) for an unknown period.
    """
    require(actor, *BOARD_ROLES)
    period = plan_period(session, period_id)
    in_scope = campaigns_in_scope(session, period.ends)
    counts = _counted(session, in_scope)
    summaries, total = _campaign_summaries(session, in_scope, counts)
    answered = [c for c in in_scope if counts.get(c.id)]
    codebook = _codebook(session)
    theme_names = {t.id: t.name for t in codebook.themes} if codebook else {}
    shares = theme_shares(session, answered, theme_names)
    quotes = approved_quotes(session)
    priorities = list(period.priorities)
    cards: list[PriorityCard] = []
    if progress:
        progress("priorities", 0, len(priorities))
    for done, priority in enumerate(priorities, start=1):
        evidence = priority_evidence(session, priority.id, codebook=codebook)
        card = PriorityCard(
            id=priority.id, key=priority.key, title=priority.title, owner=priority.owner,
            outcomes=evidence.outcomes, rag=evidence.rag,
            measures=[measure_trend(session, session.get_one(_Measure, m.id), period.ends) for m in evidence.measures],
            themes=shares.ranked([t.id for t in evidence.themes], THEMES_PER_PRIORITY),
            quotes=quotes_for_priority(quotes, priority.key),
            items=list(evidence.items),
            actions=[ActionView(a.what, a.who, a.when, a.progress, a.impact) for a in priority.actions],
        )
        card.questions, card.more_questions = _question_figures(session, evidence.questions, answered, counts)
        cards.append(card)
        if progress:
            progress("priorities", done, len(priorities))
    open_links = always_open(session)
    return BoardOverview(
        period_id=period.id, period_title=period.title, starts=period.starts, ends=period.ends,
        campaigns=summaries, young_people=total, commenters=shares.commenters, themes=shares.ranked(),
        priorities=cards, generated_at=datetime.now(), periods=[p.id for p in list_periods(session)],
        always_open=headcount(sum(_counted(session, open_links).values())),
    )


def period_ids(session: Session, actor: Actor) -> list[str]:
    require(actor, *BOARD_ROLES)
    return [p.id for p in list_periods(session)]


def campaigns_in_scope(session: Session, period_end: date) -> list[Campaign]:
    """The period's evidence: the waves that had opened by its last day, oldest first (voice.stats.waves)."""
    return waves(session, until=period_end)


def _counted(session: Session, campaigns: Sequence[Campaign]) -> dict[int, int]:
    """Young people whose answers count in each campaign's figures (never shown as they are: see
    _campaign_summaries). Releases any answers due first, as every figure does."""
    if not campaigns:
        return {}
    from voice.stats.release import release_due

    release_due(session, campaigns)
    return dict(session.execute(
        select(Response.campaign_id, func.count()).where(Response.campaign_id.in_([c.id for c in campaigns]),
                                                         counted_responses(campaigns))
        .group_by(Response.campaign_id)).all())


def _campaign_summaries(session: Session, campaigns: Sequence[Campaign],
                        counts: dict[int, int]) -> tuple[list[BoardCampaignSummary], Headcount]:
    """Per wave, its young people, and the total: suppressed together (voice.stats.headcounts)."""
    ids = [c.id for c in campaigns]
    answering = dict(session.execute(
        select(Response.campaign_id, func.count(func.distinct(Response.group_id)))
        .where(Response.campaign_id.in_(ids), counted_responses(campaigns)).group_by(Response.campaign_id)).all()
    ) if ids else {}
    invited = dict(session.execute(
        select(CampaignGroup.campaign_id, func.count()).where(CampaignGroup.campaign_id.in_(ids))
        .group_by(CampaignGroup.campaign_id)).all()) if ids else {}
    titles = survey_titles(session)
    total, each = headcounts([counts.get(c.id, 0) for c in campaigns])
    summaries = [BoardCampaignSummary(
        name=c.name, title=c.title or c.name, survey_id=c.survey_id, survey_title=titles.get(c.survey_id, c.survey_id),
        opens=c.opens_at.date() if c.opens_at else None, closes=c.closes_at.date() if c.closes_at else None,
        dates=date_words(c), groups=max(invited.get(c.id, 0), answering.get(c.id, 0)), young_people=n,
        is_demo=bool(c.is_demo)) for c, n in zip(campaigns, each)]
    return summaries, total


# --- headline figures of linked questions ---------------------------------------------------------------


def latest_wave(campaigns: Sequence[Campaign], survey_id: str, counts: dict[int, int]) -> Campaign | None:
    """A survey's newest wave with enough answers to show figures (at least 10 young people)."""
    usable = [c for c in campaigns if c.survey_id == survey_id and counts.get(c.id, 0) >= MIN_BASE]
    return usable[-1] if usable else None


def _question_figures(session: Session, links, campaigns: Sequence[Campaign],
                      counts: dict[int, int]) -> tuple[list[QuestionFigure], int]:
    """For each survey linked to the priority, its latest wave with enough answers, and a headline figure per
    linked closed question (the "yes", or the most chosen answer)."""
    from voice.stats.waves import wave_label

    by_survey: dict[str, list[str]] = {}
    for link in links:
        by_survey.setdefault(link.survey_id, []).append(link.question_id)
    titles = survey_titles(session)
    out: list[QuestionFigure] = []
    more = 0
    for survey_id, question_ids in by_survey.items():
        latest = latest_wave(campaigns, survey_id, counts)
        if latest is None:
            continue
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
            out.append(_headline(survey, titles.get(survey_id, survey_id), latest, wave_label(latest), qid, mine))
            shown += 1
    return out, more


def _headline(survey: Survey, survey_title: str, campaign: Campaign, wave: str, question_id: str,
              rows: list[ResultRow]) -> QuestionFigure:
    question = survey.question(question_id)
    if question is None:  # the caller picked question_id from this survey's questions
        raise ValueError(f"{survey.id} has no question '{question_id}'")
    labels = {o.id: tr(o.label) for o in question.options}
    yes = [r for r in rows if r.option_id == "yes"]
    shown = [r for r in rows if not r.suppressed]
    pick = yes[0] if yes else (max(shown, key=lambda r: (r.count, -rows.index(r))) if shown else rows[0])
    return QuestionFigure(survey.id, survey_title, campaign.name, wave, question_id, tr(question.text),
                          pick.option_id, labels.get(pick.option_id, pick.option_id), pick.count, pick.base,
                          pick.percent, pick.suppressed, base_group(survey, question_id))


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


def _codebook(session: Session):
    from voice.analysis.store import active_codebook

    try:
        return active_codebook(session)[1]
    except Exception:  # no codebook file and none saved: themes are simply not shown
        return None


def theme_rows(themes: Sequence[ThemeFigure]) -> list[ResultRow]:
    """Themes as chart rows (% of young people who wrote comments), for voice.reports.charts."""
    return [ResultRow("themes", t.theme_id, None, None, t.young_people, t.base, t.percent, t.suppressed)
            for t in themes]


# --- quotes ------------------------------------------------------------------------------------------------


def quotes_for_priority(quotes: Sequence[ApprovedQuote], key: str) -> list[ApprovedQuote]:
    """The quotes shown under a priority: those a facilitator approved for it (`Quote.priority_ids`), newest
    first, at most QUOTES_PER_PRIORITY. A quote goes only where it was linked, never under every priority
    that shares one of its themes. `quotes` are approved ones (voice.evidence.quotes.approved_quotes): the one
    place to leave out anything else that must not reach the board."""
    return [q for q in quotes if key in q.priority_ids][:QUOTES_PER_PRIORITY]


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


__all__ = [
    "BOARD_ROLES", "BoardOverview", "BoardCampaignSummary", "MeasureTrend", "PriorityCard", "QuestionFigure",
    "SENTIMENTS", "SentimentShare", "ThemeFigure", "base_group", "board_overview", "campaigns_in_scope",
    "latest_wave", "period_ids", "quotes_for_priority", "status_words", "theme_rows",
]
