"""Helpers shared by the survey tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import copy
import io
from pathlib import Path


import yaml

REPO = Path(__file__).resolve().parents[3]
SURVEYS_DIR = REPO / "surveys"
FIXTURES = REPO / "tests" / "fixtures" / "surveys"

MINIMAL = {
    "id": "mini",
    "title": "Mini survey",
    "version": 1,
    "audience": {"min_age": 10, "max_age": 11},
    "intro": "Hi.",
    "privacy_notice": "We keep it safe.",
    "sections": [
        {
            "id": "main",
            "title": "Main",
            "questions": [
                {"id": "uses_webcam", "type": "yes_no", "text": "Do you use a webcam?"},
            ],
        }
    ],
}


def minimal_survey() -> dict:
    """A fresh copy of a valid one-question survey, to break in one way per test."""
    return copy.deepcopy(MINIMAL)


def to_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def workbook(survey_rows, choice_rows=None, settings_rows=None) -> bytes:
    """An .xlsx made from rows: the survey sheet, and choices / settings sheets when given."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey_rows:
        ws.append(row)
    for name, rows in (("choices", choice_rows), ("settings", settings_rows)):
        if rows is not None:
            sheet = wb.create_sheet(name)
            for row in rows:
                sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
