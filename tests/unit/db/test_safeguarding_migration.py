"""Revision i14_safeguarding_records on a database made by 0001_initial that already holds items.

Per-answer items become per-response items with one text indicator each; a response's open items are
merged into one; notes and decisions are kept in the history; the result matches the models; and from
then on erasing a response keeps its record. Runs on SQLite, and on PostgreSQL when one is configured.
"""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

DEFINITION = {"id": "esafety_year9", "sections": [{"id": "words", "questions": [
    {"id": "esafety_worries", "type": "text", "text": "Is there anything that worries you online?"}]}]}


def _at_0001(engine: Engine) -> None:
    from alembic import command

    from voice.db import _alembic_config

    cfg = _alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001_initial")
    rows = [
        "INSERT INTO surveys (id, title, current_version_id, source, archived, created_at) "
        "VALUES ('esafety_year9', 'Staying safe online', NULL, 'test', false, '2026-01-01 09:00:00')",
        "INSERT INTO survey_versions (id, survey_id, revision, declared_version, content_hash, definition, source, "
        f"created_at) VALUES (1, 'esafety_year9', 1, 1, 'h', '{json.dumps(DEFINITION)}', 'test', "
        "'2026-01-01 09:00:00')",
        "INSERT INTO campaigns (id, name, survey_id, title, opens_at, closes_at, is_default, is_demo, notes, "
        "created_at) "
        "VALUES (1, 'esafety-2026', 'esafety_year9', '', NULL, NULL, false, false, '', '2026-01-01 09:00:00')",
        "INSERT INTO groups (id, code, name, area, type, is_demo) "
        "VALUES (1, 'HILL', 'Hill Academy', '', 'school', false)",
    ]
    for rid in (1, 2):
        rows.append(
            "INSERT INTO responses (id, survey_id, survey_version_id, campaign_id, group_id, resume_code, "
            "receipt_code, status, current_step, language, source, started_at, updated_at, submitted_at) VALUES "
            f"({rid}, 'esafety_year9', 1, 1, 1, 'RES{rid}', 'REC{rid}', 'submitted', 0, 'en', 'web', "
            "'2026-03-01 09:00:00', '2026-03-01 09:00:00', '2026-03-01 09:00:00')")
    for aid, rid, words in ((1, 1, "first worry"), (2, 1, "second worry"), (3, 2, "third worry")):
        rows.append(f"INSERT INTO answers (id, response_id, question_id, option_id, text, number) "
                    f"VALUES ({aid}, {rid}, 'esafety_worries{'' if aid != 2 else '_b'}', '', '{words}', NULL)")
    items = [  # id, answer, response, categories, status, reviewed_by, outcome_by, note
        (1, 1, 1, ["self_harm_suicide"], "new", None, None, "[2026-03-01 10:00 UTC, dee] first look"),
        (2, 2, 1, ["abuse_at_home"], "reviewed", "dee", None, ""),
        (3, 3, 2, ["other"], "action_taken", "dee", "dee", "[2026-03-02 10:00 UTC, dee] Referred to the school"),
    ]
    for iid, aid, rid, cats, status, rby, oby, note in items:
        rat = "'2026-03-01 11:00:00'" if rby else "NULL"
        oat = "'2026-03-02 10:00:00'" if oby else "NULL"
        rby = f"'{rby}'" if rby else "NULL"
        oby = f"'{oby}'" if oby else "NULL"
        rows.append(
            "INSERT INTO safeguarding_items (id, answer_id, response_id, survey_id, categories, matches, status, "
            "created_at, reviewed_by, reviewed_at, outcome_by, outcome_at, note, released) VALUES "
            f"({iid}, {aid}, {rid}, 'esafety_year9', '{json.dumps(cats)}', '[\"worry\"]', '{status}', "
            f"'2026-03-01 0{iid}:00:00', {rby}, {rat}, {oby}, {oat}, '{note}', false)")
    with engine.begin() as connection:
        for sql in rows:
            connection.execute(text(sql))


def _check_upgrade(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.orm import Session

    from voice.db import upgrade
    from voice.models import Base, SafeguardingIndicator, SafeguardingItem

    _at_0001(engine)
    upgrade(engine)
    with Session(engine) as session:
        items = session.query(SafeguardingItem).order_by(SafeguardingItem.id).all()
        assert [(i.id, i.response_id, i.status) for i in items] == [(1, 1, "new"), (3, 2, "action_taken")]
        merged = items[0]
        assert merged.categories == ["self_harm_suicide", "abuse_at_home"]
        assert [(x.answer_id, x.kind) for x in merged.indicators] == [(1, "text"), (2, "text")]
        assert merged.indicators[0].question_label == "Is there anything that worries you online?"
        assert merged.reviewed_by is None  # part of it has not been read yet: new again
        assert (merged.campaign, merged.group_name, merged.survey_title) == (
            "esafety-2026", "Hill Academy", "Staying safe online")
        events = [e["event"] for e in merged.history]
        assert events.count("created") == 2 and "reviewed" in events and events[-1] == "merged"
        assert any("first look" in (e.get("note") or "") for e in merged.history)
        closed = items[1]
        assert [e["event"] for e in closed.history] == ["created", "reviewed", "closed", "note"]
        assert "Referred to the school" in closed.history[-1]["note"]

    # The schema now matches the models (for the tables this revision touches).
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = ("safeguarding_items", "safeguarding_indicators", "safeguarding_screenings", "notification_outbox")
    assert [d for d in diffs if any(t in str(d) for t in ours)] == []
    uniques = [ix for ix in inspect(engine).get_indexes("safeguarding_items") if ix["unique"]]
    assert [ix["name"] for ix in uniques] == ["uq_safeguarding_items_open_response"]

    # From now on erasing a response keeps its record (SET NULL, not CASCADE).
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM answers WHERE response_id = 2"))
        connection.execute(text("DELETE FROM responses WHERE id = 2"))
    with Session(engine) as session:
        closed = session.get(SafeguardingItem, 3)
        assert closed.response_id is None
        assert [x.answer_id for x in session.query(SafeguardingIndicator).filter_by(item_id=3)] == [None]


def test_upgrade_on_sqlite(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    from sqlalchemy import event

    from voice.db import _sqlite_pragmas

    event.listen(engine, "connect", _sqlite_pragmas)  # foreign keys on, as the app runs
    try:
        _check_upgrade(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_upgrade_on_postgresql():
    """On a database of its own (<test database>_i14mig), so the suite's PostgreSQL schema is left alone."""
    from sqlalchemy.engine import make_url

    names = ("VOICE_TEST_DATABASE_URL", "VOICE_TEST_POSTGRES_URL")
    url = next((u for u in (os.environ.get(n, "").strip() for n in names) if u.startswith("postgresql")), "")
    base = make_url(url)
    name = f"{base.database}_i14mig"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(base.set(database=name))
    try:
        _check_upgrade(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
