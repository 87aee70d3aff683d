"""Survey results for facilitators, board members and admins: figures with their bases, small numbers hidden.

Thin on purpose: every figure comes from voice.stats.question_results (the same as `voice stats`).
"""

from __future__ import annotations

import streamlit as st

from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.ui.guard import require_page
from voice.ui.results_view import render_results

actor = require_page(FACILITATOR, BOARD, ADMIN)

render_results()
