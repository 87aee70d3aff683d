"""Shared pieces for the security tests: a small survey with text, and a whole-database text search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.models import Base
from voice.responses import service
from voice.surveys.loader import survey_from_dict
from voice.surveys.registry import publish

SECRET_SURVEY = {
    "id": "keep12",
    "title": "Twelve-month survey",
    "version": 1,
    "audience": {"min_age": 10, "max_age": 18},
    "intro": "Short.",
    "privacy_notice": "No names.",
    "retention_months": 12,
    "sections": [
        {"id": "s1", "title": "One", "questions": [
            {"id": "feel_safe", "type": "yes_no", "text": "Do you feel safe online?"},
            {"id": "worries", "type": "text", "text": "Anything worrying you?"},
            {"id": "quote_consent", "type": "yes_no",
             "text": "Can we use your words, without your name, in reports?"},
        ]},
    ],
}


def publish_survey(session: Session, definition: dict = SECRET_SURVEY) -> None:
    publish(session, survey_from_dict(definition), source="test")
    session.flush()


def submitted_response(session: Session, text: str, feel_safe: str = "yes", at: datetime | None = None,
                       survey_id: str = "keep12") -> str:
    """A sent response with one closed and one text answer; returns its receipt code."""
    code = service.start_response(session, survey_id).resume_code
    service.save_step(session, code, {"feel_safe": feel_safe, "worries": text, "quote_consent": "yes"},
                      ["feel_safe", "worries", "quote_consent"], 1)
    return service.submit(session, code, now=at)


def rows_containing(session: Session, needle: str) -> list[str]:
    """Every row, in every table, whose values mention `needle` (as table name and row)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            if any(needle in str(value) for value in row):
                found.append(f"{table.name}: {tuple(row)}")
    return found
