"""Getting a database ready when the app (or a command) starts.

Migrate, publish the survey files, and on a fresh embedded install add the demo content.
Two processes may start at the same moment (two app workers, the app and a command): a
cross-process lock makes the second wait and then find everything already done.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from voice.db import private_dir, private_file, session_scope, upgrade

log = logging.getLogger(__name__)

STARTUP_LOCK_KEY = 724502  # PostgreSQL advisory lock id; voice.db.upgrade uses 724501 inside this one


@dataclass
class StartupReport:
    published: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    demo_loaded: bool = False


def prepare_database(engine: Engine, settings, load_demo: bool) -> StartupReport:
    """Idempotent: run it on every start. Survey file problems are logged, never fatal."""
    report = StartupReport()
    with _startup_lock(engine):
        _publish(engine, Path(settings.surveys_dir), report)
        if load_demo:
            report.demo_loaded = _load_demo_if_empty(engine)
    return report


def publish_surveys(engine: Engine, surveys_dir: Path):
    """Migrate and publish the survey folder, exactly as the app does when it starts (`voice db upgrade` and
    `voice surveys publish`), so every command finds the same surveys on a new database."""
    from voice.surveys.registry import SyncReport

    report = StartupReport()
    with _startup_lock(engine):
        sync = _publish(engine, surveys_dir, report)
    return sync or SyncReport(problems=report.problems)


def _publish(engine: Engine, surveys_dir: Path, report: StartupReport):
    upgrade(engine)
    try:
        from voice.surveys.registry import sync_survey_files

        with session_scope(engine) as session:
            sync = sync_survey_files(session, surveys_dir)
        report.published = sync.published
        report.problems = sync.problems
        for problem in sync.problems:
            log.warning("survey file problem: %s", problem)
        return sync
    except Exception:  # a broken survey folder must not stop the app serving the surveys already published
        log.exception("could not sync survey files from %s", surveys_dir)
        report.problems.append(f"Could not read the survey files in {surveys_dir}; see the log.")
        return None


def _load_demo_if_empty(engine: Engine) -> bool:
    from voice.demo import load_demo
    from voice.models import Response

    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(Response)):
            return False  # real (or earlier demo) responses: never mix demo data in
        result = load_demo(session)
        log.info("%s", result)
    if result.loaded:
        # Code the demo's free text now, so the queue, workspace and board are full from the first look.
        from voice.analysis.store import analyse_new_answers

        with session_scope(engine) as session:
            log.info("demo text analysed: %s", analyse_new_answers(session))
    return bool(result.loaded)


@contextmanager
def _startup_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield  # an in-memory database belongs to one process
        return
    try:
        import fcntl
    except ImportError:  # not Linux/macOS: the product runs on Linux, so start unguarded rather than fail
        yield
        return

    lock_path = Path(database).with_name(Path(database).name + ".startup-lock")
    private_dir(lock_path.parent)
    private_file(lock_path)
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the other process's start-up to finish
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

