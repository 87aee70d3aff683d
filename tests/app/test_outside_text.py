"""Issue 17: everything from outside is text. Link parameters, group names from a CSV, survey and campaign
names reach the page through `voice.ui.text.plain` (or st.text), never as live Markdown or HTML.

Young people's pages here through AppTest (the browser test, tests/e2e/test_young_people_shared_device.py,
renders the same payloads in Chromium and records every request); staff pages only here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import voice.ui.runtime as runtime
from tests.outside_text import ALL, assert_escaped, live, outside_survey, unescape
from voice.db import utcnow
from voice.models import Group

ROOT = Path(__file__).resolve().parents[2]

def _markdown_of(at: AppTest) -> list[str]:
    elements = list(at.markdown) + list(at.title) + list(at.header) + list(at.subheader) + list(at.caption)
    elements += list(at.error) + list(at.warning) + list(at.info) + list(at.success)
    return [str(e.value) for e in elements]


def _carrying_payload(at: AppTest) -> list[str]:
    return [m for m in _markdown_of(at) if "Win a prize" in m or "Childline has a new number" in m]


def _staff_page(name: str, roles: tuple[str, ...]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    at.session_state["user"] = {"username": "fran", "roles": list(roles), "last_seen": utcnow()}
    return at


@pytest.mark.parametrize("param", ["group", "campaign"])
def test_link_parameters_in_messages_are_text(app_env, session, param):
    at = AppTest.from_file(app_env, default_timeout=30)
    at.query_params["survey"] = "esafety_year9"
    at.query_params[param] = ALL
    at.run()
    at.button(key="yp_start").click().run()
    assert not at.exception
    [message] = [e.value for e in at.error]
    assert "couldn't find" in unescape(message)
    assert_escaped(message)


def test_survey_wording_on_young_peoples_pages_is_text(app_env, session):
    from voice.surveys.loader import survey_from_dict
    from voice.surveys.registry import publish

    publish(session, survey_from_dict(outside_survey("outside_words")), source="test")
    session.commit()
    at = AppTest.from_file(app_env, default_timeout=30).run()  # the front page lists it
    card = at.button(key="yp_pick_outside_words")
    assert_escaped(card.label)
    assert [m for m in _carrying_payload(at) if "About 1 minute" in m], "the who-and-how-long line"
    for value in _carrying_payload(at):
        assert_escaped(value)
    card.click().run()
    assert len(_carrying_payload(at)) >= 3  # title, who-it-is-for line, intro, privacy notice
    for value in _carrying_payload(at):
        assert not live(value), value
    at.button(key="yp_start").click().run()
    assert not at.exception
    for value in _carrying_payload(at):  # survey name, section title and intro, question, help
        assert not live(value), value
    pick = next(r for r in at.radio if r.key.endswith("_pick"))
    assert_escaped(pick.options[0])  # an option label is Markdown: escaped
    assert "[" not in pick.label and "<" not in pick.label  # the hidden label is its accessible name: no marks
    box = next(c for c in at.checkbox if c.key.endswith("_many_a"))
    assert "[" not in box.label and "<" not in box.label and "Win a prize" in box.label


def test_a_group_name_from_a_csv_is_text_on_the_campaigns_page(app_env, session):
    from voice.responses.campaigns import create_campaign

    session.add(Group(code="EVIL", name=ALL, area="North", type="school"))
    session.flush()
    wave = create_campaign(session, "wave-2026", "esafety_year9", title=ALL, group_codes=["EVIL"])
    session.commit()
    at = _staff_page("campaigns.py", ("facilitator",)).run()
    at.selectbox(key="staff_campaign_survey").set_value("esafety_year9").run()
    at.selectbox(key="staff_campaign_pick").set_value(wave.id).run()
    assert not at.exception, at.exception
    carrying = _carrying_payload(at)
    assert carrying, "the group's card shows its name"
    for value in carrying:
        assert_escaped(value.strip("*"))


def test_group_names_in_chart_descriptions_and_question_text_on_results_are_text(session, engine, monkeypatch):
    from tests.unit.stats.helpers import World
    from voice.stats.results import clear_cache

    clear_cache()
    monkeypatch.setattr(runtime, "engine", lambda: engine)
    world = World(session)
    world.group("evil", name=ALL)
    world.add("w2016", [{"uses_webcam": "yes"}] * 30 + [{"uses_webcam": "no"}] * 20, group="evil")
    session.commit()
    at = _staff_page("results.py", ("facilitator",)).run()
    at.selectbox(key="results_campaign").set_value("w2016").run()
    at.selectbox(key="results_by").set_value("group").run()
    assert not at.exception, at.exception
    descriptions = [c.value for c in at.caption if c.value.startswith("Chart description")]
    assert descriptions and all("Win a prize" in d for d in descriptions)
    for value in descriptions:
        assert not live(value), value
    clear_cache()


def test_priority_names_and_owners_on_the_board_are_text(app_env, session):
    from tests.unit.reports.conftest import Partnership
    from voice.stats.results import clear_cache

    clear_cache()
    partnership = Partnership(session)
    partnership.voice.title, partnership.voice.owner = ALL, ALL
    session.commit()
    at = _staff_page("board_overview.py", ("board_member",)).run()
    assert not at.exception, at.exception
    titles = [s.value for s in at.subheader if "Win a prize" in s.value]
    assert titles
    for value in titles:
        assert_escaped(value)
    clear_cache()


def test_survey_names_in_the_editor_are_text(app_env, session):
    from voice.security.access import Actor
    from voice.security.roles import FACILITATOR
    from voice.surveys import drafts

    drafts.start_new(session, Actor("fran", frozenset({FACILITATOR})), "outside_draft", ALL)
    session.commit()
    at = _staff_page("survey_editor.py", ("facilitator",)).run()
    assert not at.exception, at.exception
    listed = [m for m in _carrying_payload(at)]
    assert listed
    for value in listed:
        assert not live(value), value
