"""Admins: the audit trail, filtered, with CSV/Excel downloads (written through safe_csv)."""

from voice.security.roles import ADMIN
from voice.ui.admin_audit_page import run
from voice.ui.guard import require_page

actor = require_page(ADMIN)
run(actor)
