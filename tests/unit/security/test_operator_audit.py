"""The operator's commands leave their mark in the audit trail as "system": exports, backups, imports, resets."""

from __future__ import annotations

import io

from sqlalchemy import select

from voice.cli import main
from voice.models import AuditEvent, User
from voice.responses import service


def _events(engine, action: str) -> list[AuditEvent]:
    from voice.db import session_scope

    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        s.expunge_all()
        return rows


def test_export_responses_and_db_backup_are_audited(tmp_path, monkeypatch, capsys):
    from voice.config import get_settings
    from voice.db import dispose_engine, get_engine, session_scope, upgrade
    from voice.surveys.registry import sync_survey_files

    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)
        code = service.start_response(s, "esafety_year9").resume_code
        service.save_step(s, code, {"uses_webcam": "no"}, ["uses_webcam"], 1)
        service.submit(s, code)

    out = tmp_path / "export.csv"
    assert main(["export-responses", "esafety_year9", "--out", str(out)]) == 0
    [exported] = _events(engine, "responses_exported")
    assert (exported.actor, exported.target_id) == ("system", "esafety_year9")
    assert exported.detail["rows"] == 1 and exported.detail["file"] == "export.csv"

    assert main(["db", "backup", "--out", str(tmp_path / "copy.db")]) == 0
    [backup] = _events(engine, "database_backed_up")
    assert backup.actor == "system" and backup.detail["integrity"] == "ok" and backup.detail["pages"] > 0
    capsys.readouterr()
    dispose_engine(url)


def test_user_reset_prints_a_one_off_password_and_sets_must_change(clean_db, database_url, monkeypatch, capsys):
    from voice.db import session_scope

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("orange kettle winter 42\n"))
    assert main(["user", "add", "sam", "--role", "facilitator", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("password1234\n"))
    assert main(["user", "add", "weak", "--role", "facilitator", "--password-stdin"]) == 1
    assert "most common" in capsys.readouterr().err
    assert main(["user", "reset", "sam"]) == 0
    out = capsys.readouterr().out
    assert "Temporary password for sam" in out and "must choose a new password" in out
    with session_scope(clean_db) as s:
        user = s.scalar(select(User).where(User.username == "sam"))
        assert user.must_change_password
    assert [e.actor for e in _events(clean_db, "user_password_reset")] == ["system"]
