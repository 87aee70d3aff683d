"""Where staff land after signing in: the pages their roles open."""

import streamlit as st

from voice.ui.guard import page_link_if_listed, require_page
from voice.ui.navigation import STAFF, STAFF_HOME, pages_for
from voice.ui.session import session_limits_text
from voice.ui.safeguarding_badge import home_notice

actor = require_page(*STAFF)

ROLE_NAMES = {"facilitator": "Facilitator", "safeguarding_lead": "Safeguarding lead",
              "board_member": "Board member", "admin": "Administrator"}

st.title("Home")
st.write(f"Signed in as **{actor.username}** · " + ", ".join(ROLE_NAMES.get(r, r) for r in sorted(actor.roles)))
home_notice()  # a safeguarding lead sees the count of new items first
for spec in pages_for(actor.roles):
    if spec.roles and spec.path != STAFF_HOME:
        page_link_if_listed(spec.path, label=spec.title, icon=spec.icon)
st.caption(session_limits_text())
