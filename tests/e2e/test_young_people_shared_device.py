"""Issue 17 in a real browser, as a young person on a phone (320 x 640 and 390 x 844), often at a shared
school tablet: help always in view, nothing of one pupil left for the next, no request to anyone but the
app, Markdown and HTML from links and survey files shown as text, and "you said, we did" one tap away.

Chromium here cannot reach any host but the app's own (`--host-resolver-rules`), and every request the
pages make is recorded (page.route): any other host fails the test, even if the request could not leave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, click_and_wait, wait_idle
from tests.outside_text import ALL, HTML, IMAGE, LINK, OUTSIDE_HOST, RED, outside_survey

pytestmark = pytest.mark.e2e

MAIN = "[data-testid='stMain']"
SIZES = {"320x640": {"width": 320, "height": 640}, "390x844": {"width": 390, "height": 844}}
GROUP = "E2E-SHARED"
SECRET = "my secret words for issue seventeen"  # the first pupil's free text


@dataclass
class Requests:
    origin: str
    outside: list[str] = field(default_factory=list)

    def handle(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture(scope="module")
def offline_browser(browser):
    """Chromium that cannot resolve any host but the app's (see docs/accessibility.md, docs/security.md).
    Launched from the session's Playwright (one sync Playwright per thread)."""
    offline = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"])
    yield offline
    offline.close()


@pytest.fixture(scope="module")
def shared_group(app_server):
    """A school group in the app's own database (the demo's groups are only on the embedded default)."""
    from voice.db import get_engine, session_scope, upgrade
    from voice.models import Group

    engine = get_engine(app_server.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        if session.query(Group).filter_by(code=GROUP).first() is None:
            session.add(Group(code=GROUP, name="Shared Tablet Academy (test)", area="Charnwood", type="school"))
    return GROUP


@pytest.fixture(params=list(SIZES))
def phone(request, offline_browser, app_server):
    context = offline_browser.new_context(viewport=SIZES[request.param], device_scale_factor=1, is_mobile=True,
                                          has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    requests = Requests(app_server.url)
    page.route("**/*", requests.handle)
    page.requests = requests
    page.size = request.param
    yield page
    context.close()
    assert requests.outside == [], f"requests left the app's origin at {request.param}: {requests.outside}"


def help_in_view(page, where: str) -> None:
    """Childline and 999 are on screen without scrolling, as tap-to-call links, and cover nothing at rest."""
    # The style sheet arrives with the first script run: a page measured before that would have no bar yet.
    page.wait_for_function("""() => { const bar = document.querySelector('.st-key-help-bar');
        return bar && getComputedStyle(bar).position === 'fixed'; }""", timeout=10000)
    page.evaluate("""() => document.querySelectorAll("[data-testid='stMain']").forEach(el => el.scrollTo(0, 0))""")
    found = page.evaluate("""() => {
        const bar = document.querySelector('.st-key-help-bar');
        if (!bar) return null;
        const links = [...bar.querySelectorAll('a[href^="tel:"]')].map(a => {
            const r = a.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return {href: a.getAttribute('href'), top: r.top, bottom: r.bottom, onTop: a.contains(hit)};
        });
        const barBox = bar.getBoundingClientRect();
        const content = [...document.querySelectorAll(
                "[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']")]
            .filter(el => !bar.contains(el) && !el.closest('.st-key-help-bar')
                          && el.getBoundingClientRect().height > 0);
        return {links, barBottom: barBox.bottom,
                firstContentTop: content.length ? content[0].getBoundingClientRect().top : null,
                height: window.innerHeight};
    }""")
    assert found, f"{where}: no help bar"
    hrefs = {link["href"] for link in found["links"]}
    assert {"tel:08001111", "tel:999"} <= hrefs, f"{where}: {found}"
    for link in found["links"]:
        assert 0 <= link["top"] and link["bottom"] <= found["height"] and link["onTop"], f"{where}: {link}"
    assert found["firstContentTop"] is None or found["firstContentTop"] >= found["barBottom"], \
        f"{where}: the bar covers the top of the page ({found})"


def code_on_screen(page) -> str:
    return re.search(r"code to carry on later: ([A-Z2-9]{4}-[A-Z2-9]{4})", page.inner_text(MAIN)).group(1)


def next_step(page) -> None:
    click_and_wait(page, page.locator(".st-key-yp_next button"))


def step_label(page) -> str:
    return page.locator("[data-testid='stProgress']").inner_text()


def test_help_stays_in_view_and_nothing_of_one_pupil_is_left_for_the_next(app_server, phone, shared_group):
    page = phone
    page.goto(f"{app_server.url}/?survey=esafety_year9&group={shared_group}")
    page.get_by_text("Before you start").wait_for()
    wait_idle(page)
    help_in_view(page, "welcome")
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    code = code_on_screen(page)
    assert "resume" not in page.url and code not in page.url
    steps = 0
    while "Thank you!" not in page.inner_text(MAIN):
        label = step_label(page)
        # Each new step opens at its top (Next sat at the bottom of the last one), then help is in view.
        page.wait_for_function("() => document.querySelector(\"[data-testid='stMain']\").scrollTop === 0",
                               timeout=5000)
        help_in_view(page, label)
        if page.locator(".st-key-q-uses_webcam input[type=radio]").count():
            click_and_wait(page, page.locator(".st-key-q-uses_webcam [data-testid='stRadioOption']").first)
        if page.locator(".st-key-q-esafety_worries textarea").count():
            box = page.locator(".st-key-q-esafety_worries textarea")
            box.fill(SECRET)
            hints = page.locator("[data-testid='InputInstructions']")  # "Press Ctrl+Enter to apply"
            assert hints.count() == 0 or not any(h.is_visible() for h in hints.all()), "a keyboard hint on a phone"
            box.blur()
            wait_idle(page)
        next_step(page)
        steps += 1
        assert steps < 15, "never reached the end"
        if steps == 2:  # a reload mid-survey: the address holds no code, so the place is not found from it
            page.reload()
            wait_idle(page)
            assert "Started before? Carry on with your code" in page.inner_text(MAIN)
            page.locator("summary", has_text="Started before").click()
            page.locator(".st-key-yp_resume_typed input").fill(code.lower())
            click_and_wait(page, page.locator(".st-key-yp_resume_go button"))
            assert "Step 3 of" in step_label(page)
            assert page.locator(".st-key-yp_resume_typed input").count() == 0 or \
                page.locator(".st-key-yp_resume_typed input").input_value() == ""
    help_in_view(page, "thank-you page")
    thank_you = page.inner_text(MAIN)
    assert SECRET not in thank_you and code not in thank_you and "resume" not in page.url

    # The next pupil at the same tablet: Back, then the resume screen with the first pupil's code.
    page.go_back()
    page.wait_for_load_state()
    if urlsplit(page.url).netloc == urlsplit(app_server.url).netloc:
        wait_idle(page)
        shown = page.inner_text(MAIN)
        assert SECRET not in shown and code not in shown and "Step " not in shown
    page.goto(f"{app_server.url}/?survey=esafety_year9&group={shared_group}&resume={code}")
    wait_idle(page)
    shown = page.inner_text(MAIN)
    assert SECRET not in shown and "Step " not in shown and "resume" not in page.url
    page.locator("summary", has_text="Started before").click()
    page.locator(".st-key-yp_resume_typed input").fill(code)
    click_and_wait(page, page.locator(".st-key-yp_resume_go button"))
    shown = page.inner_text(MAIN)
    assert "already been sent" in shown and SECRET not in shown and "Step " not in shown, shown
    assert page.locator("textarea").count() == 0


def test_done_keeps_the_school_and_clears_the_pupil(app_server, phone, shared_group):
    from voice.db import get_engine, session_scope
    from voice.models import Group, Response

    page = phone
    page.goto(f"{app_server.url}/?survey=safe_feel_safe&group={shared_group}")
    wait_idle(page)
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    first = code_on_screen(page)
    while "Thank you!" not in page.inner_text(MAIN):
        next_step(page)
    click_and_wait(page, page.locator(".st-key-yp_done button"))
    assert "Before you start" in page.inner_text(MAIN) and "Thank you!" not in page.inner_text(MAIN)
    assert f"group={shared_group}" in page.url
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    second = code_on_screen(page)
    assert second != first
    with session_scope(get_engine(app_server.database_url)) as session:
        response = session.query(Response).filter_by(resume_code=second).one()
        assert session.get(Group, response.group_id).code == shared_group


def test_you_said_we_did_is_one_tap_from_the_front_page_and_the_thank_you_page(app_server, phone, shared_group):
    page = phone
    page.goto(app_server.url)
    wait_idle(page)
    help_in_view(page, "front page")
    click_and_wait(page, page.get_by_role("link", name=re.compile("You said, we did")))
    assert page.get_by_role("heading", name="You said, we did").count() == 1
    assert "DEMO:" not in page.inner_text(MAIN)
    help_in_view(page, "you said, we did")
    click_and_wait(page, page.get_by_role("link", name="Back to the surveys"))
    assert "Have your say" in page.inner_text(MAIN)

    page.goto(f"{app_server.url}/?survey=ypag_priorities&group={shared_group}")
    wait_idle(page)
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    while "Thank you!" not in page.inner_text(MAIN):
        next_step(page)
    click_and_wait(page, page.get_by_role("link", name=re.compile("You said, we did")))
    assert page.get_by_role("heading", name="You said, we did").count() == 1
    assert f"group={shared_group}" in page.url or "you_said_we_did" in page.url


def _publish_outside_survey(database_url: str) -> None:
    from voice.db import get_engine, session_scope
    from voice.surveys.loader import survey_from_dict
    from voice.surveys.registry import publish

    with session_scope(get_engine(database_url)) as session:
        publish(session, survey_from_dict(outside_survey("outside_words_e2e")), source="e2e")


def _nothing_live(page, where: str) -> None:
    """The payloads are on the page as words, and none of them became a link, an image or red text."""
    found = page.evaluate("""host => ({
        links: [...document.querySelectorAll('a[href]')].filter(a => new URL(a.href).hostname === host).length,
        images: [...document.querySelectorAll('img')].filter(i => (i.src && new URL(i.src).hostname === host)
                 || i.getAttribute('src') === 'x').length,
        red: [...document.querySelectorAll("[data-testid='stMain'] span, [data-testid='stMain'] p")]
                 .filter(e => e.textContent.includes('Childline has a new number')
                 && getComputedStyle(e).color === 'rgb(255, 43, 43)').length,
        alerted: window.__alerted || 0,
    })""", OUTSIDE_HOST)
    assert found == {"links": 0, "images": 0, "red": 0, "alerted": 0}, f"{where}: {found}"


def test_markdown_and_html_from_links_and_survey_files_show_as_text(app_server, phone):
    page = phone
    page.add_init_script("window.alert = () => { window.__alerted = (window.__alerted || 0) + 1; };")
    for param in ("group", "campaign"):
        page.goto(f"{app_server.url}/?survey=esafety_year9&{param}={quote(ALL)}")
        wait_idle(page)
        click_and_wait(page, page.locator(".st-key-yp_start button"))
        shown = page.inner_text(MAIN).replace("\u2060", "")  # the joiner plain() puts in addresses
        for words in (LINK, IMAGE, RED, HTML):
            assert words in shown, f"?{param}=: {words!r} is not shown as typed"
        _nothing_live(page, f"?{param}=")

    _publish_outside_survey(app_server.database_url)
    page.goto(app_server.url)
    wait_idle(page)
    assert LINK in page.inner_text(MAIN).replace("\u2060", "")
    _nothing_live(page, "front page")
    click_and_wait(page, page.locator(".st-key-yp_pick_outside_words_e2e button"))
    assert page.inner_text(MAIN).replace("\u2060", "").count(RED) >= 3  # title, who it is for, intro, privacy notice
    _nothing_live(page, "welcome")
    click_and_wait(page, page.locator(".st-key-yp_start button"))
    shown = page.inner_text(MAIN).replace("\u2060", "")
    assert shown.count(HTML) >= 5  # survey and section names, section intro, questions, help, options
    _nothing_live(page, "step")
    # A screen reader hears the question's words, not Markdown escapes.
    name = page.get_by_role("radiogroup").first.get_attribute("aria-label")
    assert "\\" not in name and "Win a prize" in name
