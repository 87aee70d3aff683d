"""Quotes: young people's words chosen as evidence. Shared by the workspace, priorities and reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voice.db import utcnow
from voice.models.base import Base

QUOTE_DRAFT = "draft"
QUOTE_APPROVED = "approved"
QUOTE_WITHDRAWN = "withdrawn"  # was approved, taken back: shown nowhere outside the workspace


class Quote(Base):
    """A redacted quote. Only status 'approved' ever leaves the facilitator's workspace.

    Made only from answers whose respondent said yes to `quote_consent`. Attribution is at
    group level ("Young person, Year 9, e-safety survey 2016", "(YPAG)"), never a person.
    Erasing the response (by receipt code) deletes its quotes too.
    """

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), nullable=True,
                                                    index=True)
    survey_id: Mapped[str] = mapped_column(String(64), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)  # redacted, as it will be published
    redactions: Mapped[list] = mapped_column(JSON, default=list)  # log: kind, original length, replacement, by
    attribution: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=QUOTE_DRAFT)
    theme_ids: Mapped[list] = mapped_column(JSON, default=list)
    priority_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
