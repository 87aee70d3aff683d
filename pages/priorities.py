"""Facilitators and admins: plan periods, priorities, actions in the plan's columns, RAG and measures."""

from voice.security.roles import ADMIN, FACILITATOR
from voice.ui.guard import require_page

actor = require_page(FACILITATOR, ADMIN)

from voice.ui.priorities_page import run  # noqa: E402

run(actor)
