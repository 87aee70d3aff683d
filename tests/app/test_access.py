"""Every page in navigation.PAGES, visited by every role and by nobody, through the real app.py.

Pages other engineers add to PAGES are covered automatically: each PageSpec says who may open it,
and this test checks that (1) the menu offers it to exactly those people, (2) the page itself refuses
everyone else even when run directly (require_page), and (3) each refusal is in the audit trail.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
import streamlit
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from voice.db import utcnow
from voice.models import AuditEvent
from voice.security import accounts
from voice.security.access import SYSTEM
from voice.security.roles import ROLES
from voice.ui.refusal import NOT_ALLOWED
from voice.ui.navigation import PAGES, PageSpec
from voice.ui.session import NO_LONGER_ACTIVE, SIGNED_OUT, TIMED_OUT

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PASSWORD = "a long enough passphrase"

# Nobody, each role alone, and someone holding every role.
PEOPLE: dict[str, frozenset[str]] = {"nobody": frozenset(), **{r: frozenset({r}) for r in ROLES},
                                     "every_role": frozenset(ROLES)}


def username(person: str) -> str:
    return f"u_{person}"


@pytest.fixture
def app_db(clean_db, database_url, monkeypatch):
    """The app's database is the test database; one account per person in PEOPLE."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    from voice.db import session_scope

    with session_scope(clean_db) as session:
        for person, roles in PEOPLE.items():
            if roles:
                # No password (organisation sign-in only) keeps this fast: argon2 is slow on purpose.
                accounts.create_user(session, SYSTEM, username(person), roles, None)
    return clean_db


@pytest.fixture
def admin_password(app_db):
    from voice.db import session_scope

    with session_scope(app_db) as session:
        accounts.set_password(session, SYSTEM, "u_admin", PASSWORD)
    return PASSWORD


def _app(person: str | None = None, script: Path = APP, last_seen=None) -> AppTest:
    at = AppTest.from_file(str(script), default_timeout=60)
    if person and PEOPLE[person]:
        at.session_state["user"] = {"username": username(person), "roles": sorted(PEOPLE[person]),
                                    "last_seen": last_seen or utcnow()}
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error",
                                  "warning", "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _page_shown(at: AppTest) -> Path:
    """The file of the page the last run showed (AppTest's own record of where the run finished).

    AppTest has no public way to say which page ran, so this reads two private attributes: the reason
    pyproject.toml caps streamlit below the next minor release."""
    try:
        info = at._registered_pages[at._finished_page_script_hash]
    except AttributeError as exc:
        pytest.fail(f"AppTest in streamlit {streamlit.__version__} no longer has {exc.name!r}: find the page "
                    "shown another way in _page_shown, then move the streamlit cap in pyproject.toml", pytrace=False)
    return Path(str(info["script_path"])).resolve()


def _may_open(spec: PageSpec, roles: frozenset[str]) -> bool:
    return (not spec.roles or bool(spec.roles & roles)) and not (spec.signed_out_only and roles)


def _refusals(engine, person: str, page: str) -> int:
    from voice.db import session_scope

    with session_scope(engine) as session:
        actor = username(person) if PEOPLE[person] else "anonymous"
        return len(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "page_refused", AuditEvent.actor == actor,
            AuditEvent.target_id == Path(page).name)).all())


CASES = [pytest.param(spec, person, id=f"{Path(spec.path).stem}-as-{person}") for spec in PAGES for person in PEOPLE]


@pytest.mark.parametrize(("spec", "person"), CASES)
def test_the_menu_offers_a_page_to_exactly_its_roles(app_db, spec: PageSpec, person: str):
    roles = PEOPLE[person]
    at = _app(person).run()
    assert not at.exception, at.exception
    if _may_open(spec, roles):
        at.switch_page(spec.path).run()
        assert not at.exception, at.exception
        assert _page_shown(at) == (ROOT / spec.path).resolve()
        assert NOT_ALLOWED not in _text(at)
    elif spec.signed_out_only:
        # Sign-in stays reachable (hidden) once signed in, and forwards to the staff home page.
        at.switch_page(spec.path).run()
        assert not at.exception and "Home" in [t.value for t in at.title]
        assert _page_shown(at) == (ROOT / "pages/staff_home.py").resolve()
    else:
        # Not in this person's navigation at all: it cannot be opened by address.
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(spec.path)


STAFF_CASES = [pytest.param(spec, person, id=f"{Path(spec.path).stem}-as-{person}")
               for spec in PAGES if spec.roles for person in PEOPLE if not spec.roles & PEOPLE[person]]


@pytest.mark.parametrize(("spec", "person"), STAFF_CASES)
def test_a_staff_page_refuses_the_wrong_role_by_itself_and_audits_it(app_db, spec: PageSpec, person: str):
    """Run the page file directly, skipping the menu: require_page must still stop it."""
    before = _refusals(app_db, person, spec.path)
    at = _app(person, script=ROOT / spec.path).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [NOT_ALLOWED]
    assert _refusals(app_db, person, spec.path) == before + 1


ALLOWED_STAFF_CASES = [pytest.param(spec, person, id=f"{Path(spec.path).stem}-as-{person}")
                       for spec in PAGES if spec.roles for person in PEOPLE if spec.roles & PEOPLE[person]]


@pytest.mark.parametrize(("spec", "person"), ALLOWED_STAFF_CASES)
def test_a_staff_page_opens_for_its_roles_when_run_directly(app_db, spec: PageSpec, person: str):
    at = _app(person, script=ROOT / spec.path).run()
    assert not at.exception, at.exception
    assert NOT_ALLOWED not in _text(at)


def test_board_members_never_get_the_safeguarding_queue_or_admin_pages():
    board = frozenset({"board_member"})
    for spec in PAGES:
        if spec.roles and "safeguarding_lead" in spec.roles and "queue" in spec.path:
            assert not spec.roles & board, spec
        if spec.section == "Admin":
            assert "board_member" not in spec.roles, spec


# --- signing in and out ----------------------------------------------------------------------------


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def test_signing_in_through_the_form_lands_on_the_staff_home(app_db, admin_password):
    at = _app().run()
    at.switch_page("pages/sign_in.py").run()
    _sign_in(at, "u_admin", PASSWORD)
    assert not at.exception
    assert at.session_state["user"]["username"] == "u_admin"
    assert [t.value for t in at.title] == ["Home"]
    at.run()  # AppTest keeps only the main area from a run that st.switch_page restarted
    assert any("Signed in as u_admin" in c.value for c in at.sidebar.caption)


def test_a_wrong_password_gets_the_same_message_as_an_unknown_name_then_a_pause(app_db, admin_password):
    at = _app().run()
    at.switch_page("pages/sign_in.py").run()
    _sign_in(at, "u_admin", "not the password")
    wrong = [e.value for e in at.error]
    _sign_in(at, "no_such_person", "not the password")
    assert [e.value for e in at.error] == wrong == [accounts.SIGN_IN_FAILED]
    _sign_in(at, "u_admin", "not the password")
    _sign_in(at, "u_admin", "not the password")  # third failure: a pause, with the time to come back
    assert "Too many tries" in at.error[0].value and "try again after" in at.error[0].value
    assert "user" not in at.session_state


def _with_session(person: str, **age) -> tuple[AppTest, str]:
    """An AppTest signed in the way the app does it: a server-side staff session whose token (with no
    browser, hence no cookie) is kept in session state. `age`: timedelta to move its clock back by."""
    from voice.db import session_scope
    from voice.models import WebSession
    from voice.security import staff_sessions

    with session_scope(accounts_engine()) as session:
        token = staff_sessions.start_session(session, {"username": username(person), "method": "password"})
        row = session.scalars(select(WebSession).order_by(WebSession.id.desc())).first()
        row.created_at -= age.get("created", timedelta())
        row.expires_at -= age.get("created", timedelta())
        row.last_seen_at -= age.get("created", timedelta()) + age.get("idle", timedelta())
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["user"] = {"username": username(person), "roles": sorted(PEOPLE[person]), "token": token}
    return at, token


def accounts_engine():
    import os

    from voice.db import get_engine

    return get_engine(os.environ["DATABASE_URL"])


def _session_row(token: str):
    from voice.db import session_scope
    from voice.models import WebSession
    from voice.security.web_sessions import digest

    with session_scope(accounts_engine()) as session:
        row = session.scalar(select(WebSession).where(WebSession.token_hash == digest(token)))
        session.expunge(row)
        return row


def test_signing_in_through_the_form_starts_a_server_session(app_db, admin_password):
    at = _app().run()
    at.switch_page("pages/sign_in.py").run()
    _sign_in(at, "u_admin", PASSWORD)
    token = at.session_state["user"]["token"]
    row = _session_row(token)
    assert (row.subject, row.method, row.ended_at) == ("u_admin", "password", None)
    assert row.token_hash != token and len(token) >= 40  # only a hash is stored; the token is long and random
    # Every sign-in gets a fresh token.
    at2 = _app().run()
    at2.switch_page("pages/sign_in.py").run()
    _sign_in(at2, "u_admin", PASSWORD)
    assert at2.session_state["user"]["token"] != token


def test_sign_out_ends_the_server_session(app_db):
    at, token = _with_session("admin")
    at.run()
    at.sidebar.button(key="sign_out").click().run()
    assert "user" not in at.session_state
    assert SIGNED_OUT in [i.value for i in at.info]
    row = _session_row(token)
    assert row.ended_at is not None and row.end_reason == "signed_out"
    # Anything else presenting that token (another tab of the same browser) is now signed out too.
    other = AppTest.from_file(str(APP), default_timeout=60)
    other.session_state["user"] = {"username": "u_admin", "roles": ["admin"], "token": token}
    other.run()
    assert "user" not in other.session_state


def test_an_idle_session_times_out_with_a_message_and_is_audited(app_db):
    at, token = _with_session("facilitator", idle=timedelta(minutes=31))
    at.run()
    assert "user" not in at.session_state
    assert TIMED_OUT in [i.value for i in at.info]
    assert _session_row(token).end_reason == "timed_out"
    from voice.db import session_scope

    with session_scope(app_db) as session:
        assert session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "session_timed_out")).all() == \
            ["u_facilitator"]
    at, _ = _with_session("facilitator", idle=timedelta(minutes=29))
    at.run()
    assert at.session_state["user"]["username"] == "u_facilitator"


def test_a_session_ends_after_eight_hours_however_busy(app_db):
    at, token = _with_session("facilitator", created=timedelta(hours=8, seconds=1))
    at.run()
    assert "user" not in at.session_state
    assert _session_row(token).end_reason == "expired"


def test_a_disabled_account_is_signed_out_on_its_next_click(app_db):
    from voice.db import session_scope

    at, token = _with_session("board_member")
    at.run()
    assert at.session_state["user"]["username"] == "u_board_member"
    with session_scope(app_db) as session:
        accounts.deactivate_user(session, SYSTEM, "u_board_member")
    at.run()
    assert "user" not in at.session_state
    assert NO_LONGER_ACTIVE in [i.value for i in at.info]
    assert _session_row(token).end_reason == "account_disabled"


def test_role_changes_apply_at_once(app_db):
    from voice.db import session_scope

    at, _ = _with_session("admin")
    at.run()
    with session_scope(app_db) as session:
        accounts.set_roles(session, SYSTEM, "u_admin", ["board_member"])
    at.run()
    assert at.session_state["user"]["roles"] == ["board_member"]


def test_a_test_harness_user_without_a_session_is_still_checked_against_the_account(app_db):
    """AppTest pages put a user straight into session state; disabling the account still signs it out."""
    from voice.db import session_scope

    at = _app("board_member").run()
    with session_scope(app_db) as session:
        accounts.deactivate_user(session, SYSTEM, "u_board_member")
    at.run()
    assert "user" not in at.session_state


# --- privacy settings ---------------------------------------------------------------------------------


def test_streamlit_config_keeps_privacy_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] in ("minimal", "viewer")


def _html_calls(tree):
    import ast

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        is_html = isinstance(node.func, ast.Attribute) and node.func.attr == "html"
        unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                     for k in node.keywords)
        if is_html or unsafe:
            yield node


def test_html_is_only_ever_given_fixed_text():
    """Stored text must never reach st.html or unsafe_allow_html (XSS). Fixed CSS in a CONSTANT is fine."""
    import ast

    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "src").rglob("*.py"))]:
        for call in _html_calls(ast.parse(path.read_text())):
            arg = call.args[0] if call.args else None
            fixed = isinstance(arg, ast.Constant) or (isinstance(arg, ast.Name) and arg.id.lstrip("_").isupper())
            assert fixed, f"{path.relative_to(ROOT)}:{call.lineno} passes non-constant text as HTML"
