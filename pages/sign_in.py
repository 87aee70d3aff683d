"""Staff sign in: username and password, or the organisation's own sign-in when configured."""

import streamlit as st

from voice.db import DatabaseUnavailable, with_retry
from voice.security.accounts import SignInRefused, sign_in
from voice.ui.navigation import STAFF_HOME
from voice.ui.runtime import db_session
from voice.ui.session import current_user, organisation_sign_in_enabled, start_session

if current_user() is not None:
    # The run straight after signing in lands here: go on to the staff home page.
    st.switch_page(STAFF_HOME)

st.title("Staff sign in")
st.write("For facilitators, safeguarding leads, board members and administrators. "
         "Young people don't need to sign in: your surveys are on the main page.")

if organisation_sign_in_enabled():
    if st.button("Sign in with your organisation", type="primary", icon=":material/badge:"):
        st.login()
    st.caption("Or use a username and password:")

with st.form("sign-in", border=True):
    username = st.text_input("Username", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    if not username.strip() or not password:
        st.error("Please enter your username and your password.")
    else:
        def attempt():
            with db_session() as session:
                # sign_in returns a refusal instead of raising, so the failed try is still counted and committed.
                return sign_in(session, username, password)

        try:
            outcome = with_retry(attempt)
        except DatabaseUnavailable:
            st.warning("We couldn't check your details just now. Please wait a moment and try again.")
        else:
            if isinstance(outcome, SignInRefused):
                st.error(outcome.message)
            else:
                start_session(outcome)
                st.rerun()
