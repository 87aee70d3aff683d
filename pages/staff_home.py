"""Where staff land after signing in: the pages their roles open."""

from voice.ui.guard import require_page
from voice.ui.navigation import STAFF
from voice.ui.staff_home_page import run

actor = require_page(*STAFF)
run(actor)
