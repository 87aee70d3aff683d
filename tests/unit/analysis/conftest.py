"""Shared loaders for the labelled fixtures and the default definition files."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.analysis.codebook import load_codebook
from voice.analysis.concerns import load_lexicon

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "analysis"
DEFINITIONS = ROOT / "surveys" / "analysis"


def read_tsv(name: str) -> list[tuple[str, str]]:
    """(text, label) rows of a fixture, header skipped; the label may be empty."""
    rows = []
    with open(FIXTURES / name, encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                continue
            text, _, label = line.partition("\t")
            rows.append((text, label))
    return rows


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(DEFINITIONS / "codebook.yaml")


@pytest.fixture(scope="session")
def lexicon():
    return load_lexicon(DEFINITIONS / "concern_lexicon.yaml")


@pytest.fixture(scope="session")
def labelled():
    """The fixture reader, as a fixture: test modules here are not a package."""
    return read_tsv
