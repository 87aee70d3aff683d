"""Issue 8, young people: every built-in survey completed on a phone, with axe-core, 44 px tap targets and
no sideways scrolling at 320 px on every screen, and one survey step worked by keyboard alone.

One phone page (390 x 844, device scale 1) is shared by the tests in this module; the app is the
session's `app_server`. The survey driver answers whatever each step shows, so a new question type
or a new built-in survey is covered without changing this file.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from sqlalchemy import create_engine, select

from tests.e2e.a11y import (AxeRun, NARROW, assert_no_violations, axe_available, doc_screenshot, focus_ring,
                            run_axe, sideways_scroll_at, small_targets)
from tests.e2e.conftest import PHONE, ROOT, click_and_wait, wait_idle
from voice.models import Response
from voice.security.access import Actor, SYSTEM

pytestmark = pytest.mark.e2e

MAIN = "[data-testid='stMain']"
SURVEY_IDS = sorted(p.stem for p in (ROOT / "surveys").glob("*.yaml"))
HARMLESS = "More lessons about staying safe online, please."
# Words that open the help box at the top of the next screen (voice.analysis.help_prompt).
RISKY = "my stepdad hits me and I am scared to go home"
RISKY_IN = "safe_feel_safe"  # the survey whose free text gets RISKY instead, to show the prominent help box
QUESTION = "[class*='st-key-q-']"  # each question's container (survey_flow: key=f"q-{question.id}")


@pytest.fixture(scope="module")
def yp(browser):
    """One phone page for the module: pages are reused, not reopened for every test."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


class Checks:
    """Runs every young-person check on a screen and keeps what failed, so one test reports all of it."""

    def __init__(self, page):
        self.page = page
        self.axe: list[AxeRun] = []
        self.problems: list[str] = []

    def screen(self, name: str) -> None:
        wait_idle(self.page)
        self.axe.append(run_axe(self.page, name))
        _, small = small_targets(self.page)
        if small:
            self.problems.append(f"{name}: tap targets under 44 px: {small}")
        width = sideways_scroll_at(self.page, NARROW)
        if width > NARROW:
            self.problems.append(f"{name}: scrolls sideways at {NARROW} px (scrollWidth {width})")

    def assert_ok(self) -> None:
        assert_no_violations(self.axe)
        assert not self.problems, "\n".join(self.problems)


def _kinds(page) -> str:
    """The kinds of question on the screen, for naming the axe run."""
    kinds = page.evaluate("""sel => [...document.querySelectorAll(sel)].map(b =>
        b.querySelector("[data-testid='stCheckbox']") ? 'multi' :
        b.querySelector("[data-testid='stRadio']") ? 'choice' :
        b.querySelector('textarea') ? 'text' : b.querySelector('input[type=number]') ? 'number' : '?')""",
                          QUESTION)
    return ", ".join(sorted(set(kinds))) or "no questions"


def _answer_whatever_is_shown(page, text: str) -> None:
    """Answer every question on the step: the first choice, the first box, some words, a number.
    Repeated, because an answer can reveal a follow-up question on the same step (skip logic)."""
    for _ in range(8):
        changed = False
        for block in page.locator(QUESTION).all():
            if block.locator("[data-testid='stCheckbox']").count():
                if block.locator("input[type=checkbox]:checked").count() == 0:
                    block.locator("[data-testid='stCheckbox'] label").first.click()
                    block.locator("input[type=checkbox]").first.wait_for(state="attached")
                    changed = True
            elif block.locator("[data-testid='stRadio']").count():
                if block.locator("input[type=radio]:checked").count() == 0:
                    block.locator("[data-testid='stRadioOption']").first.click()
                    page.wait_for_function("el => el.querySelector('input[type=radio]:checked')",
                                           arg=block.element_handle())
                    changed = True
            elif block.locator("textarea").count():
                box = block.locator("textarea")
                if not box.input_value():
                    box.fill(text)
                    box.blur()  # Streamlit sends a text area's value when it loses focus
                    changed = True
            elif block.locator("input[type=number]").count():
                box = block.locator("input[type=number]")
                if not box.input_value():
                    box.fill("13")
                    box.blur()
                    changed = True
            if changed:
                wait_idle(page)
                break  # the step may have changed shape: look at it again
        if not changed:
            return
    raise AssertionError("the step kept showing new unanswered questions")


def _step_label(page) -> str:
    return page.locator("[data-testid='stProgress']").inner_text()


@pytest.mark.parametrize("survey_id", SURVEY_IDS)
def test_a_young_person_completes_each_builtin_survey_on_a_phone(app_server, yp, survey_id):
    axe_available()
    page = yp
    checks = Checks(page)
    page.goto(f"{app_server.url}/?survey={survey_id}")
    wait_idle(page)
    assert "Before you start" in page.inner_text(MAIN)
    checks.screen(f"{survey_id}: welcome")
    if survey_id == "esafety_year6":
        doc_screenshot(page, "phone-survey-welcome")
    click_and_wait(page, page.locator(".st-key-yp_start button"))

    risky = survey_id == RISKY_IN
    helped = False
    for step in range(1, 31):
        label = _step_label(page)
        typed_text = page.locator(f"{QUESTION} textarea").count() > 0
        _answer_whatever_is_shown(page, RISKY if risky else HARMLESS)
        checks.screen(f"{survey_id}: {label.lower()} ({_kinds(page)})")
        if survey_id == "esafety_year6" and step == 1:
            doc_screenshot(page, "phone-survey-step")
        click_and_wait(page, page.locator(".st-key-yp_next button"))
        main = page.inner_text(MAIN)
        assert "Please choose an answer" not in main, f"{survey_id}, {label}: a required answer was missed"
        if risky and typed_text:
            # Words that suggest risk bring the help box to the top of the very next screen.
            assert page.locator("[data-testid='stAlert']", has_text="Thank you for telling us").count() == 1
            checks.screen(f"{survey_id}: help box brought to the top")
            doc_screenshot(page, "phone-help-box", full_page=False)
            helped, risky = True, False
        if "Thank you!" in main:
            break
    else:
        pytest.fail(f"{survey_id}: still not finished after 30 steps")
    assert helped or survey_id != RISKY_IN, "the risky words never reached a text question"

    checks.screen(f"{survey_id}: end page")
    if survey_id == "esafety_year6":
        doc_screenshot(page, "phone-survey-end")
    receipt = re.search(r"receipt code: ([A-Z2-9]{4}-[A-Z2-9]{4})", page.inner_text(MAIN)).group(1)
    engine = create_engine(app_server.database_url)
    try:
        with engine.connect() as connection:
            status = connection.scalar(select(Response.status).where(Response.receipt_code == receipt))
    finally:
        engine.dispose()
    assert status == "submitted"
    checks.assert_ok()


def _publish_a_you_said_we_did_item(database_url: str) -> str:
    """One published item, so the public page is checked (and pictured) with something on it."""
    from voice.db import get_engine, session_scope, upgrade
    from voice.evidence import priorities, you_said_we_did as yswd

    engine = get_engine(database_url)
    upgrade(engine)
    words = "It is hard to know who to talk to when something online worries you"
    with session_scope(engine) as session:
        priorities.import_plan_file(session, SYSTEM, ROOT / "surveys" / "analysis" / "priorities_2020-21.yaml")
        a11y = Actor("a11y", frozenset({"facilitator"}))
        item = yswd.create_item(session, a11y, you_said=words, raised_at=date(2020, 2, 10),
                                audience="ypag", status="done", responded_at=date(2020, 3, 2),
                                we_did="Every school now puts up a poster saying who to talk to, "
                                       "with Childline's number")
        yswd.publish_item(session, a11y, item.id)
    return words


def test_other_young_people_pages_pass_the_same_checks(app_server, yp):
    """The landing page, error pages and the public "you said, we did" page."""
    axe_available()
    page = yp
    published = _publish_a_you_said_we_did_item(app_server.database_url)
    checks = Checks(page)
    pages = [
        ("", "Have your say", "landing (no link)"),
        ("/?survey=no_such_survey", "We couldn't find that survey", "unknown survey"),
        ("/?resume=ZZZZ-ZZZZ", "codes are never kept in links", "a code in a link (stripped)"),
        ("/you_said_we_did", published, "you said, we did"),
    ]
    for path, expected, name in pages:
        page.goto(f"{app_server.url}{path}")
        wait_idle(page)
        page.get_by_text(expected).first.wait_for()
        assert "Need help now?" in page.inner_text(MAIN) or name == "you said, we did"
        checks.screen(name)
        if name == "you said, we did":
            doc_screenshot(page, "phone-you-said-we-did")
        if name == "landing (no link)":
            doc_screenshot(page, "phone-front-page")
    checks.assert_ok()


# --- keyboard --------------------------------------------------------------------------------------------------

def _tab_to(page, predicate_js: str, what: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches `predicate_js` (a function of the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"{what} never took the keyboard focus within {limit} presses of Tab")


def _assert_visible_focus(page, what: str) -> None:
    ring = focus_ring(page)
    assert ring and ring["style"] != "none", f"no visible focus indicator on {what}: {ring}"


def _wait_step(page, text: str, timeout: float = 10.0) -> None:
    deadline = time.time() + timeout
    while text not in _step_label(page):
        assert time.time() < deadline, f"never reached {text!r} (at {_step_label(page)!r})"
        time.sleep(0.1)
    wait_idle(page)


def test_a_survey_step_works_with_the_keyboard_alone(app_server, yp):
    page = yp
    page.goto(f"{app_server.url}/?survey=esafety_year6")
    wait_idle(page)

    _tab_to(page, "el => el.tagName === 'BUTTON' && el.innerText.trim() === 'Start'", "the Start button")
    _assert_visible_focus(page, "the Start button")
    page.keyboard.press("Enter")
    page.locator("[data-testid='stProgress']").wait_for()
    _wait_step(page, "Step 1 of")

    first_choice = f"el => el.matches(\"{QUESTION} input[type=radio]\")"
    _tab_to(page, first_choice, "a choice on the first question")
    _assert_visible_focus(page, "a radio option")
    question = page.locator(QUESTION).first
    page.keyboard.press("Space")
    page.wait_for_function("el => el.querySelector('input[type=radio]:checked')", arg=question.element_handle())
    wait_idle(page)
    assert question.locator("input[type=radio]").first.is_checked()
    # Arrow keys move the choice within a question, as in any radio group.
    page.keyboard.press("ArrowDown")
    page.wait_for_function("el => el.querySelectorAll('input[type=radio]')[1].checked",
                           arg=question.element_handle())
    wait_idle(page)

    # Every other question on the step, by keyboard too: focus its first choice, press Space.
    for block in page.locator(QUESTION).all()[1:]:
        if block.locator("input[type=radio]").count() and not block.locator("input:checked").count():
            block.locator("input[type=radio]").first.focus()
            page.keyboard.press("Space")
            page.wait_for_function("el => el.querySelector('input[type=radio]:checked')",
                                   arg=block.element_handle())
            wait_idle(page)

    _tab_to(page, "el => el.closest('.st-key-yp_next') !== null", "the Next button")
    _assert_visible_focus(page, "the Next button")
    page.keyboard.press("Enter")
    _wait_step(page, "Step 2 of")

    # Space presses a button too: Back, from the keyboard, returns with the answer kept.
    _tab_to(page, "el => el.closest('.st-key-yp_back') !== null", "the Back button")
    _assert_visible_focus(page, "the Back button")
    page.keyboard.press("Space")
    _wait_step(page, "Step 1 of")
    assert page.locator(QUESTION).first.locator("input[type=radio]").nth(1).is_checked()
