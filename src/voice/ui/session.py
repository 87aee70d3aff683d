"""Who is signed in, kept in session state. Sign-in itself lives in pages/sign_in.py.

st.session_state["user"] = {"username": str, "roles": [str, …], "last_seen": datetime (naive UTC)}.
`check_session` runs at the top of every run (app.py): it signs out after 30 idle minutes, and
re-reads the account so a disabled account or removed role takes effect at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import streamlit as st

from voice.security.access import ANONYMOUS, Actor

log = logging.getLogger(__name__)

IDLE_LIMIT = timedelta(minutes=30)
TIMED_OUT = "You were signed out because nothing happened for 30 minutes. Please sign in again."
NO_LONGER_ACTIVE = "You have been signed out: your account is no longer active. Ask an administrator if this is a mistake."
SIGNED_OUT = "You have signed out. Close this tab if you are on a shared computer."
NOTICE_KEY = "session_notice"


def _now() -> datetime:
    from voice.db import utcnow

    return utcnow()


def current_user() -> dict | None:
    user = st.session_state.get("user")
    return user if isinstance(user, dict) and user.get("username") else None


def current_roles() -> frozenset[str]:
    user = current_user()
    return frozenset(user.get("roles") or ()) if user else frozenset()


def current_actor() -> Actor:
    user = current_user()
    return Actor(user["username"], current_roles()) if user else ANONYMOUS


def start_session(actor: Actor) -> None:
    st.session_state["user"] = {"username": actor.username, "roles": sorted(actor.roles), "last_seen": _now()}


def sign_out(notice: str | None = SIGNED_OUT) -> None:
    st.session_state.pop("user", None)
    # Drop everything a staff page kept, so the next person at this computer sees none of it.
    for key in list(st.session_state.keys()):
        if str(key).startswith(("staff_", "admin_")):
            del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return _as_datetime(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def check_session(now: datetime | None = None) -> None:
    """Time out an idle session and refresh roles from the database. Call first on every run."""
    _organisation_sign_in()
    user = current_user()
    if user is None:
        return
    now = now or _now()
    last_seen = _as_datetime(user.get("last_seen"))
    if last_seen is not None and now - last_seen > IDLE_LIMIT:
        _audit(user["username"], "session_timed_out")
        sign_out(TIMED_OUT)
        return
    actor = _reload(user["username"])
    if actor is False:  # database unreachable: keep the session, pages will show their own message
        pass
    elif actor is None:
        _audit(user["username"], "session_ended_inactive")
        sign_out(NO_LONGER_ACTIVE)
        return
    else:
        user["roles"] = sorted(actor.roles)
    user["last_seen"] = now


def _reload(username: str):
    from voice.db import DatabaseUnavailable, with_retry
    from voice.security.accounts import current_actor as account_actor
    from voice.ui.runtime import db_session

    def action():
        with db_session() as session:
            return account_actor(session, username)

    try:
        return with_retry(action)
    except DatabaseUnavailable:
        log.warning("could not re-check the signed-in account: database unavailable")
        return False


def _audit(actor: str, action: str, target_type: str = "", target_id: str = "", **detail) -> None:
    from voice.db import DatabaseUnavailable, with_retry
    from voice.security.audit import record
    from voice.ui.runtime import db_session

    def act():
        with db_session() as session:
            record(session, actor, action, target_type, target_id, **detail)

    try:
        with_retry(act)
    except DatabaseUnavailable:
        log.error("audit event %s for %s could not be written: database unavailable", action, actor)


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)


# --- organisation sign-in (OIDC through st.login), only when secrets have an [auth] section ------------


def organisation_sign_in_enabled() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _organisation_identity() -> str | None:
    if not organisation_sign_in_enabled():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("email") or st.user.get("preferred_username") or "") or None
    except Exception:
        return None


def _organisation_sign_in() -> None:
    """Map the organisation identity to a local account once; roles always come from the local account."""
    if current_user() is not None:
        return
    identity = _organisation_identity()
    if not identity or st.session_state.get("org_refused") == identity:
        return
    from voice.db import with_retry
    from voice.security.accounts import sign_in_external
    from voice.ui.runtime import db_session

    def action():
        with db_session() as session:
            return sign_in_external(session, identity)

    actor = with_retry(action)
    if actor is None:
        st.session_state["org_refused"] = identity
        st.session_state[NOTICE_KEY] = ("Your organisation account isn't linked to an account here yet. "
                                        "Please ask an administrator to add you.")
        return
    start_session(actor)


def sidebar_account(roles: frozenset[str]) -> None:
    if not roles:
        return
    user = st.session_state["user"]
    with st.sidebar:
        st.caption(f"Signed in as {user['username']}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            _audit(user["username"], "sign_out")
            sign_out()
            if _organisation_identity():
                st.logout()  # also end the organisation session, or the next run would sign straight back in
            st.rerun()
