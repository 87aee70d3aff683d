"""Entry point: settings, sign-in and the menu built from the user's role. Nothing else."""

from pathlib import Path

import streamlit as st

from voice.ui.guard import audit_refused_address
from voice.ui.layout import apply_layout
from voice.ui.navigation import default_page, hidden_pages_for, pages_for
from voice.ui.session import check_session, current_roles, show_notice, sidebar_account

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="Young People's Voice", page_icon=":material/record_voice_over:", layout="centered")
apply_layout()

check_session()  # idle time-out and a fresh look at the account's roles, on every run
roles = current_roles()
home = default_page(roles)
sections: dict[str, list] = {}
for spec in pages_for(roles):
    page = st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.path == home)
    sections.setdefault(spec.section, []).append(page)
for spec in hidden_pages_for(roles):
    sections.setdefault(spec.section, []).append(
        st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon, url_path=spec.url_path, visibility="hidden"))
# expanded: a facilitator has more than twelve pages; Streamlit would hide some behind "View more".
navigation = st.navigation(sections, position="sidebar" if roles else "hidden", expanded=True)
audit_refused_address(roles)  # an address naming a page outside this menu: Streamlit never runs it, so log it here
sidebar_account(roles)
show_notice()
navigation.run()
