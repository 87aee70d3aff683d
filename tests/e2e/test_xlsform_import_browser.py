"""A facilitator brings in a partner's XLSForm through the Campaigns page, sees what was left out (each item
with its row), saves it as a draft, publishes it in the editor, and a young person answers it on a phone:
the question that shows an earlier answer (`${nickname}`) reads with their own words, as text."""

from __future__ import annotations

import re

from openpyxl import Workbook
from sqlalchemy import create_engine, select

from tests.e2e.conftest import click_and_wait, screenshot, wait_idle
from tests.e2e.test_editor_browser import PASSWORD, voice_cli, wait_text
from voice.models import Answer, Response


def partner_form(path) -> None:
    """A form as a partner's ODK/Kobo team would write it: a note, a location, a decimal, a shared list."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in (
        ["type", "name", "label", "hint", "required", "relevant", "appearance"],
        ["start", "start", None, None, None, None, None],
        ["note", "welcome", "Thanks for helping us!", None, None, None, None],
        ["text", "nickname", "What should we call you?", None, None, None, None],
        ["begin_group", "school", "At school", None, None, None, "field-list"],
        ["select_one agree", "feel_safe", "Hi ${nickname}, do you feel safe at school?", None, "yes", None, None],
        ["select_one agree", "listened", "Do adults listen to you?", None, None, None, None],
        ["decimal", "hours_online", "How many hours a day are you online?", "For example 2.5", None,
         "${feel_safe} = 'agree'", None],
        ["end_group", None, None, None, None, None, None],
        ["geopoint", "where", "Where are you?", None, None, None, None],
    ):
        ws.append(row)
    choices = wb.create_sheet("choices")
    for row in (["list_name", "name", "label"], ["agree", "agree", "Agree"], ["agree", "disagree", "Disagree"]):
        choices.append(row)
    settings = wb.create_sheet("settings")
    for row in (["form_id", "form_title"], ["partner_wellbeing", "Partner wellbeing check"]):
        settings.append(row)
    wb.save(path)


def test_facilitator_imports_an_xlsform_sees_what_was_left_out_and_publishes_it(app_server, desktop, browser,
                                                                                tmp_path):
    page = desktop
    page.goto(app_server.url)
    wait_idle(page)
    voice_cli(app_server, "user", "add", "xena", "--role", "facilitator", "--password-stdin", stdin=PASSWORD + "\n")
    page.goto(f"{app_server.url}/sign_in")
    wait_idle(page)
    page.get_by_role("textbox", name="Username").fill("xena")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    click_and_wait(page, page.locator("[data-testid='stSidebarNav'] a", has_text="Campaigns and links"))
    page.get_by_role("tab", name="XLSForm spreadsheet").click()
    wait_idle(page)

    form = tmp_path / "partner_wellbeing.xlsx"
    partner_form(form)
    page.locator(".st-key-staff_xlsform_pnts label").click()  # the visible choice, not a silent addition
    wait_idle(page)
    page.locator(".st-key-staff_xlsform_upload input[type='file']").set_input_files(str(form))
    wait_text(page, "Read 'partner_wellbeing'")
    left_out = page.locator(".st-key-staff_xlsform_left_out").inner_text()
    assert "survey sheet, row 3, column A (type): 'welcome' (note) is not imported" in left_out
    assert "row 10, column A (type): 'where' (geopoint) is not imported: locations are not collected" in left_out
    assert "row 2, column A (type): 'start' (start) is not imported" in left_out
    assert "column G (appearance): this column is not used here (its values in row 5 were not imported)" in left_out
    assert "added the question quote_consent" in left_out
    page.locator(".st-key-staff_xlsform_left_out").scroll_into_view_if_needed()
    screenshot(page, "xlsform-import-left-out-desktop")

    click_and_wait(page, page.get_by_role("button", name="Save as a draft to check in the survey editor"))
    wait_text(page, "Editing Partner wellbeing check")
    page.get_by_role("tab", name="Publish").click()
    # A form for one group: not on the front page, opened by its link.
    page.locator(".st-key-staff_editor_listing_partner_wellbeing [data-testid='stRadioOption']",
                 has_text=re.compile("^No")).click()
    wait_idle(page)
    click_and_wait(page, page.locator(".st-key-staff_editor_publish button"))
    wait_text(page, "Published 'partner_wellbeing' as version 1")

    # A young person, on a phone: their own words come back in the next question, as text.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True).new_page()
    phone.set_default_timeout(20000)
    phone.goto(f"{app_server.url}/?survey=partner_wellbeing")
    wait_idle(phone)
    click_and_wait(phone, phone.locator(".st-key-yp_start button"))
    phone.locator(".st-key-q-nickname textarea").fill("**Sam** [me](http://x.example)")
    phone.locator(".st-key-q-quote_consent [data-testid='stRadioOption']", has_text=re.compile("^No$")).click()
    wait_idle(phone)
    click_and_wait(phone, phone.locator(".st-key-yp_next button"))
    wait_text(phone, "At school")
    question = phone.locator(".st-key-q-feel_safe").inner_text()
    assert "Hi **Sam** [me](http:\u2060//x.example), do you feel safe at school?" in question
    assert phone.locator(".st-key-q-feel_safe a").count() == 0  # shown as typed, never a live link
    assert phone.locator(".st-key-q-hours_online").count() == 0  # skip logic came across too
    phone.locator(".st-key-q-feel_safe [data-testid='stRadioOption']", has_text=re.compile("^Agree$")).click()
    wait_idle(phone)
    phone.locator(".st-key-q-hours_online input").fill("2.5")
    phone.locator(".st-key-q-hours_online input").press("Enter")
    wait_idle(phone)
    screenshot(phone, "xlsform-imported-survey-phone")
    click_and_wait(phone, phone.locator(".st-key-yp_next button"))
    wait_text(phone, "Thank you!")
    phone.context.close()

    engine = create_engine(app_server.database_url)
    with engine.connect() as connection:
        response = connection.execute(select(Response).where(Response.survey_id == "partner_wellbeing")).one()
        numbers = dict(connection.execute(select(Answer.question_id, Answer.number)
                                          .where(Answer.response_id == response.id,
                                                 Answer.number.is_not(None))).all())
    engine.dispose()
    assert response.status == "submitted" and numbers == {"hours_online": 2.5}  # a decimal stays a decimal
