"""Survey results for facilitators, board members and admins: figures with their bases, small numbers hidden.

Thin on purpose: every figure comes from voice.stats.question_results (the same as `voice stats`).
"""

from __future__ import annotations

import streamlit as st

from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.ui.results_view import render_results
from voice.ui.session import current_roles

ROLES = (FACILITATOR, BOARD, ADMIN)

# ACCESS CHECK — the single call site on this page. Replace with voice.ui.guard.require_page(*ROLES)
# when feat/security lands.
if not current_roles() & set(ROLES):
    st.error("This page is for facilitators, board members and administrators. Please sign in.")
    st.stop()

render_results()
