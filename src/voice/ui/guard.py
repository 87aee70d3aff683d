"""The first line of every staff page:

    from voice.ui.guard import require_page
    actor = require_page(FACILITATOR, SAFEGUARDING)   # returns the signed-in Actor, or stops the page

The menu already hides pages a role may not open; this check stands even if the menu is wrong or a
page is opened some other way, and the services behind the page check again with `require`.

Refusals are audited (`page_refused`) in both places a refusal can happen:
- here, when a page file runs for someone without its roles (require_page);
- in app.py, when an address names a page that is not in this person's menu (`audit_refused_address`):
  st.navigation then never runs the page at all, so require_page would never see the visit.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from voice.security.access import AccessDenied, Actor, require
from voice.ui.refusal import refuse
from voice.ui.session import current_actor

log = logging.getLogger(__name__)

def require_page(*roles: str) -> Actor:
    """The signed-in Actor if it holds one of `roles` (none given: any staff role); else refuse and stop.

    Someone whose password an admin has reset chooses a new one here first, whichever page they open."""
    actor = current_actor()
    try:
        require(actor, *roles)
    except AccessDenied:
        # Name the page by its file, so the audit trail says which page was tried.
        page = Path(sys._getframe(1).f_code.co_filename).name
        record_refusal(actor, page, via="page")
        refuse(actor)
        raise  # unreachable: refuse() stops the script
    from voice.ui.password_change import require_own_password

    require_own_password(actor)
    return actor


def record_refusal(actor: Actor, page: str, via: str) -> None:
    """One `page_refused` audit entry. Never stops the refusal itself: a busy database only loses the entry."""
    from voice.db import DatabaseUnavailable
    from voice.security.audit import record
    from voice.ui.runtime import call

    try:
        call(record, actor, "page_refused", "page", page, roles=sorted(actor.roles), via=via)
    except DatabaseUnavailable:
        log.error("page_refused for %s on %s could not be written: database unavailable", actor.username, page)


def audit_refused_address(roles: frozenset[str]) -> None:
    """Call right after st.navigation: if the address asked for a staff page this person's menu leaves out,
    write `page_refused` (Streamlit then shows its "page not found" and the default page)."""
    from voice.ui.navigation import PAGES, hidden_pages_for, pages_for

    asked_name, asked_hash = _asked_for()
    if not asked_name and not asked_hash:
        return
    from streamlit.util import calc_hash

    asked = next((spec for spec in PAGES if spec.roles and spec.url_path
                  and (spec.url_path.lower() == asked_name or calc_hash(spec.url_path) == asked_hash)), None)
    if asked is None or asked in pages_for(roles) or asked in hidden_pages_for(roles):
        return
    record_refusal(current_actor(), Path(asked.path).name, via="address")


def _asked_for() -> tuple[str, str]:
    """(url path, page hash) this run was asked for; empty when unknown (or Streamlit moved its internals)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = ctx.pages_manager if ctx else None
        if manager is None:
            return "", ""
        name = str(manager.intended_page_name or "").strip("/").lower()
        return name, str(manager.intended_page_script_hash or "")
    except Exception:  # internal API moved: the page-level audit in require_page still works
        return "", ""
