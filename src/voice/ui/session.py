"""Who is signed in, checked on every run against a cookie the browser carries. Sign-in lives in
voice.ui.sign_in_page; the server side in voice.security.staff_sessions and voice.web.routes.

How it works when a browser is connected (the app served by serve.py):
- signing in (password or organisation) stores a one-time ticket and sends the browser to /auth/session,
  which sets the HttpOnly `voice_staff` cookie (a fresh random token) and returns to the page asked for;
- `check_session` (first thing in app.py, every run) reads that cookie from `st.context.cookies` and
  resumes the server-side session: open, not idle too long, not past 8 hours, account still active.
  Reloads, second tabs and bookmarks carry the cookie, so they stay signed in;
- `st.session_state["user"]` only caches the result for this run's pages, tied to a digest of the cookie:
  another client presenting this Streamlit session's id has no cookie, so `current_user` is None and the
  cached user and staff data are dropped. The Streamlit session id never grants a role;
- signing out, a time-out or a disabled account ends the server session; every tab using it is signed
  out at its next action, and `watch_session` blanks an idle screen without waiting for a click.

Without a connected browser (AppTest runs app.py in-process; nobody else can reach that session), the
token is kept in session state instead of a cookie and the same server-side checks apply; a user dict put
into session state by a test without a token is re-checked against the account only.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import streamlit as st

from voice.security import staff_sessions, web_sessions
from voice.security.access import ANONYMOUS, Actor

log = logging.getLogger(__name__)

STAFF_COOKIE = web_sessions.cookie_name(staff_sessions.STAFF)
RETURN_TO = "return_to"  # the page asked for, kept for this browser across organisation sign-in
NOTICE_KEY = "session_notice"

TIMED_OUT = "You were signed out because nothing happened for a while. Please sign in again."
NO_LONGER_ACTIVE = ("You have been signed out: your account is no longer active. "
                    "Ask an administrator if this is a mistake.")
SIGNED_OUT = "You have signed out. Close this tab if you are on a shared computer."
NOTICES = {
    "signed_out": SIGNED_OUT,
    "timed_out": TIMED_OUT,
    "expired": "You were signed out because you signed in a long time ago. Please sign in again.",
    "ended_elsewhere": "You have been signed out, in another tab or window. Please sign in again.",
    "account_disabled": NO_LONGER_ACTIVE,
    "org_refused": ("Your organisation account isn't linked to an account here yet. "
                    "Please ask an administrator to add you."),
    "link_expired": "That sign-in took too long or was already used. Please sign in again.",
}
_REASON_FOR_STATUS = {web_sessions.TIMED_OUT: "timed_out", web_sessions.EXPIRED: "expired",
                      web_sessions.UNKNOWN: "expired", staff_sessions.SIGNED_OUT: "ended_elsewhere",
                      staff_sessions.ACCOUNT_DISABLED: "account_disabled"}
COOKIES_NEEDED = "Please allow cookies for this site in your browser, then reload the page and sign in again."
START_WITH_SERVE = ("Signing in needs the app's web entry point. Start it with `streamlit run serve.py` "
                    "(see the README).")


# --- the browser --------------------------------------------------------------------------------------------


def browser_cookies() -> dict[str, str] | None:
    """The cookies the browser sent when it connected, or None when no browser is connected (AppTest)."""
    try:
        if not st.context.headers:
            return None
        return dict(st.context.cookies)
    except Exception:  # no script run context, or the API moved: behave as if no browser
        return None


def current_path() -> str:
    """The address path this run was asked for ('/workspace'), from the browser's URL."""
    try:
        return urlsplit(st.context.url or "").path or "/"
    except Exception:
        return "/"


def send_browser_to(url: str) -> None:
    """Send the browser to one of the app's own routes (as st.login does), then stop this run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        ctx.enqueue(message)
    st.stop()


def signed_out_url(reason: str, next_path: str) -> str:
    from voice.web.routes import SIGNED_OUT_ROUTE

    return f"{SIGNED_OUT_ROUTE}?{urlencode({'reason': reason, 'next': next_path})}"


def _staff_page_path(path: str) -> str:
    """Where to come back after signing in again: this page if it is a staff page, else the sign-in page."""
    from voice.ui.navigation import staff_paths

    return path if path in staff_paths() else "/sign_in"


# --- who is signed in ---------------------------------------------------------------------------------------


def current_user() -> dict | None:
    """The signed-in member of staff for this run, or None. With a browser, only while this run's cookie is
    the one the cached user was checked against."""
    user = st.session_state.get("user")
    if not (isinstance(user, dict) and user.get("username")):
        return None
    cookies = browser_cookies()
    if cookies is None:
        return user
    token = cookies.get(STAFF_COOKIE)
    if not token or web_sessions.digest(token) != user.get("token_digest"):
        return None
    return user


def current_roles() -> frozenset[str]:
    user = current_user()
    return frozenset(user.get("roles") or ()) if user else frozenset()


def current_actor() -> Actor:
    user = current_user()
    return Actor(user["username"], current_roles()) if user else ANONYMOUS


def sign_out(notice: str | None = SIGNED_OUT) -> None:
    """Forget the signed-in user in this Streamlit session (the server session is ended separately)."""
    st.session_state.pop("user", None)
    # Drop everything a staff page kept, so the next person at this computer sees none of it.
    for key in list(st.session_state.keys()):
        if str(key).startswith(("staff_", "admin_")):
            del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _token() -> str:
    cookies = browser_cookies()
    if cookies is not None:
        return cookies.get(STAFF_COOKIE, "")
    user = st.session_state.get("user")
    return str(user.get("token") or "") if isinstance(user, dict) else ""


def _keep(found: staff_sessions.StaffSession, token: str, with_browser: bool) -> None:
    previous = st.session_state.get("user")
    token_digest = web_sessions.digest(token)
    if isinstance(previous, dict) and previous.get("token_digest") != token_digest:
        sign_out(notice=None)  # another person's (or an older) session: none of its staff data stays
    if found.actor is None:  # only an active session is kept, and it always names someone
        return
    user = {"username": found.actor.username, "roles": sorted(found.actor.roles), "token_digest": token_digest,
            "method": found.method, "idle_seconds": found.idle_seconds}
    if not with_browser:
        user["token"] = token
    st.session_state["user"] = user


def _resume(token: str, touch: bool) -> staff_sessions.StaffSession | None:
    """The staff session behind `token` checked now, or None when the database cannot be reached."""
    from voice.db import DatabaseUnavailable

    try:
        return _db(staff_sessions.resume, token, touch=touch)
    except DatabaseUnavailable:
        log.warning("could not check a staff session: database unavailable")
        return None


def _db(fn, *args, **kwargs):
    from voice.ui.runtime import call

    return call(fn, *args, **kwargs)


def _audit(actor: str, action: str, target_type: str = "", target_id: str = "", **detail) -> None:
    """Write one audit event now; a database outage is logged, never shown to the person."""
    from voice.db import DatabaseUnavailable
    from voice.security.audit import record

    try:
        _db(record, actor, action, target_type, target_id, **detail)
    except DatabaseUnavailable:
        log.error("audit event %s for %s could not be written: database unavailable", action, actor)


# --- every run ----------------------------------------------------------------------------------------------


def check_session() -> None:
    """Call first on every run (app.py): who is signed in, from the cookie, checked on the server."""
    arrived_with_notice = _notice_from_link()
    cookies = browser_cookies()
    if cookies is None:
        _check_without_browser()
        return
    token = cookies.get(STAFF_COOKIE, "")
    user = st.session_state.get("user")
    if isinstance(user, dict) and (not token or user.get("token_digest") != web_sessions.digest(token)):
        # This Streamlit session was signed in, but the client now running it does not carry that
        # cookie (a copied session id): drop the user and every staff page's data, quietly.
        sign_out(notice=None)
    if not token:
        _organisation_sign_in(cookies)
        return
    found = _resume(token, touch=True)
    if found is None:
        return  # database unavailable: pages show their own kind message
    if found.active:
        _keep(found, token, with_browser=True)
        return
    sign_out(notice=None)
    if not arrived_with_notice:  # (the cookie should be gone by then; never loop if it is not)
        send_browser_to(signed_out_url(_REASON_FOR_STATUS.get(found.status, "expired"),
                                       _staff_page_path(current_path())))


def _check_without_browser() -> None:
    """AppTest and other in-process runs: the token (if any) is in session state."""
    _organisation_sign_in(None)
    user = st.session_state.get("user")
    if not isinstance(user, dict) or not user.get("username"):
        return
    if not user.get("token"):
        _recheck_account(user)
        return
    found = _resume(user["token"], touch=True)
    if found is None:
        return
    if found.active:
        _keep(found, user["token"], with_browser=False)
    else:
        sign_out(NOTICES[_REASON_FOR_STATUS.get(found.status, "expired")])


def _recheck_account(user: dict) -> None:
    """A user placed in session state by a test harness: roles from the account, refused once disabled."""
    from voice.db import DatabaseUnavailable
    from voice.security.accounts import current_actor as account_actor

    try:
        actor = _db(account_actor, user["username"])
    except DatabaseUnavailable:
        return
    if actor is None:
        _audit(user["username"], "session_ended_inactive")
        sign_out(NO_LONGER_ACTIVE)
    else:
        user["roles"] = sorted(actor.roles)


def _notice_from_link() -> bool:
    """A ?notice=<reason> from the sign-out route becomes the fixed message for it (never the link's text)."""
    try:
        reason = st.query_params.get("notice")
    except Exception:
        return False
    if reason is None:
        return False
    del st.query_params["notice"]
    if reason in NOTICES:
        st.session_state[NOTICE_KEY] = NOTICES[reason]
    return True


def watch_session() -> None:
    """While someone is signed in, check the session every few seconds without counting it as activity,
    and blank the screen as soon as it has ended (idle time-out, 8 hours, signed out elsewhere)."""
    user = current_user()
    if user is None:
        return
    idle = int(user.get("idle_seconds") or 0) or 1800
    every = max(2.0, min(60.0, idle / 6))

    @st.fragment(run_every=every)
    def _watch() -> None:
        token = _token()
        found = _resume(token, touch=False) if token else None
        if found is None or found.active:
            return
        cookies = browser_cookies()
        sign_out(notice=None if cookies is not None else NOTICES[_REASON_FOR_STATUS.get(found.status, "expired")])
        if cookies is not None:
            send_browser_to(signed_out_url(_REASON_FOR_STATUS.get(found.status, "expired"),
                                           _staff_page_path(current_path())))
        st.rerun(scope="app")

    _watch()


def session_limits_text() -> str:
    """'You will be signed out after 30 minutes without activity, and 8 hours after signing in.'"""
    from voice.config import get_settings

    def words(seconds: int) -> str:
        for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
            if seconds >= size and seconds % size == 0:
                count = seconds // size
                return f"{count} {unit}{'' if count == 1 else 's'}"
        return f"{seconds} seconds"

    settings = get_settings()
    return (f"You will be signed out after {words(settings.session_idle_seconds)} without activity, "
            f"and {words(settings.session_max_seconds)} after signing in.")


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)


# --- signing in and out ---------------------------------------------------------------------------------------


def complete_sign_in(actor: Actor, method: str, next_path: str = "/", roles_from_claim: bool = False) -> None:
    """The person has proved who they are: start their session and send them to `next_path`.

    With a browser: a one-time ticket, bound to this browser, and a trip through /auth/session for the
    cookie (so every sign-in gets a fresh token, and the new page load a fresh Streamlit session).
    Without one (AppTest): the session starts here and its token stays in session state."""
    import voice.web
    from voice.web.routes import SESSION_ROUTE, safe_next

    value = staff_sessions.ticket_value(actor, method, roles_from_claim)
    cookies = browser_cookies()
    if cookies is None:
        token = _db(staff_sessions.start_session, value)
        if token:
            found = _db(staff_sessions.resume, token)
            if found.active:
                _keep(found, token, with_browser=False)
        st.rerun()
    if not voice.web.ROUTES_INSTALLED:
        st.error(START_WITH_SERVE)
        st.stop()
    browser_id = cookies.get(web_sessions.BROWSER_COOKIE, "")
    if not browser_id:
        st.error(COOKIES_NEEDED)
        st.stop()
    ticket = _db(web_sessions.issue_ticket, staff_sessions.STAFF, value, browser_id, safe_next(next_path))
    send_browser_to(f"{SESSION_ROUTE}?{urlencode({'ticket': ticket})}")


def sign_out_everywhere_here() -> None:
    """The Sign out button: end the server session (every tab using it), forget it here, say so."""
    user = current_user()
    token = _token()
    if token:
        _db(staff_sessions.sign_out, token)
    elif user:
        _audit(user["username"], "sign_out")
    if user and user.get("method") == "organisation":
        st.session_state["org_signed_out"] = user["username"]
    cookies = browser_cookies()
    sign_out(notice=None if cookies is not None else SIGNED_OUT)
    if cookies is not None:
        send_browser_to(signed_out_url("signed_out", "/sign_in"))
    st.rerun()


def sidebar_account(roles: frozenset[str]) -> None:
    user = current_user()
    if not roles or user is None:
        return
    with st.sidebar:
        st.caption(f"Signed in as {user['username']}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out_everywhere_here()
        watch_session()


# --- organisation sign-in (OIDC through st.login), only when secrets have an [auth] section ------------


def organisation_sign_in_enabled() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def start_organisation_sign_in(next_path: str) -> None:
    """The "Sign in with your organisation" button: remember the page asked for, then st.login().

    The provider returns to the front page, so the page is kept for this browser as a short-lived
    ticket (`RETURN_TO`) and read back by `_organisation_sign_in` when the person comes back."""
    from voice.web.routes import safe_next

    cookies = browser_cookies()
    browser_id = (cookies or {}).get(web_sessions.BROWSER_COOKIE, "")
    if browser_id:
        _db(web_sessions.issue_ticket, RETURN_TO, {"path": safe_next(next_path)}, browser_id, seconds=900)
    st.login()
    st.stop()


def _organisation_claims() -> dict | None:
    if not organisation_sign_in_enabled():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        return dict(st.user.to_dict())
    except Exception:
        return None


def _organisation_sign_in(cookies: dict | None) -> None:
    """Someone came back from the organisation's sign-in: map the identity to roles once, start a staff
    session like a password sign-in, and forget st.login's own identity cookie (routes.redeem_ticket)."""
    if current_user() is not None:
        return
    claims = _organisation_claims()
    if not claims:
        return
    identity = str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "").strip()
    if st.session_state.get("org_signed_out") == identity.lower():
        return  # signed out in this session (AppTest keeps st.user set); the organisation asks again next time
    from voice.config import get_settings
    from voice.security.accounts import sign_in_external

    settings = get_settings()
    actor = _db(sign_in_external, identity, claims=claims, roles_claim=settings.oidc_roles_claim,
                role_map=settings.oidc_role_map)
    if actor is None:
        if cookies is not None:
            send_browser_to(signed_out_url("org_refused", "/sign_in"))
        st.session_state["org_signed_out"] = identity.lower()
        st.session_state[NOTICE_KEY] = NOTICES["org_refused"]
        return
    next_path = "/"
    browser_id = (cookies or {}).get(web_sessions.BROWSER_COOKIE, "")
    if browser_id:
        remembered = _db(web_sessions.claim_browser_ticket, RETURN_TO, browser_id)
        next_path = (remembered or {}).get("path") or "/"
    complete_sign_in(actor, "organisation", next_path, roles_from_claim=bool(settings.oidc_roles_claim))
