"""What a refused page shows: the same words whether the page does not exist or the person may not see it.

Used by voice.ui.guard (a page opened without its roles) and voice.ui.runtime (a service refusing the actor).
Imports nothing of voice.ui, so both can use it.
"""

from __future__ import annotations

import streamlit as st

from voice.security.access import Actor

NOT_ALLOWED = "Not found or not allowed"


def refuse(actor: Actor) -> None:
    """The same words whether the page does not exist or the person may not see it: no hint either way."""
    st.title(NOT_ALLOWED)
    st.write("This page doesn't exist, or your account can't open it. "
             "If you think you should be able to, please ask an administrator.")
    if not actor.roles:  # signed out: the way to sign in
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
