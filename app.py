"""Entry point: settings, sign-in and the menu built from the user's role. Nothing else."""

from pathlib import Path

import streamlit as st

from voice.ui.guard import audit_refused_address
from voice.ui.layout import apply_layout
from voice.ui.navigation import default_page, hidden_pages_for, pages_for, sign_in_addresses
from voice.ui.safeguarding_badge import menu_title
from voice.ui.session import check_session, current_roles, show_notice, sidebar_account
from voice.ui.sign_in_page import page_for as sign_in_page_for

ROOT = Path(__file__).resolve().parent

# The icon is an emoji: drawn by the browser, fetched from no one.
st.set_page_config(page_title="Young People's Voice", page_icon="💬", layout="centered")
apply_layout()

check_session()  # who is signed in, from the browser's cookie checked on the server, on every run
roles = current_roles()
home = default_page(roles, survey_link="survey" in st.query_params or "resume" in st.query_params)
sections: dict[str, list] = {}
for spec in pages_for(roles):
    page = st.Page(str(ROOT / spec.path), title=menu_title(spec.path, spec.title, roles), icon=spec.icon,
                   url_path=spec.url_path, default=spec.path == home)
    sections.setdefault(spec.section, []).append(page)
for spec in hidden_pages_for(roles):
    sections.setdefault(spec.section, []).append(
        st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon, url_path=spec.url_path, visibility="hidden"))
for spec in sign_in_addresses(roles):  # signed out: a staff page's address asks for sign-in, then opens it
    sections.setdefault(spec.section, []).append(
        st.Page(sign_in_page_for("/" + spec.url_path), title="Staff sign in", icon=":material/login:",
                url_path=spec.url_path, visibility="hidden"))
# expanded: a facilitator has more than twelve pages; Streamlit would hide some behind "View more".
navigation = st.navigation(sections, position="sidebar" if roles else "hidden", expanded=True)
audit_refused_address(roles)  # an address naming a page outside this menu: Streamlit never runs it, so log it here
sidebar_account(roles)
show_notice()
navigation.run()
