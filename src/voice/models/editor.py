"""Survey drafts being built in the app: saved on every change so nothing is lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from voice.db import utcnow
from voice.models.base import Base


class SurveyDraft(Base):
    """One draft per survey id, in the survey file layout (voice.surveys.editor works on `data`).

    Not a foreign key to `surveys`: a brand-new survey has no record until it is first published.
    Publishing stores a new SurveyVersion and removes the draft.
    """

    __tablename__ = "survey_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[dict] = mapped_column(JSON)
    based_on_version_id: Mapped[int | None] = mapped_column(nullable=True)  # the version it was started from
    updated_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
