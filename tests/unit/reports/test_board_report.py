"""The board report files: Word and PDF read back, headings per priority, figures in tables, nothing small."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_tool
from voice.reports.board_report import build_board_report, report_blocks, write_board_report
from voice.reports.board import board_overview
from voice.security.access import AccessDenied, Actor
from voice.stats import SUPPRESSED_TEXT

from .conftest import HIDDEN_PERCENTS

BOARD = Actor("bea", frozenset({"board_member"}))
REPO = Path(__file__).resolve().parents[3]
COUNT_HEADERS = {"Young people", "Number"}


def _docx_text(data: bytes):
    from docx import Document

    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return doc, paragraphs, tables


def _no_small_count(tables) -> None:
    """Every count column holds 0, 10 or more, or the suppression text."""
    for table in tables:
        for k, header in enumerate(table[0]):
            if header not in COUNT_HEADERS:
                continue
            for row in table[1:]:
                value = row[k]
                assert value in (SUPPRESSED_TEXT, "nobody yet") or int(value.replace(",", "")) == 0 or \
                    int(value.replace(",", "")) >= 10, (header, row)


def test_word_report_has_each_priority_its_figures_and_nothing_small(partnership, session):
    data = build_board_report(session, BOARD, "2020/21", "docx")
    doc, paragraphs, tables = _docx_text(data)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Priority: Voice of the Child" in headings and "Priority: Mental Health" in headings
    assert headings.count("What difference it made") == 2
    everything = "\n".join(paragraphs + [c for t in tables for row in t for c in row])
    # Figures with their bases, in tables.
    assert any(row[:3] == ["% who use a webcam", "no better or worse direction",
                           "Feb 2016: 70.0% of 200; Feb 2017: 81.0% of 100"] for t in tables for row in t)
    assert "13.6%" in everything and "81 who answered 'Yes' to 'Do you use a webcam or camera phone?'" in everything
    assert "↓ down 7.8 percentage points, Feb 2016 to Feb 2017 (better)" in everything
    assert ["Online safety", "25", "62.5%", SUPPRESSED_TEXT, "60.0%", SUPPRESSED_TEXT] in [
        row for t in tables for row in t]
    assert "not set" not in everything
    # Quotes: approved only; the draft never leaves the workspace.
    assert "Approved words 3" in everything and "Draft words never shown" not in everything
    # Nothing that suppression hid: no small count anywhere, none of the hidden percentages.
    _no_small_count(tables)
    for hidden in HIDDEN_PERCENTS:
        assert hidden not in everything
    assert not re.search(r"\b[1-9] young people\b", everything)
    assert len(doc.inline_shapes) >= 3  # charts as pictures, each with its description
    assert all(shape._inline.docPr.get("descr") for shape in doc.inline_shapes)
    assert everything.count("Chart description:") == len(doc.inline_shapes)


def test_pdf_report_reads_back(partnership, session, tmp_path):
    need_tool("pdftotext", "apt-get install poppler-utils")
    seen = []
    path = write_board_report(session, BOARD, tmp_path / "board.pdf", "2020/21",
                              progress=lambda stage, done, total: seen.append((stage, done, total)))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Priority: Voice of the Child" in text and "Priority: Mental Health" in text
    assert "70.0% of 200" in text and "62.5%" in text
    for hidden in HIDDEN_PERCENTS:
        assert hidden not in text
    assert ("priorities", 2, 2) in seen and seen[-1] == ("writing", 1, 1)


def test_the_report_checks_the_role(partnership, session):
    with pytest.raises(AccessDenied):
        build_board_report(session, Actor("dee", frozenset({"safeguarding_lead"})), "2020/21", "pdf")


def test_report_blocks_explain_an_empty_period(session):
    from datetime import date

    from voice.models import PlanPeriod

    session.add(PlanPeriod(id="2021/22", title="Next year", starts=date(2021, 4, 1), ends=date(2022, 3, 31)))
    session.flush()
    blocks = report_blocks(board_overview(session, BOARD, "2021/22"))
    assert any("No survey wave had opened" in getattr(b, "text", "") for b in blocks)


def _voice(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), DATABASE_URL=database_url)
    return subprocess.run([sys.executable, "-m", "voice", *args], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300)


def test_cli_writes_the_report_and_names_the_periods_for_an_unknown_one(partnership, database_url, tmp_path):
    out = tmp_path / "board.docx"
    done = _voice(database_url, "report", "board", "--period", "2020/21", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "priorities: 2 of 2" in done.stderr and "Wrote the board report" in done.stderr
    _, paragraphs, _ = _docx_text(out.read_bytes())
    assert "Priority: Voice of the Child" in paragraphs
    unknown = _voice(database_url, "report", "board", "--period", "1999/00", "--out", str(tmp_path / "x.pdf"))
    assert unknown.returncode == 2
    assert "no plan period '1999/00'" in unknown.stderr and "Periods: 2020/21" in unknown.stderr
    wrong = _voice(database_url, "report", "board", "--out", str(tmp_path / "x.txt"))
    assert wrong.returncode == 2 and ".docx" in wrong.stderr
