"""Migration i15_release_in_steps on a database created by 0001_initial that already holds answers: every
submitted response counts as released (the figures people have seen do not change); unfinished ones do not."""

from __future__ import annotations

import os
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import missing


def _urls():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)


def _engine(kind: str, tmp_path):
    if kind == "sqlite":
        return create_engine(f"sqlite:///{tmp_path / 'old.db'}"), None
    url = next((u for u in (os.environ.get(n, "") for n in ("VOICE_TEST_DATABASE_URL", "VOICE_TEST_POSTGRES_URL"))
                if u.startswith("postgresql")), "")
    if not url:
        missing("needs VOICE_TEST_DATABASE_URL or VOICE_TEST_POSTGRES_URL naming a PostgreSQL database")
    schema = f"mig_{uuid.uuid4().hex[:8]}"  # a schema of its own inside the test database, dropped after
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return create_engine(url, connect_args={"options": f"-csearch_path={schema}"}), (admin, schema)


@pytest.mark.parametrize("kind", list(_urls()))
def test_upgrading_a_database_with_answers_releases_what_was_submitted(kind, tmp_path):
    from alembic import command

    from voice.db import _alembic_config

    engine, cleanup = _engine(kind, tmp_path)
    try:
        cfg = _alembic_config(engine)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0001_initial")
        now = datetime(2021, 2, 3, 10, 0)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO surveys (id, title, source, archived, created_at) "
                                    "VALUES ('s', 'S', 'test', false, :now)"), {"now": now})
            connection.execute(text("INSERT INTO survey_versions (id, survey_id, revision, declared_version, "
                                    "content_hash, definition, source, created_at) VALUES "
                                    "(1, 's', 1, 1, 'h', '{}', 'test', :now)"), {"now": now})
            connection.execute(text("INSERT INTO campaigns (id, name, survey_id, title, is_default, is_demo, notes, "
                                    "created_at) VALUES (1, 'wave', 's', 'Wave', false, false, '', :now)"),
                               {"now": now})
            for k, status in enumerate(["submitted", "submitted", "in_progress"], start=1):
                connection.execute(text(
                    "INSERT INTO responses (id, survey_id, survey_version_id, campaign_id, resume_code, status, "
                    "current_step, language, source, started_at, updated_at, submitted_at) VALUES "
                    "(:id, 's', 1, 1, :code, :status, 0, 'en', 'web', :now, :now, :sub)"),
                    {"id": k, "code": f"CODE{k}", "status": status, "now": now,
                     "sub": now if status == "submitted" else None})
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT status, released_at FROM responses ORDER BY id")).all()
        assert [(status, released is not None) for status, released in rows] == [
            ("submitted", True), ("submitted", True), ("in_progress", False)]
    finally:
        engine.dispose()
        if cleanup:
            admin, schema = cleanup
            with admin.connect() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
