"""The real app in Chromium: sign in through the form, stored text shown literally (no XSS), refusals."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import click_and_wait, screenshot, wait_idle

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"
PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def seeded(app_server):
    """A facilitator account and one sent response holding the XSS text, in the app's own database."""
    from tests.unit.security.helpers import publish_survey, submitted_response
    from voice.db import get_engine, session_scope, upgrade
    from voice.security import accounts
    from voice.security.access import SYSTEM

    engine = get_engine(app_server.database_url)
    upgrade(engine)  # the app migrates on its first page view; do it now so we can add rows first
    with session_scope(engine) as session:
        accounts.create_user(session, SYSTEM, "fay", ["facilitator"], PASSWORD)
        publish_survey(session)
        receipt = submitted_response(session, XSS)
    return receipt


def _sign_in(page, url, username, password):
    page.goto(f"{url}/sign_in")
    wait_idle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    click_and_wait(page, page.locator("[data-testid='stFormSubmitButton'] button"))


def test_stored_text_is_shown_literally_on_a_staff_page(app_server, seeded, desktop):
    dialogs = []
    desktop.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(desktop, app_server.url, "fay", PASSWORD)
    desktop.get_by_role("heading", name="Home").wait_for()
    assert "Signed in as fay" in desktop.inner_text("[data-testid='stSidebar']")

    # Session state lives in this tab's connection: move by the menu, not by loading a new address.
    click_and_wait(desktop, desktop.locator("[data-testid='stSidebarNav'] a", has_text="Erase a response"))
    desktop.get_by_label("Receipt code").fill(seeded)
    click_and_wait(desktop, desktop.locator("[data-testid='stFormSubmitButton'] button"))
    main = desktop.locator("[data-testid='stMain']")
    assert XSS in main.inner_text()  # the characters themselves, on screen
    # …and nothing was turned into markup or run.
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("script:has-text('alert(2)')").count() == 0
    desktop.wait_for_timeout(300)
    assert dialogs == []
    screenshot(desktop, "xss-shown-as-text")


def test_a_page_outside_your_roles_is_not_there(app_server, seeded, desktop):
    _sign_in(desktop, app_server.url, "fay", PASSWORD)
    nav = desktop.inner_text("[data-testid='stSidebarNav']")
    assert "Erase a response" in nav and "Accounts" not in nav and "Audit trail" not in nav
    # Typing an admin address: still signed in (the session cookie), but for a facilitator the page is
    # simply not there, and the staff home page is shown instead.
    desktop.goto(f"{app_server.url}/accounts")
    wait_idle(desktop)
    text = desktop.inner_text("[data-testid='stMain']")
    assert "Add an account" not in text and "Signed in as fay" in text


def test_a_wrong_password_gets_a_kind_generic_message(app_server, seeded, phone):
    _sign_in(phone, app_server.url, "fay", "not my password")
    assert "don't match an account" in phone.inner_text("[data-testid='stMain']")
    assert phone.locator("[data-testid='stSidebar'] >> text=Signed in").count() == 0
