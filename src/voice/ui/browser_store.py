"""Keep a value for this browser across reloads, without putting it in the address.

The same mechanism as staff sign-in (voice.security.web_sessions): the value stays on the server; the
browser carries only an HttpOnly cookie `voice_<purpose>` holding a random token. Made for issue 17: a
young person's in-progress survey that survives a reload without `?resume=` in the address.

    from voice.ui import browser_store

    browser_store.keep("survey", progress.resume_code, next_path="/", max_seconds=14 * 24 * 3600)
        # stores a one-time ticket and sends the browser through /auth/session, which sets the cookie
        # and comes back to next_path: call it once (e.g. when the survey starts), not on every step.
    code = browser_store.read("survey")       # on any later run: the value, or None
    browser_store.forget("survey")            # finished, or "let someone else answer": ends it on the
                                              # server at once; the cookie left behind is worth nothing

Cookies are per browser (every tab of it), not per tab. `keep` needs the browser-id cookie, which the
middleware sets only on staff pages (young people's devices carry no id); for a young person's page,
issue 17 adds the page's address to `voice.ui.navigation.staff_paths` or sets the id on its own pages.
Without a browser (AppTest) `keep` holds the value in session state and `read`/`forget` use that.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from voice.security import web_sessions
from voice.ui.session import _db, browser_cookies, send_browser_to

_LOCAL = "browser_store_{}"  # session-state key when no browser is connected


def keep(purpose: str, value: str, next_path: str = "/", max_seconds: int = 24 * 3600,
         idle_seconds: int | None = None, cookie_max_age: int | None = None) -> bool:
    """Start keeping `value` for this browser and send the browser on to `next_path` (this run stops).

    `max_seconds`/`idle_seconds`: when the server forgets it. `cookie_max_age`: None keeps the cookie only
    until the browser closes. Returns False (and does nothing) when the browser sent no browser id."""
    import voice.web
    from voice.web.routes import SESSION_ROUTE, safe_next

    web_sessions.cookie_name(purpose)  # checks the purpose's spelling
    cookies = browser_cookies()
    if cookies is None:
        st.session_state[_LOCAL.format(purpose)] = value
        return True
    browser_id = cookies.get(web_sessions.BROWSER_COOKIE, "")
    if not browser_id or not voice.web.ROUTES_INSTALLED:
        return False
    ticket = _db(web_sessions.issue_ticket, purpose,
                 {"value": value, "max_seconds": max_seconds, "idle_seconds": idle_seconds,
                  "cookie_max_age": cookie_max_age}, browser_id, safe_next(next_path))
    send_browser_to(f"{SESSION_ROUTE}?{urlencode({'ticket': ticket})}")
    return True  # not reached: send_browser_to stops the run


def read(purpose: str) -> str | None:
    """The value kept for this browser, or None (never kept, forgotten, or past its time)."""
    cookies = browser_cookies()
    if cookies is None:
        return st.session_state.get(_LOCAL.format(purpose))
    token = cookies.get(web_sessions.cookie_name(purpose), "")
    if not token:
        return None
    found = _db(web_sessions.look_up, purpose, token)
    return found.subject if found.active else None


def forget(purpose: str) -> None:
    """Stop keeping the value: at once on the server, for every tab of this browser."""
    cookies = browser_cookies()
    if cookies is None:
        st.session_state.pop(_LOCAL.format(purpose), None)
        return
    token = cookies.get(web_sessions.cookie_name(purpose), "")
    if token:
        _db(web_sessions.end, purpose, token, "forgotten")
