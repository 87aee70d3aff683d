"""AppTest helpers shared by the app tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def navigation_mode_stays_v2(monkeypatch):
    """Work around AppTest with st.navigation and a `pages/` folder (Streamlit 1.67).

    AppTest resets PagesManager.uses_pages_directory before every run and the new PagesManager sets it
    to True because `pages/` exists, so every run after the first executes the page file alone
    (old pages-directory mode) and app.py never runs again: no session checks, no sidebar. The real
    server sets it to False on the first st.navigation call and keeps it, so mirror that here.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
