"""Who is signed in, kept in session state. Sign-in itself lives in pages/sign_in.py."""

from __future__ import annotations

import streamlit as st


def current_roles() -> frozenset[str]:
    user = st.session_state.get("user")
    return frozenset(user["roles"]) if user else frozenset()


def sidebar_account(roles: frozenset[str]) -> None:
    if not roles:
        return
    user = st.session_state["user"]
    with st.sidebar:
        st.caption(f"Signed in as {user['username']}")
