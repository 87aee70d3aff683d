"""Staff sessions in Chromium, through serve.py as the README starts it.

A member of staff signs in with a password; a reload, a second tab and bookmarked pages keep them signed
in with the same role; signing out in one tab signs the other out at its next action; a copied Streamlit
session id gives nothing (before and after the tab closes) and never appears in the server log; an idle
session blanks the page by itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

import pytest
from sqlalchemy import select

from tests.e2e.conftest import AppServer, click_and_wait, screenshot, wait_idle

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
MAIN = "[data-testid='stMain']"
SIDEBAR = "[data-testid='stSidebar']"
NAV = "[data-testid='stSidebarNav']"
IDLE_SECONDS = 6


def _server(tmp, extra_env=None):
    from voice.db import get_engine, session_scope, upgrade
    from voice.security import accounts
    from voice.security.access import SYSTEM

    url = f"sqlite:///{tmp / 'voice.db'}"
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        accounts.create_user(session, SYSTEM, "dee", ["safeguarding_lead"], PASSWORD)
        accounts.create_user(session, SYSTEM, "fran", ["facilitator"], PASSWORD)
        accounts.create_user(session, SYSTEM, "ada", ["admin"], PASSWORD)
    return AppServer(tmp, url, extra_env).start(), engine


@pytest.fixture(scope="module")
def app(tmp_path_factory, engine):
    from voice.db import dispose_engine

    server, db = _server(tmp_path_factory.mktemp("sessions"))
    yield server, db
    server.stop()
    dispose_engine(server.database_url)


@pytest.fixture(scope="module")
def quick_timeout_app(tmp_path_factory, engine):
    from voice.db import dispose_engine

    server, db = _server(tmp_path_factory.mktemp("idle"), {"VOICE_SESSION_IDLE_SECONDS": str(IDLE_SECONDS)})
    yield server, db
    server.stop()
    dispose_engine(server.database_url)


def sign_in_here(page, username: str) -> None:
    """Fill in the sign-in form already on the page (at /sign_in or at a staff page's own address)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("[data-testid='stFormSubmitButton'] button").click()
    page.locator(SIDEBAR).get_by_text(f"Signed in as {username}").wait_for()
    wait_idle(page)


def open_page(page, url: str) -> str:
    page.goto(url)
    wait_idle(page)
    return page.locator(f"{MAIN} h1").first.inner_text()


def test_signed_in_across_reloads_tabs_and_bookmarks(app, browser):
    server, _ = app
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        # A bookmark to the queue, opened signed out: the sign-in form, at that address.
        assert open_page(page, f"{server.url}/safeguarding") == "Staff sign in"
        assert "Please sign in to open that page" in page.inner_text(MAIN)
        assert "Have your say" not in page.inner_text(MAIN)
        screenshot(page, "sign-in-for-a-bookmarked-page")
        sign_in_here(page, "dee")
        assert page.url == f"{server.url}/safeguarding"  # back where she asked to go
        assert page.locator(f"{MAIN} h1").first.inner_text() == "Safeguarding queue"

        cookie = next(c for c in context.cookies() if c["name"] == "voice_staff")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert cookie["expires"] == -1  # gone when the browser closes; the server ends it sooner
        assert not cookie["secure"]  # plain http on this machine only; Secure over https (unit tested)

        page.reload()
        wait_idle(page)
        assert page.locator(f"{MAIN} h1").first.inner_text() == "Safeguarding queue"
        assert "Signed in as dee" in page.inner_text(SIDEBAR)

        second = context.new_page()
        assert open_page(second, f"{server.url}/") == "Home"
        assert "Safeguarding lead" in second.inner_text(MAIN)
        assert open_page(second, f"{server.url}/safeguarding") == "Safeguarding queue"
        nav = second.inner_text(NAV)
        assert "Safeguarding queue" in nav and "Workspace" not in nav and "Accounts" not in nav  # same role
        # A page her role does not open is simply not there, signed in or not.
        open_page(second, f"{server.url}/accounts")
        assert "Add an account" not in second.inner_text(MAIN)
    finally:
        context.close()


def test_signing_out_in_one_tab_signs_out_the_other_at_its_next_action(app, browser):
    server, db = app
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    first, second = context.new_page(), context.new_page()
    try:
        open_page(first, f"{server.url}/workspace")
        sign_in_here(first, "fran")
        assert open_page(second, f"{server.url}/quotes") == "Quotes"

        click_and_wait(first, first.get_by_role("button", name="Sign out"))
        first.get_by_text("You have signed out").wait_for()
        assert "Signed in" not in first.inner_text("body")
        screenshot(first, "signed-out")
        assert "voice_staff" not in {c["name"] for c in context.cookies()}

        # The other tab still shows the quotes page; its next click finds the session ended.
        click_and_wait(second, second.locator(NAV).get_by_text("Workspace"))
        second.get_by_text("signed out, in another tab or window").wait_for()
        assert "Signed in" not in second.inner_text("body")
        assert second.locator(f"{MAIN} h1").first.inner_text() == "Staff sign in"
    finally:
        context.close()
    from voice.models import AuditEvent

    with db.connect() as connection:
        actions = list(connection.execute(select(AuditEvent.action).where(AuditEvent.actor == "fran")).scalars())
    assert actions.count("sign_in") == 1 and actions.count("sign_out") == 1


def _session_ids(page) -> list[str]:
    """Collect the Streamlit session ids the server tells this page (what a copy from the browser yields)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ids: list[str] = []

    def on_frame(payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(bytes(payload))
        except Exception:
            return
        if message.WhichOneof("type") == "new_session" and message.new_session.initialize.session_id:
            ids.append(message.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return ids


def _attach_with(url: str, session_id: str) -> str:
    """Another client presenting `session_id` (no cookies), as a thief would: what does it get?"""
    from benchmarks.load.protocol import StreamlitSession

    async def attach() -> str:
        async with StreamlitSession(url, existing_session_id=session_id) as stolen:
            # What it would show: every text element but the app's fixed style sheets.
            return "\n".join(t for t in stolen.page.texts if not t.lstrip().startswith("<style"))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's loop
        return pool.submit(asyncio.run, attach()).result(60)


def test_a_copied_streamlit_session_id_gives_nothing(app, browser):
    server, _ = app
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    ids = _session_ids(page)
    open_page(page, f"{server.url}/sign_in")
    sign_in_here(page, "ada")
    open_page(page, f"{server.url}/accounts")
    assert "Add an account" in page.inner_text(MAIN)
    session_id = ids[-1]

    seen_while_open = _attach_with(server.url, session_id)
    page.close()  # the admin's tab closes; Streamlit keeps the session a while for a reconnect
    seen_after_close = _attach_with(server.url, session_id)
    for seen in (seen_while_open, seen_after_close):
        assert "Have your say" in seen  # the young people's page, as for anyone signed out
        assert "Signed in" not in seen and "Add an account" not in seen and "Accounts" not in seen

    # The admin's own browser is still signed in: the attempt changed nothing for her.
    again = context.new_page()
    assert open_page(again, f"{server.url}/accounts") == "Accounts"
    context.close()

    log = server.log_path.read_text()
    assert "Reconnecting to existing session" in log  # Streamlit did log the reconnect…
    assert session_id not in log  # …without the id
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", log)
    assert "ticket=" not in log or "ticket=[redacted]" in log


def test_an_idle_session_blanks_the_page_by_itself(quick_timeout_app, browser):
    server, db = quick_timeout_app
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        open_page(page, f"{server.url}/safeguarding")
        sign_in_here(page, "dee")
        assert page.locator(f"{MAIN} h1").first.inner_text() == "Safeguarding queue"
        # Nobody touches anything. Within the idle limit plus one check the screen clears by itself.
        page.get_by_text("signed out because nothing happened").wait_for(timeout=(IDLE_SECONDS + 15) * 1000)
        wait_idle(page)
        assert "Safeguarding queue" not in page.inner_text(MAIN) and "Signed in" not in page.inner_text("body")
        assert page.locator(f"{MAIN} h1").first.inner_text() == "Staff sign in"
        screenshot(page, "timed-out")
        # Signing in again returns to the page that was open.
        sign_in_here(page, "dee")
        assert page.locator(f"{MAIN} h1").first.inner_text() == "Safeguarding queue"
    finally:
        context.close()
    from voice.models import AuditEvent

    with db.connect() as connection:
        assert connection.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "session_timed_out")).scalars().all() == ["dee"]
