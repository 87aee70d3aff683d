"""Admins: see accounts, add one, change roles, reset a password, disable or enable.

Forms keep what was typed when something is refused (a weak password, a taken name) and start empty
after a success (their key carries a version number that goes up). A reset password is shown once.
"""

from __future__ import annotations

import streamlit as st

from voice.security import accounts
from voice.security.access import Actor
from voice.security.passwords import MIN_LENGTH
from voice.security.roles import ROLE_NAMES, ROLES
from voice.ui import notice
from voice.ui.errors import show_error
from voice.ui.runtime import Services, services
from voice.ui.text import named, plain

S = st.session_state


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


def _password_words(user) -> str:
    if not user.has_password:
        return "organisation sign-in only"
    return "temporary: must choose a new one" if user.must_change_password else "set"


def _done(message: str, select: str | None = None) -> None:
    notice.tell("admin_users_notice", message)
    if select:  # a fresh account picker, open on this account (see voice.ui.yswd_manage_page's note)
        S["admin_users_current"] = select
        S["admin_users_pick"] = S.get("admin_users_pick", 0) + 1
    st.rerun()


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("Accounts")
    notice.show("admin_users_notice")
    if temporary := S.pop("admin_users_temporary", None):
        name, password = temporary
        with st.container(border=True):
            st.write(f"Temporary password for **{plain(name)}**, shown only this once (it is not stored):")
            st.code(password, language=None)
            st.write("Give it to them in person or by phone, not by e-mail. When they sign in with it they "
                     "must choose their own password before they can do anything else.")
    users = db(accounts.list_users)
    if users:
        st.dataframe(
            [{"Username": u.username, "Roles": ", ".join(ROLE_NAMES.get(r, r) for r in u.roles),
              "Active": "yes" if u.active else "no", "Last sign-in (UTC)": _when(u.last_sign_in),
              "Password": _password_words(u)} for u in users],
            hide_index=True, width="stretch")
    else:
        st.info("No accounts yet.")
    _add(db)
    if users:
        _change(db, actor, users)


def _add(db: Services) -> None:
    st.subheader("Add an account")
    version = S.get("admin_users_add_version", 0)
    with st.form(f"admin_add_user_{version}"):
        name = st.text_input("Username")
        email = st.text_input("Work email (optional, for organisation sign-in)")
        roles = st.multiselect("Roles", ROLES, format_func=named(ROLE_NAMES))
        password = st.text_input(f"First password (at least {MIN_LENGTH} characters)", type="password",
                                 autocomplete="new-password")
        st.caption("Leave the password empty for an account that signs in with the organisation only. Common "
                   "passwords, keyboard patterns and the username are refused.")
        add = st.form_submit_button("Add account", type="primary")
    if not add:
        return
    try:
        info = db(accounts.create_user, name, roles, password or None, email)
    except accounts.AccountProblem as problem:
        show_error(problem)  # the form keeps what was typed
        return
    S["admin_users_add_version"] = version + 1
    _done(f"Added {info.username}. Roles: {', '.join(ROLE_NAMES.get(r, r) for r in info.roles)}.",
          select=info.username)


def _change(db: Services, actor: Actor, users) -> None:
    st.subheader("Change an account")
    names = [u.username for u in users]
    current = S.get("admin_users_current")
    chosen = st.selectbox("Account", names, index=names.index(current) if current in names else 0,
                          key=f"admin_users_chosen_{S.setdefault('admin_users_pick', 0)}")
    S["admin_users_current"] = chosen
    current = next(u for u in users if u.username == chosen)
    with st.form(f"admin_change_roles_{chosen}"):
        roles = st.multiselect("Roles", ROLES, default=list(current.roles), format_func=named(ROLE_NAMES))
        save = st.form_submit_button("Save roles")
    if save:
        try:
            db(accounts.set_roles, chosen, roles)
        except accounts.AccountProblem as problem:
            show_error(problem)
        else:
            _done(f"Saved the roles of {chosen}: {', '.join(ROLE_NAMES.get(r, r) for r in sorted(roles))}.")

    if chosen != actor.username:
        with st.expander(f"Reset {chosen}'s password"):
            st.write("For someone who has forgotten their password or is locked out. You get a temporary password "
                     "to give them; they must choose their own when they next sign in. This also clears a lock.")
            if st.button(f"Reset {chosen}'s password", key=f"admin_users_reset_{chosen}"):
                try:
                    temporary = db(accounts.reset_password, chosen)
                except accounts.AccountProblem as problem:
                    show_error(problem)
                else:
                    S["admin_users_temporary"] = (chosen, temporary)
                    _done(f"{chosen}'s password is reset. They must choose a new one at their next sign-in.")

    if current.active:
        if st.button(f"Disable {chosen}", key="admin_users_disable"):
            try:
                db(accounts.deactivate_user, chosen)
            except accounts.AccountProblem as problem:
                show_error(problem)
            else:
                _done(f"{chosen} is disabled and can no longer sign in (signed out at their next click).")
    elif st.button(f"Enable {chosen}", key="admin_users_enable"):
        db(accounts.reactivate_user, chosen)
        _done(f"{chosen} is enabled and can sign in again.")
