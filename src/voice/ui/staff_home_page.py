"""Where staff land after signing in: who they are and the pages their roles open."""

from __future__ import annotations

import streamlit as st

from voice.security.access import Actor
from voice.security.roles import role_name
from voice.ui.refusal import page_link_if_listed
from voice.ui.navigation import STAFF_HOME, pages_for
from voice.ui.safeguarding_badge import home_notice
from voice.ui.session import session_limits_text


def run(actor: Actor) -> None:
    st.title("Home")
    st.write(f"Signed in as **{actor.username}** · " + ", ".join(role_name(r) for r in sorted(actor.roles)))
    home_notice()  # a safeguarding lead sees the count of new items first
    for spec in pages_for(actor.roles):
        if spec.roles and spec.path != STAFF_HOME:
            page_link_if_listed(spec.path, label=spec.title, icon=spec.icon)
    st.caption(session_limits_text())
