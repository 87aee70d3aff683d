"""A board member signs in, opens the board overview and downloads the board report (a real .docx)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest

from tests.e2e.conftest import ROOT, click_and_wait, screenshot, wait_idle

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase for the board"


def _voice(app_server, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": app_server.database_url,
           "VOICE_DATA_DIR": str(app_server.tmp / "data")}
    return subprocess.run([sys.executable, "-m", "voice", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def board_member(app_server):
    # The first page view prepares the app's database (and, on the embedded default, loads the demo).
    urllib.request.urlopen(app_server.url, timeout=30).read()
    from voice.db import get_engine, session_scope, upgrade
    from voice.evidence.priorities import list_periods

    upgrade(get_engine(app_server.database_url))
    with session_scope(get_engine(app_server.database_url)) as session:
        has_plan = bool(list_periods(session))
    if not has_plan:  # a named database gets the demo (with its plan) from `voice demo`, as an operator would
        done = _voice(app_server, "demo")
        assert done.returncode == 0, done.stderr
    done = _voice(app_server, "user", "add", "bea_board", "--role", "board_member", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    return "bea_board"


def test_board_member_downloads_the_board_report(app_server, board_member, desktop, tmp_path):
    desktop.goto(f"{app_server.url}/sign_in")
    wait_idle(desktop)
    desktop.get_by_label("Username").fill(board_member)
    desktop.get_by_label("Password", exact=True).fill(PASSWORD)
    click_and_wait(desktop, desktop.locator("[data-testid='stFormSubmitButton'] button"))
    desktop.get_by_role("heading", name="Home").wait_for()
    nav = desktop.inner_text("[data-testid='stSidebarNav']")
    assert "Board overview" in nav and "Priority in depth" not in nav  # reached from the cards, not the menu

    click_and_wait(desktop, desktop.locator("[data-testid='stSidebarNav'] a", has_text="Board overview"))
    desktop.get_by_role("heading", name="Board overview").wait_for()
    main = desktop.locator("[data-testid='stMain']")
    main.get_by_text("Voice of the Child", exact=True).first.wait_for()
    click_and_wait(desktop, desktop.locator(".st-key-staff_board_prepare button"))
    download_button = desktop.locator(".st-key-staff_board_docx button")
    download_button.wait_for(timeout=120000)
    screenshot(desktop, "board-overview")
    with desktop.expect_download(timeout=60000) as info:
        download_button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".docx"

    from docx import Document

    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Priority: Voice of the Child" in headings
    assert any(t.rows for t in doc.tables)
