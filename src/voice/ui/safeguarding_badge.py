"""The count of new safeguarding items, where a lead looks first: the menu and the home page."""

from __future__ import annotations

import logging

import streamlit as st

from voice.security.roles import SAFEGUARDING

log = logging.getLogger(__name__)

QUEUE_PAGE = "pages/safeguarding.py"


def new_items() -> int | None:
    """New items in the queue for the signed-in lead; None for anyone else, or when it cannot be counted."""
    from voice.analysis.safeguarding import queue_summary
    from voice.ui.runtime import call
    from voice.ui.session import current_actor

    actor = current_actor()
    if not actor.has(SAFEGUARDING):
        return None
    try:
        return call(queue_summary, actor)["new"]
    except Exception:  # a busy database must never break the menu: the queue page says more
        log.warning("could not count new safeguarding items", exc_info=True)
        return None


def menu_title(path: str, title: str, roles: frozenset[str]) -> str:
    """'Safeguarding queue (3)' in a lead's menu while 3 items are new."""
    if path != QUEUE_PAGE or SAFEGUARDING not in roles:
        return title
    count = new_items()
    return f"{title} ({count})" if count else title


def home_notice() -> None:
    """On the lead's home page, above the links (the queue's is among them): how many items are new."""
    count = new_items()
    if count is None:
        return
    if count:
        st.warning(f"{count} new item{'s' if count != 1 else ''} in the safeguarding queue: please read "
                   f"{'them' if count != 1 else 'it'}.")
    else:
        st.success("No new items in the safeguarding queue.")
