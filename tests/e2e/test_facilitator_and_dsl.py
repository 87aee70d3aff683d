"""In the browser: a facilitator codes answers and approves a quote; a safeguarding lead reviews a flagged answer.

The app gets its own SQLite database, prepared here with the surveys, two staff accounts and three answers.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.e2e.conftest import AppServer, click_and_wait, screenshot, wait_idle
from tests.unit.workspace.conftest import Maker

MAIN = "[data-testid='stMain']"
PASSWORD = "orange kettle winter 42"
CONSENTING = "We need more lessons at school about staying safe online and on snapchat"
DISCLOSURE = "my stepdad hits me and I am scared to go home"


@pytest.fixture(scope="module")
def server(tmp_path_factory, surveys_dir):
    from sqlalchemy.orm import sessionmaker

    from voice.db import dispose_engine, get_engine, upgrade
    from voice.security.access import SYSTEM
    from voice.security.accounts import create_user
    from voice.surveys.registry import sync_survey_files

    tmp = tmp_path_factory.mktemp("workspace-app")
    url = f"sqlite:///{tmp / 'voice.db'}"
    engine = get_engine(url)
    upgrade(engine)
    with sessionmaker(engine)() as session:
        sync_survey_files(session, surveys_dir)
        create_user(session, SYSTEM, "fran", ["facilitator"], PASSWORD)
        create_user(session, SYSTEM, "dee", ["safeguarding_lead"], PASSWORD)
        make = Maker(session)
        make.response({"esafety_help": CONSENTING}, consent="yes")
        make.response({"esafety_worries": DISCLOSURE})
        make.response({"esafety_worries": "people being mean in group chats"})
        session.commit()
    app = AppServer(tmp, url).start()
    yield app, engine
    app.stop()
    dispose_engine(url)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign_in")
    wait_idle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    # The staff home page greets the signed-in person.
    page.wait_for_function("name => document.querySelector(\"[data-testid='stMain']\")?.innerText"
                           ".includes('Signed in as ' + name)", arg=username)
    wait_idle(page)


def go(page, url_path: str) -> None:
    # Follow the menu: a full page load would start a new (signed-out) session.
    click_and_wait(page, page.locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']").first)


def test_a_facilitator_codes_answers_and_approves_a_quote(server, desktop):
    from voice.models import Quote, ThemeReview

    app, engine = server
    page = desktop
    sign_in(page, app.url, "fran")
    go(page, "workspace")
    main = page.inner_text(MAIN)
    assert CONSENTING in main and "people being mean" in main
    assert DISCLOSURE not in main  # for the safeguarding lead only
    screenshot(page, "workspace-facilitator")

    first = page.locator("[class*='st-key-staff_ws_answer_']").first
    click_and_wait(page, first.get_by_role("button", name="Save themes"))
    assert "Saved the themes" in page.inner_text(MAIN)
    with engine.connect() as connection:
        assert connection.execute(select(ThemeReview.reviewed_by)).scalars().all()[:1] == ["fran"]

    go(page, "quotes")
    candidate = page.locator("[class*='st-key-staff_q_candidate_']", has_text="staying safe online")
    click_and_wait(page, candidate.get_by_role("button", name="Make a quote"))
    click_and_wait(page, page.get_by_role("tab", name="Drafts (1)"))
    screenshot(page, "quote-draft")
    click_and_wait(page, page.get_by_role("button", name="Approve"))
    assert "approved" in page.inner_text(MAIN)
    with engine.connect() as connection:
        status, by = connection.execute(select(Quote.status, Quote.approved_by)).one()
    assert (status, by) == ("approved", "fran")
    screenshot(page, "quote-approved")


def test_a_safeguarding_lead_reviews_a_flagged_answer(server, desktop):
    from voice.models import SafeguardingItem

    app, engine = server
    page = desktop
    # The facilitator test (or this lead's first visit) may run first: make sure the pipeline ran.
    from sqlalchemy.orm import sessionmaker

    from voice.analysis.store import analyse_new_answers

    with sessionmaker(engine)() as session:
        analyse_new_answers(session)
        session.commit()
    sign_in(page, app.url, "dee")
    assert "Workspace" not in page.inner_text(MAIN)  # the staff home offers a lead no workspace
    go(page, "safeguarding")
    assert DISCLOSURE in page.inner_text(MAIN)  # the words are in the list (looking at the queue is audited)
    click_and_wait(page, page.locator("[class*='st-key-staff_sg_open_'] button").first)
    assert DISCLOSURE in page.inner_text(MAIN) and "What raised it" in page.inner_text(MAIN)
    screenshot(page, "safeguarding-item")
    click_and_wait(page, page.get_by_role("button", name="Mark as reviewed"))
    assert "marked as reviewed" in page.inner_text(MAIN)
    with engine.connect() as connection:
        status, by = connection.execute(select(SafeguardingItem.status, SafeguardingItem.reviewed_by)).one()
    assert (status, by) == ("reviewed", "dee")
    screenshot(page, "safeguarding-reviewed")
