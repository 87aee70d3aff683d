"""Quotes: make a draft from a consenting answer, adjust the redaction, approve, withdraw."""

from voice.security.roles import FACILITATOR
from voice.ui.guard import require_page
from voice.ui.quotes_page import run

actor = require_page(FACILITATOR)
run(actor)
