"""One priority in depth (reached from the board overview's "Look closer" links; not in the menu)."""

from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.ui.guard import require_page

actor = require_page(FACILITATOR, BOARD, ADMIN)

from voice.ui.board_page import priority_page  # noqa: E402

priority_page(actor)
