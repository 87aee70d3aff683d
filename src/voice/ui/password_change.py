"""Choosing your own password after an admin reset it: shown instead of any staff page until done.

`require_own_password(actor)` is called by require_page on every staff page (and may be called by the
sign-in flow straight after signing in). It asks the database once per run
(`voice.security.accounts.must_change_password`), so a reset made while someone is signed in applies at
their next click.
"""

from __future__ import annotations

import streamlit as st

from voice.security.access import Actor
from voice.security.accounts import AccountProblem, change_own_password, must_change_password
from voice.security.passwords import MIN_LENGTH
from voice.ui import notice
from voice.ui.errors import show_error

FORM_VERSION = "staff_pw_form_version"
DONE_NOTICE = "staff_pw_done"


def require_own_password(actor: Actor) -> None:
    """Stop the page and show the change form while the account still has a temporary password."""
    from voice.db import DatabaseUnavailable
    from voice.ui.runtime import call

    notice.show(DONE_NOTICE)
    try:
        must = call(must_change_password, actor.username)
    except DatabaseUnavailable:
        return  # the page's own calls show the kind "database busy" message
    if must:
        change_form(actor, forced=True)
        st.stop()


def change_form(actor: Actor, forced: bool = False) -> None:
    from voice.ui.runtime import services

    st.title("Choose a new password")
    if forced:
        st.write("An administrator reset your password. Please choose your own now: the temporary one only "
                 "works to get you here.")
    version = st.session_state.get(FORM_VERSION, 0)
    # A fresh key after success empties the fields; after a refusal they keep what was typed.
    with st.form(f"staff_pw_form_{version}"):
        current = st.text_input("Password you signed in with", type="password", autocomplete="current-password")
        new = st.text_input(f"New password (at least {MIN_LENGTH} characters)", type="password",
                            autocomplete="new-password")
        again = st.text_input("New password again", type="password", autocomplete="new-password")
        st.caption("A few unrelated words together are easy to remember and hard to guess. Common passwords, "
                   "keyboard patterns and your username are refused.")
        submitted = st.form_submit_button("Save my new password", type="primary")
    if not submitted:
        return
    if new != again:
        st.error("The two new passwords are different. Please type the same one twice.")
        return
    try:
        services(actor)(change_own_password, current, new)
    except AccountProblem as problem:
        show_error(problem)
        return
    st.session_state[FORM_VERSION] = version + 1
    notice.tell(DONE_NOTICE, "Your new password is saved.")
    st.rerun()
