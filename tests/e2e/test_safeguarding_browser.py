"""Issue 14, shown in the browser as a safeguarding lead would live it (the app with demo content and a mail
server of its own):

a young person submits a concerning answer on a phone and the item appears in the lead's open queue without
a reload; the e-mail arrives at the test's SMTP server without the young person's words; erasing that
response as a facilitator is refused and shows no held text; `voice retention run` keeps the item; after
the lead closes it and erases the response, the record remains with its notes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from sqlalchemy import select, update

from tests.conftest import need_module
from tests.e2e.a11y import doc_screenshot
from tests.e2e.conftest import DESKTOP, PHONE, ROOT, AppServer, click_and_wait, wait_idle
from tests.e2e.test_facilitator_and_dsl import PASSWORD, go, sign_in
from tests.unit.safeguarding.mail import start_smtp, wait_for

pytestmark = pytest.mark.e2e

MAIN = "[data-testid='stMain']"
NAV = "[data-testid='stSidebarNav']"
WORDS = "a man from a game keeps asking for pics and says he will tell my friends if i stop"
EXTRA = [  # a few more concerning answers beside the demo content, as a real queue would have
    ({"esafety_worries": "sometimes i want to end it all"}, {}),
    ({"esafety_worries": "people in a group chat keep posting about me"}, {"sent_self_image": "yes"}),
    ({}, {"met_online_contact": "yes", "met_alone": "yes", "met_person_lied": "yes"}),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory, surveys_dir):
    """An SMTP server, then the app (told to e-mail it) on its own SQLite database with demo content."""
    need_module("aiosmtpd", "the test's SMTP server")
    from tests.unit.workspace.conftest import Maker
    from voice.analysis.store import analyse_new_answers
    from voice.db import dispose_engine, get_engine, session_scope, upgrade
    from voice.demo import load_demo
    from voice.security.access import SYSTEM
    from voice.security.accounts import create_user
    from voice.surveys.registry import sync_survey_files

    inbox, smtp = start_smtp()
    tmp = tmp_path_factory.mktemp("safeguarding-app")
    url = f"sqlite:///{tmp / 'voice.db'}"
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        sync_survey_files(session, surveys_dir)
        load_demo(session)
        create_user(session, SYSTEM, "dee", ["safeguarding_lead"], PASSWORD)
        create_user(session, SYSTEM, "fran", ["facilitator"], PASSWORD)
        make = Maker(session)
        for texts, closed in EXTRA:
            make.response(texts, group=make.group("DEMO-HILL", "Demo Hill Academy"), extra=closed)
        session.flush()
        analyse_new_answers(session)
    env = {"VOICE_SMTP_HOST": "127.0.0.1", "VOICE_SMTP_PORT": str(inbox.port), "VOICE_SMTP_FROM": "voice@lrscp.example",
           "VOICE_SMTP_TO": "dsl@lrscp.example", "VOICE_BASE_URL": "https://voice.lrscp.example"}
    app = AppServer(tmp, url, extra_env=env).start()
    yield app, engine, inbox
    app.stop()
    smtp.stop()
    dispose_engine(url)


def young_person_sends(page, base: str) -> str:
    """Take the Year 9 survey on a phone: Yes to being threatened on webcam, worrying words. The receipt code."""
    page.goto(f"{base}/?survey=esafety_year9")
    wait_idle(page)
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    answers = {"uses_webcam": "Yes", "webcam_chat_new_people": "Yes", "threatened_on_webcam": "Yes"}
    for _ in range(20):
        text = page.inner_text(MAIN)
        if "Thank you!" in text:
            break
        for question_id, label in answers.items():
            block = page.locator(f".st-key-q-{question_id}")
            if block.count() and not block.locator("input[type=radio]:checked").count():
                before = page.inner_text(MAIN)
                block.locator("[data-testid='stRadioOption']", has_text=re.compile(f"^{label}$")).click()
                wait_idle(page, changed_from=before)
        worries = page.locator(".st-key-q-esafety_worries textarea")
        if worries.count() and not worries.input_value():
            worries.fill(WORDS)
        click_and_wait(page, page.locator(".st-key-yp_next button"))
    assert "Thank you!" in page.inner_text(MAIN)
    return re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", page.inner_text(MAIN)).group(0)


def test_the_lead_is_told_held_means_held_and_the_record_outlives_the_answers(world, browser):
    from voice.models import Answer, Response, SafeguardingItem

    app, engine, inbox = world
    lead = browser.new_context(viewport=DESKTOP).new_page()
    lead.set_default_timeout(30000)
    sign_in(lead, app.url, "dee")
    home = lead.inner_text(MAIN)
    assert re.search(r"\d+ new items in the safeguarding queue", home)
    assert re.search(r"Safeguarding queue \(\d+\)", lead.inner_text(NAV))  # the count in the menu
    go(lead, "safeguarding")
    assert "sometimes i want to end it all" in lead.inner_text(MAIN)  # the words are in the list
    assert WORDS not in lead.inner_text(MAIN)

    # 1. A young person sends a concerning answer; the lead's open queue shows it without a reload.
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(30000)
    receipt = young_person_sends(phone, app.url)
    phone.context.close()
    sent_at = time.monotonic()
    assert wait_for(lambda: WORDS in lead.inner_text(MAIN), timeout=40, step=0.5), "the new item did not appear"
    assert time.monotonic() - sent_at < 35  # the list refreshes itself every 15 seconds
    assert lead.locator("[data-testid='stException']").count() == 0
    with engine.connect() as connection:
        response_id = connection.scalar(select(Response.id).where(Response.receipt_code == receipt))
        item_id = connection.scalar(select(SafeguardingItem.id).where(SafeguardingItem.response_id == response_id))
    assert item_id is not None
    # Newest and most serious first: the new item is at the top with its two indicators.
    first_row = lead.locator("[class*='st-key-staff_sg_row_']").first
    assert WORDS in first_row.inner_text() and "Yes to \u201cHas anyone you chatted to" in first_row.inner_text()
    doc_screenshot(lead, "desktop-safeguarding-queue", full_page=False)

    # 2. The e-mail arrives at the test's SMTP server, without the young person's words.
    assert wait_for(lambda: inbox.messages, timeout=20, step=0.5), "no e-mail arrived"
    mail = inbox.messages[-1][2]
    body = mail.get_content()
    assert mail["Subject"] == "Safeguarding queue: 1 new item" and mail["To"] == "dsl@lrscp.example"
    assert "https://voice.lrscp.example/safeguarding" in body and "Threats or blackmail" in body
    for words in (WORDS, "pics", "game", "Hill"):
        assert words not in body and words not in str(mail["Subject"])

    # 3. The lead opens it: what raised it, the whole response (labelled), who has seen it.
    click_and_wait(lead, lead.locator(f".st-key-staff_sg_open_{item_id} button"))
    detail = lead.inner_text(MAIN)
    assert WORDS in detail and "Their whole response" in detail
    assert "Has anyone you chatted to like this threatened you" in detail  # the closed answer, labelled
    assert "Who has seen it" in detail and "dee, last" in detail
    doc_screenshot(lead, "desktop-safeguarding-item")
    click_and_wait(lead, lead.get_by_role("button", name="← Back to the queue"))
    _phone_screenshots(browser, app.url, item_id)

    # 4. A facilitator cannot erase it while the item is open, and sees none of its words.
    fran = browser.new_context(viewport=DESKTOP).new_page()
    fran.set_default_timeout(30000)
    sign_in(fran, app.url, "fran")
    go(fran, "erase")
    fran.get_by_role("textbox", name="Receipt code").fill(receipt)
    click_and_wait(fran, fran.get_by_role("button", name="Find"))
    text = fran.inner_text(MAIN)
    assert f"a safeguarding lead must first close safeguarding item #{item_id}" in text
    assert WORDS not in text and fran.get_by_role("button", name="Erase these answers").count() == 0
    fran.context.close()

    # 5. `voice retention run`, with the answers long past their retention, keeps the item and the answers.
    _age(engine, response_id)
    run = subprocess.run([sys.executable, "-m", "voice", "retention", "run"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT / "src"),
                                                     "DATABASE_URL": app.database_url})
    assert run.returncode == 0, run.stderr
    assert f"#{item_id}" in run.stdout and "a lead must close it first" in run.stdout
    with engine.connect() as connection:
        assert connection.scalar(select(SafeguardingItem.status).where(SafeguardingItem.id == item_id)) == "new"
        assert connection.scalar(select(Answer.text).where(Answer.response_id == response_id,
                                                           Answer.question_id == "esafety_worries")) == WORDS

    # 6. The lead closes it with notes and erases the response: the record stays, with its notes.
    click_and_wait(lead, lead.locator(f".st-key-staff_sg_open_{item_id} button"))
    assert re.search(r"dee, last [^;]* \(3 times\)", lead.inner_text(MAIN))  # each look is audited (phone too)
    lead.get_by_role("textbox", name="Note (optional)").fill("Called the school's DSL")
    click_and_wait(lead, lead.get_by_role("button", name="Mark as reviewed"))
    lead.get_by_role("textbox", name="What was done (needed for 'Action taken')").fill(
        "Referred to children's social care and CEOP")
    click_and_wait(lead, lead.get_by_role("button", name="Record outcome"))
    assert "Outcome recorded" in lead.inner_text(MAIN)
    click_and_wait(lead, lead.get_by_role("button", name="← Back to the queue"))
    go(lead, "erase")
    lead.get_by_role("textbox", name="Receipt code").fill(receipt)
    click_and_wait(lead, lead.get_by_role("button", name="Find"))
    click_and_wait(lead, lead.get_by_role("button", name="Erase these answers"))
    assert f"The safeguarding record #{item_id} stays, without the answers" in lead.inner_text(MAIN)

    go(lead, "safeguarding")
    assert WORDS not in lead.inner_text(MAIN)  # closed: no longer in the open queue
    lead.locator(f"{MAIN} summary", has_text="Showing: Open").click()
    lead.get_by_role("spinbutton", name="Item number").fill(str(item_id))
    click_and_wait(lead, lead.get_by_role("button", name="Open this item"))
    record = lead.inner_text(MAIN)
    assert "Called the school's DSL" in record and "Referred to children's social care and CEOP" in record
    assert "answers were erased" in record and "Threats or blackmail" in record
    assert WORDS not in record
    with engine.connect() as connection:
        assert connection.scalar(select(Response.id).where(Response.id == response_id)) is None
        assert connection.scalar(select(SafeguardingItem.response_id).where(SafeguardingItem.id == item_id)) is None
    lead.context.close()


def _phone_screenshots(browser, base: str, item_id: int) -> None:
    """The lead on a phone: the queue from the home page's link, then the item (for docs/screenshots)."""
    page = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(30000)
    sign_in(page, base, "dee")
    assert "new items in the safeguarding queue" in page.inner_text(MAIN)
    click_and_wait(page, page.locator(f"{MAIN} a", has_text="Safeguarding queue").first)
    doc_screenshot(page, "phone-safeguarding-queue", full_page=False)
    click_and_wait(page, page.locator(f".st-key-staff_sg_open_{item_id} button"))
    assert WORDS in page.inner_text(MAIN)
    doc_screenshot(page, "phone-safeguarding-item")
    page.context.close()


def _age(engine, response_id: int) -> None:
    """Make the response three years old, so retention would remove its free text if nothing held it."""
    from datetime import timedelta

    from voice.db import utcnow
    from voice.models import Response

    with engine.begin() as connection:
        connection.execute(update(Response).where(Response.id == response_id)
                           .values(submitted_at=utcnow() - timedelta(days=3 * 365)))
