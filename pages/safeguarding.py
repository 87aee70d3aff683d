"""Safeguarding queue: responses that may show a young person at risk. Designated safeguarding leads only.

Every look at the queue and at an item is written to the audit trail (by the service).
"""

from voice.security.roles import SAFEGUARDING
from voice.ui.guard import require_page

actor = require_page(SAFEGUARDING)

from voice.ui.safeguarding_page import run  # noqa: E402

run(actor)
