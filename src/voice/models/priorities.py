"""The partnership's plan (periods, priorities, actions, RAG, measures) and "you said, we did" replies.

Priority keys (statutory, voice_of_child, mental_health, communications, domestic_abuse, …) are the
links used by survey questions, codebook themes and quotes. A key means the same thing in every plan
period; the rows here belong to one period, so a new year's plan never rewrites an old one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice.db import utcnow
from voice.models.base import Base

RAG_STATUSES = ("red", "amber", "green")
POLARITIES = ("high_is_good", "low_is_good", "no_polarity")
YSWD_STATUSES = ("planned", "in_progress", "done", "not_possible")
AUDIENCE_YPAG = "ypag"
AUDIENCE_ALL = "all_young_people"


class PlanPeriod(Base):
    """One business-plan year, e.g. "2020/21". Its priorities are loaded from a plan file."""

    __tablename__ = "plan_periods"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # "2020/21"
    title: Mapped[str] = mapped_column(String(200))
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")  # refuses silent rewrites on import
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    priorities: Mapped[list["Priority"]] = relationship(
        back_populates="period", cascade="all, delete-orphan", order_by="Priority.position")


class Priority(Base):
    __tablename__ = "priorities"
    __table_args__ = (UniqueConstraint("period_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[str] = mapped_column(ForeignKey("plan_periods.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # voice_of_child
    title: Mapped[str] = mapped_column(String(200))
    outcomes: Mapped[list] = mapped_column(JSON, default=list)  # outcome statements, in plan order
    owner: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    period: Mapped[PlanPeriod] = relationship(back_populates="priorities")
    actions: Mapped[list["PlanAction"]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by="PlanAction.position")


class PlanAction(Base):
    """One row of the business plan's table, in the plan's own columns."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(Text)  # What are we going to do?
    how: Mapped[str] = mapped_column(Text, default="")  # How are we going to do it?
    who: Mapped[str] = mapped_column(String(300), default="")  # Who is responsible?
    when: Mapped[str] = mapped_column(String(100), default="")  # When is it going to be done by? (plan wording)
    impact: Mapped[str] = mapped_column(Text, default="")  # Impact / what difference has it made?
    progress: Mapped[str] = mapped_column(Text, default="")  # Progress made
    updated_by: Mapped[str | None] = mapped_column(String(80), nullable=True)  # set when edited in the app
    updated_at: Mapped[datetime | None] = mapped_column(nullable=True)

    priority: Mapped[Priority] = relationship(back_populates="actions")


class RagStatus(Base):
    """A RAG judgement: rows are never edited, so the newest is the status and the rest its history."""

    __tablename__ = "rag_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"), index=True)
    status: Mapped[str] = mapped_column(String(8))
    rationale: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class Measure(Base):
    """A survey figure that shows whether a priority is making a difference, e.g. "% who felt unsafe online"."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"), index=True)
    survey_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    option_ids: Mapped[list] = mapped_column(JSON, default=list)  # counted together: the "yes" of the figure
    label: Mapped[str] = mapped_column(String(200))
    polarity: Mapped[str] = mapped_column(String(16), default="no_polarity")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class YouSaidWeDid(Base):
    """What young people said, in their terms, and what the partnership did about it."""

    __tablename__ = "you_said_we_did"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[str | None] = mapped_column(ForeignKey("plan_periods.id"), nullable=True, index=True)
    you_said: Mapped[str] = mapped_column(Text)
    theme_ids: Mapped[list] = mapped_column(JSON, default=list)
    quote_ids: Mapped[list] = mapped_column(JSON, default=list)  # approved quotes only
    priority_ids: Mapped[list] = mapped_column(JSON, default=list)  # priority keys of `period_id`
    figures: Mapped[str] = mapped_column(Text, default="")  # supporting figures, as text
    we_did: Mapped[str] = mapped_column(Text, default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    raised_at: Mapped[date] = mapped_column(Date)
    responded_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    not_possible_reason: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(40), default=AUDIENCE_ALL)  # ypag | all_young_people | group code
    # A campaign name is a wave (esafety-2016) that may span several surveys, so the name is kept.
    campaign: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True, index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The form's one-off token: a second press of Save (or a retry) finds this item instead of adding another.
    request_token: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True, index=True)
