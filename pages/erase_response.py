"""Erase one young person's answers when they ask, using the receipt code they were given."""

from voice.security.roles import ADMIN, FACILITATOR, SAFEGUARDING
from voice.ui.guard import require_page

actor = require_page(ADMIN, FACILITATOR, SAFEGUARDING)

from voice.ui.erase_page import run  # noqa: E402

run(actor)
