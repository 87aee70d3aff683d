"""Helpers shared by the survey tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import copy
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
