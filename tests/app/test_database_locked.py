"""A locked database on Next: retried, then a kind message (never a traceback); pressing again saves.

SQLite only: another connection holds an exclusive write lock for longer than the busy timeout and
every retry. The busy timeout is shortened (VOICE_SQLITE_BUSY_TIMEOUT_MS) so the test takes seconds.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, texts
from voice.models import Answer, Response


@pytest.fixture
def locked_app(monkeypatch, tmp_path):
    from voice.config import get_settings
    from voice.db import dispose_engine, get_engine, session_scope, upgrade
    from voice.surveys.registry import sync_survey_files
    from voice.ui.runtime import engine as app_engine

    path = tmp_path / "locked.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VOICE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VOICE_SQLITE_BUSY_TIMEOUT_MS", "100")
    app_engine.clear()  # st.cache_resource outlives an AppTest: forget the suite database's engine
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)
    yield path, engine
    app_engine.clear()  # and give the next test its own engine back
    dispose_engine(url)


def _saved(engine) -> tuple[int, set]:
    from voice.db import session_scope

    with session_scope(engine) as s:
        step = s.scalar(select(Response.current_step))
        return step, {(a.question_id, a.option_id) for a in s.scalars(select(Answer))}


def test_a_locked_database_gives_a_kind_message_and_a_later_press_saves(locked_app):
    path, engine = locked_app
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["survey"] = "esafety_year9"
    at.run()
    at.button(key="yp_start").click().run()
    next(r for r in at.radio if r.key.endswith("_uses_webcam")).set_value("no").run()

    lock = sqlite3.connect(path, timeout=0, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # held across every retry of the save below
    try:
        at.button(key="yp_next").click().run()
        assert not at.exception, "a locked database must never show a traceback"
        assert any("couldn't save your answers" in w.value for w in at.warning), texts(at)
        assert "Cameras and video chat" in texts(at)  # still on the same step, answers on screen
        assert next(r for r in at.radio if r.key.endswith("_uses_webcam")).value == "no"
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert _saved(engine) == (0, set())  # nothing half-written

    at.button(key="yp_next").click().run()  # the young person presses again once the lock is gone
    assert not at.exception
    assert not any("couldn't save" in w.value for w in at.warning)
    assert "What you learn" in texts(at)
    assert _saved(engine) == (1, {("uses_webcam", "no")})
