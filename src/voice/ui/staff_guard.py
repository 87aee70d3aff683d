"""The role check at the top of the evidence staff pages.

PENDING(feat/security): voice.ui.guard.require_page is the real check; until it is in this checkout
the same rule is applied here from the signed-in roles (the menu already leaves these pages out).
"""

from __future__ import annotations

import streamlit as st

from voice.ui.session import current_roles


def require(*roles: str) -> None:
    try:
        from voice.ui.guard import require_page
    except ModuleNotFoundError:
        if not current_roles() & set(roles):
            st.warning("This page is for partnership staff. Please sign in with an account that can use it.")
            st.stop()
        return
    require_page(*roles)
