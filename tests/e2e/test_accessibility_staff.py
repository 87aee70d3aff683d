"""Issue 8, staff: axe-core on every staff page (1280 x 800), and an admin adds an account.

The facilitator's (codes answers, approves a quote) and the safeguarding lead's (reviews a flagged answer)
journeys are in test_facilitator_and_dsl.py, the board member's (opens the overview, downloads the board
report) in test_board_browser.py; this module checks their pages with axe-core and keeps the
desktop screenshots in docs/screenshots. One signed-in session (an account holding every staff role)
walks the whole menu, so a page added to voice.ui.navigation.PAGES is checked without changing this file.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select

from tests.e2e.a11y import assert_no_violations, axe_available, doc_screenshot, run_axe
from tests.e2e.conftest import DESKTOP, PHONE, click_and_wait, wait_idle
from voice.ui.navigation import PAGES

pytestmark = pytest.mark.e2e

MAIN = "[data-testid='stMain']"
NAV = "[data-testid='stSidebarNav']"
PASSWORD = "plum teapot autumn 1987"
ALL_ROLES = ["facilitator", "safeguarding_lead", "board_member", "admin"]
CONSENTING = "We need more lessons at school about staying safe online and on snapchat"
DISCLOSURE = "my stepdad hits me and I am scared to go home"
# Desktop screenshots for docs/screenshots, by the page's url path.
# (The safeguarding queue's is taken by test_safeguarding_browser.py, with a new item arriving.)
SCREENSHOT_FOR = {"workspace": "desktop-workspace", "results": "desktop-results", "board": "desktop-board-overview"}


@pytest.fixture(scope="module")
def staff_db(app_server):
    """Accounts, the demo content, two answers (one the concern check flags) and the analysis, in the app's database."""
    from tests.unit.workspace.conftest import Maker
    from voice.analysis.store import analyse_new_answers
    from voice.config import get_settings
    from voice.db import get_engine, session_scope, upgrade
    from voice.security.access import SYSTEM
    from voice.security.accounts import create_user
    from voice.surveys.registry import sync_survey_files

    from voice.demo import load_demo

    engine = get_engine(app_server.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        sync_survey_files(session, get_settings().surveys_dir)
        # Demo schools and answers, as a newcomer sees them (the app adds them itself only to an empty
        # embedded database, and another module may have added a response first). Adds only what is missing.
        load_demo(session)
        create_user(session, SYSTEM, "a11y_all", ALL_ROLES, PASSWORD)
        create_user(session, SYSTEM, "a11y_admin", ["admin"], PASSWORD)
        make = Maker(session)
        make.response({"esafety_help": CONSENTING}, consent="yes")
        make.response({"esafety_worries": DISCLOSURE})
        session.flush()
        analyse_new_answers(session)
    return engine


@pytest.fixture(scope="module")
def staff(browser):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def sign_in(page, base: str, username: str) -> None:
    # Staff stay signed in across page loads (the session cookie): another person signing in on this
    # module's shared page starts from a signed-out browser.
    page.context.clear_cookies()
    page.goto(f"{base}/sign_in")
    wait_idle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    page.get_by_text(f"Signed in as {username}").first.wait_for()
    wait_idle(page)


def go(page, url_path: str) -> None:
    # Follow the menu: loading an address would start a new, signed-out session.
    click_and_wait(page, page.locator(f"{NAV} a[href$='/{url_path}']").first)


def staff_url_paths(roles: set[str]) -> list[str]:
    # "staff" (home) is the default page, at the site's root address; it is checked after signing in.
    # Hidden pages (a priority in depth) are reached from another page, not the menu.
    return [p.url_path for p in PAGES if p.roles & roles and p.url_path and p.url_path != "staff"
            and not getattr(p, "hidden", False)]


def test_every_staff_page_passes_axe(app_server, staff_db, staff):
    axe_available()
    page = staff
    runs = []

    # Sign in, on a desktop and on a phone (staff use both).
    page.goto(f"{app_server.url}/sign_in")
    wait_idle(page)
    runs.append(run_axe(page, "staff sign in"))
    page.set_viewport_size(PHONE)
    runs.append(run_axe(page, "staff sign in (phone)"))
    page.set_viewport_size(DESKTOP)

    sign_in(page, app_server.url, "a11y_all")
    runs.append(run_axe(page, "staff home"))

    expected = staff_url_paths(set(ALL_ROLES))
    more = page.locator("[data-testid='stSidebarNavViewButton']")  # the menu shows 10 links until asked
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    in_menu = [h.split("/")[-1] for h in page.locator(f"{NAV} a").evaluate_all("els => els.map(e => e.href)")]
    assert set(expected) <= set(in_menu), f"missing from the menu: {set(expected) - set(in_menu)}"
    for url_path in expected:
        go(page, url_path)
        title = page.locator(f"{MAIN} h1").first.inner_text()
        runs.append(run_axe(page, f"{title} (/{url_path})"))
        if url_path in SCREENSHOT_FOR:
            doc_screenshot(page, SCREENSHOT_FOR[url_path], full_page=False)

        # The screens behind the first one, where they hold most of the page's controls.
        if url_path == "safeguarding":
            click_and_wait(page, page.locator("[class*='st-key-staff_sg_open_'] button").first)
            assert "What raised it" in page.inner_text(MAIN)  # the first item (demo content may lead)
            runs.append(run_axe(page, "Safeguarding queue: an item opened"))
        elif url_path == "survey_editor":
            page.locator(".st-key-staff_editor_from_id input").fill(f"a11y_copy_{app_server.port}")
            click_and_wait(page, page.get_by_role("button", name="Start from this survey"))
            page.get_by_text("every change is saved").wait_for()
            wait_idle(page)
            runs.append(run_axe(page, "Survey editor: a survey open for editing"))
            doc_screenshot(page, "desktop-survey-editor", full_page=False)
            page.get_by_role("tab", name="Preview on a phone").click()
            wait_idle(page)
            runs.append(run_axe(page, "Survey editor: phone preview"))
        elif url_path == "board":
            link = page.locator(f"{MAIN} a[href*='board_priority']").first
            if link.count():  # the overview links each priority to its page in depth
                click_and_wait(page, link)
                runs.append(run_axe(page, "Board: a priority in depth"))
        elif url_path == "codebook":
            page.get_by_role("tab", name="History").click()
            wait_idle(page)
            runs.append(run_axe(page, "Codebook: history tab"))
        elif url_path == "quotes":
            page.get_by_role("tab", name=re.compile(r"^Drafts")).click()
            wait_idle(page)
            runs.append(run_axe(page, "Quotes: drafts tab"))
    assert_no_violations(runs)


def test_an_admin_adds_an_account(app_server, staff_db, staff):
    from voice.models import AuditEvent, User

    page = staff
    sign_in(page, app_server.url, "a11y_admin")
    go(page, "accounts")
    form = page.locator("[data-testid='stForm']").first
    form.get_by_role("textbox", name="Username").fill("new_facilitator")
    form.locator("[data-testid='stMultiSelect']").click()
    page.get_by_role("option", name="Facilitator", exact=True).click()
    page.keyboard.press("Escape")
    form.get_by_label("First password (at least 12 characters)").fill("a new long passphrase")
    click_and_wait(page, form.get_by_role("button", name="Add account"))
    assert "Added new_facilitator." in page.inner_text(MAIN)

    engine = create_engine(app_server.database_url)
    try:
        with engine.connect() as connection:
            user = connection.execute(select(User).where(User.username == "new_facilitator")).one()
            event = connection.execute(select(AuditEvent.actor).where(
                AuditEvent.action == "user_created", AuditEvent.target_id == "new_facilitator")).scalar_one()
    finally:
        engine.dispose()
    assert user.active and event == "a11y_admin"
    assert "facilitator" in str(user.roles)
