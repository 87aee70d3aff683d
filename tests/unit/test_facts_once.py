"""Each fact is written once (issue 20, item 3): wording that states a number is made from the constant.

A string in src/voice (docstrings and comments aside) must not spell out the suppression threshold, the
overdue time or the retention default: a change to MIN_BASE, OVERDUE_AFTER or DEFAULT_RETENTION_MONTHS
would leave it saying the old value.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from voice.analysis.safeguarding import OVERDUE_AFTER, OVERDUE_WORDS
from voice.stats.release import RELEASE_STEP
from voice.stats.suppression import GROUP_MIN_BASE, MIN_BASE, SUPPRESSED_TEXT
from voice.surveys import languages
from voice.surveys.schema import CLOSED_TYPES, DEFAULT_RETENTION_MONTHS, OPEN_TYPES, QUESTION_TYPES, Survey

SRC = Path(__file__).resolve().parents[2] / "src" / "voice"
TYPED_FACTS = [f"fewer than {MIN_BASE}", f"under {MIN_BASE}", f"fewer than {GROUP_MIN_BASE}",
               f"steps of {RELEASE_STEP}", f"{OVERDUE_AFTER // __import__('datetime').timedelta(hours=1)} hours",
               f"{DEFAULT_RETENTION_MONTHS} months"]


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def typed_facts(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [(node.lineno, fact) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            for fact in TYPED_FACTS if fact in node.value.lower()]


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_string_spells_out_a_threshold(path):
    assert typed_facts(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_typed_threshold():
    assert typed_facts('"""Docstrings may say fewer than 10."""\nX = "new for more than 24 hours"\n') == [
        (2, "24 hours")]
    assert typed_facts('X = f"fewer than {MIN_BASE}"\n') == []


def test_the_wording_follows_the_constants():
    assert SUPPRESSED_TEXT == f"fewer than {MIN_BASE}"
    assert OVERDUE_WORDS == "24 hours" and OVERDUE_AFTER.total_seconds() == 24 * 3600
    assert Survey.__dataclass_fields__["retention_months"].default == DEFAULT_RETENTION_MONTHS
    assert QUESTION_TYPES == CLOSED_TYPES + OPEN_TYPES


def test_one_table_of_language_names():
    assert set(languages.PARTNERSHIP_LANGUAGES) <= set(languages.ISO_639_1)
    assert languages.english_name("pl") == "Polish" and languages.own_name("pl") == "Polski"
    assert languages.NATIVE_TITLES == {"en": "English", "pl": "Polski", "ur": "Urdu", "pa": "Punjabi",
                                       "gu": "Gujarati"}  # the XLSForm column names ("Polski (pl)") are a contract
    assert all(languages.code_for(name) == code for code, name in languages.ENDONYMS.items())
