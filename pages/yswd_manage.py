"""Facilitators: write "you said, we did" items, link evidence, publish, download the sheet."""

from voice.security.roles import FACILITATOR
from voice.ui.guard import require_page

actor = require_page(FACILITATOR)

from voice.ui.yswd_manage_page import run  # noqa: E402

run(actor)
