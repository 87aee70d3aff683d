"""Analysis results, facilitators' theme reviews, codebook versions and the safeguarding queue.

Results are keyed on the codebook and lexicon versions they were made with, so the pipeline
knows what is stale without re-reading any text. Nothing here acts on a young person by itself:
a flagged response only becomes a SafeguardingItem for a designated safeguarding lead to read
(its indicators, screenings and notifications: voice.models.safeguarding).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice.db import utcnow
from voice.models.base import Base

if TYPE_CHECKING:  # for the relationship's annotation only; voice.models.safeguarding imports this module
    from voice.models.safeguarding import SafeguardingIndicator

# SafeguardingItem.status: new -> reviewed -> action_taken | no_action
SG_NEW = "new"
SG_REVIEWED = "reviewed"
SG_ACTION_TAKEN = "action_taken"
SG_NO_ACTION = "no_action"
SG_STATUSES = (SG_NEW, SG_REVIEWED, SG_ACTION_TAKEN, SG_NO_ACTION)

# SafeguardingItem.categories: the concern lexicon's categories (voice.analysis.concerns), which a survey's
# risk markers may name too (voice.surveys.loader); here so both read one list.
CONCERN_CATEGORIES = (
    "self_harm_suicide", "abuse_at_home", "sexual_abuse", "grooming_exploitation",
    "threats_blackmail", "violence_weapons", "missing_unsafe_home", "other",
)
# Not a finding about risk: the answer is in a language or script the analysis does not read, so a
# person must read it. It reaches the lead's queue like any flag (see voice.analysis.language).
NOT_SCREENED = "not_screened"

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
    """The safeguarding record for one response: every indicator that raised it, and what the leads did.

    One OPEN item (new or reviewed) per response at most: a later indicator for that response joins it.
    A response whose item is closed gets a new item. The item outlives the answers: erasing a response
    sets `response_id` to NULL and removes the words that fired from its indicators, but keeps the
    survey, campaign, group, categories, indicators, history and notes (voice.safeguarding.records).
    """

    __tablename__ = "safeguarding_items"
    __table_args__ = (
        Index("ix_safeguarding_items_status_created", "status", "created_at"),
        # At most one open item per response (a second one would split what the lead must read together).
        Index("uq_safeguarding_items_open_response", "response_id", unique=True,
              sqlite_where=text("status IN ('new', 'reviewed')"),
              postgresql_where=text("status IN ('new', 'reviewed')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL, never CASCADE: erasing the response must not destroy the record.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"),
                                                    nullable=True, index=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    # Where it came from, copied when the item is made so the record still says so after erasure.
    survey_title: Mapped[str] = mapped_column(Text, default="")
    campaign: Mapped[str] = mapped_column(String(120), default="")
    group_name: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)  # every indicator's categories, in order
    status: Mapped[str] = mapped_column(String(16), default=SG_NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # the last indicator added
    reviewed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    outcome_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # A lead closing a false alarm ("this homework is killing me") may let facilitators use the answers.
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    # The record's own history, oldest first: [{"at": ISO UTC, "by": username or "system", "event": created |
    # indicator_added | reviewed | closed | note | answers_erased, "note": the lead's words, ...}].
    history: Mapped[list] = mapped_column(JSON, default=list)
    answers_erased_at: Mapped[datetime | None] = mapped_column(nullable=True)

    indicators: Mapped[list["SafeguardingIndicator"]] = relationship(
        back_populates="item", order_by="SafeguardingIndicator.id", cascade="all, delete-orphan",
        passive_deletes=True)
