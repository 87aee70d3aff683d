"""Shared database fixtures for the whole suite.

- `engine` (session scope): the database named by VOICE_TEST_DATABASE_URL (default: a fresh temporary
  SQLite file), reset and migrated with `voice.db.upgrade` exactly as production does.
- `session` (function scope): a Session on a database emptied by `clean_db` first, so tests are independent.
- `surveys_dir`: the repository's `surveys/`; `published_surveys`: those files synced into the database.
- `@pytest.mark.postgres` / `pg_engine`: PostgreSQL-only tests. They skip with a reason when no server
  answers, but FAIL when CI=true, so a broken CI database can never turn into a green run.
- `need_module(name)` / `need_tool(name)` / `need_path(path, ...)`: the same rule for an optional Python
  package, a program or an installed file (axe-core, oidc-provider, chromium): skip locally, fail when CI=true.
  `has_tool(name)` is for a test that checks a part only with the program (False locally, fails in CI).
  Tests import them with `from tests.conftest import need_module` (never a bare `pytest.importorskip`).

Run the suite on PostgreSQL:
    VOICE_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<your db> python -m pytest
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import Iterator, NoReturn

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

REPO_DIR = Path(__file__).resolve().parents[1]
SURVEYS_DIR = REPO_DIR / "surveys"
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
# The key for the audit trail's keyed hashes: fixed for the test process, so no test writes a key file
# into the checkout's data/. The browser tests' app is started without it and makes its own (tests/e2e).
os.environ.setdefault("VOICE_SECRET_KEY", "test-only key for keyed hashes")


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _postgres_answers(url: str) -> str | None:
    """None when a server answers at `url`, else why not (for the skip reason)."""
    probe = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure means "no usable server"; the reason is shown
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    finally:
        probe.dispose()


def _reset_postgres(url: str) -> None:
    """Empty the database completely so migrations start from nothing (never point this at real data)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        admin.dispose()


def _unavailable(reason: str) -> None:
    missing(f"PostgreSQL is not usable: {reason}")


# --- optional tools: skip on a developer's machine, fail in CI -------------------------------------------------


def missing(reason: str) -> NoReturn:
    """Skip the calling test, or fail it when CI=true: in CI a missing tool is a broken set-up, not a pass."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run must provide it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def need_module(name: str, why: str = "") -> ModuleType:
    """The module `name` (an optional package from the `test` extra), else skip/fail as `missing` does."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} is not installed{': ' + why if why else ''} (pip install -e '.[test]'): {exc}")


def need_tool(name: str, why: str = "") -> str:
    """The path of the program `name` on PATH, else skip/fail as `missing` does."""
    found = shutil.which(name)
    if found is None:
        missing(f"{name} is not on PATH{': ' + why if why else ''}")
    return found


def has_tool(name: str) -> bool:
    """For a test that checks more with the program `name` but is still worth running without it:
    False locally when it is missing, a failure when CI=true."""
    if shutil.which(name):
        return True
    if IN_CI:
        pytest.fail(f"{name} is not on PATH (CI=true: .ci/run must provide it)", pytrace=False)
    return False


def need_path(path: Path, how: str) -> Path:
    """`path` (an installed browser or npm package), else skip/fail saying `how` to install it."""
    if not Path(path).exists():
        missing(f"{path} is missing: {how}")
    return Path(path)


def _prepared_engine(url: str) -> Engine:
    from voice.db import dispose_engine, get_engine, upgrade

    if _is_postgres(url):
        problem = _postgres_answers(url)
        if problem:
            _unavailable(f"{make_url(url).render_as_string(hide_password=True)} ({problem})")
        _reset_postgres(url)
    dispose_engine(url)  # a fresh engine: no pooled connection remembers the old schema
    engine = get_engine(url)
    upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("VOICE_TEST_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'voice-test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    from voice.db import dispose_engine

    engine = _prepared_engine(database_url)
    yield engine
    dispose_engine(database_url)


def _delete_all_rows(engine: Engine) -> None:
    from voice.analysis.store import analysis_worker
    from voice.models import Base

    # A submit in the last test may still be analysed in the background: let it finish first, or its
    # rows would land in this test's empty database.
    analysis_worker(engine).idle(30)

    with engine.begin() as connection:
        # Children before parents, so foreign keys never object.
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    from voice.stats.results import clear_cache

    clear_cache()  # cached figures are keyed by ids that SQLite reuses


@pytest.fixture
def clean_db(engine: Engine) -> Engine:
    """The migrated database with every row removed (tables and migrations kept)."""
    _delete_all_rows(engine)
    return engine


@pytest.fixture
def session(clean_db: Engine) -> Iterator[Session]:
    """A Session on an empty database. Commit in the test when code under test expects committed data."""
    db_session = sessionmaker(clean_db, expire_on_commit=False)()
    try:
        yield db_session
    finally:
        db_session.rollback()
        db_session.close()


@pytest.fixture(scope="session")
def surveys_dir() -> Path:
    return SURVEYS_DIR


@pytest.fixture
def published_surveys(session: Session, surveys_dir: Path):
    """The built-in survey files published into the (empty) test database; returns the SyncReport."""
    from voice.surveys.registry import sync_survey_files

    if not any(surveys_dir.glob("*.yaml")):
        pytest.fail(f"No survey files in {surveys_dir}: the built-in surveys should be there.", pytrace=False)
    report = sync_survey_files(session, surveys_dir)
    session.commit()
    assert not report.problems, "The built-in survey files have problems:\n" + "\n".join(report.problems)
    return report


# --- PostgreSQL-only tests -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_engine(database_url: str, request: pytest.FixtureRequest) -> Engine:
    """A migrated PostgreSQL engine for tests that need PostgreSQL itself (locks, concurrency).

    Uses VOICE_TEST_DATABASE_URL when that is PostgreSQL (the same database as `engine`), else
    VOICE_TEST_POSTGRES_URL. It never guesses a URL: resetting someone else's database would lose their work.
    """
    if _is_postgres(database_url):
        return request.getfixturevalue("engine")
    url = os.environ.get("VOICE_TEST_POSTGRES_URL", "").strip()
    if not url:
        _unavailable("set VOICE_TEST_DATABASE_URL or VOICE_TEST_POSTGRES_URL to a PostgreSQL database for tests")
    return _prepared_engine(url)


def pytest_runtest_setup(item: pytest.Item) -> None:
    # A test marked `postgres` gets pg_engine's availability check even if it only uses `engine`.
    if item.get_closest_marker("postgres") is not None and "pg_engine" not in getattr(item, "fixturenames", ()):
        urls = [os.environ.get(name, "").strip() for name in ("VOICE_TEST_DATABASE_URL", "VOICE_TEST_POSTGRES_URL")]
        if not any(url and _is_postgres(url) for url in urls):
            _unavailable("this test needs VOICE_TEST_DATABASE_URL or VOICE_TEST_POSTGRES_URL "
                         "to name a PostgreSQL database")
