"""A young person completes esafety_year9 on a phone in real Chromium, with a refresh and a resume by code."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, func, select

from tests.e2e.conftest import click_and_wait, screenshot, wait_idle
from voice.models import Response

MAIN = "[data-testid='stMain']"


def choose(page, question_id: str, label: str) -> None:
    """Tick the radio option with this label inside the question's container."""
    block = page.locator(f".st-key-q-{question_id}")
    before = page.inner_text(MAIN)
    block.locator("[data-testid='stRadioOption']", has_text=re.compile(f"^{re.escape(label)}$")).click()
    wait_idle(page, changed_from=before)


def next_step(page) -> None:
    click_and_wait(page, page.locator(".st-key-yp_next button"))


def step_text(page) -> str:
    return page.locator("[data-testid='stProgress']").inner_text()


def test_esafety_year9_end_to_end_with_refresh_and_resume(app_server, phone, browser):
    page = phone
    page.goto(f"{app_server.url}/?survey=esafety_year9")
    wait_idle(page)
    assert "Before you start" in page.inner_text(MAIN)
    screenshot(page, "survey-welcome-phone")
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    assert "Step 1 of" in step_text(page)
    assert page.locator("a[href='tel:08001111']").count() >= 1  # help is always in reach

    choose(page, "uses_webcam", "Yes")
    choose(page, "webcam_chat_new_people", "Yes")
    choose(page, "threatened_on_webcam", "No") if page.locator(".st-key-q-threatened_on_webcam").count() else None
    screenshot(page, "survey-step-phone")
    next_step(page)
    assert "Step 2 of" in step_text(page)

    # A refresh mid-way: the address holds no code (shared devices, issue 17), so the young person types the
    # code shown on every step to come back to the same step with the answers kept.
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", page.inner_text(MAIN)).group(0)
    page.reload()
    wait_idle(page)
    assert "resume" not in page.url and "Before you start" in page.inner_text(MAIN)
    page.locator("summary", has_text="Started before").click()
    page.locator(".st-key-yp_resume_typed input").fill(code)
    click_and_wait(page, page.locator(".st-key-yp_resume_go button"))
    assert "Step 2 of" in step_text(page)

    # Closing the tab and typing the code on another one resumes too.
    page.context.close()
    other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    other.goto(app_server.url)
    wait_idle(other)
    other.locator(".st-key-yp_typed_code input").fill(code.lower())
    click_and_wait(other, other.get_by_role("button", name="Go"))
    assert "Step 2 of" in step_text(other)
    click_and_wait(other, other.locator(".st-key-yp_back button"))
    assert "Step 1 of" in step_text(other)
    block = other.locator(".st-key-q-uses_webcam")
    assert block.locator("input[type=radio]").first.is_checked()  # "Yes" kept from before the refresh

    for _ in range(15):
        if "Thank you!" in other.inner_text(MAIN):
            break
        next_step(other)
    assert "Thank you!" in other.inner_text(MAIN)
    screenshot(other, "survey-finished-phone")

    engine = create_engine(app_server.database_url)
    with engine.connect() as connection:
        submitted = connection.scalar(select(func.count()).select_from(Response).where(
            Response.status == "submitted", Response.resume_code == code))
        total_with_code = connection.scalar(select(func.count()).select_from(Response).where(
            Response.resume_code == code))
    engine.dispose()
    assert submitted == 1 and total_with_code == 1
    other.context.close()
