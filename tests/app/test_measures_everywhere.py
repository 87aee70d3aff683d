"""One figure per fact: every place that shows a priority's measure says the same thing, in the same words.

The places: the Priorities page, the Board overview, the priority page (AppTest), the Word report
(python-docx), the PDF report (pdftotext), and `voice stats --measures` (its JSON). The data: the hand-made
partnership of tests/unit/reports (two waves with hundreds of answers) plus a few answers through the
survey's always-open link, which once made every measure read "fewer than 10" on one screen and a change on
another. What they must all say is `voice.evidence.impact.measure_table`, checked here against figures
worked out by hand.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import has_tool
from voice.db import utcnow

from .test_board_pages import tables, unescape

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ("Measure", "Direction wanted", "Figures by wave", "Change")
# Worked out by hand from tests/unit/reports/conftest.py (voice_of_child's three measures).
EXPECTED = [
    ("% who use a webcam", "no better or worse direction", "Feb 2016: 70.0% of 200; Feb 2017: 81.0% of 100",
     "↑ up 11.0 percentage points, Feb 2016 to Feb 2017 (went up)"),
    ("% of webcam users who chat to new people", "lower is better", "Feb 2016: 21.4% of 140; Feb 2017: 13.6% of 81",
     "↓ down 7.8 percentage points, Feb 2016 to Feb 2017 (better)"),
    ("% of chatters threatened", "lower is better", "Feb 2016: 40.0% of 30; Feb 2017: fewer than 10",
     "No change shown: fewer than 10 answers in Feb 2017"),
]


@pytest.fixture
def partnership_db(app_env, session):
    from tests.unit.reports.conftest import Partnership
    from voice.models import Campaign
    from voice.responses.bulk import ResponseRecord, insert_responses
    from voice.stats.results import clear_cache

    clear_cache()
    p = Partnership(session)
    always = Campaign(name="board_test-open", survey_id="board_test", title="Always open", is_default=True)
    session.add(always)
    session.flush()
    insert_responses(session, p.version, always, [ResponseRecord(
        submitted_at=datetime(2020, 6, 1), group_id=None, answers={"uses_webcam": "no"})] * 12)
    session.commit()
    yield p
    clear_cache()


def _page(name: str, role: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=120)
    at.session_state["user"] = {"username": "bea", "roles": [role], "last_seen": utcnow()}
    return at


def _measure_rows(at: AppTest) -> list[tuple[str, ...]]:
    found = [t for t in tables(at) if tuple(t[0]) == COLUMNS]
    assert found, "no measures table on the page"
    return [tuple(row) for t in found for row in t[1:]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_place_says_the_same(partnership_db, session, database_url, tmp_path):
    from voice.evidence.impact import measure_table, priority_trends
    from voice.reports.board_report import build_board_report
    from voice.security.access import Actor

    voice = partnership_db.voice
    truth = [tuple(r[c] for c in COLUMNS) for r in measure_table(priority_trends(session, voice.id,
                                                                                 partnership_db.period.ends))]
    assert truth == EXPECTED

    # The Priorities page (facilitators), Measures tab.
    at = _page("priorities.py", "facilitator")
    at.run()
    at.selectbox(key="pri_choice").set_value(voice.id).run()
    assert not at.exception, at.exception
    assert _measure_rows(at) == EXPECTED

    # The Board overview: the Voice of the Child card.
    at = _page("board_overview.py", "board_member").run()
    assert not at.exception, at.exception
    assert _measure_rows(at) == EXPECTED

    # The priority in depth: the table, and each chart's description says the same figures and change.
    at = _page("board_priority.py", "board_member")
    at.query_params["priority"] = "voice_of_child"
    at.run()
    assert not at.exception, at.exception
    assert _measure_rows(at) == EXPECTED
    captions = unescape("\n".join(c.value for c in at.caption))
    for label, _, figures, change in EXPECTED[:2]:
        assert f"{label}, by wave. {figures.replace('; ', '. ')}. {change}." in captions

    # The Word report: the same table, and the summary's "What changed" says each change.
    from docx import Document

    board = Actor("bea", frozenset({"board_member"}))
    doc = Document(io.BytesIO(build_board_report(session, board, "2020/21", "docx")))
    word_tables = [[tuple(c.text for c in row.cells) for row in t.rows] for t in doc.tables]
    assert [rows[1:] for rows in word_tables if rows[0] == COLUMNS] == [EXPECTED]
    bullets = [p.text for p in doc.paragraphs]
    for label, _, _, change in EXPECTED:
        assert f"{label}: {change}" in bullets

    # The PDF report: the same words (tables wrap in a PDF, so read the summary and the chart descriptions).
    if has_tool("pdftotext"):
        pdf = tmp_path / "board.pdf"
        pdf.write_bytes(build_board_report(session, board, "2020/21", "pdf"))
        text = _squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout)
        for label, _, _figures, change in EXPECTED:
            assert _squash(f"{label}: {change}") in text
        for label, _, figures, change in EXPECTED[:2]:
            assert _squash(f"{label}, by wave. {figures.replace('; ', '. ')}. {change}.") in text

    # `voice stats --measures`: the same figures and change, as data.
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), DATABASE_URL=database_url)
    done = subprocess.run([sys.executable, "-m", "voice", "stats", "--measures", "--period", "2020/21"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [r for r in json.loads(done.stdout) if r["priority"] == "voice_of_child"]
    cli = [(r["measure"], r["direction_wanted"], "; ".join(f"{f['wave']}: {f['text']}" for f in r["figures"]),
            r["change_text"]) for r in records]
    assert cli == EXPECTED
    assert records[1]["change"] == {"from": "Feb 2016", "to": "Feb 2017", "points": -7.8, "direction": "down",
                                    "verdict": "better"}
