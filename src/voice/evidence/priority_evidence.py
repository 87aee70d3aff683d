"""Everything linked to one priority: measures, survey questions, codebook themes, quotes and "you said, we
did" items. Its own module because it reads both the plan (voice.evidence.priorities) and the items
(voice.evidence.you_said_we_did), which itself reads the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.evidence.priorities import MeasureInfo, RagEntry, codebook_themes, current_rag, get_priority, measures_of
from voice.evidence.you_said_we_did import items_for_priority
from voice.models import Quote
from voice.models.evidence import QUOTE_APPROVED
from voice.safeguarding.held import withheld


@dataclass(frozen=True)
class QuestionLink:
    survey_id: str
    question_id: str
    text: str


@dataclass(frozen=True)
class ThemeLink:
    id: str
    name: str


@dataclass(frozen=True)
class QuoteLink:
    id: int
    text: str
    attribution: str
    survey_id: str
    via: str  # "priority" (linked directly) or "theme <id>"


@dataclass(frozen=True)
class PriorityEvidence:
    priority_id: int
    period_id: str
    key: str
    title: str
    owner: str
    outcomes: tuple[str, ...]
    rag: RagEntry | None
    measures: list[MeasureInfo] = field(default_factory=list)
    questions: list[QuestionLink] = field(default_factory=list)
    themes: list[ThemeLink] = field(default_factory=list)
    quotes: list[QuoteLink] = field(default_factory=list)
    items: list = field(default_factory=list)  # you_said_we_did.ItemView

    @property
    def counts(self) -> dict[str, int]:
        return {"measures": len(self.measures), "questions": len(self.questions), "themes": len(self.themes),
                "quotes": len(self.quotes), "items": len(self.items)}


def priority_evidence(session: Session, priority_id: int, codebook=None) -> PriorityEvidence:
    """Everything linked to one priority: measures, survey questions, codebook themes, approved quotes
    (linked directly or through one of those themes) and "you said, we did" items of its period.

    `codebook`: a voice.analysis Codebook; by default the one in the definitions folder.
    """
    priority = get_priority(session, priority_id)
    themes = [ThemeLink(t.id, t.name) for t in codebook_themes(codebook) if priority.key in t.priorities]
    theme_ids = {t.id for t in themes}
    quotes = []
    for q in session.scalars(select(Quote).where(Quote.status == QUOTE_APPROVED,
                                                 ~withheld(Quote.answer_id, Quote.response_id)).order_by(Quote.id)):
        if priority.key in (q.priority_ids or []):
            via = "priority"
        else:
            shared = [t for t in (q.theme_ids or []) if t in theme_ids]
            if not shared:
                continue
            via = f"theme {shared[0]}"
        quotes.append(QuoteLink(q.id, q.text, q.attribution, q.survey_id, via))
    return PriorityEvidence(
        priority_id=priority.id, period_id=priority.period_id, key=priority.key, title=priority.title,
        owner=priority.owner, outcomes=tuple(priority.outcomes or ()), rag=current_rag(session, priority.id),
        measures=measures_of(session, priority.id), questions=_linked_questions(session, priority.key),
        themes=themes, quotes=quotes, items=items_for_priority(session, priority.period_id, priority.key),
    )


def _linked_questions(session: Session, key: str) -> list[QuestionLink]:
    from voice.surveys.registry import get_survey, list_survey_ids
    from voice.surveys.schema import tr

    links = []
    for survey_id in list_survey_ids(session):
        _, survey = get_survey(session, survey_id)
        links += [QuestionLink(survey_id, q.id, tr(q.text)) for q in survey.questions if key in q.priorities]
    return links
