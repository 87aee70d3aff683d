"""Staff pages through the real app.py (AppTest): refused addresses are audited, a reset password must be
changed first, a busy database gives the kind message, and the daily forms confirm, keep and clear."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from tests.app.conftest import APP, texts
from voice.models import AuditEvent, SurveyRecord, User, YouSaidWeDid
from voice.security import accounts
from voice.security.access import SYSTEM
from voice.security.roles import ROLES
from voice.ui.navigation import PAGES, hidden_pages_for, pages_for
from voice.ui.runtime import BUSY

PEOPLE = {"nobody": frozenset(), **{r: frozenset({r}) for r in ROLES}}
PASSWORD = "orange kettle winter 42"


def _app(user: str | None, roles) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state["user"] = {"username": user, "roles": sorted(roles)}
    return at


def _open(user: str, roles, page: str) -> AppTest:
    at = _app(user, roles).run()
    at.switch_page(page)
    return at.run()


@pytest.fixture
def people(app_env, session):
    for person, roles in PEOPLE.items():
        if roles:
            accounts.create_user(session, SYSTEM, f"u_{person}", roles, None)
    session.commit()
    return app_env


def _refusals(session, actor: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "page_refused",
                                                         AuditEvent.actor == actor)))


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_every_address_outside_your_menu_is_refused_and_audited(people, session, person):
    """Asking for a page the menu leaves out (a typed or bookmarked address) writes page_refused."""
    roles = PEOPLE[person]
    forbidden = [p for p in PAGES if p.roles and p not in pages_for(roles) and p not in hidden_pages_for(roles)]
    assert forbidden
    actor = f"u_{person}" if roles else "anonymous"
    before = len(_refusals(session, actor))
    for spec in forbidden:
        at = _app(actor if roles else None, roles)
        at._page_hash = calc_hash(spec.url_path)  # what the browser asks for when the address names the page
        at.run()
        assert not at.exception, at.exception
    refused = _refusals(session, actor)[before:]
    assert sorted(e.target_id for e in refused) == sorted(Path(p.path).name for p in forbidden)
    assert all(e.detail.get("via") == "address" for e in refused)
    # Pages the person may open are not refusals.
    at = _app(actor if roles else None, roles)
    at._page_hash = calc_hash(pages_for(roles)[0].url_path or "survey")
    at.run()
    assert len(_refusals(session, actor)) == before + len(forbidden)


def test_a_refused_address_by_name_is_audited_too(people, session, monkeypatch):
    from voice.ui import guard

    monkeypatch.setattr(guard, "_asked_for", lambda: ("accounts", ""))  # /accounts typed into the address bar
    _app("u_facilitator", PEOPLE["facilitator"]).run()
    assert [e.target_id for e in _refusals(session, "u_facilitator")] == ["admin_users.py"]


def test_after_a_reset_every_staff_page_asks_for_a_new_password_first(app_env, session):
    accounts.create_user(session, SYSTEM, "fay", ["facilitator"], PASSWORD)
    accounts.create_user(session, SYSTEM, "ada", ["admin"], PASSWORD)
    temporary = accounts.reset_password(session, accounts.Actor("ada", frozenset({"admin"})), "fay")
    session.commit()
    for page in ("pages/staff_home.py", "pages/workspace.py", "pages/quotes.py"):
        at = _open("fay", ["facilitator"], page)
        assert not at.exception, at.exception
        assert [t.value for t in at.title] == ["Choose a new password"]
        assert "Workspace" not in texts(at)
    at.text_input[0].input(temporary)
    at.text_input[1].input("password1234")
    at.text_input[2].input("password1234")
    at.button[0].click().run()
    assert "most common" in texts(at)
    assert at.text_input[1].value == "password1234"  # kept after the refusal
    at.text_input[1].input("purple elephant dances")
    at.text_input[2].input("purple elephant dances")
    at.button[0].click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Quotes"]  # the page asked for, now open
    session.expire_all()
    assert not session.scalar(select(User.must_change_password).where(User.username == "fay"))


@pytest.fixture
def locked_db(monkeypatch, tmp_path):
    from voice.config import get_settings
    from voice.db import dispose_engine, get_engine, session_scope, upgrade
    from voice.surveys.registry import sync_survey_files
    from voice.ui.runtime import engine as app_engine

    path = tmp_path / "busy.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VOICE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOICE_SQLITE_BUSY_TIMEOUT_MS", "100")
    app_engine.clear()
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)
        accounts.create_user(s, SYSTEM, "fay", ["facilitator"], None)
    yield path
    app_engine.clear()
    dispose_engine(url)


def test_a_locked_database_gives_the_kind_message_on_the_workspace(locked_db):
    at = _open("fay", ["facilitator"], "pages/workspace.py")
    lock = sqlite3.connect(locked_db, timeout=0, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        at.run()
        assert not at.exception, "a busy database must never show a traceback"
        assert BUSY in [w.value for w in at.warning], texts(at)
    finally:
        lock.execute("ROLLBACK")
        lock.close()


STAFF_PAGES = {"pages/workspace.py": ["facilitator"], "pages/quotes.py": ["facilitator"],
               "pages/codebook.py": ["facilitator"], "pages/yswd_manage.py": ["facilitator"],
               "pages/survey_editor.py": ["facilitator"], "pages/campaigns.py": ["facilitator"],
               "pages/admin_users.py": ["admin"], "pages/admin_audit.py": ["admin"]}


@pytest.mark.parametrize("page", sorted(STAFF_PAGES))
def test_every_page_s_service_calls_turn_a_busy_database_into_the_kind_message(people, page, monkeypatch):
    """Whatever the page asks for first, a database that stays busy shows BUSY, never a traceback."""
    from voice.db import DatabaseUnavailable
    from voice.ui import runtime

    roles = STAFF_PAGES[page]
    at = _open(f"u_{roles[0]}", roles, page)
    assert not at.exception, at.exception

    def busy(action):
        raise DatabaseUnavailable("database is locked")

    monkeypatch.setattr(runtime, "with_retry", busy)
    at.run()
    assert not at.exception, at.exception
    assert BUSY in [w.value for w in at.warning], texts(at)


# --- the daily forms ------------------------------------------------------------------------------------------


@pytest.fixture
def fay(app_env, session):
    accounts.create_user(session, SYSTEM, "fay", ["facilitator"], None)
    session.commit()
    return app_env


@pytest.fixture
def plan(fay, session):
    from tests.unit.evidence.conftest import DEFINITIONS
    from voice.evidence.priorities import import_plan_file

    import_plan_file(session, SYSTEM, DEFINITIONS / "priorities_2020-21.yaml")
    session.commit()


def test_saving_a_new_you_said_we_did_item_confirms_and_never_duplicates(app_env, session, plan):
    at = _open("fay", ["facilitator"], "pages/yswd_manage.py")
    assert not at.exception, at.exception
    at.text_area[0].input("You said the bus stop is dark")
    at.text_area[1].input("We asked the council to fix the lights")
    form = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:staff_yswd_form_0_"))
    token = at.session_state["staff_yswd_token"]
    form.click().run()
    assert not at.exception, at.exception  # it crashed here before (StreamlitWidgetAlreadyInstantiatedError)
    assert "Saved the new item" in " ".join(s.value for s in at.success)
    item = session.scalars(select(YouSaidWeDid)).one()
    assert at.session_state["staff_yswd_current"] == item.id  # the new item is open for publishing
    # The same request again (a second press that arrives before the redraw) finds the item it made.
    from voice.evidence.you_said_we_did import create_item
    from voice.security.access import Actor

    again = create_item(session, Actor("fay", frozenset({"facilitator"})), you_said="You said the bus stop is dark",
                        raised_at=item.raised_at, request_token=token)
    assert again.id == item.id
    assert session.scalar(select(func.count()).select_from(YouSaidWeDid)) == 1

    at.button(key=f"staff_yswd_publish_{item.id}").click().run()
    assert not at.exception
    assert "young people can see it now" in " ".join(s.value for s in at.success)
    session.expire_all()
    assert session.get(YouSaidWeDid, item.id).published


def test_a_refused_item_keeps_what_was_typed(app_env, session, plan):
    at = _open("fay", ["facilitator"], "pages/yswd_manage.py")
    at.text_area[1].input("We did something")  # no "you said"
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:staff_yswd_form_0_")).click().run()
    assert at.error and "Write what young people said" in at.error[0].value
    assert at.text_area[1].value == "We did something"
    assert session.scalar(select(func.count()).select_from(YouSaidWeDid)) == 0


def test_the_editor_empties_the_add_form_and_asks_about_the_front_page(fay, session):
    at = _open("fay", ["facilitator"], "pages/survey_editor.py")
    at.text_input(key="staff_editor_new_title").input("YPAG April")
    at.text_input(key="staff_editor_new_id").input("ypag_april")
    at.button(key="FormSubmitter:staff_editor_new-Start").click().run()
    at.selectbox(key="staff_add_q_questions_type").set_value("yes_no")
    at.text_input(key="staff_add_q_questions_text_en").input("Do you feel safe at school?")
    at.text_input(key="staff_add_q_questions_id").input("feel_safe")
    at.button(key="FormSubmitter:staff_add_q_questions-Add question").click().run()
    assert not at.exception, at.exception
    assert "Added the question" in " ".join(s.value for s in at.success)
    assert at.text_input(key="staff_add_q_questions_text_en").value == ""  # emptied for the next one
    assert at.text_input(key="staff_add_q_questions_id").value == ""
    at.run()
    assert not at.error  # no "another question already has this id" after a successful add

    listing = at.radio(key="staff_editor_listing_ypag_april")
    assert listing.value is None  # asked, not assumed
    at.button(key="staff_editor_publish").click().run()
    assert "Please choose whether the front page lists this survey" in " ".join(e.value for e in at.error)
    at.radio(key="staff_editor_listing_ypag_april").set_value("unlisted")
    at.button(key="staff_editor_publish").click().run()
    assert not at.exception
    assert "Published 'ypag_april' as version 1" in texts(at)
    assert session.get(SurveyRecord, "ypag_april").listed is False


def test_accounts_keep_the_form_after_a_weak_password_and_show_a_reset_password_once(app_env, session):
    accounts.create_user(session, SYSTEM, "ada", ["admin"], None)
    accounts.create_user(session, SYSTEM, "sam", ["facilitator"], PASSWORD)
    session.commit()
    at = _open("ada", ["admin"], "pages/admin_users.py")
    assert not at.exception, at.exception
    at.text_input[0].input("newbie")
    at.multiselect[0].set_value(["board_member"])
    at.text_input[2].input("qwertyuiop12")
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:admin_add_user_")).click().run()
    assert "most common" in at.error[0].value
    assert at.text_input[0].value == "newbie" and at.multiselect[0].value == ["board_member"]
    at.text_input[2].input("purple elephant dances")
    next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:admin_add_user_")).click().run()
    assert "Added newbie" in " ".join(s.value for s in at.success)
    assert at.text_input[0].value == ""  # a fresh form for the next person

    next(b for b in at.selectbox if b.key and b.key.startswith("admin_users_chosen_")).set_value("sam").run()
    at.button(key="admin_users_reset_sam").click().run()
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and accounts.password_problem(shown[0]) is None
    at.run()
    assert [c.value for c in at.code] == []  # shown once only
    session.expire_all()
    assert session.scalar(select(User.must_change_password).where(User.username == "sam"))
