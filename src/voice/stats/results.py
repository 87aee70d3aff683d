"""Percentages with the right bases, for every closed question of a survey.

The base of a question is the young people who were shown it (by the survey's skip logic) and
answered it, not counting "prefer not to say". So "6% of these" for webcam_chat_new_people is 6% of
webcam users: only they were shown it. Prefer-not-to-say is reported as its own row, out of everyone
who answered. Counts come from SQL (GROUP BY over answers joined to responses); Python only arranges
the aggregated numbers into tables and applies `suppression.suppress`.

Breakdowns (`by`): None (the whole area), "group" (each school or group), "area" (groups' areas), or
a closed question id (e.g. year_group). Schools nest in areas, and both are computed from one table,
so the two breakdowns are suppressed together and cannot be played off against each other.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence, cast

import numpy as np
from sqlalchemy import and_, case, false, func, literal, literal_column, not_, or_, select, true
from sqlalchemy.orm import Session

from voice.errors import NotFound
from voice.models import Answer, Campaign, CampaignGroup, Group, Response, SurveyVersion
from voice.stats.release import counted, release_due, still_open
from voice.stats.suppression import (
    ANSWERED,
    BASE,
    MARGIN_COLUMNS,
    PNTS,
    Table,
    percentage,
    suppress,
)
from voice.surveys.registry import get_survey
from voice.surveys.schema import PREFER_NOT_TO_SAY, Condition, Question, Survey, tr

SUBMITTED = "submitted"
GROUP, AREA = "group", "area"
NO_VALUE = ""  # breakdown value of respondents with no group / no area / no answer to the breakdown question


@dataclass(frozen=True)
class ResultRow:
    """One figure: `count` of `base` chose `option_id` (percent of base), for one breakdown value.

    by/value: None/None for the whole area; ("group", code), ("area", name) or (question id, option id).
    When suppressed, count and percent are None; so is base when the base itself is hidden (a base that is
    shown beside other options of the row stays, so a hidden option never reads "of fewer than 10").
    """

    question_id: str
    option_id: str
    by: str | None
    value: str | None
    count: int | None
    base: int | None
    percent: float | None
    suppressed: bool

    def as_dict(self) -> dict:
        return asdict(self)


class StatsError(NotFound):
    """A request naming something that does not exist; the message lists what does."""


class UnknownStatsCampaign(StatsError):
    pass


class UnknownBreakdown(StatsError):
    pass


# --- lookups -------------------------------------------------------------------------------------------


def campaigns_of(session: Session, survey_id: str) -> list[Campaign]:
    return list(session.scalars(select(Campaign).where(Campaign.survey_id == survey_id)
                                .order_by(Campaign.opens_at.is_(None), Campaign.opens_at, Campaign.id)))


def resolve_campaign(session: Session, survey_id: str, campaign: str | None) -> list[Campaign]:
    """The campaign named (it must belong to the survey), or every campaign of the survey for None."""
    campaigns = campaigns_of(session, survey_id)
    if campaign is None:
        return campaigns
    found = [c for c in campaigns if c.name == campaign]
    if not found:
        names = ", ".join(c.name for c in campaigns) or "none yet"
        raise UnknownStatsCampaign(f"Survey '{survey_id}' has no campaign called '{campaign}'. Its campaigns: {names}.")
    return found


def breakdown_choices(survey: Survey) -> list[str]:
    return [GROUP, AREA] + [q.id for q in survey.questions if q.is_closed]


def check_breakdown(survey: Survey, by: str | None) -> None:
    if by is None or by in (GROUP, AREA):
        return
    question = survey.question(by)
    if question is None or not question.is_closed:
        raise UnknownBreakdown(f"Cannot break '{survey.id}' down by '{by}'. Choose one of: "
                               f"{', '.join(breakdown_choices(survey))}.")


def closed_questions(survey: Survey) -> list[Question]:
    return [q for q in survey.questions if q.is_closed]


def own_options(question: Question) -> list[str]:
    """The question's options apart from prefer-not-to-say, in survey order."""
    return [o.id for o in question.options if o.id != PREFER_NOT_TO_SAY]


# --- SQL ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """The campaigns a figure counts, and which of them are still open (only released answers count there)."""

    survey_id: str
    ids: tuple[int, ...]
    open_ids: tuple[int, ...]


def _scope(session: Session, survey_id: str, campaign: str | None) -> _Scope:
    """The campaign(s) named, with any answers due for release released first (voice.stats.release)."""
    campaigns = resolve_campaign(session, survey_id, campaign)
    release_due(session, campaigns)
    return _Scope(survey_id, tuple(c.id for c in campaigns), tuple(still_open(campaigns)))


def _response_filter(r, scope: _Scope):
    return and_(r.c.survey_id == scope.survey_id, r.c.status == SUBMITTED,
                counted(r.c.campaign_id, r.c.released_at, scope.ids, scope.open_ids))


class _ShownSQL:
    """show_if conditions as SQL over the respondent's stored answers (a test on a hidden question is false)."""

    def __init__(self, survey: Survey, response_id):
        self.survey, self.response_id = survey, response_id
        self._memo: dict[str, Any] = {}

    def shown(self, question_id: str):
        if question_id not in self._memo:
            question = self.survey.question(question_id)
            if question is None:
                self._memo[question_id] = false()
            elif question.show_if is None:
                self._memo[question_id] = true()
            else:
                self._memo[question_id] = self.condition(question.show_if)
        return self._memo[question_id]

    def _has(self, question_id: str, values: Iterable[str] | None = None):
        x = Answer.__table__.alias()
        where = [x.c.response_id == self.response_id, x.c.question_id == question_id]
        if values is not None:
            where.append(x.c.option_id.in_(list(values)))
        return select(literal(1)).select_from(x).where(*where).exists()

    def condition(self, c: Condition):
        if c.op == "all":
            return and_(*(self.condition(p) for p in c.conditions))
        if c.op == "any":
            return or_(*(self.condition(p) for p in c.conditions))
        question = c.question
        if question is None:  # only all/any (above) have no question of their own
            raise ValueError(f"a show_if '{c.op}' condition names no question")
        shown = self.shown(question)
        if c.op == "answered":
            test = self._has(question)
        elif c.op == "not_equals":
            test = not_(self._has(question, c.values))
        else:  # equals, in, includes
            test = self._has(question, c.values)
        return and_(shown, test)


def _breakdown_join(by: str | None, r, survey: Survey):
    """(from-clause extension, key column) for a breakdown."""
    if by is None:
        return (lambda frm: frm), literal_column("''")
    if by in (GROUP, AREA):
        g = Group.__table__.alias("g")
        return (lambda frm: frm.outerjoin(g, g.c.id == r.c.group_id)), func.coalesce(g.c.code, NO_VALUE)
    b = Answer.__table__.alias("b")
    return (lambda frm: frm.outerjoin(b, and_(b.c.response_id == r.c.id, b.c.question_id == by,
                                              b.c.option_id != ""))), func.coalesce(b.c.option_id, NO_VALUE)


def _grouping(by: str | None, key) -> tuple:
    # PostgreSQL refuses GROUP BY '' (a constant): the whole area is simply not grouped.
    return () if by is None else (key,)


@dataclass
class _Counts:
    """Aggregated counts for one survey/campaign/breakdown, straight from SQL."""

    options: dict[tuple[str, str, str], int]  # (question, key, option) -> respondents
    bases: dict[tuple[str, str], tuple[int, int]]  # multi only: (question, key) -> (answered, base)
    respondents: dict[str, int]  # key -> submitted responses


# Without statistics SQLite walks responses first and sorts a million answer rows to group them; read in
# (question, option, response) order from the covering index, the counts come out grouped (3-4x faster).
_WHOLE_AREA_INDEX_HINT = "INDEXED BY ix_answers_question_option"


def _count(session: Session, survey: Survey, scope: _Scope, by: str | None) -> _Counts:
    questions = closed_questions(survey)
    if not questions or not scope.ids:
        return _Counts({}, {}, {})
    r = Response.__table__.alias("r")
    a = Answer.__table__.alias("a")
    extend, key = _breakdown_join(by, r, survey)
    shown = _ShownSQL(survey, r.c.id)
    base_from = extend(a.join(r, r.c.id == a.c.response_id))
    conditional = [q for q in questions if q.show_if is not None]
    plain = [q for q in questions if q.show_if is None]

    def answered_where(group: list[Question]) -> list:
        where = [_response_filter(r, scope), a.c.question_id.in_([q.id for q in group]),
                 a.c.option_id != ""]
        if group and group[0].show_if is not None:
            # Answers to a question the skip logic hid (possible in imported data) do not count.
            where.append(or_(*(and_(a.c.question_id == q.id, shown.shown(q.id)) for q in group)))
        return where

    options: dict[tuple[str, str, str], int] = {}
    for group in (plain, conditional):  # apart, so the skip-logic test runs only on follow-up answers
        if not group:
            continue
        # One row per chosen option per response (unique), so COUNT(*) counts respondents.
        stmt = (select(a.c.question_id, key.label("k"), a.c.option_id, func.count())
                .select_from(base_from).where(*answered_where(group))
                .group_by(a.c.question_id, a.c.option_id, *_grouping(by, key)))
        if by is None:  # a breakdown adds its key to the grouping, so SQLite sorts either way (measured: no gain)
            stmt = stmt.with_hint(a, _WHOLE_AREA_INDEX_HINT, "sqlite")
        options.update({(q, k, o): n for q, k, o, n in session.execute(stmt)})

    bases: dict[tuple[str, str], tuple[int, int]] = {}
    for group in ([q for q in plain if q.type == "multi"], [q for q in conditional if q.type == "multi"]):
        if not group:
            continue
        # Per respondent and question: answered at all, and chose an option other than prefer-not-to-say.
        real = func.max(case((a.c.option_id != PREFER_NOT_TO_SAY, 1), else_=0))
        per_response = (select(a.c.question_id.label("q"), key.label("k"), real.label("real"))
                        .select_from(base_from).where(*answered_where(group))
                        .group_by(a.c.response_id, a.c.question_id, *_grouping(by, key))).subquery()
        stmt = (select(per_response.c.q, per_response.c.k, func.count(), func.sum(per_response.c.real))
                .group_by(per_response.c.q, per_response.c.k))
        bases.update({(q, k): (int(n), int(real_n or 0)) for q, k, n, real_n in session.execute(stmt)})

    stmt = (select(key.label("k"), func.count(func.distinct(r.c.id))).select_from(extend(r))
            .where(_response_filter(r, scope)).group_by(*_grouping(by, key)))
    respondents = {k: n for k, n in session.execute(stmt)}
    return _Counts(options, bases, respondents)


# --- tables -----------------------------------------------------------------------------------------------


@dataclass
class _Layout:
    """The rows of a breakdown table: row 0 is the whole area, `parent` says what adds up into what."""

    keys: list[tuple[str | None, str | None]]  # (by, value) per row
    parent: list[int | None]
    leaf_key: list[str | None]  # SQL key a row's counts come from (None: sum of its children)
    additive: bool


def _layout(session: Session, survey: Survey, by: str | None, keys_seen: Iterable[str]) -> _Layout:
    keys_seen = set(keys_seen)
    if by is None:
        return _Layout([(None, None)], [None], [NO_VALUE], True)
    if by in (GROUP, AREA):
        codes = sorted(keys_seen)
        area_of = dict(session.execute(select(Group.code, Group.area).where(Group.code.in_(codes))).all())
        areas = sorted({area_of.get(c, NO_VALUE) or NO_VALUE for c in codes}, key=lambda a: (a == NO_VALUE, a))
        keys: list[tuple[str | None, str | None]] = [(None, None)]
        parent: list[int | None] = [None]
        leaf: list[str | None] = [None]
        for area in areas:
            keys.append((AREA, area))
            parent.append(0)
            leaf.append(None)
            area_row = len(keys) - 1
            for code in sorted((c for c in codes if (area_of.get(c, NO_VALUE) or NO_VALUE) == area),
                               key=lambda c: (c == NO_VALUE, c)):
                keys.append((GROUP, code))
                parent.append(area_row)
                leaf.append(code)
        return _Layout(keys, parent, leaf, True)
    question = survey.question(by)
    if question is None:
        raise ValueError(f"{survey.id} has no question '{by}' to break down by")
    order = [o.id for o in question.options] + [NO_VALUE]
    values = [v for v in order if v in keys_seen] + sorted(keys_seen - set(order))
    multi = question.type == "multi"
    return _Layout([(None, None)] + [(by, v) for v in values], [None] + [0] * len(values),
                   [None] + values, not multi)


def _table(question: Question, layout: _Layout, counts: _Counts, whole: np.ndarray | None) -> Table:
    options = own_options(question)
    columns = list(MARGIN_COLUMNS) + options
    values = np.zeros((len(layout.keys), len(columns)), dtype=np.int64)
    for row, key in enumerate(layout.leaf_key):
        if key is None:
            continue
        chosen = {o: counts.options.get((question.id, key, o), 0) for o in [*options, PREFER_NOT_TO_SAY]}
        if question.type == "multi":
            answered, base = counts.bases.get((question.id, key), (0, 0))
        else:
            base = sum(chosen[o] for o in options)
            answered = base + chosen[PREFER_NOT_TO_SAY]
        # PNTS is everyone who answered minus the base, so for multi questions it means "only prefer not to say".
        values[row, :3] = (base, answered - base, answered)
        values[row, 3:] = [chosen[o] for o in options]
    if layout.additive:
        for row in range(len(layout.keys) - 1, 0, -1):  # children come after their parents
            parent = layout.parent[row]
            if parent is not None and layout.leaf_key[parent] is None:
                values[parent] += values[row]
    elif whole is not None:
        values[0] = whole
    return Table(rows=layout.keys, parent=layout.parent, columns=columns, values=values,
                 additive=layout.additive, options_sum_to_base=question.type != "multi")


def _rows(question: Question, table: Table, hidden: np.ndarray, include_root: bool) -> list[ResultRow]:
    b, p, a = (table.columns.index(c) for c in (BASE, PNTS, ANSWERED))
    out: list[ResultRow] = []
    for row, key in enumerate(table.rows):
        by, value = cast(tuple[str | None, str | None], key)  # the (by, value) rows _layout made
        if row == 0 and not include_root:
            continue
        cells = [(table.columns[j], j, b) for j in range(3, len(table.columns))] + [(PREFER_NOT_TO_SAY, p, a)]
        for option_id, j, base_col in cells:
            count, base = int(table.values[row, j]), int(table.values[row, base_col])
            base_hidden = bool(hidden[row, base_col])
            suppressed = bool(hidden[row, j]) or base_hidden
            # The base stays when only the count is hidden: the table shows it on the other rows anyway.
            out.append(ResultRow(question.id, option_id, by, value,
                                 None if suppressed else count, None if base_hidden else base,
                                 None if suppressed else percentage(count, base), suppressed))
    return out


_CACHE_SECONDS = 300  # also bounded by the data version: any submitted response changes the key
_CACHE_SIZE = 64
_cache: dict[tuple, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def _data_version(session: Session, scope: _Scope) -> tuple:
    """Changes when a counted response is added (submitted and released), erased or re-imported (cheap: the
    campaign/status index)."""
    r = Response.__table__
    row = session.execute(select(func.count(), func.max(r.c.id), func.max(r.c.updated_at))
                          .where(_response_filter(r, scope))).one()
    groups = session.execute(select(func.count(), func.max(Group.id)).select_from(Group)).one()
    return tuple(row) + tuple(groups)


def _computed(session: Session, version: SurveyVersion, survey: Survey, scope: _Scope, by: str | None):
    """(question, table, hidden) per closed question, plus respondents per SQL key. Cached per data version."""
    bind = session.get_bind()
    key = (bind.engine.url.render_as_string(hide_password=True), survey.id, version.id, version.content_hash,
           scope, by, _data_version(session, scope))
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    result = _compute(session, survey, scope, by)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(min(_cache, key=lambda k: _cache[k][0]))
        _cache[key] = (now, result)
    return result


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _compute(session: Session, survey: Survey, scope: _Scope, by: str | None):
    counts = _count(session, survey, scope, by)
    whole_counts = counts if by is None else None
    layout = _layout(session, survey, by, set(counts.respondents))
    out = []
    for question in closed_questions(survey):
        whole = None
        if not layout.additive:
            # Overlapping breakdown values (a multi question) do not add up: count the whole area itself.
            if whole_counts is None:
                whole_counts = _count(session, survey, scope, None)
            whole = _table(question, _layout(session, survey, None, ()), whole_counts, None).values[0]
        table = _table(question, layout, counts, whole)
        out.append((question, table, suppress(table)))
    return out, counts.respondents


def raw_counts(session: Session, survey_id: str, campaign: str | None = None,
               by: str | None = None) -> dict[str, Table]:
    """Unsuppressed counts per question (for tests and audits only: never display these)."""
    version, survey = get_survey(session, survey_id)
    check_breakdown(survey, by)
    computed, _ = _computed(session, version, survey, _scope(session, survey_id, campaign), by)
    return {question.id: table for question, table, _ in computed}


def question_results(session: Session, survey_id: str, campaign: str | None = None, by: str | None = None,
                     question_ids: Sequence[str] | None = None) -> list[ResultRow]:
    """Every closed question's figures (or those in `question_ids`), with bases and suppression.

    campaign None pools every campaign of the survey: never publish that beside per-campaign figures
    (pooled minus the others would give back a hidden cell); screens and exports name one campaign.
    Rows come per question (survey order), breakdown value, then option (survey order) with
    prefer-not-to-say last. Raises UnknownSurvey, UnknownStatsCampaign or UnknownBreakdown.
    """
    version, survey = get_survey(session, survey_id)
    check_breakdown(survey, by)
    computed, _ = _computed(session, version, survey, _scope(session, survey_id, campaign), by)
    rows: list[ResultRow] = []
    wanted = set(question_ids) if question_ids is not None else None
    for question, table, hidden in computed:
        if wanted is not None and question.id not in wanted:
            continue
        for row in _rows(question, table, hidden, include_root=by is None):
            if by is None or row.by == by:
                rows.append(row)
    return rows


def respondent_counts(session: Session, survey_id: str, campaign: str | None = None,
                      by: str | None = None) -> dict[str | None, int]:
    """Submitted responses per breakdown value (None: the whole area). For `free_text_allowed`."""
    _, survey = get_survey(session, survey_id)
    check_breakdown(survey, by)
    scope = _scope(session, survey_id, campaign)
    if not scope.ids:
        return {}
    r = Response.__table__.alias("r")
    if by == AREA:
        g = Group.__table__.alias("g")
        key = func.coalesce(g.c.area, NO_VALUE)
        frm = r.outerjoin(g, g.c.id == r.c.group_id)
    else:
        extend, key = _breakdown_join(by, r, survey)
        frm = extend(r)
    stmt = (select(key, func.count(func.distinct(r.c.id))).select_from(frm)
            .where(_response_filter(r, scope)).group_by(*_grouping(by, key)))
    counts = {k: n for k, n in session.execute(stmt)}
    if by is None:
        return {None: counts.get(NO_VALUE, 0)}
    return counts


def response_count(session: Session, survey_id: str, campaign: str | None = None) -> int:
    return respondent_counts(session, survey_id, campaign).get(None, 0)


# --- comparisons ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignComparison:
    """The same figure in each campaign (in the order asked), and the change in percentage points from
    the first to the last campaign (None when either is suppressed or missing)."""

    question_id: str
    option_id: str
    by: str | None
    value: str | None
    campaigns: tuple[str, ...]
    results: tuple[ResultRow | None, ...]
    change_points: float | None


def change_in_points(earlier: ResultRow | None, later: ResultRow | None) -> float | None:
    if earlier is None or later is None or earlier.percent is None or later.percent is None:
        return None
    # From the rounded percentages people read, so 70.0% -> 72.5% is +2.5 points.
    return round(later.percent - earlier.percent, 1)


def compare_campaigns(session: Session, survey_id: str, campaigns: Sequence[str], by: str | None = None,
                      question_ids: Sequence[str] | None = None) -> list[CampaignComparison]:
    """Wave on wave (e.g. esafety-2016 -> esafety-2017): questions are matched by id, options by id."""
    if not campaigns:
        raise UnknownStatsCampaign("Name at least one campaign to compare.")
    per_campaign = [
        {(r.question_id, r.option_id, r.by, r.value): r
         for r in question_results(session, survey_id, name, by=by, question_ids=question_ids)}
        for name in campaigns
    ]
    keys = list(dict.fromkeys(k for results in per_campaign for k in results))
    out = []
    for key in keys:
        results = tuple(results.get(key) for results in per_campaign)
        out.append(CampaignComparison(*key, campaigns=tuple(campaigns), results=results,
                                      change_points=change_in_points(results[0], results[-1])))
    return out


@dataclass(frozen=True)
class SchoolFigure:
    """One option of one question for a school beside the whole area."""

    question_id: str
    option_id: str
    school: ResultRow
    area: ResultRow


@dataclass
class SchoolResults:
    group_code: str
    group_name: str
    respondents: int
    figures: list[SchoolFigure]

    @property
    def too_small(self) -> bool:
        from voice.stats.suppression import free_text_allowed

        return not free_text_allowed(self.respondents)


def all_schools_vs_area(session: Session, survey_id: str, campaign: str,
                        include_invited: bool = True) -> tuple[Survey, list[SchoolResults]]:
    """Every group in the campaign (invited or with responses) beside the whole area: one query set, for packs."""
    version, survey = get_survey(session, survey_id)
    scope = _scope(session, survey_id, campaign)
    campaign_ids = list(scope.ids)
    area_rows = question_results(session, survey_id, campaign)
    area = {(r.question_id, r.option_id): r for r in area_rows}
    computed, respondents = _computed(session, version, survey, scope, GROUP)
    by_school: dict[str, list[SchoolFigure]] = {}
    for question, table, hidden in computed:
        for row in _rows(question, table, hidden, include_root=False):
            if row.by == GROUP and row.value is not None:
                by_school.setdefault(row.value, []).append(
                    SchoolFigure(row.question_id, row.option_id, row, area[(row.question_id, row.option_id)]))
    codes = set(by_school) - {NO_VALUE}
    if include_invited:
        codes |= set(session.scalars(select(Group.code).join(CampaignGroup, CampaignGroup.group_id == Group.id)
                                     .where(CampaignGroup.campaign_id.in_(campaign_ids))))
    names: dict[str, str] = dict(session.execute(select(Group.code, Group.name).where(Group.code.in_(codes))).all())
    schools = []
    def by_name(c: str) -> tuple[str, str]:
        return names.get(c, c).lower(), c

    for code in sorted(codes, key=by_name):
        figures = by_school.get(code) or [
            # Invited but nobody answered: every school figure is hidden, the area is shown.
            SchoolFigure(r.question_id, r.option_id,
                         ResultRow(r.question_id, r.option_id, GROUP, code, None, None, None, True), r)
            for r in area_rows]
        schools.append(SchoolResults(code, names.get(code, code), respondents.get(code, 0), figures))
    return survey, schools


def school_vs_area(session: Session, survey_id: str, campaign: str, group_code: str) -> SchoolResults:
    """One school's figures beside the whole area's (suppressed exactly as in the by-group breakdown)."""
    _, schools = all_schools_vs_area(session, survey_id, campaign)
    for school in schools:
        if school.group_code == group_code:
            return school
    known = ", ".join(s.group_code for s in schools) or "none"
    raise UnknownBreakdown(f"No group '{group_code}' in campaign '{campaign}'. Groups: {known}.")


# --- labels for people -----------------------------------------------------------------------------------


def option_label(survey: Survey, question_id: str, option_id: str, language: str = "en") -> str:
    question = survey.question(question_id)
    option = question.option(option_id) if question else None
    return tr(option.label, language) if option else option_id


def value_label(session: Session, survey: Survey, by: str | None, value: str | None) -> str:
    """How a breakdown value reads on screen and in files."""
    if by is None:
        return "Whole area"
    if by == GROUP:
        if value == NO_VALUE:
            return "No school or group"
        name = session.scalar(select(Group.name).where(Group.code == value))
        return name or str(value)
    if by == AREA:
        return value or "No area given"
    if value is None or value == NO_VALUE:
        return "Did not answer"
    return option_label(survey, by, value)
