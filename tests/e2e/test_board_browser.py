"""A board member's real task, end to end in the browser: sign in, read the overview, look closer at a
priority, see both waves of each measure and the change between them, download the board report (Word and
PDF) and read it back. Fails on any Streamlit exception box (wait_idle). On the demo content a few answers
through the surveys' always-open links must not change any of it (they once turned every measure into
"fewer than 10").

Keeps screenshots for docs/screenshots (on the embedded demo database only): the priority page, and pages
of the PDF report rendered with pdftoppm.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import has_tool
from tests.e2e.a11y import SCREENSHOTS, doc_screenshot
from tests.e2e.conftest import ARTIFACTS, ROOT, click_and_wait, screenshot, wait_idle

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase for the board"
MAIN = "[data-testid='stMain']"
CHANGE = re.compile(r"[↑↓→] (up|down) \d+\.\d percentage points?, Feb 2016 to Feb 2017 \((better|worse)\)")


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
    _a_few_answers_through_always_open_links(app_server)
    return "bea_board"


def _a_few_answers_through_always_open_links(app_server) -> None:
    """Real-looking answers as young people send them between waves (the survey's always-open link)."""
    import random

    from voice.db import get_engine, session_scope
    from voice.demo import YES_SHARES, generate_answers
    from voice.responses.service import save_step, start_response, submit
    from voice.surveys.registry import get_survey

    rng = random.Random(15)
    engine = get_engine(app_server.database_url)
    for survey_id in ("esafety_year6", "esafety_year9"):
        for _ in range(4):
            with session_scope(engine) as session:
                _, survey = get_survey(session, survey_id)
                progress = start_response(session, survey_id)
                save_step(session, progress.resume_code, generate_answers(survey, YES_SHARES[survey_id]["2017"], rng),
                          [q.id for q in survey.questions], 1)
                submit(session, progress.resume_code)


def _expected(app_server):
    """What the one measure function says for Voice of the Child (the screens and files must say the same)."""
    from voice.db import get_engine, session_scope
    from voice.evidence.impact import MEASURE_COLUMNS, measure_table, priority_trends
    from voice.evidence.priorities import current_period

    with session_scope(get_engine(app_server.database_url)) as session:
        period = current_period(session)
        voice = next(p for p in period.priorities if p.key == "voice_of_child")
        rows = measure_table(priority_trends(session, voice.id, period.ends))
    return [tuple(r[c] for c in MEASURE_COLUMNS) for r in rows]


def test_board_member_reads_the_measures_everywhere_and_downloads_the_report(app_server, board_member, desktop,
                                                                            tmp_path):
    expected = _expected(app_server)
    assert expected, "the demo's Voice of the Child has measures"
    for _label, _, figures, change in expected:
        assert "Feb 2016: " in figures and "Feb 2017: " in figures and "fewer than 10" not in figures, figures
        assert CHANGE.fullmatch(change), change

    page = desktop
    page.goto(f"{app_server.url}/sign_in")
    wait_idle(page)
    page.get_by_label("Username").fill(board_member)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    click_and_wait(page, page.locator("[data-testid='stFormSubmitButton'] button"))
    page.get_by_role("heading", name="Home").wait_for()
    nav = page.inner_text("[data-testid='stSidebarNav']")
    assert "Board overview" in nav and "Priority in depth" not in nav  # reached from the cards, not the menu

    # The overview: who we heard from, and each measure with both waves and the change.
    click_and_wait(page, page.locator("[data-testid='stSidebarNav'] a", has_text="Board overview"))
    page.get_by_role("heading", name="Board overview").wait_for()
    main = page.locator(MAIN)
    main.get_by_text("Voice of the Child", exact=True).first.wait_for()
    text = page.inner_text(MAIN)
    for label, _, figures, change in expected:
        assert label in text and figures in text and change in text
    assert "not set" not in text and not re.search(r"\b1 young people\b", text)

    # A priority in depth: the same words, and a chart of each measure with its description.
    link = main.get_by_role("link", name="Look closer at Voice of the Child")
    link.scroll_into_view_if_needed()
    click_and_wait(page, link)
    page.get_by_role("heading", name="Priority in depth").wait_for()
    page.get_by_role("heading", name="What difference it made").wait_for()
    page.wait_for_timeout(1500)  # the charts draw after the script has finished
    text = page.inner_text(MAIN)
    for label, _, figures, change in expected:
        assert figures in text and change in text
        assert f"{label}, by wave." in text  # the chart's description
    charts = page.locator("[data-testid='stVegaLiteChart'], [data-testid='stArrowVegaLiteChart']")
    assert charts.count() >= len(expected)
    box = charts.last.bounding_box()
    assert box and box["height"] >= 100, box  # sized to its bars, not squeezed
    doc_screenshot(page, "desktop-board-priority")
    _section_screenshot(page, "What difference it made", "desktop-board-priority-measures")

    # The report, from the overview, in both formats, read back.
    click_and_wait(page, page.locator("[data-testid='stSidebarNav'] a", has_text="Board overview"))
    click_and_wait(page, page.locator(".st-key-staff_board_prepare button"))
    word_button = page.locator(".st-key-staff_board_docx button")
    word_button.wait_for(timeout=120000)
    screenshot(page, "board-overview")
    files = {}
    for key in ("docx", "pdf"):
        with page.expect_download(timeout=60000) as info:
            page.locator(f".st-key-staff_board_{key} button").click()
        files[key] = tmp_path / info.value.suggested_filename
        info.value.save_as(files[key])
    assert files["docx"].suffix == ".docx" and files["pdf"].suffix == ".pdf"

    from docx import Document

    doc = Document(str(files["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Priority: Voice of the Child" in headings
    rows = [tuple(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    for row in expected:
        assert row in rows
    words = "\n".join(p.text for p in doc.paragraphs)
    assert "not set" not in words and not re.search(r"\b1 young people\b", words)

    if not has_tool("pdftotext"):
        return
    pdf_text = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True,
                              check=True).stdout
    squashed = re.sub(r"\s+", " ", pdf_text)
    for label, _, _, change in expected:
        assert re.sub(r"\s+", " ", f"{label}: {change}") in squashed
    _keep_report_pages(files["pdf"])


def _section_screenshot(page, heading: str, name: str) -> None:
    """From a heading to the end of the page (the top of a long page is doc_screenshot's), for docs/screenshots."""
    folder = SCREENSHOTS if not os.environ.get("VOICE_TEST_DATABASE_URL", "").strip() else ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height + 50})
    page.wait_for_timeout(500)
    try:
        top = page.get_by_role("heading", name=heading).bounding_box()["y"] - 16
        page.screenshot(path=str(folder / f"{name}.png"), clip={"x": 0, "y": top, "width": size["width"],
                                                                "height": min(height + 50 - top, 3000)},
                        animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(size)


def _keep_report_pages(pdf) -> None:
    """The PDF's first two pages and the page with Voice of the Child's measures, as PNGs for docs/screenshots
    (looked at when the report changes; only from the embedded demo database, as doc_screenshot does)."""
    folder = SCREENSHOTS if not os.environ.get("VOICE_TEST_DATABASE_URL", "").strip() else ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True, check=True).stdout).group(1))
    wanted = {1: "board-report-summary", 2: "board-report-themes"}
    in_priority = False
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        if "Priority: " in text:
            in_priority = "Priority: Voice of the Child" in text
        if in_priority and "What difference it made" in text:
            wanted[number] = "board-report-voice-of-the-child-measures"
            break
    for number, name in wanted.items():
        stem = folder / name
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", "-f", str(number), "-l", str(number),
                        str(pdf), str(stem)], check=True)
