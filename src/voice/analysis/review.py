"""The facilitator's side of coding: answers to review, accept/reject/add themes, agreement, uncovered terms.

Effective themes = the automatic codes, minus those a facilitator rejected, plus those they added
(or accepted). A facilitator's decision always wins over the codebook.

Answers the concern lexicon flagged, and every free-text answer of a response with an open safeguarding
item, are for designated safeguarding leads only (voice.safeguarding.held): they appear here only once
a lead closed the item (the flagged answers themselves only if the lead released them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Text, and_, cast, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from voice.analysis.store import active_codebook
from voice.db import utcnow
from voice.errors import Invalid, NotFound
from voice.models import (
    Answer, Campaign, Response, SurveyRecord, SurveyVersion, TextAnalysis, ThemeReview,
)
from voice.models.analysis import ACCEPTED, ADDED, DECISIONS, REJECTED
from voice.paging import Page, clamp, count_of, like_pattern
from voice.safeguarding.held import visible_text
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import FACILITATOR


def visible_to_facilitators():
    """SQL condition on Answer/TextAnalysis: not held back for the safeguarding leads (voice.safeguarding.held)."""
    return visible_text(Answer.id, Answer.response_id, TextAnalysis.concern_flag)


def effective_themes(auto: Iterable[str], decisions: Mapping[str, str]) -> list[str]:
    """Automatic themes overridden by the facilitator's decisions ({theme_id: accepted|rejected|added})."""
    out = [t for t in auto if decisions.get(t) != REJECTED]
    out += [t for t, d in decisions.items() if d in (ACCEPTED, ADDED) and t not in out]
    return out


@dataclass(frozen=True)
class AnswerForReview:
    answer_id: int  # for the services, never shown: cards name the question, survey and campaign
    response_id: int
    survey_id: str
    campaign: str
    question_id: str
    text: str
    auto_themes: tuple[str, ...]
    themes: tuple[str, ...]  # effective
    sentiment: str
    polarity: float
    reviewed: bool
    decisions: dict = field(default_factory=dict)
    survey_title: str = ""
    campaign_title: str = ""  # the campaign's title, else its name
    question_text: str = ""  # the question's English wording in the version the young person answered


@dataclass(frozen=True)
class AnswerFilter:
    """What a facilitator narrows the answers down to. Every field is optional; all are applied in SQL."""

    survey_id: str | None = None
    campaign: str | None = None  # a campaign name (a wave such as esafety-2016)
    theme_id: str | None = None  # effective themes: automatic unless rejected, plus accepted or added
    sentiment: str | None = None  # positive | neutral | negative
    reviewed: bool | None = None
    search: str = ""  # words in the answer, any case


SENTIMENTS = ("positive", "neutral", "negative")


def _decisions(session: Session, answer_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for i in range(0, len(answer_ids), 500):
        for r in session.scalars(select(ThemeReview).where(ThemeReview.answer_id.in_(answer_ids[i:i + 500]))):
            out.setdefault(r.answer_id, {})[r.theme_id] = r.decision
    return out


def has_theme(theme_id: str):
    """SQL condition on Answer/TextAnalysis: `theme_id` is among the answer's effective themes.

    Automatic themes are a JSON list: its text holds the id in double quotes on SQLite and PostgreSQL alike,
    and theme ids are lower-case slugs, so a LIKE on that text finds it without loading any row."""
    def decided(*decisions: str):
        return exists().where(ThemeReview.answer_id == Answer.id, ThemeReview.theme_id == theme_id,
                              ThemeReview.decision.in_(decisions))

    automatic = cast(TextAnalysis.theme_ids, Text).like(like_pattern(f'"{theme_id}"'), escape="\\")
    return or_(and_(automatic, ~decided(REJECTED)), decided(ACCEPTED, ADDED))


def apply_filter(query, filters: AnswerFilter):
    """`query` (already joined to TextAnalysis, Response and Campaign) narrowed by `filters`."""
    if filters.survey_id:
        query = query.where(Response.survey_id == filters.survey_id)
    if filters.campaign:
        query = query.where(Campaign.name == filters.campaign)
    if filters.theme_id:
        query = query.where(has_theme(filters.theme_id))
    if filters.sentiment:
        query = query.where(TextAnalysis.sentiment == filters.sentiment)
    has_review = exists().where(ThemeReview.answer_id == Answer.id)
    if filters.reviewed is True:
        query = query.where(has_review)
    elif filters.reviewed is False:
        query = query.where(~has_review)
    if (filters.search or "").strip():
        query = query.where(Answer.text.ilike(like_pattern(filters.search.strip()), escape="\\"))
    return query


def _answers_query(filters: AnswerFilter):
    query = (
        select(Answer.id, Answer.response_id, Response.survey_id, Campaign.name, Answer.question_id, Answer.text,
               TextAnalysis.theme_ids, TextAnalysis.sentiment, TextAnalysis.polarity, Response.survey_version_id,
               Campaign.title, SurveyRecord.title)
        .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .join(SurveyRecord, SurveyRecord.id == Response.survey_id)
        .where(visible_to_facilitators())
    )
    return apply_filter(query, filters)


def question_texts(session: Session, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """{(survey version id, question id): the question's English wording} for the pairs given."""
    from voice.surveys.registry import survey_of_version
    from voice.surveys.schema import tr

    out: dict[tuple[int, str], str] = {}
    wanted = set(pairs)
    for version_id in {v for v, _ in wanted}:
        version = session.get(SurveyVersion, version_id)
        survey = survey_of_version(version) if version is not None else None
        for v, qid in wanted:
            if v == version_id:
                question = survey.question(qid) if survey is not None else None
                out[(v, qid)] = tr(question.text) if question is not None else qid
    return out


def _for_review(session: Session, rows) -> list[AnswerForReview]:
    decisions = _decisions(session, [r[0] for r in rows])
    _, codebook = active_codebook(session)
    known = {t.id for t in codebook.themes}
    wording = question_texts(session, [(r[9], r[4]) for r in rows])
    out = []
    for (answer_id, response_id, sid, campaign_name, qid, text, auto, label, polarity, version_id, campaign_title,
         survey_title) in rows:
        d = decisions.get(answer_id, {})
        out.append(AnswerForReview(
            answer_id, response_id, sid, campaign_name, qid, text or "", tuple(auto or ()),
            tuple(t for t in effective_themes(auto or [], d) if t in known), label, float(polarity), bool(d), d,
            survey_title or sid, campaign_title or campaign_name, wording.get((version_id, qid), qid)))
    return out


def list_answers(session: Session, actor: Actor, *, survey_id: str | None = None, campaign: str | None = None,
                 theme_id: str | None = None, reviewed: bool | None = None, sentiment: str | None = None,
                 search: str = "", limit: int = 50, offset: int = 0) -> list[AnswerForReview]:
    """Analysed answers a facilitator may read, newest first, with automatic and effective themes.

    `theme_id` filters on effective themes; `campaign` is a campaign name (a wave such as esafety-2016).
    """
    require(actor, FACILITATOR)
    filters = AnswerFilter(survey_id, campaign, theme_id, sentiment, reviewed, search)
    rows = session.execute(_answers_query(filters).order_by(Answer.id.desc()).limit(limit).offset(offset)).all()
    return _for_review(session, rows)


def answer_page(session: Session, actor: Actor, filters: AnswerFilter | None = None, page: int = 1,
                size: int = 20) -> Page[AnswerForReview]:
    """One page of answers with the total matching `filters` (counted and sliced in SQL)."""
    require(actor, FACILITATOR)
    filters = filters or AnswerFilter()
    query = _answers_query(filters)
    total = count_of(session, query)
    number = clamp(page, total, size)
    rows = session.execute(query.order_by(Answer.id.desc()).limit(size).offset((number - 1) * size)).all()
    return Page(_for_review(session, rows), total, number, size)


def _visible_answer(session: Session, answer_id: int) -> TextAnalysis:
    ta = session.scalars(select(TextAnalysis).join(Answer, Answer.id == TextAnalysis.answer_id)
                         .where(TextAnalysis.answer_id == answer_id, visible_to_facilitators())).first()
    if ta is None:
        raise NotFound("That answer is not in the workspace (not analysed yet, or not available).")
    return ta


def set_decision(session: Session, actor: Actor, answer_id: int, theme_id: str, decision: str,
                 now: datetime | None = None) -> ThemeReview:
    """Accept, reject or add one theme on one answer (the latest decision replaces an earlier one)."""
    require(actor, FACILITATOR)
    if decision not in DECISIONS:
        raise Invalid(f"'{decision}' is not a decision: use one of {', '.join(DECISIONS)}.")
    _visible_answer(session, answer_id)
    _, codebook = active_codebook(session)
    if theme_id not in {t.id for t in codebook.themes}:
        raise Invalid(f"There is no theme '{theme_id}' in the codebook in use.")
    review = session.scalars(select(ThemeReview).where(ThemeReview.answer_id == answer_id,
                                                       ThemeReview.theme_id == theme_id)).first()
    if review is None:
        review = ThemeReview(answer_id=answer_id, theme_id=theme_id)
        session.add(review)
    review.decision, review.reviewed_by, review.reviewed_at = decision, actor.username, now or utcnow()
    session.flush()
    record(session, actor, "theme_decided", "answer", answer_id, theme=theme_id, decision=decision)
    return review


def review_answer(session: Session, actor: Actor, answer_id: int, themes: Iterable[str],
                  now: datetime | None = None) -> list[str]:
    """Record the full set of themes the facilitator says an answer has.

    Every automatic theme becomes accepted or rejected, every other chosen theme added; earlier
    decisions on themes not chosen and not automatic are removed. Returns the effective themes.
    """
    require(actor, FACILITATOR)
    ta = _visible_answer(session, answer_id)
    chosen = list(dict.fromkeys(themes))
    _, codebook = active_codebook(session)
    known = {t.id for t in codebook.themes}
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise Invalid(f"There is no theme {', '.join(repr(t) for t in unknown)} in the codebook in use.")
    auto = list(ta.theme_ids or [])
    wanted = {t: (ACCEPTED if t in chosen else REJECTED) for t in auto}
    wanted.update({t: ADDED for t in chosen if t not in auto})
    existing = {r.theme_id: r for r in session.scalars(select(ThemeReview).where(ThemeReview.answer_id == answer_id))}
    at = now or utcnow()
    for theme_id, old in existing.items():
        if theme_id not in wanted:
            session.delete(old)
    for theme_id, decision in wanted.items():
        review = existing.get(theme_id)
        if review is None:
            session.add(ThemeReview(answer_id=answer_id, theme_id=theme_id, decision=decision,
                                    reviewed_by=actor.username, reviewed_at=at))
        elif review.decision != decision:
            review.decision, review.reviewed_by, review.reviewed_at = decision, actor.username, at
    session.flush()
    effective = effective_themes(auto, wanted)
    record(session, actor, "themes_reviewed", "answer", answer_id, themes=sorted(effective),
           rejected=sorted(t for t, d in wanted.items() if d == REJECTED))
    return effective


@dataclass(frozen=True)
class BulkAccept:
    """What "accept the suggested themes" did, and the key to undo exactly that."""

    accepted: tuple[int, ...]  # answer ids now reviewed with their automatic themes
    already_reviewed: int  # left as they were: a facilitator had decided already
    no_suggestion: int  # no automatic theme to accept: review these one by one
    at: datetime  # the batch's time stamp: undo removes only this batch's decisions
    reviewed_by: str


def accept_suggested(session: Session, actor: Actor, answer_ids: Iterable[int],
                     now: datetime | None = None) -> BulkAccept:
    """Accept the automatic themes of each answer not reviewed yet (one audit entry for the batch).

    A second press finds the answers already reviewed and changes nothing."""
    require(actor, FACILITATOR)
    ids = list(dict.fromkeys(int(i) for i in answer_ids))
    at = now or utcnow()
    _, codebook = active_codebook(session)
    known = {t.id for t in codebook.themes}
    rows = session.execute(select(TextAnalysis.answer_id, TextAnalysis.theme_ids)
                           .join(Answer, Answer.id == TextAnalysis.answer_id)
                           .where(TextAnalysis.answer_id.in_(ids), visible_to_facilitators())).all() if ids else []
    reviewed = (set(session.scalars(select(ThemeReview.answer_id).where(ThemeReview.answer_id.in_(ids))))
                if ids else set())
    accepted, already, none = [], 0, 0
    for answer_id, auto in rows:
        themes = [t for t in (auto or []) if t in known]
        if answer_id in reviewed:
            already += 1
        elif not themes:
            none += 1
        else:
            session.add_all(ThemeReview(answer_id=answer_id, theme_id=t, decision=ACCEPTED,
                                        reviewed_by=actor.username, reviewed_at=at) for t in themes)
            accepted.append(answer_id)
    session.flush()
    record(session, actor, "themes_bulk_accepted", "answers", len(accepted), answer_ids=accepted,
           already_reviewed=already, no_suggestion=none)
    return BulkAccept(tuple(accepted), already, none, at, actor.username)


def undo_accept(session: Session, actor: Actor, batch: BulkAccept) -> int:
    """Take back one bulk accept: answers whose decisions are still exactly that batch's go back to
    "to review"; an answer someone has changed since is left as it is. Returns how many went back."""
    require(actor, FACILITATOR)
    if batch.reviewed_by != actor.username or not batch.accepted:
        return 0
    reviews: dict[int, list[ThemeReview]] = {}
    for r in session.scalars(select(ThemeReview).where(ThemeReview.answer_id.in_(batch.accepted))):
        reviews.setdefault(r.answer_id, []).append(r)
    back = sorted(answer_id for answer_id, rows in reviews.items()
                  if all(r.decision == ACCEPTED and r.reviewed_by == actor.username and r.reviewed_at == batch.at
                         for r in rows))
    if back:
        session.execute(delete(ThemeReview).where(ThemeReview.answer_id.in_(back))
                        .execution_options(synchronize_session=False))
    session.flush()
    record(session, actor, "themes_bulk_undone", "answers", len(back), answer_ids=back)
    return len(back)


# ---------------------------------------------------------------- agreement

@dataclass(frozen=True)
class ThemeAgreement:
    theme_id: str
    name: str
    true_positives: int  # automatic and confirmed
    false_positives: int  # automatic but rejected
    false_negatives: int  # added by a facilitator, missed by the codebook
    precision: float | None  # None: the codebook never gave this theme on a reviewed answer
    recall: float | None  # None: no reviewed answer has this theme

    @property
    def f1(self) -> float | None:
        if not self.precision or not self.recall:
            return None if self.precision is None or self.recall is None else 0.0
        return 2 * self.precision * self.recall / (self.precision + self.recall)


def agreement_from(pairs: Iterable[tuple[Iterable[str], Iterable[str]]],
                   themes: Sequence[tuple[str, str]]) -> list[ThemeAgreement]:
    """Per theme, precision and recall of automatic codes against reviewed ones.

    `pairs` is (automatic themes, reviewed themes) per reviewed answer; `themes` is (id, name) in order.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for auto, gold in pairs:
        auto, gold = set(auto), set(gold)
        tp.update(auto & gold)
        fp.update(auto - gold)
        fn.update(gold - auto)
    out = []
    for theme_id, name in themes:
        t, p, n = tp[theme_id], fp[theme_id], fn[theme_id]
        out.append(ThemeAgreement(theme_id, name, t, p, n, t / (t + p) if t + p else None,
                                  t / (t + n) if t + n else None))
    return out


def agreement(session: Session, actor: Actor, survey_id: str | None = None) -> list[ThemeAgreement]:
    """Agreement per theme over the answers a facilitator has reviewed (any decision counts as reviewed)."""
    require(actor, FACILITATOR)
    query = (select(TextAnalysis.answer_id, TextAnalysis.theme_ids)
             .join(Answer, Answer.id == TextAnalysis.answer_id)
             .where(exists().where(ThemeReview.answer_id == TextAnalysis.answer_id)))
    if survey_id:
        query = query.join(Response, Response.id == Answer.response_id).where(Response.survey_id == survey_id)
    rows = session.execute(query).all()
    decisions = _decisions(session, [r[0] for r in rows])
    pairs = [(auto or [], effective_themes(auto or [], decisions.get(aid, {}))) for aid, auto in rows]
    _, codebook = active_codebook(session)
    return agreement_from(pairs, [(t.id, t.name) for t in codebook.themes])


def review_counts(session: Session, actor: Actor) -> dict[str, int]:
    require(actor, FACILITATOR)
    base = (select(func.count()).select_from(Answer).join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
            .where(visible_to_facilitators()))
    total = session.scalar(base) or 0
    reviewed = session.scalar(base.where(exists().where(ThemeReview.answer_id == Answer.id))) or 0
    return {"answers": total, "reviewed": reviewed, "to_review": total - reviewed}


# ---------------------------------------------------------------- uncovered terms

def uncovered(session: Session, actor: Actor, survey_id: str | None = None, top: int = 30) -> list[tuple[str, int]]:
    """Frequent words and two-word phrases in answers no theme covers (per answer counts)."""
    from voice.analysis.codebook import uncovered_terms

    require(actor, FACILITATOR)
    query = (select(Answer.text).join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
             .where(visible_to_facilitators()))
    if survey_id:
        query = query.join(Response, Response.id == Answer.response_id).where(Response.survey_id == survey_id)
    _, codebook = active_codebook(session)
    texts = (t for t in session.scalars(query.execution_options(yield_per=2000)) if t)
    return uncovered_terms(texts, codebook, top=top)


def filter_choices(session: Session, actor: Actor) -> dict[str, Any]:
    """Surveys, campaign names and themes for the workspace filters."""
    require(actor, FACILITATOR)
    surveys = session.execute(select(SurveyRecord.id, SurveyRecord.title).order_by(SurveyRecord.id)).all()
    campaigns = list(session.scalars(select(Campaign.name).distinct().order_by(Campaign.name)))
    titles = dict(session.execute(select(Campaign.name, Campaign.title).where(Campaign.title != "")
                                  .order_by(Campaign.id)).all())
    _, codebook = active_codebook(session)
    return {"surveys": [(s.id, s.title) for s in surveys], "campaigns": campaigns,
            "campaign_titles": titles, "themes": [(t.id, t.name) for t in codebook.themes]}


__all__ = [
    "SENTIMENTS", "AnswerFilter", "AnswerForReview", "BulkAccept", "ThemeAgreement", "accept_suggested",
    "agreement", "agreement_from", "answer_page", "apply_filter", "effective_themes", "filter_choices",
    "has_theme", "list_answers", "question_texts", "review_answer", "review_counts", "set_decision", "uncovered",
    "undo_accept", "visible_to_facilitators",
]
