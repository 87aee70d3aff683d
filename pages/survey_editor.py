"""Build and change surveys in the app: drafts, sections, questions, skip rules, phone preview, publish."""

from voice.security.roles import ADMIN, FACILITATOR
from voice.ui.guard import require_page
from voice.ui.survey_editor_page import run

actor = require_page(FACILITATOR, ADMIN)
run(actor)
