"""A facilitator builds a two-question survey in the editor, previews it at phone size, publishes it and
opens a campaign for a group; a young person answers it on a phone through the group's link."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from tests.e2e.conftest import ROOT, click_and_wait, screenshot, wait_idle
from voice.models import Answer, Campaign, Group, Response, SurveyRecord

MAIN = "[data-testid='stMain']"
PASSWORD = "correct horse battery staple"


def voice_cli(server, *args: str, stdin: str = "") -> None:
    env = {**server.env, "DATABASE_URL": server.database_url}
    done = subprocess.run([sys.executable, "-m", "voice", *args], input=stdin, text=True, capture_output=True,
                          env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def wait_text(page, text: str, timeout: float = 15.0) -> None:
    """Wait until the main area shows `text` (a re-run can finish after the first idle signal)."""
    deadline = time.time() + timeout
    while text not in page.inner_text(MAIN):
        assert time.time() < deadline, f"{text!r} never appeared:\n{page.inner_text(MAIN)}"
        time.sleep(0.1)
    wait_idle(page)


def pick(page, key: str, option: str) -> None:
    """Choose `option` in the selectbox with widget key `key` (retried: a re-run can redraw it mid-click)."""
    for _attempt in range(3):
        wait_idle(page)
        page.locator(f".st-key-{key} [data-testid='stSelectbox']").click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=5000)
        except Exception:
            page.keyboard.press("Escape")
            continue
        choice.click()
        wait_idle(page)
        return
    raise AssertionError(f"could not choose {option!r} in {key}")


def test_facilitator_builds_publishes_and_a_young_person_answers(app_server, desktop, browser):
    page = desktop
    page.goto(app_server.url)
    wait_idle(page)  # the app has prepared its database
    # Sign-in comes from feat/security: an account made with `voice user add`, then pages/sign_in.py.
    voice_cli(app_server, "user", "add", "edith", "--role", "facilitator", "--password-stdin", stdin=PASSWORD + "\n")
    engine = create_engine(app_server.database_url)
    with engine.begin() as connection:
        connection.execute(Group.__table__.insert().values(code="YPAG-E2E", name="YPAG test group", area="",
                                                           type="ypag", is_demo=False))

    page.goto(f"{app_server.url}/sign_in")
    wait_idle(page)
    page.get_by_role("textbox", name="Username").fill("edith")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    # Move through the menu: a fresh page load would be a new, signed-out session.
    click_and_wait(page, page.locator("[data-testid='stSidebarNav'] a", has_text="Survey editor"))
    assert "Survey editor" in page.inner_text(MAIN)

    # A new survey with two questions; the second only for those who said yes.
    page.locator(".st-key-staff_editor_new_title input").fill("Our March survey")
    page.locator(".st-key-staff_editor_new_id input").fill("march_e2e")
    click_and_wait(page, page.get_by_role("button", name="Start", exact=True).first)
    wait_text(page, "Editing Our March survey")

    pick(page, "staff_add_q_questions_type", "Yes / No")
    page.locator(".st-key-staff_add_q_questions_text_en input").fill("Do you feel safe at school?")
    page.locator(".st-key-staff_add_q_questions_id input").fill("feel_safe")
    click_and_wait(page, page.get_by_role("button", name="Add question"))
    wait_text(page, "Do you feel safe at school?")

    # A refused edit says what to fix, where it was made: a pick-one question with no options.
    page.get_by_text("Add a question to this section").click()
    page.locator(".st-key-staff_add_q_questions_text_en input").wait_for(state="visible")
    pick(page, "staff_add_q_questions_type", "Pick one")  # said outright: a re-run may not have reset it yet
    page.locator(".st-key-staff_add_q_questions_text_en input").fill("What helps you most?")
    page.locator(".st-key-staff_add_q_questions_id input").fill("what_helps")
    expect(page.locator(".st-key-staff_add_q_questions_id input")).to_have_value("what_helps")
    click_and_wait(page, page.get_by_role("button", name="Add question"))
    wait_text(page, "needs at least one option")
    page.locator(".st-key-staff_add_q_questions_options textarea").fill("friends: Friends\nteachers: Teachers")
    click_and_wait(page, page.get_by_role("button", name="Add question"))
    wait_text(page, "What helps you most?")

    click_and_wait(page, page.locator(".st-key-staff_q_edit_what_helps button").first)
    wait_text(page, "Skip rule:")
    pick(page, "staff_rule_v1_what_helps", "yes")
    click_and_wait(page, page.get_by_role("button", name="Save skip rule"))
    wait_text(page, "shown if feel_safe is yes")
    screenshot(page, "editor-build-desktop")

    # Preview at phone width, drawn by the young person's own code.
    page.get_by_role("tab", name="Preview on a phone").click()
    phone_frame = page.locator(".st-key-staff_preview_phone")
    phone_frame.wait_for()
    assert phone_frame.bounding_box()["width"] <= 390
    click_and_wait(page, page.locator(".st-key-staff_preview_start button"))
    assert "Do you feel safe at school?" in phone_frame.inner_text()
    assert "What helps you most?" not in phone_frame.inner_text()  # hidden until "Yes"
    phone_frame.locator(".st-key-staff_preview-q-feel_safe [data-testid='stRadioOption']",
                        has_text=re.compile("^Yes$")).click()
    # .first: the question is shown in bold and is also the choices' (hidden) label, for screen readers.
    phone_frame.get_by_text("What helps you most?").first.wait_for()
    screenshot(page, "editor-preview-phone-frame")

    page.get_by_role("tab", name="Publish").click()
    # Publishing asks about the front page: this survey is for one group, so it is shared by its link only.
    page.locator(".st-key-staff_editor_listing_march_e2e [data-testid='stRadioOption']",
                 has_text="only people with its link").click()
    wait_idle(page)
    click_and_wait(page, page.locator(".st-key-staff_editor_publish button"))
    wait_text(page, "Published 'march_e2e' as version 1")
    assert "It is not on the front page" in page.inner_text(MAIN)

    # A campaign for the group, with its link and QR code.
    click_and_wait(page, page.locator("[data-testid='stSidebarNav'] a", has_text="Campaigns and links"))
    pick(page, "staff_campaign_survey", "Our March survey (march_e2e)")
    wait_idle(page)
    new_campaign = page.locator("[data-testid='stForm']").filter(has_text="Open campaign")
    new_campaign.get_by_role("textbox", name=re.compile(r"^Name")).fill("march-2025")
    groups = new_campaign.locator("[data-testid='stMultiSelect']")
    groups.click()
    # Demo groups fill the list on the embedded database: type to filter, as a person would.
    groups.locator("input").fill("YPAG test")
    page.get_by_role("option").filter(has_text="YPAG test group").first.click()
    page.keyboard.press("Escape")
    click_and_wait(page, page.get_by_role("button", name="Open campaign"))
    pick(page, "staff_campaign_pick", "march-2025 (march-2025)")
    wait_idle(page)
    text = page.inner_text(MAIN)
    link = re.search(r"http://\S+\?survey=march_e2e&group=YPAG-E2E&campaign=march-2025", text).group(0)
    assert page.locator("[data-testid='stImage'] img").count() >= 1  # the QR code
    screenshot(page, "campaign-links-desktop")

    # The young person, on a phone, through the group's link.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True).new_page()
    phone.set_default_timeout(20000)
    phone.goto(link)
    wait_idle(phone)
    assert "Our March survey" in phone.inner_text(MAIN)
    click_and_wait(phone, phone.locator(".st-key-yp_start button"))
    phone.locator(".st-key-q-feel_safe [data-testid='stRadioOption']", has_text=re.compile("^Yes$")).click()
    wait_idle(phone)
    phone.locator(".st-key-q-what_helps [data-testid='stRadioOption']", has_text=re.compile("^Friends$")).click()
    wait_idle(phone)
    screenshot(phone, "editor-survey-answered-phone")
    click_and_wait(phone, phone.locator(".st-key-yp_next button"))
    wait_text(phone, "Thank you!")
    phone.context.close()

    with engine.connect() as connection:
        listed = connection.execute(select(SurveyRecord.listed).where(SurveyRecord.id == "march_e2e")).scalar()
        response = connection.execute(select(Response).where(Response.survey_id == "march_e2e")).one()
        campaign = connection.execute(select(Campaign).where(Campaign.id == response.campaign_id)).one()
        group = connection.execute(select(Group).where(Group.id == response.group_id)).one()
        answers = dict(connection.execute(select(Answer.question_id, Answer.option_id)
                                          .where(Answer.response_id == response.id)).all())
    engine.dispose()
    assert response.status == "submitted"
    assert (campaign.name, group.code) == ("march-2025", "YPAG-E2E")
    assert answers == {"feel_safe": "yes", "what_helps": "friends"}
    assert listed is False  # unlisted, yet the group's link worked
