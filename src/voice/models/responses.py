"""Responses and their answers. No names, IP addresses or device data: nothing here identifies a person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice.db import utcnow
from voice.models.base import Base


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_campaign_status", "campaign_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True, index=True)
    # The young person's way back in (typed or kept in the link) and their proof of sending.
    resume_code: Mapped[str] = mapped_column(String(16), unique=True)
    receipt_code: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")  # in_progress | submitted
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(8), default="en")
    source: Mapped[str] = mapped_column(String(16), default="web")  # web | import | demo
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # When the answers joined the published figures of a campaign that is still open: released in steps of
    # at least 10, so no two views of the figures differ by one young person (voice.stats.release).
    released_at: Mapped[datetime | None] = mapped_column(nullable=True)

    answers: Mapped[list["Answer"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Answer(Base):
    """One answer: a chosen option (one row per option of a multi answer), a text or a number.

    Closed answers keep the option id in `option_id`; text and number answers use option_id ''.
    One row per option lets SQL count multi answers without splitting strings.
    """

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", "option_id"),
        # Covers the results counts (question, option, response): SQLite reads them from the index alone.
        Index("ix_answers_question_option", "question_id", "option_id", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    option_id: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    number: Mapped[float | None] = mapped_column(Float, nullable=True)
