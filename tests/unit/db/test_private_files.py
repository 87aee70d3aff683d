"""Issue 17: the embedded database, its -wal/-shm files, backups and the start-up lock hold young
people's answers, so only the app's own user may read them (files 0600, the data folder 0700)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from voice.db import backup_sqlite, dispose_engine, get_engine


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("VOICE_DATA_DIR", str(folder))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return folder


def _use(url: str) -> None:
    """Open the database through the app's engine and write to it (so the -wal and -shm files exist)."""
    with get_engine(url).begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))


def test_a_new_embedded_database_and_its_wal_files_are_private(data_dir):
    old = os.umask(0o022)  # the usual umask: files would be world-readable without the app's care
    url = f"sqlite:///{data_dir / 'voice.db'}"
    try:
        _use(url)
        files = sorted(p.name for p in data_dir.iterdir())
        assert {"voice.db", "voice.db-wal", "voice.db-shm"} <= set(files)
        assert mode(data_dir) == 0o700
        for name in files:
            assert mode(data_dir / name) == 0o600, name
    finally:
        dispose_engine(url)
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened_on_start(data_dir):
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    db = data_dir / "voice.db"
    db.touch()
    os.chmod(db, 0o644)
    url = f"sqlite:///{db}"
    try:
        _use(url)
        assert mode(db) == 0o600 and mode(data_dir) == 0o700
    finally:
        dispose_engine(url)


def test_a_database_elsewhere_leaves_the_shared_folder_alone(data_dir, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    url = f"sqlite:///{shared / 'other.db'}"
    try:
        _use(url)
        assert mode(shared) == 0o755  # not ours to change (think /tmp)
        assert mode(shared / "other.db") == 0o600
    finally:
        dispose_engine(url)


def test_a_backup_and_the_startup_lock_are_private(data_dir, tmp_path):
    from voice.bootstrap import _startup_lock

    old = os.umask(0o022)
    url = f"sqlite:///{data_dir / 'voice.db'}"
    try:
        _use(url)
        out = tmp_path / "backups" / "copy.db"
        backup_sqlite(data_dir / "voice.db", out)
        assert mode(out) == 0o600
        with _startup_lock(get_engine(url)):
            pass
        assert mode(data_dir / "voice.db.startup-lock") == 0o600
    finally:
        dispose_engine(url)
        os.umask(old)
