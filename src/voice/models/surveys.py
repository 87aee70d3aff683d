"""Surveys as served (each version kept), groups (schools, YPAG, clubs) and campaigns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice.db import utcnow
from voice.models.base import Base


class SurveyRecord(Base):
    """A survey id and the version now served. Definitions are in SurveyVersion."""

    __tablename__ = "surveys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    current_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Listed on the young people's front page. An unlisted survey is still served to anyone with its link.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyVersion(Base):
    """One published definition of a survey. Responses point here, so old answers keep their wording."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per survey, in publishing order
    declared_version: Mapped[int] = mapped_column(Integer)  # `version:` in the file
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)  # survey_to_dict() layout
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Group(Base):
    """A school, the YPAG, a club: where a response came from. Never a person."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(100), default="")
    type: Mapped[str] = mapped_column(String(40), default="school")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Campaign(Base):
    """A survey run over a period, e.g. `esafety-2016`. Each survey has an always-open default one."""

    __tablename__ = "campaigns"
    # A wave spans surveys: `esafety-2016` names both the Year 6 and the Year 9 campaign.
    __table_args__ = (UniqueConstraint("survey_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    opens_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(nullable=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    groups: Mapped[list["CampaignGroup"]] = relationship(cascade="all, delete-orphan")

    def is_open(self, at: datetime) -> bool:
        if self.opens_at is not None and at < self.opens_at:
            return False
        return self.closes_at is None or at < self.closes_at


class CampaignGroup(Base):
    """A group invited to a campaign (gets its own link and QR code)."""

    __tablename__ = "campaign_groups"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
