"""Staff sign in: username and password, or the organisation's own sign-in when configured.

Shown at /sign_in, and at the address of any staff page while nobody is signed in (app.py registers
`page_for` under those addresses), so a bookmark or a link to /safeguarding asks for sign-in and then
opens /safeguarding itself.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.security.accounts import SignInRefused, sign_in
from voice.ui.navigation import STAFF_HOME
from voice.ui.runtime import call
from voice.ui.session import (complete_sign_in, current_user, organisation_sign_in_enabled,
                              start_organisation_sign_in)


def render(next_path: str = "/") -> None:
    if current_user() is not None:
        # The run straight after signing in without a browser (AppTest) lands here: on to the staff home.
        st.switch_page(STAFF_HOME)

    st.title("Staff sign in")
    st.write("For facilitators, safeguarding leads, board members and administrators. "
             "Young people don't need to sign in: your surveys are on the main page.")
    if next_path != "/":
        st.caption(":material/lock: Please sign in to open that page. You will go straight to it afterwards.")

    if organisation_sign_in_enabled():
        if st.button("Sign in with your organisation", type="primary", icon=":material/badge:"):
            start_organisation_sign_in(next_path)
        st.caption("Or use a username and password:")

    with st.form("sign-in", border=True):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")

    if not submitted:
        return
    if not username.strip() or not password:
        st.error("Please enter your username and your password.")
        return
    try:
        # sign_in returns a refusal instead of raising, so the failed try is still counted and committed.
        outcome = call(sign_in, username, password)
    except DatabaseUnavailable:
        st.warning("We couldn't check your details just now. Please wait a moment and try again.")
        return
    if isinstance(outcome, SignInRefused):
        st.error(outcome.message)
        return
    complete_sign_in(outcome, "password", next_path)


def page_for(next_path: str) -> Callable[[], None]:
    """The sign-in page as shown at a staff page's own address, returning there afterwards."""

    def sign_in_then_open() -> None:
        render(next_path)

    sign_in_then_open.__name__ = "sign_in_" + next_path.strip("/").replace("/", "_")
    return sign_in_then_open
