"""Facilitator workspace: answers with their themes and sentiment, review, agreement, uncovered words."""

from voice.security.roles import FACILITATOR
from voice.ui.guard import require_page
from voice.ui.workspace_page import run

actor = require_page(FACILITATOR)
run(actor)
