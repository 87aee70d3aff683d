"""Two small routes beside Streamlit's own (added by serve.py through `st.App(routes=...)`).

GET /auth/session?ticket=…     redeem a one-time ticket (voice.security.web_sessions) for a cookie and go
                               on to the page the ticket names. Staff tickets start a staff session.
GET /auth/signed-out?reason=…&next=/page
                               clear the staff cookie (and st.login's identity cookie), then go to `next`
                               with a notice saying why. The script has already ended the session on the
                               server; this only tidies the browser, so a link to it can do no harm.

`next` is only ever a path of this app (never another site): see `safe_next`.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from voice.web import cookies

log = logging.getLogger(__name__)

SESSION_ROUTE = "/auth/session"
SIGNED_OUT_ROUTE = "/auth/signed-out"
# Why someone was signed out, as the ?notice= the app shows (voice.ui.session.NOTICES holds the words).
NOTICE_REASONS = frozenset({"signed_out", "timed_out", "expired", "ended_elsewhere", "account_disabled",
                            "org_refused", "link_expired"})
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_\-/]{0,120}$")


def safe_next(path: str | None, default: str = "/") -> str:
    """`path` if it is a plain path of this app, else `default`: no other host, no scheme, no query,
    nothing under /auth/ or Streamlit's own /_stcore/ (no loops, no open redirect)."""
    path = path or ""
    if not _SAFE_PATH.match(path) or path.startswith("//") or path.startswith(("/auth/", "/_stcore")):
        return default
    return path


def with_notice(path: str, reason: str) -> str:
    return f"{path}?{urlencode({'notice': reason})}" if reason in NOTICE_REASONS else path


def _no_store(response: RedirectResponse) -> RedirectResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


def _redeem(ticket: str, browser_id: str):
    """(purpose, next path, token, value) for a good ticket, else None. Runs in a worker thread."""
    from voice.config import get_settings
    from voice.db import get_engine, session_scope, with_retry
    from voice.security import staff_sessions, web_sessions

    def action():
        with session_scope(get_engine(get_settings().database_url)) as session:
            redeemed = web_sessions.redeem_ticket(session, ticket, browser_id)
            if redeemed is None:
                return None
            browser_hash = web_sessions.digest(browser_id)
            if redeemed.purpose == staff_sessions.STAFF:
                token = staff_sessions.start_session(session, redeemed.value, browser_hash=browser_hash)
            else:  # a cookie for another purpose (web_sessions.start); the app issues only staff tickets today
                token = web_sessions.start(session, redeemed.purpose, str(redeemed.value.get("value", "")),
                                           max_seconds=int(redeemed.value.get("max_seconds") or 3600),
                                           idle_seconds=redeemed.value.get("idle_seconds"), browser_hash=browser_hash)
            return (redeemed.purpose, redeemed.next_path, token, redeemed.value) if token else None

    return with_retry(action)


async def redeem_ticket(request: Request) -> RedirectResponse:
    from voice.security import web_sessions

    ticket = request.query_params.get("ticket", "")
    browser_id = request.cookies.get(web_sessions.BROWSER_COOKIE, "")
    try:
        result = await run_in_threadpool(_redeem, ticket, browser_id)
    except Exception:  # database unavailable or broken: the person signs in again; details in the log
        log.exception("could not redeem a sign-in ticket")
        result = None
    if result is None:
        return _no_store(RedirectResponse(with_notice("/sign_in", "link_expired"), status_code=303))
    purpose, next_path, token, value = result
    response = RedirectResponse(safe_next(next_path), status_code=303)
    max_age = value.get("cookie_max_age")
    cookies.set_cookie(response, request, web_sessions.cookie_name(purpose), token,
                       max_age=int(max_age) if max_age else None)
    if purpose == "staff" and value.get("method") == "organisation":
        cookies.delete_streamlit_identity(response, request)
    return _no_store(response)


async def signed_out(request: Request) -> RedirectResponse:
    from voice.security import web_sessions

    reason = request.query_params.get("reason", "signed_out")
    target = with_notice(safe_next(request.query_params.get("next"), "/sign_in"), reason)
    response = RedirectResponse(target, status_code=303)
    cookies.delete_cookie(response, request, web_sessions.cookie_name("staff"))
    cookies.delete_streamlit_identity(response, request)
    return _no_store(response)


def routes() -> list[Route]:
    import voice.web

    voice.web.ROUTES_INSTALLED = True
    return [Route(SESSION_ROUTE, redeem_ticket, methods=["GET"]),
            Route(SIGNED_OUT_ROUTE, signed_out, methods=["GET"])]
