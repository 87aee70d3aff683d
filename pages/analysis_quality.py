"""Analysis quality: how the automatic checks do on the decisions leads and facilitators made.
Leads and facilitators."""

from voice.security.roles import FACILITATOR, SAFEGUARDING
from voice.ui.guard import require_page

actor = require_page(SAFEGUARDING, FACILITATOR)

from voice.ui.analysis_quality_page import run  # noqa: E402

run(actor)
