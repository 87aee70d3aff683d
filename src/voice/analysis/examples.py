"""Learning from decisions: people's labels kept as examples, and how the analysis does on them.

- A lead's outcome on a flagged answer is kept by `keep_outcome` (called from
  `voice.analysis.safeguarding.record_outcome`): "action taken" says the answer was a concern (with the
  item's categories); "no action needed" released to facilitators says it was not. A "no action" that
  is not released says neither, and is not kept.
- A facilitator's sentiment correction is kept by `correct_sentiment`.
- A facilitator's theme decisions are kept already (ThemeReview); `kept_examples` reads them.

`quality_figures` scores the analysis in use now on every kept example (the figures `voice analyse
--evaluate` prints and the analysis-quality page shows). Concern figures are for leads only: they
summarise safeguarding decisions. The examples hold no text of their own: an erased response takes its
examples with it (see voice.models.analysis_examples).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from voice.analysis.evaluation import Example, Figures, evaluate
from voice.db import utcnow
from voice.errors import Invalid, NotFound
from voice.models import Answer, SafeguardingItem, TextAnalysis, ThemeReview
from voice.models.analysis import SG_ACTION_TAKEN, SG_NO_ACTION
from voice.models.analysis_examples import EXAMPLE_CONCERN, EXAMPLE_SENTIMENT, AnalysisExample
from voice.models.safeguarding import INDICATOR_TEXT
from voice.security.access import Actor, require
from voice.security.audit import record
from voice.security.roles import FACILITATOR, SAFEGUARDING

__all__ = ["SENTIMENT_LABELS", "QualityReport", "correct_sentiment", "keep_outcome", "kept_examples",
           "quality_figures", "sentiment_corrections"]

SENTIMENT_LABELS = ("negative", "neutral", "positive")


def _upsert(session: Session, answer_id: int, kind: str, by: str, at: datetime, **values) -> AnalysisExample:
    example = session.scalars(select(AnalysisExample).where(AnalysisExample.answer_id == answer_id,
                                                            AnalysisExample.kind == kind)).first()
    if example is None:
        example = AnalysisExample(answer_id=answer_id, kind=kind, categories=[])
        session.add(example)
    for key, value in values.items():
        setattr(example, key, value)
    example.decided_by, example.decided_at = by, at
    session.flush()
    return example


def keep_outcome(session: Session, item: SafeguardingItem, now: datetime | None = None) -> None:
    """Keep a lead's outcome on an item's flagged free-text answers as labelled examples (see the module
    docstring). Part of `record_outcome`, which checks the lead's role and writes the audit entry; the
    examples name the lead who decided. Closed-answer indicators carry no text to learn from; an erased
    answer has none left."""
    if item.status == SG_ACTION_TAKEN:
        label: dict = {"concern": True}
    elif item.status == SG_NO_ACTION and item.released:
        label = {"concern": False, "categories": []}
    else:
        return
    for indicator in item.indicators:
        if indicator.kind != INDICATOR_TEXT or indicator.answer_id is None:
            continue
        categories = label.get("categories", list(indicator.categories or item.categories or []))
        _upsert(session, indicator.answer_id, EXAMPLE_CONCERN, item.outcome_by or "", now or utcnow(),
                concern=label["concern"],
                categories=categories)


def _visible_analysis(session: Session, answer_id: int) -> TextAnalysis:
    from voice.analysis.review import visible_to_facilitators

    ta = session.scalars(select(TextAnalysis).join(Answer, Answer.id == TextAnalysis.answer_id)
                         .where(TextAnalysis.answer_id == answer_id, visible_to_facilitators())).first()
    if ta is None:
        raise NotFound("That answer is not in the workspace (not analysed yet, or not available).")
    return ta


def correct_sentiment(session: Session, actor: Actor, answer_id: int, label: str,
                      now: datetime | None = None) -> AnalysisExample:
    """A facilitator's sentiment for one answer, kept as a labelled example. Audited.

    The automatic result is left as it was; `sentiment_corrections` gives the corrected labels.
    """
    require(actor, FACILITATOR)
    if label not in SENTIMENT_LABELS:
        raise Invalid(f"'{label}' is not a sentiment: use one of {', '.join(SENTIMENT_LABELS)}.")
    ta = _visible_analysis(session, answer_id)
    at = now or utcnow()
    example = _upsert(session, answer_id, EXAMPLE_SENTIMENT, actor.username, at, sentiment=label)
    record(session, actor, "sentiment_corrected", "answer", answer_id, at=at, label=label, automatic=ta.sentiment)
    return example


def sentiment_corrections(session: Session, actor: Actor, answer_ids: list[int]) -> dict[int, str]:
    """{answer id: the facilitator's sentiment} for the answers that have one."""
    require(actor, FACILITATOR)
    out: dict[int, str] = {}
    for i in range(0, len(answer_ids), 500):
        for answer_id, label in session.execute(
                select(AnalysisExample.answer_id, AnalysisExample.sentiment).where(
                    AnalysisExample.kind == EXAMPLE_SENTIMENT, AnalysisExample.answer_id.in_(answer_ids[i:i + 500]))):
            if label is not None:  # (a sentiment example always has one)
                out[answer_id] = label
    return out


def kept_examples(session: Session, actor: Actor) -> dict[str, list[Example]]:
    """{"concerns": …, "sentiment": …, "themes": …}: the examples this actor may be scored on.

    Concern examples need the safeguarding role; sentiment and theme examples are answers
    facilitators may read (not held back for the leads).
    """
    from voice.analysis.review import effective_themes, visible_to_facilitators

    require(actor, SAFEGUARDING, FACILITATOR)
    out: dict[str, list[Example]] = {"concerns": [], "sentiment": [], "themes": []}
    if actor.has(SAFEGUARDING):
        rows = session.execute(select(Answer.text, AnalysisExample.concern, AnalysisExample.categories)
                               .join(Answer, Answer.id == AnalysisExample.answer_id)
                               .where(AnalysisExample.kind == EXAMPLE_CONCERN, Answer.text.is_not(None)))
        out["concerns"] = [Example(text, concern=bool(flag), categories=tuple(cats or ())) for text, flag, cats in rows]
    visible = (select(Answer.id).join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
               .where(visible_to_facilitators()))
    rows = session.execute(select(Answer.text, AnalysisExample.sentiment)
                           .join(Answer, Answer.id == AnalysisExample.answer_id)
                           .where(AnalysisExample.kind == EXAMPLE_SENTIMENT, Answer.id.in_(visible)))
    out["sentiment"] = [Example(text, sentiment=label) for text, label in rows if text]
    reviewed = session.execute(select(Answer.id, Answer.text, TextAnalysis.theme_ids)
                               .join(TextAnalysis, TextAnalysis.answer_id == Answer.id)
                               .where(visible_to_facilitators(),
                                      exists().where(ThemeReview.answer_id == Answer.id))).all()
    decisions: dict[int, dict[str, str]] = {}
    ids = [r[0] for r in reviewed]
    for i in range(0, len(ids), 500):
        for r in session.scalars(select(ThemeReview).where(ThemeReview.answer_id.in_(ids[i:i + 500]))):
            decisions.setdefault(r.answer_id, {})[r.theme_id] = r.decision
    out["themes"] = [Example(text, themes=tuple(effective_themes(auto or [], decisions.get(answer_id, {}))))
                     for answer_id, text, auto in reviewed if text]
    return out


@dataclass(frozen=True)
class QualityReport:
    codebook_version: str
    lexicon_version: str
    concerns: Figures | None  # None: this actor may not see safeguarding figures
    sentiment: Figures
    themes: Figures


def quality_figures(session: Session, actor: Actor) -> QualityReport:
    """How the analysis in use now does on every kept example. Audited (counts only)."""
    from voice.analysis.pipeline import AnalysisCache
    from voice.analysis.store import active_codebook, current_lexicon

    examples = kept_examples(session, actor)
    _, codebook = active_codebook(session)
    lexicon = current_lexicon()
    cache = AnalysisCache(codebook, lexicon)
    report = QualityReport(
        codebook.version, lexicon.version,
        evaluate(examples["concerns"], cache.get) if actor.has(SAFEGUARDING) else None,
        evaluate(examples["sentiment"], cache.get), evaluate(examples["themes"], cache.get))
    record(session, actor, "analysis_quality_viewed", "analysis_quality", codebook.version,
           concerns=len(examples["concerns"]), sentiment=len(examples["sentiment"]), themes=len(examples["themes"]))
    return report
