"""`voice db backup --out FILE`: a consistent copy of a live SQLite database (WAL data included)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from voice.cli import main


def _live_db(tmp_path, monkeypatch):
    from voice.config import get_settings
    from voice.db import get_engine, session_scope, upgrade
    from voice.responses import service
    from voice.surveys.registry import sync_survey_files

    path = tmp_path / "live.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)
        code = service.start_response(s, "esafety_year9").resume_code
    with session_scope(engine) as s:
        service.save_step(s, code, {"uses_webcam": "no"}, ["uses_webcam"], 1)
        service.submit(s, code)
    return path, engine, code


def test_backup_copies_committed_answers_still_in_the_wal(tmp_path, monkeypatch, capsys):
    from voice.db import dispose_engine
    from voice.models import Answer, Response

    path, engine, code = _live_db(tmp_path, monkeypatch)
    assert (tmp_path / "live.db-wal").exists()  # the app's connections are open: the rows sit in the WAL
    out = tmp_path / "backups" / "voice-copy.db"
    assert main(["db", "backup", "--out", str(out)]) == 0
    assert "integrity check: ok" in capsys.readouterr().out
    with sqlite3.connect(out) as copy:
        status = copy.execute("SELECT status FROM responses WHERE resume_code = ?", (code,)).fetchall()
        assert status == [("submitted",)]
        assert copy.execute("SELECT question_id, option_id FROM answers").fetchall() == [("uses_webcam", "no")]
    # The live database is untouched and still writable.
    with engine.begin() as connection:
        assert connection.scalar(select(func.count()).select_from(Response)) == 1
        assert connection.scalar(select(func.count()).select_from(Answer)) == 1
    dispose_engine(f"sqlite:///{path}")


def test_backup_never_overwrites_and_points_postgres_to_pg_dump(tmp_path, monkeypatch, capsys):
    from voice.db import dispose_engine

    path, _, _ = _live_db(tmp_path, monkeypatch)
    existing = tmp_path / "old-backup.db"
    existing.write_bytes(b"yesterday")
    assert main(["db", "backup", "--out", str(existing)]) == 2
    assert existing.read_bytes() == b"yesterday"
    assert "already exists" in capsys.readouterr().out
    dispose_engine(f"sqlite:///{path}")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/nothing_here")
    assert main(["db", "backup", "--out", str(tmp_path / "x.db")]) == 2
    assert "pg_dump" in capsys.readouterr().out
