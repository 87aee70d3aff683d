"""Admins: see accounts, add one, change roles, disable or enable."""

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.security import accounts
from voice.security.roles import ADMIN, ROLES
from voice.ui.guard import require_page
from voice.ui.runtime import call

actor = require_page(ADMIN)

ROLE_NAMES = {"facilitator": "Facilitator", "safeguarding_lead": "Safeguarding lead",
              "board_member": "Board member", "admin": "Administrator"}


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


def _when(value):
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


st.title("Accounts")
if notice := st.session_state.pop("admin_users_notice", None):
    st.success(notice)

try:
    users = _db(accounts.list_users)
except DatabaseUnavailable:
    st.warning("We couldn't load the accounts just now. Please try again in a moment.")
    st.stop()

if users:
    st.dataframe(
        [{"Username": u.username, "Roles": ", ".join(ROLE_NAMES.get(r, r) for r in u.roles),
          "Active": "yes" if u.active else "no", "Last sign-in (UTC)": _when(u.last_sign_in),
          "Password": "yes" if u.has_password else "organisation only"} for u in users],
        hide_index=True, width="stretch")
else:
    st.info("No accounts yet.")

st.subheader("Add an account")
with st.form("admin_add_user", clear_on_submit=True):
    new_name = st.text_input("Username")
    new_email = st.text_input("Work email (optional, for organisation sign-in)")
    new_roles = st.multiselect("Roles", ROLES, format_func=ROLE_NAMES.get)
    new_password = st.text_input("First password (at least 12 characters)", type="password")
    add = st.form_submit_button("Add account", type="primary")
if add:
    try:
        info = _db(accounts.create_user, new_name, new_roles, new_password or None, new_email)
    except accounts.AccountProblem as problem:
        st.error(str(problem))
    else:
        st.session_state["admin_users_notice"] = f"Added {info.username}."
        st.rerun()

if users:
    st.subheader("Change an account")
    names = [u.username for u in users]
    chosen = st.selectbox("Account", names, key="admin_users_chosen")
    current = next(u for u in users if u.username == chosen)
    with st.form("admin_change_roles"):
        roles = st.multiselect("Roles", ROLES, default=list(current.roles), format_func=ROLE_NAMES.get)
        save = st.form_submit_button("Save roles")
    if save:
        try:
            _db(accounts.set_roles, chosen, roles)
        except accounts.AccountProblem as problem:
            st.error(str(problem))
        else:
            st.session_state["admin_users_notice"] = f"Saved the roles of {chosen}."
            st.rerun()
    if current.active:
        if st.button(f"Disable {chosen}", key="admin_users_disable"):
            try:
                _db(accounts.deactivate_user, chosen)
            except accounts.AccountProblem as problem:
                st.error(str(problem))
            else:
                st.session_state["admin_users_notice"] = f"{chosen} is disabled and can no longer sign in."
                st.rerun()
    elif st.button(f"Enable {chosen}", key="admin_users_enable"):
        _db(accounts.reactivate_user, chosen)
        st.session_state["admin_users_notice"] = f"{chosen} is enabled."
        st.rerun()
