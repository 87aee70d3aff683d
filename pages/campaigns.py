"""Campaigns with dates and invited groups; each group's link and QR code; XLSForm import and export."""

from voice.security.roles import ADMIN, FACILITATOR
from voice.ui.campaigns_page import run
from voice.ui.guard import require_page

actor = require_page(FACILITATOR, ADMIN)
run(actor)
