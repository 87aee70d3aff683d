"""AppTest runs app.py in this process: point it at the test database and publish the surveys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_env(monkeypatch, database_url, published_surveys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)  # a named database: no demo content is loaded
    monkeypatch.setenv("VOICE_DATA_DIR", str(tmp_path))
    return APP


def texts(at) -> str:
    """Everything a user reads on the page, as one string (Markdown's backslash escapes removed, as the
    page shows them: `voice.ui.text.plain` escapes text from outside)."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.header]
    parts += [e.value for e in at.subheader]
    parts += [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.warning]
    parts += [e.value for e in at.caption] + [e.value for e in at.success]
    return _MARKDOWN_ESCAPE.sub(r"\1", "\n".join(str(p) for p in parts))


_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


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
