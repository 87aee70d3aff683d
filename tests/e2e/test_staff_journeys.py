"""Issue 16: a facilitator's and an admin's daily work, end to end in Chromium, on the embedded demo database.

Facilitator: a young person's comment (with consent) -> themes in the workspace (and a page accepted in bulk,
then undone) -> a quote made and approved -> a "you said, we did" item saved (Save pressed twice: one item),
published and read by a young person on /you_said_we_did -> the quote withdrawn, and gone from that page.
Admin: add an account (a weak password refused, the form kept), reset a password (shown once), disable an
account; the reset person must choose a new password when they sign in. Addresses outside a person's menu
are refused and audited. Every step fails on any Streamlit exception box (wait_idle checks).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from tests.e2e.conftest import DESKTOP, PHONE, ROOT, AppServer, click_and_wait, screenshot, wait_idle

pytestmark = pytest.mark.e2e

MAIN = "[data-testid='stMain']"
NAV = "[data-testid='stSidebarNav']"
PASSWORD = "orange kettle winter 42"
COMMENT = "The zebra crossing by the leisure centre needs a lollipop person after school clubs"
YOU_SAID = "You said the crossing by the leisure centre is not safe after clubs"
WE_DID = "We asked the council for a crossing patrol until 6pm"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on the embedded default (demo content on first start, as a newcomer sees it)."""
    app = AppServer(tmp_path_factory.mktemp("journeys"), None).start()
    yield app
    app.stop()


def voice_cli(server, *args: str, stdin: str = "") -> str:
    env = {**server.env, "DATABASE_URL": server.database_url}
    done = subprocess.run([sys.executable, "-m", "voice", *args], input=stdin, text=True, capture_output=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def engine(server, browser):
    from voice.db import dispose_engine, get_engine

    page = browser.new_page()
    page.goto(server.url)
    wait_idle(page)  # the app has migrated its database and loaded the demo content
    page.close()
    voice_cli(server, "user", "add", "fay", "--role", "facilitator", "--password-stdin", stdin=PASSWORD + "\n")
    voice_cli(server, "user", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    eng = get_engine(server.database_url)
    yield eng
    dispose_engine(server.database_url)


def wait_text(page, text: str, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while text not in page.inner_text(MAIN):
        if time.time() > deadline:
            screenshot(page, "journey-failed")
            raise AssertionError(f"{text!r} never appeared:\n{page.inner_text(MAIN)}")
        time.sleep(0.1)
    wait_idle(page)


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign_in")
    wait_idle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    wait_idle(page)


def go(page, url_path: str) -> None:
    # Follow the menu: loading an address would start a new, signed-out session.
    click_and_wait(page, page.locator(f"{NAV} a[href$='/{url_path}']").first)


def search(page, key: str, words: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(words)
    before = page.inner_text(MAIN)
    box.press("Enter")
    wait_idle(page, changed_from=before)


def pick_option(page, container, label_text: str, typed: str) -> None:
    """Choose in a multiselect by typing, as a person would with a long list."""
    container.locator("[data-testid='stMultiSelect']").click()
    container.locator("[data-testid='stMultiSelect'] input").fill(typed)
    page.get_by_role("option").filter(has_text=label_text).first.click()
    page.keyboard.press("Escape")


def test_a_facilitator_takes_a_comment_to_a_published_reply_and_withdraws_the_quote(server, engine, desktop, browser):
    from tests.unit.workspace.conftest import Maker
    from voice.db import session_scope
    from voice.models import AuditEvent, Quote, ThemeReview, YouSaidWeDid

    with session_scope(engine) as session:  # a young person's comment, sent with "yes, use my words"
        Maker(session).response({"esafety_help": COMMENT}, consent="yes")
    page = desktop
    sign_in(page, server.url, "fay")

    # Workspace: find the comment among hundreds, give it its themes.
    go(page, "workspace")
    main = page.inner_text(MAIN)
    assert re.search(r"Page 1 of \d+ · [\d,]+ answers", main), main[:600]
    assert not re.search(r"Answer \d+ ·", main)  # no internal ids on the cards
    search(page, "staff_ws_search", "lollipop")
    card = page.locator("[class*='st-key-staff_ws_answer_']", has_text="lollipop")
    assert card.count() == 1
    assert "What would help you and your friends stay safe online?" in card.inner_text()  # the question's words
    pick_option(page, card, "Online safety", "Online")
    click_and_wait(page, card.get_by_role("button", name="Save themes"))
    wait_text(page, "Saved the themes for “The zebra crossing")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ThemeReview).where(
            ThemeReview.reviewed_by == "fay")) >= 1

    # A page of demo answers accepted in one go, then undone.
    search(page, "staff_ws_search", "")
    bulk = page.get_by_role("button", name=re.compile(r"^Accept the suggested themes for the \d+ answers"))
    click_and_wait(page, bulk)
    wait_text(page, "Changed your mind?")
    click_and_wait(page, page.get_by_role("button", name="Undo", exact=True))
    wait_text(page, "are back in “To review”")
    screenshot(page, "journey-workspace")

    # Quotes: make it, approve it.
    go(page, "quotes")
    search(page, "staff_q_search", "lollipop")
    candidate = page.locator("[class*='st-key-staff_q_candidate_']", has_text="lollipop")
    click_and_wait(page, candidate.get_by_role("button", name="Make a quote"))
    wait_text(page, "Draft quote made from “The zebra crossing")
    click_and_wait(page, page.get_by_role("tab", name=re.compile(r"^Drafts \(")))
    draft = page.locator("[class*='st-key-staff_q_draft_']", has_text="lollipop")
    click_and_wait(page, draft.get_by_role("button", name="Approve"))
    wait_text(page, "Approved “The zebra crossing")
    with engine.connect() as connection:
        quote_id, status = connection.execute(select(Quote.id, Quote.status).where(
            Quote.text.like("%lollipop%"))).one()
    assert status == "approved"

    # "You said, we did": write it, link the quote, Save pressed twice, publish.
    go(page, "yswd_manage")
    form = page.locator("[data-testid='stForm']").first
    form.get_by_role("textbox", name="You said (in young people's terms)").fill(YOU_SAID)
    form.get_by_role("textbox", name="We did").fill(WE_DID)
    quotes_box = form.locator("[data-testid='stMultiSelect']").nth(1)
    quotes_box.click()
    quotes_box.locator("input").fill("lollipop")
    page.get_by_role("option").filter(has_text="lollipop").first.click()
    page.keyboard.press("Escape")
    form.get_by_text("Approved quotes").click()  # the list closed, so nothing covers Save
    page.wait_for_timeout(300)
    before = page.inner_text(MAIN)
    form.get_by_role("button", name="Save", exact=True).dblclick()  # an impatient second press
    wait_idle(page, changed_from=before)
    wait_text(page, "Saved the new item")
    with engine.connect() as connection:
        rows = connection.execute(select(YouSaidWeDid.id).where(YouSaidWeDid.you_said == YOU_SAID)).all()
    assert len(rows) == 1, "a second press of Save must not make a second item"
    click_and_wait(page, page.get_by_role("button", name="Publish for young people"))
    wait_text(page, "young people can see it now")
    screenshot(page, "journey-yswd-published")

    # A young person reads it on a phone, with the quote.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(20000)
    phone.goto(f"{server.url}/you_said_we_did")
    wait_idle(phone)
    phone.get_by_text(YOU_SAID).first.wait_for()
    shown = phone.inner_text(MAIN)
    assert WE_DID in shown and "lollipop" in shown
    screenshot(phone, "journey-yswd-young-person")

    # The quote is withdrawn: the facilitator sees where it is used first; it leaves the public page.
    go(page, "quotes")
    click_and_wait(page, page.get_by_role("tab", name=re.compile(r"^Approved \(")))
    search(page, "staff_q_approved_search", "lollipop")
    approved = page.locator(f".st-key-staff_q_approved_{quote_id}")
    approved.get_by_text("Withdraw this quote").click()
    approved.get_by_text("1 published").wait_for()
    approved.get_by_text("Yes, withdraw it everywhere").click()
    click_and_wait(page, approved.get_by_role("button", name="Withdraw quote"))
    wait_text(page, "Withdrawn “The zebra crossing")
    screenshot(page, "journey-quote-withdrawn")
    phone.reload()
    wait_idle(phone)
    phone.get_by_text(YOU_SAID).first.wait_for()
    assert "lollipop" not in phone.inner_text(MAIN)  # the item stays, the quote is gone
    phone.context.close()

    with engine.connect() as connection:
        actions = set(connection.execute(select(AuditEvent.action).where(AuditEvent.actor == "fay")).scalars())
    assert {"themes_reviewed", "themes_bulk_accepted", "themes_bulk_undone", "quote_created", "quote_approved",
            "yswd_created", "yswd_published", "quote_withdrawn"} <= actions


def test_an_admin_adds_resets_and_disables_and_the_reset_person_chooses_a_new_password(server, engine, desktop,
                                                                                     browser):
    from voice.models import AuditEvent, User

    page = desktop
    sign_in(page, server.url, "ada")
    go(page, "accounts")
    form = page.locator("[data-testid='stForm']").first
    form.get_by_role("textbox", name="Username").fill("sam")
    form.locator("[data-testid='stMultiSelect']").click()
    page.get_by_role("option", name="Facilitator", exact=True).click()
    page.keyboard.press("Escape")
    password_box = form.get_by_label("First password (at least 12 characters)")
    password_box.fill("qwertyuiop12")
    click_and_wait(page, form.get_by_role("button", name="Add account"))
    wait_text(page, "most common")
    assert form.get_by_role("textbox", name="Username").input_value() == "sam"  # kept after the refusal
    password_box.fill("purple elephant dances")
    click_and_wait(page, form.get_by_role("button", name="Add account"))
    wait_text(page, "Added sam.")

    # A second account to disable.
    form = page.locator("[data-testid='stForm']").first
    form.get_by_role("textbox", name="Username").fill("bob")
    form.locator("[data-testid='stMultiSelect']").click()
    page.get_by_role("option", name="Board member", exact=True).click()
    page.keyboard.press("Escape")
    click_and_wait(page, form.get_by_role("button", name="Add account"))
    wait_text(page, "Added bob.")
    click_and_wait(page, page.get_by_role("button", name="Disable bob"))
    wait_text(page, "bob is disabled")

    # Reset sam's password: shown once.
    page.locator("[class*='st-key-admin_users_chosen_'] [data-testid='stSelectbox']").click()
    page.get_by_role("option", name="sam", exact=True).click()
    wait_idle(page)
    page.locator("[data-testid='stExpander'] summary", has_text="Reset sam's password").click()
    click_and_wait(page, page.locator(".st-key-admin_users_reset_sam button"))
    wait_text(page, "shown only this once")
    temporary = page.locator(f"{MAIN} [data-testid='stCode'] code").first.inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", temporary), temporary
    screenshot(page, "journey-admin-reset")

    # Sam signs in with it and must choose a new password before anything else.
    other = browser.new_context(viewport=DESKTOP).new_page()
    other.set_default_timeout(20000)
    sign_in(other, server.url, "sam", temporary)
    wait_text(other, "Choose a new password")
    assert "Workspace" not in other.inner_text(MAIN)
    other.get_by_label("Password you signed in with").fill(temporary)
    other.get_by_label("New password (at least 12 characters)").fill("123456789012")
    other.get_by_label("New password again").fill("123456789012")
    click_and_wait(other, other.get_by_role("button", name="Save my new password"))
    wait_text(other, "counts up or down")
    other.get_by_label("New password (at least 12 characters)").fill("lantern meadow quiet 7")
    other.get_by_label("New password again").fill("lantern meadow quiet 7")
    click_and_wait(other, other.get_by_role("button", name="Save my new password"))
    wait_text(other, "Signed in as sam")
    screenshot(other, "journey-new-password-chosen")
    other.context.close()

    with engine.connect() as connection:
        sam = connection.execute(select(User).where(User.username == "sam")).one()
        bob = connection.execute(select(User).where(User.username == "bob")).one()
        actions = set(connection.execute(select(AuditEvent.action).where(
            AuditEvent.target_id.in_(["sam", "bob"]))).scalars())
    assert not sam.must_change_password and not bob.active
    assert {"user_created", "user_password_reset", "user_password_changed", "user_disabled"} <= actions


def test_typed_addresses_of_staff_pages_are_refused_and_audited(server, engine, browser):
    """A new browser session (nobody signed in) typing each staff page's address: refused, each one audited."""
    from voice.models import AuditEvent
    from voice.ui.navigation import PAGES

    staff = [p for p in PAGES if p.roles and p.url_path]
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "page_refused", AuditEvent.actor == "anonymous"))
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.set_default_timeout(20000)
    for spec in staff:
        page.goto(f"{server.url}/{spec.url_path}")
        wait_idle(page)
        assert "Add an account" not in page.inner_text(MAIN)
    page.context.close()
    deadline = time.time() + 10
    while True:
        with engine.connect() as connection:
            after = connection.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "page_refused", AuditEvent.actor == "anonymous"))
        if after - before >= len(staff) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert after - before == len(staff)
