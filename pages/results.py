"""Survey results for facilitators, board members and admins: figures with their bases, small numbers hidden.

Thin on purpose: every figure comes from voice.stats.question_results (the same as `voice stats`).
"""

from __future__ import annotations

from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.ui.guard import require_page

actor = require_page(FACILITATOR, BOARD, ADMIN)

from voice.ui.results_view import render_results  # noqa: E402

render_results()
