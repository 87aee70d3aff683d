"""`voice db upgrade`: apply migrations to the configured database."""

from __future__ import annotations


def register(sub) -> None:
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="apply Alembic migrations up to the newest")
    up.set_defaults(func=_upgrade)


def _upgrade(args) -> int:
    from voice.config import get_settings
    from voice.db import current_revision, get_engine, upgrade

    settings = get_settings()
    engine = get_engine(settings.database_url)
    upgrade(engine)
    print(f"Database at {engine.url.render_as_string(hide_password=True)} is at revision {current_revision(engine)}.")
    return 0
