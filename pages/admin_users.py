"""Admins: see accounts, add one, change roles, reset a password, disable or enable."""

from voice.security.roles import ADMIN
from voice.ui.admin_users_page import run
from voice.ui.guard import require_page

actor = require_page(ADMIN)
run(actor)
