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
from typing import Iterable, Mapping, Sequence

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from voice.analysis.store import active_codebook
from voice.db import utcnow
from voice.models import (
    Answer, Campaign, Response, SurveyRecord, TextAnalysis, ThemeReview,
)
from voice.models.analysis import ACCEPTED, ADDED, DECISIONS, REJECTED
from voice.safeguarding.held import visible_text
from voice.security.access import Actor, require
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
    answer_id: int
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


def _decisions(session: Session, answer_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for i in range(0, len(answer_ids), 500):
        for r in session.scalars(select(ThemeReview).where(ThemeReview.answer_id.in_(answer_ids[i:i + 500]))):
            out.setdefault(r.answer_id, {})[r.theme_id] = r.decision
    return out


def list_answers(session: Session, actor: Actor, *, survey_id: str | None = None, campaign: str | None = None,
                 theme_id: str | None = None, reviewed: bool | None = None, limit: int = 50,
                 offset: int = 0) -> list[AnswerForReview]:
    """Analysed answers a facilitator may read, newest first, with automatic and effective themes.

    `theme_id` filters on effective themes; `campaign` is a campaign name (a wave such as esafety-2016).
    """
    require(actor, FACILITATOR)
    query = (
        select(Answer.id, Answer.response_id, Response.survey_id, Campaign.name, Answer.question_id, Answer.text,
               TextAnalysis.theme_ids, TextAnalysis.sentiment, TextAnalysis.polarity)
        .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .where(visible_to_facilitators())
        .order_by(Answer.id.desc())
    )
    if survey_id:
        query = query.where(Response.survey_id == survey_id)
    if campaign:
        query = query.where(Campaign.name == campaign)
    has_review = exists().where(ThemeReview.answer_id == Answer.id)
    if reviewed is True:
        query = query.where(has_review)
    elif reviewed is False:
        query = query.where(~has_review)
    if theme_id is None:
        rows = session.execute(query.limit(limit).offset(offset)).all()
    else:
        # Themes live in JSON: filter in Python, reading in pages so memory stays flat.
        rows, skipped, page, start = [], 0, 2000, 0
        while len(rows) < limit:
            chunk = session.execute(query.limit(page).offset(start)).all()
            if not chunk:
                break
            start += page
            decisions = _decisions(session, [r[0] for r in chunk])
            for r in chunk:
                if theme_id in effective_themes(r[6] or [], decisions.get(r[0], {})):
                    if skipped < offset:
                        skipped += 1
                    elif len(rows) < limit:
                        rows.append(r)
    decisions = _decisions(session, [r[0] for r in rows])
    _, codebook = active_codebook(session)
    known = {t.id for t in codebook.themes}
    out = []
    for answer_id, response_id, sid, campaign_name, qid, text, auto, label, polarity in rows:
        d = decisions.get(answer_id, {})
        out.append(AnswerForReview(
            answer_id, response_id, sid, campaign_name, qid, text or "", tuple(auto or ()),
            tuple(t for t in effective_themes(auto or [], d) if t in known), label, float(polarity), bool(d), d))
    return out


def _visible_answer(session: Session, answer_id: int) -> TextAnalysis:
    ta = session.scalars(select(TextAnalysis).join(Answer, Answer.id == TextAnalysis.answer_id)
                         .where(TextAnalysis.answer_id == answer_id, visible_to_facilitators())).first()
    if ta is None:
        raise LookupError("That answer is not in the workspace (not analysed yet, or not available).")
    return ta


def set_decision(session: Session, actor: Actor, answer_id: int, theme_id: str, decision: str,
                 now: datetime | None = None) -> ThemeReview:
    """Accept, reject or add one theme on one answer (the latest decision replaces an earlier one)."""
    require(actor, FACILITATOR)
    if decision not in DECISIONS:
        raise ValueError(f"'{decision}' is not a decision: use one of {', '.join(DECISIONS)}.")
    _visible_answer(session, answer_id)
    _, codebook = active_codebook(session)
    if theme_id not in {t.id for t in codebook.themes}:
        raise ValueError(f"There is no theme '{theme_id}' in the codebook in use.")
    review = session.scalars(select(ThemeReview).where(ThemeReview.answer_id == answer_id,
                                                       ThemeReview.theme_id == theme_id)).first()
    if review is None:
        review = ThemeReview(answer_id=answer_id, theme_id=theme_id)
        session.add(review)
    review.decision, review.reviewed_by, review.reviewed_at = decision, actor.username, now or utcnow()
    session.flush()
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
        raise ValueError(f"There is no theme {', '.join(repr(t) for t in unknown)} in the codebook in use.")
    auto = list(ta.theme_ids or [])
    wanted = {t: (ACCEPTED if t in chosen else REJECTED) for t in auto}
    wanted.update({t: ADDED for t in chosen if t not in auto})
    existing = {r.theme_id: r for r in session.scalars(select(ThemeReview).where(ThemeReview.answer_id == answer_id))}
    at = now or utcnow()
    for theme_id, review in existing.items():
        if theme_id not in wanted:
            session.delete(review)
    for theme_id, decision in wanted.items():
        review = existing.get(theme_id)
        if review is None:
            session.add(ThemeReview(answer_id=answer_id, theme_id=theme_id, decision=decision,
                                    reviewed_by=actor.username, reviewed_at=at))
        elif review.decision != decision:
            review.decision, review.reviewed_by, review.reviewed_at = decision, actor.username, at
    session.flush()
    return effective_themes(auto, wanted)


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


def filter_choices(session: Session, actor: Actor) -> dict[str, list]:
    """Surveys, campaign names and themes for the workspace filters."""
    require(actor, FACILITATOR)
    surveys = session.execute(select(SurveyRecord.id, SurveyRecord.title).order_by(SurveyRecord.id)).all()
    campaigns = list(session.scalars(select(Campaign.name).distinct().order_by(Campaign.name)))
    _, codebook = active_codebook(session)
    return {"surveys": [(s.id, s.title) for s in surveys], "campaigns": campaigns,
            "themes": [(t.id, t.name) for t in codebook.themes]}


__all__ = [
    "AnswerForReview", "ThemeAgreement", "agreement", "agreement_from", "effective_themes", "filter_choices",
    "list_answers", "review_answer", "review_counts", "set_decision", "uncovered", "visible_to_facilitators",
]
