"""Labelled examples kept from people's decisions, to measure (and one day train) the analysis.

A lead's outcome on a flagged answer ("action taken" = a concern; "no action, not a concern" = not
one) and a facilitator's sentiment correction are kept here. Facilitators' theme decisions are
already kept in ThemeReview and are read from there. The text itself is never copied: an example
points at its answer, and goes with it (ON DELETE CASCADE) when the response is erased or its free
text reaches the end of its retention period.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voice.db import utcnow
from voice.models.base import Base

EXAMPLE_CONCERN = "concern"  # from a safeguarding lead's outcome
EXAMPLE_SENTIMENT = "sentiment"  # from a facilitator's correction
EXAMPLE_KINDS = (EXAMPLE_CONCERN, EXAMPLE_SENTIMENT)


class AnalysisExample(Base):
    """One person's label for one answer, of one kind; a later decision of the same kind replaces it."""

    __tablename__ = "analysis_examples"
    __table_args__ = (UniqueConstraint("answer_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # concern | sentiment
    concern: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    sentiment: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
