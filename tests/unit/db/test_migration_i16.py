"""The i16 migration upgrades a database made by 0001_initial that already holds data (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import missing

HEAD_FROM_HERE = "i16_staff_journeys"


def _upgrade(engine, connection, revision: str) -> None:
    from alembic import command

    from voice.db import _alembic_config

    cfg = _alembic_config(engine)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _fill(connection) -> None:
    connection.execute(text("INSERT INTO users (username, email, password_hash, roles, active, failed_attempts, "
                            "created_at) VALUES ('sam', '', '', '[\"admin\"]', true, 0, '2026-01-01 09:00:00')"))
    connection.execute(text("INSERT INTO surveys (id, title, source, archived, created_at) "
                            "VALUES ('old_survey', 'Old', 'old.yaml', false, '2026-01-01 09:00:00')"))
    connection.execute(text("INSERT INTO plan_periods (id, title, starts, ends, is_current, source, content_hash, "
                            "imported_at) VALUES ('2020/21', 'Plan', '2020-04-01', '2021-03-31', true, '', '', "
                            "'2026-01-01 09:00:00')"))
    for i in (1, 2):
        connection.execute(text(
            "INSERT INTO you_said_we_did (period_id, you_said, theme_ids, quote_ids, priority_ids, figures, we_did, "
            "agency, owner, raised_at, status, not_possible_reason, audience, published, created_by, created_at, "
            f"updated_at) VALUES ('2020/21', 'You said {i}', '[]', '[]', '[]', '', '', '', '', '2020-02-01', "
            "'planned', '', 'ypag', false, 'f', '2026-01-01 09:00:00', '2026-01-01 09:00:00')"))


def _check(connection) -> None:
    assert connection.execute(text("SELECT must_change_password FROM users")).scalar() in (False, 0)
    assert connection.execute(text("SELECT listed FROM surveys")).scalar() in (True, 1)  # old surveys stay listed
    assert connection.execute(text("SELECT count(*) FROM you_said_we_did WHERE request_token IS NULL")).scalar() == 2
    indexes = {i["name"]: i for i in inspect(connection).get_indexes("you_said_we_did")}
    assert indexes["ix_you_said_we_did_request_token"]["unique"]
    assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_FROM_HERE


def test_sqlite_database_with_data_upgrades(tmp_path):
    from voice.db import dispose_engine, get_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = get_engine(url)  # the app's engine: foreign keys on, as in production
    with engine.begin() as connection:
        _upgrade(engine, connection, "0001_initial")
        _fill(connection)
    with engine.begin() as connection:
        _upgrade(engine, connection, "head")
        _check(connection)
    dispose_engine(url)


def _postgres_url() -> str | None:
    for name in ("VOICE_TEST_POSTGRES_URL", "VOICE_TEST_DATABASE_URL"):
        url = os.environ.get(name, "").strip()
        if url and make_url(url).get_backend_name() == "postgresql":
            return url
    return None


@pytest.mark.postgres
def test_postgresql_database_with_data_upgrades():
    url = _postgres_url()
    if url is None:
        missing("set VOICE_TEST_POSTGRES_URL or VOICE_TEST_DATABASE_URL to a PostgreSQL database")
    engine = create_engine(url)
    schema = "i16_migration_check"  # its own schema: the suite's tables are left alone
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
            connection.execute(text(f"SET search_path TO {schema}"))
            _upgrade(engine, connection, "0001_initial")
            _fill(connection)
            _upgrade(engine, connection, "head")
            _check(connection)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()
