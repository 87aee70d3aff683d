"""Codebook: edit the themes as YAML, check, save as a new version; see and restore earlier versions."""

from voice.security.roles import FACILITATOR
from voice.ui.codebook_page import run
from voice.ui.guard import require_page

actor = require_page(FACILITATOR)
run(actor)
