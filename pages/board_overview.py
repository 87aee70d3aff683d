"""Board members, facilitators and admins: a card per priority, and the board report to download."""

from voice.security.roles import ADMIN, BOARD, FACILITATOR
from voice.ui.guard import require_page

actor = require_page(FACILITATOR, BOARD, ADMIN)

from voice.ui.board_page import overview_page  # noqa: E402

overview_page(actor)
