"""`voice db upgrade` and `voice db backup`: migrations and an online backup of the configured database."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations, then publish the survey files (as the app does)",
                           description="Apply Alembic migrations up to the newest, then publish the survey folder "
                                       "($VOICE_SURVEYS_DIR, else surveys/), so every command works on a new "
                                       "database exactly as the app does.")
    up.set_defaults(func=_upgrade)
    backup = db_sub.add_parser("backup", help="copy the SQLite database safely while the app runs")
    backup.add_argument("--out", required=True, type=Path, help="the backup file to write (must not exist)")
    backup.set_defaults(func=_backup)


def _upgrade(args) -> int:
    from voice.config import get_settings
    from voice.db import current_revision, get_engine
    from voice.surveys.cli import publish_survey_folder

    settings = get_settings()
    engine = get_engine(settings.database_url)
    publish_survey_folder(engine, Path(settings.surveys_dir))  # migrates first; a broken file is listed, not fatal
    print(f"Database at {engine.url.render_as_string(hide_password=True)} is at revision {current_revision(engine)}.")
    return 0


def _backup(args) -> int:
    from voice.config import get_settings
    from voice.db import backup_sqlite

    url = get_settings().database_url
    if not url.startswith("sqlite"):
        print("DATABASE_URL is PostgreSQL: back it up with pg_dump (see docs/operations.md).")
        return 2
    if args.out.exists():
        print(f"{args.out} already exists: choose a new file, so no backup is overwritten by mistake.")
        return 2
    pages, check = backup_sqlite(url.split("///", 1)[1], args.out)
    _audit_backup(url, args.out, pages, check)
    print(f"Backed up {pages} pages to {args.out} (integrity check: {check}).")
    return 0 if check == "ok" else 1


def _audit_backup(url: str, out: Path, pages: int, check: str) -> None:
    """A copy of every answer left the database: the operator (SYSTEM) is recorded as having made it.
    Written after the copy, so the backup does not hold its own entry."""
    from voice.db import get_engine, session_scope, with_retry
    from voice.security.access import SYSTEM
    from voice.security.audit import record

    def write() -> None:
        with session_scope(get_engine(url)) as session:
            record(session, SYSTEM, "database_backed_up", "database", "", file=Path(out).name, pages=pages,
                   integrity=check)

    with_retry(write)
