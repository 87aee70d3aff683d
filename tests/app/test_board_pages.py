"""The board pages through AppTest: the overview's cards and report download, a priority in depth."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from voice.db import utcnow

from .conftest import texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def board_db(app_env, session):
    from tests.unit.reports.conftest import Partnership
    from voice.stats.results import clear_cache

    clear_cache()
    Partnership(session)
    yield app_env
    clear_cache()


def _page(name: str, roles=("board_member",)) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=120)
    at.session_state["user"] = {"username": "bea", "roles": list(roles), "last_seen": utcnow()}
    return at


def unescape(text: str) -> str:
    """Markdown escapes off (voice.ui.text.plain), so a test reads what the user reads."""
    return re.sub(r"\\(.)", r"\1", text)


def tables(at: AppTest) -> list[list[list[str]]]:
    """Every st.table on the page as rows of cells (header first), as the user reads them."""
    out = []
    for t in at.table:
        frame = t.value.data if hasattr(t.value, "data") else t.value
        out.append([[unescape(str(c)) for c in frame.columns]] +
                   [[unescape(str(c)) for c in row] for row in frame.itertuples(index=False)])
    return out


def _all_text(at: AppTest) -> str:
    cells = "\n".join(" | ".join(row) for t in tables(at) for row in t)
    return unescape(texts(at) + "\n" + "\n".join(str(e.value) for e in at.subheader) + "\n" +
                    "\n".join(str(e.value) for e in at.get("text"))) + "\n" + cells


def test_overview_shows_a_card_per_priority_and_builds_the_report(board_db):
    at = _page("board_overview.py").run()
    assert not at.exception, at.exception
    page = _all_text(at)
    assert "Voice of the Child" in page and "Mental Health" in page
    assert [m.value for m in at.metric][:1] == ["300"]
    assert "“Approved words 3” (YPAG)" in page and "Draft words" not in page
    assert "For monitoring" in page
    at.button(key="staff_board_prepare").click().run()
    assert not at.exception, at.exception
    report = at.session_state["staff_board_report"]
    from docx import Document

    doc = Document(io.BytesIO(report["docx"]))
    assert "Priority: Voice of the Child" in [p.text for p in doc.paragraphs]
    assert report["pdf"].startswith(b"%PDF")
    assert len(at.get("download_button")) == 2


def test_priority_in_depth_opens_the_priority_named_in_the_link(board_db):
    at = _page("board_priority.py")
    at.query_params["priority"] = "mental_health"
    at.run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Mental Health"]
    at.selectbox(key="staff_board_priority").select("voice_of_child").run()
    assert [h.value for h in at.header] == ["Voice of the Child"]
    page = _all_text(at)
    assert "What difference it made" in page and "Areas for monitoring" in page


def test_a_period_with_nothing_yet_is_explained(app_env, session):
    from datetime import date

    from voice.models import PlanPeriod

    session.add(PlanPeriod(id="2021/22", title="Next year", starts=date(2021, 4, 1), ends=date(2022, 3, 31),
                           is_current=True))
    session.commit()
    at = _page("board_overview.py", roles=("facilitator",)).run()
    assert not at.exception, at.exception
    assert "No survey wave had opened by the end of 2021/22" in _all_text(at)
