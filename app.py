"""Entry point: settings, sign-in and the menu built from the user's role. Nothing else."""

from pathlib import Path

import streamlit as st

from voice.ui.layout import apply_layout
from voice.ui.navigation import pages_for
from voice.ui.session import current_roles, sidebar_account

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="Young People's Voice", page_icon=":material/record_voice_over:", layout="centered")
apply_layout()

roles = current_roles()
sections: dict[str, list] = {}
for spec in pages_for(roles):
    page = st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.path == "pages/survey.py")
    sections.setdefault(spec.section, []).append(page)
navigation = st.navigation(sections, position="sidebar" if roles else "hidden")
sidebar_account(roles)
navigation.run()
