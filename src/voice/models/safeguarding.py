"""The parts of a safeguarding record besides the item itself (voice.models.analysis.SafeguardingItem).

- SafeguardingIndicator: one thing in a response that raised the item (a flagged free-text answer, or a
  closed answer its survey marks as a risk). Kept when the answers are erased, without the young
  person's words.
- SafeguardingScreening: which submitted responses were checked against their survey's risk markers,
  and against which set of markers (a changed set checks them again).
- NotificationOutbox: messages to the leads ("2 new items"), written in the same transaction as the
  items and sent after it commits, so a crash between the two loses nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice.db import utcnow
from voice.models.analysis import SafeguardingItem
from voice.models.base import Base

INDICATOR_TEXT = "text"  # a free-text answer the concern check flagged
INDICATOR_CLOSED = "closed"  # a closed answer its survey marks as a risk


class SafeguardingIndicator(Base):
    __tablename__ = "safeguarding_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_items.id", ondelete="CASCADE"), index=True)
    # One indicator per answer, ever (a later run never raises the same answer twice). SET NULL on erasure.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="SET NULL"), nullable=True,
                                                  unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # text | closed (a later kind must still display)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    question_id: Mapped[str] = mapped_column(String(64), default="")
    question_label: Mapped[str] = mapped_column(Text, default="")  # the survey's wording, not the answer
    option_id: Mapped[str] = mapped_column(String(64), default="")
    option_label: Mapped[str] = mapped_column(Text, default="")
    # The words that fired (free text): the young person's own words, removed when the answer is erased.
    matches: Mapped[list] = mapped_column(JSON, default=list)
    why: Mapped[str] = mapped_column(Text, default="")  # for the lead, in plain words, with no answer text
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped["SafeguardingItem"] = relationship(back_populates="indicators")


class SafeguardingScreening(Base):
    __tablename__ = "safeguarding_screenings"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    markers_version: Mapped[str] = mapped_column(String(32))
    screened_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationOutbox(Base):
    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # counts, categories and a link: never a young person's words
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    updated_items: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)  # a sender is working on it
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    sent_to: Mapped[str] = mapped_column(Text, default="")  # "email, webhook"
    last_error: Mapped[str] = mapped_column(Text, default="")
