"""Engine, sessions, SQLite pragmas, retries and migrations: the one place that opens the database."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from voice.config import PACKAGE_DIR, get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


# SQLAlchemy's SQLite compiler drops table hints; SQLite takes "INDEXED BY <index>" right after a table name.
# Only statements that ask with `.with_hint(table, "INDEXED BY …", "sqlite")` are affected (voice.stats).
SQLiteCompiler.get_from_hint_text = lambda self, table, hint: hint  # type: ignore[method-assign, assignment]  # a patch


class DatabaseUnavailable(RuntimeError):
    """The database stayed locked or unreachable after retries. Pages show a kind message."""


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def sqlite_busy_timeout_ms() -> int:
    """How long one SQLite statement waits for another writer's lock (VOICE_SQLITE_BUSY_TIMEOUT_MS).

    with_retry multiplies it by its attempts, so this bounds how long a young person can wait on Next.
    """
    try:
        return max(0, int(os.environ.get("VOICE_SQLITE_BUSY_TIMEOUT_MS", "") or 10000))
    except ValueError:
        return 10000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while one writer writes; busy_timeout waits for a lock instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={sqlite_busy_timeout_ms()}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, not just unlinked: an erased answer leaves no copy in the
    # file (some builds default to it, others do not: say so here). The WAL is truncated after an erasure.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str) -> Engine:
    """One engine per URL per process (shared by every Streamlit session thread)."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create_engine(url)
            _engines[url] = engine
        return engine


# What the app writes holds young people's answers: readable by the app's own user only.
PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600


def private_dir(path: str | Path, tighten_existing: bool = False) -> Path:
    """Create `path` (and missing parents) as a folder only the app's user can open.

    An existing folder is left as it is unless `tighten_existing` (the app's own data folder): a database
    named by DATABASE_URL may sit in a folder others share (never chmod /tmp)."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        _tighten(path, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    elif tighten_existing:
        _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: str | Path) -> Path:
    """Make sure `path` exists with mode 0600 before anyone writes to it (an existing file is tightened).

    SQLite gives its -wal, -shm and -journal files the database file's own mode, so creating the
    database this way keeps all of them private too."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, PRIVATE_FILE_MODE)
    os.close(fd)
    _tighten(path, PRIVATE_FILE_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except (OSError, AttributeError):  # someone else's file (a shared folder) or no getuid (not POSIX)
        log.warning("could not make %s private (mode %o)", path, mode)


def _sqlite_file(path: str) -> None:
    """The embedded database, its folder and any -wal/-shm files already there: private."""
    db = Path(path).resolve()
    private_dir(db.parent, tighten_existing=db.parent == get_settings().data_dir)
    private_file(db)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            _tighten(extra, PRIVATE_FILE_MODE)


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:" and not path.startswith("file:"):
            _sqlite_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": sqlite_busy_timeout_ms() / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def dispose_engine(url: str) -> None:
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@functools.lru_cache(maxsize=None)
def _sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A fresh session per action: commit on success, roll back on error."""
    session = _sessionmaker(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# --- work that must wait for the commit -------------------------------------------------------

_AFTER_COMMIT = "voice_after_commit"


def after_commit(session: Session, key: str, action: Callable[[Engine], None]) -> None:
    """Run `action(engine)` once, after this session's transaction commits (never if it rolls back).

    For work that must not happen before the data is safely stored, nor hold up the transaction:
    telling the safeguarding leads (voice.safeguarding.notify), truncating the WAL after an erasure.
    The same `key` twice in one transaction runs once. A failing action is logged, never raised: the
    commit has already happened.
    """
    session.info.setdefault(_AFTER_COMMIT, {})[key] = action


def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released (SQLAlchemy says after_commit then too): wait for the real commit
    actions = session.info.pop(_AFTER_COMMIT, None)
    if not actions:
        return
    engine = session.get_bind()
    for key, action in actions.items():
        try:
            action(engine)
        except Exception:  # the data is committed; a failure here must not look like a failed save
            log.exception("after-commit action %s failed", key)


def _forget_after_commit(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


event.listen(Session, "after_commit", _run_after_commit)
event.listen(Session, "after_rollback", _forget_after_commit)


def checkpoint_wal(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database and truncate it, so erased text has no copy left
    in the -wal file. A no-op elsewhere (PostgreSQL's own log is the operator's to manage)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("WAL checkpoint could not finish (the database was busy); the next one will")


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    message = str(getattr(exc, "orig", exc)).lower()
    return any(
        hint in message
        for hint in ("database is locked", "database table is locked", "could not connect", "connection refused",
                     "server closed the connection", "terminating connection", "deadlock detected",
                     "could not serialize access")
    )


def with_retry(action: Callable[[], T], attempts: int = 6, first_wait: float = 0.05) -> T:
    """Run `action` (which opens its own session), retrying a locked or briefly unavailable database.

    The action must be safe to repeat: each attempt runs in a new transaction.
    """
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except (OperationalError, DBAPIError) as exc:
            if not _is_transient(exc) or attempt == attempts:
                if _is_transient(exc):
                    raise DatabaseUnavailable(str(exc)) from exc
                raise
            log.warning("database busy (attempt %s of %s): %s", attempt, attempts, exc.__class__.__name__)
            time.sleep(wait)
            wait = min(wait * 2, 1.0)
    raise AssertionError("unreachable")


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply Alembic migrations up to head (on start and by `voice db upgrade`)."""
    from alembic import command

    cfg = _alembic_config(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two app processes starting together must not both migrate.
            connection.execute(text("SELECT pg_advisory_xact_lock(724501)"))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite(source: str | Path, out: str | Path) -> tuple[int, str]:
    """Online backup with SQLite's backup API: consistent while the app keeps writing (WAL included).

    Returns the number of pages copied and the copy's integrity_check result ("ok" when sound).
    """
    import sqlite3

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    private_file(out)  # a backup holds everything the database does
    src = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True, timeout=sqlite_busy_timeout_ms() / 1000)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst, pages=1024, sleep=0.01)  # in slices, so writers are not held up for long
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        check = "; ".join(row[0] for row in dst.execute("PRAGMA integrity_check"))
    finally:
        dst.close()
        src.close()
    return pages, check

