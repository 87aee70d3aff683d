"""The first line of every staff page:

    from voice.ui.guard import require_page
    actor = require_page(FACILITATOR, SAFEGUARDING)   # returns the signed-in Actor, or stops the page

The menu already hides pages a role may not open; this check stands even if the menu is wrong or a
page is opened some other way, and the services behind the page check again with `require`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from voice.security.access import AccessDenied, Actor, require
from voice.ui.session import _audit, current_actor

NOT_ALLOWED = "Not found or not allowed"


def require_page(*roles: str) -> Actor:
    """The signed-in Actor if it holds one of `roles` (none given: any staff role); else refuse and stop."""
    actor = current_actor()
    try:
        return require(actor, *roles)
    except AccessDenied:
        # Name the page by its file, so the audit trail says which page was tried.
        page = Path(sys._getframe(1).f_code.co_filename).name
        _audit(actor.username, "page_refused", "page", page, roles=sorted(actor.roles))
        refuse()
        raise  # unreachable: refuse() stops the script


def refuse() -> None:
    """The same words whether the page does not exist or the person may not see it: no hint either way."""
    st.title(NOT_ALLOWED)
    st.write("This page doesn't exist, or your account can't open it. "
             "If you think you should be able to, please ask an administrator.")
    if not current_actor().roles:
        page_link_if_listed("pages/sign_in.py", label="Staff sign in", icon=":material/login:")
    st.stop()


def page_link_if_listed(path: str, **kwargs) -> None:
    """st.page_link, skipped when `path` is not in this run's navigation (st.page_link would raise)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        pages = ctx.pages_manager.get_pages() if ctx else {}
        listed = any(str(p.get("script_path", "")).endswith(path) for p in pages.values())
    except Exception:  # internal API moved: better no link than a broken page
        listed = False
    if listed:
        st.page_link(path, **kwargs)
