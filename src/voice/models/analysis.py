"""Analysis results, facilitators' theme reviews, codebook versions and the safeguarding queue.

Results are keyed on the codebook and lexicon versions they were made with, so the pipeline
knows what is stale without re-reading any text. Nothing here acts on a young person by itself:
a flagged answer only becomes a SafeguardingItem for a designated safeguarding lead to read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voice.db import utcnow
from voice.models.base import Base

# SafeguardingItem.status: new -> reviewed -> action_taken | no_action
SG_NEW = "new"
SG_REVIEWED = "reviewed"
SG_ACTION_TAKEN = "action_taken"
SG_NO_ACTION = "no_action"
SG_STATUSES = (SG_NEW, SG_REVIEWED, SG_ACTION_TAKEN, SG_NO_ACTION)

# ThemeReview.decision
ACCEPTED = "accepted"  # an automatic theme the facilitator confirmed
REJECTED = "rejected"  # an automatic theme the facilitator removed
ADDED = "added"  # a theme the facilitator added that the codebook missed
DECISIONS = (ACCEPTED, REJECTED, ADDED)


class CodebookVersion(Base):
    """One saved codebook. The newest row is the one in use; older rows are its history."""

    __tablename__ = "codebook_versions"

    id: Mapped[int] = mapped_column(primary_key=True)  # also the version number shown (1, 2, 3 …)
    version: Mapped[str] = mapped_column(String(64), index=True)  # Codebook.version (content hash)
    yaml_text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class TextAnalysis(Base):
    """The pipeline's result for one free-text answer, made with the named codebook and lexicon."""

    __tablename__ = "text_analyses"
    __table_args__ = (Index("ix_text_analyses_versions", "codebook_version", "lexicon_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), unique=True)
    # sha256 of the text (first 32 hex): identical answers reuse one result, even across runs.
    text_hash: Mapped[str] = mapped_column(String(32), index=True)
    codebook_version: Mapped[str] = mapped_column(String(64))
    lexicon_version: Mapped[str] = mapped_column(String(64))
    theme_ids: Mapped[list] = mapped_column(JSON, default=list)  # automatic codes only
    polarity: Mapped[float] = mapped_column(Float, default=0.0)
    sentiment: Mapped[str] = mapped_column(String(16), default="neutral")
    concern_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    concern_categories: Mapped[list] = mapped_column(JSON, default=list)
    analysed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThemeReview(Base):
    """A facilitator's decision on one theme for one answer; it overrides the automatic code."""

    __tablename__ = "theme_reviews"
    __table_args__ = (UniqueConstraint("answer_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))  # accepted | rejected | added
    reviewed_by: Mapped[str] = mapped_column(String(80))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SafeguardingItem(Base):
    """An answer the concern lexicon flagged, waiting for a designated safeguarding lead. One per answer."""

    __tablename__ = "safeguarding_items"
    __table_args__ = (Index("ix_safeguarding_items_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), unique=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    categories: Mapped[list] = mapped_column(JSON, default=list)
    matches: Mapped[list] = mapped_column(JSON, default=list)  # the words that fired: shown to the DSL only
    status: Mapped[str] = mapped_column(String(16), default=SG_NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    outcome_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # A lead closing a false alarm ("this homework is killing me") may let facilitators use the answer.
    released: Mapped[bool] = mapped_column(Boolean, default=False)
