"""The audit trail: who may read it, what it refuses to hold, and safe exports."""

import csv
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from voice.security.access import SYSTEM, AccessDenied, Actor
from voice.security.audit import AuditFilter, export_events, list_events, record
from voice.security.roles import ADMIN, BOARD, FACILITATOR, SAFEGUARDING

ADMIN_ACTOR = Actor("root", frozenset({ADMIN}))
T0 = datetime(2026, 3, 2, 9, 0)


def test_record_stores_actor_action_target_and_detail(session):
    record(session, Actor("alice", frozenset({FACILITATOR})), "quote_approved", "quote", 17, at=T0, themes=["a"])
    record(session, "system", "retention_run", at=T0 + timedelta(minutes=1), text_answers=3)
    session.flush()
    rows = list_events(session, ADMIN_ACTOR)
    assert [(r.actor, r.action, r.target_type, r.target_id, r.detail) for r in rows] == [
        ("system", "retention_run", "", "", {"text_answers": 3}),  # newest first
        ("alice", "quote_approved", "quote", "17", {"themes": ["a"]}),
    ]


@pytest.mark.parametrize("key", ["text", "answer", "quote", "password"])
def test_record_refuses_detail_that_could_hold_what_someone_wrote(session, key):
    with pytest.raises(ValueError, match="must not hold content"):
        record(session, SYSTEM, "oops", **{key: "I feel unsafe at home"})


@pytest.mark.parametrize("role", [FACILITATOR, SAFEGUARDING, BOARD])
def test_only_admins_read_the_trail(session, role):
    with pytest.raises(AccessDenied):
        list_events(session, Actor("x", frozenset({role})))


def test_filters_by_person_action_and_time(session):
    record(session, "alice", "sign_in", at=T0)
    record(session, "bob", "sign_in", at=T0 + timedelta(days=1))
    record(session, "bob", "page_refused", "page", "admin_users.py", at=T0 + timedelta(days=2))
    session.flush()
    assert [r.action for r in list_events(session, ADMIN_ACTOR, AuditFilter(actor="BOB"))] == [
        "page_refused", "sign_in"]
    assert [r.actor for r in list_events(session, ADMIN_ACTOR, AuditFilter(action="sign_in"))] == ["bob", "alice"]
    window = AuditFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(days=2))
    assert [r.actor for r in list_events(session, ADMIN_ACTOR, window)] == ["bob"]


INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_export_neutralises_formulas(session, tmp_path):
    for i, bad in enumerate(INJECTIONS):
        record(session, "system", "test", "page", bad, at=T0 + timedelta(seconds=i), note=bad)
    session.flush()
    path = tmp_path / "audit.csv"
    assert export_events(session, ADMIN_ACTOR, path) == len(INJECTIONS)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "at (UTC)"
    targets = [row[4] for row in rows[1:]]
    assert sorted(targets) == sorted("'" + bad for bad in INJECTIONS)
    for row in rows[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row
    # The export itself is audited, with the count.
    assert list_events(session, ADMIN_ACTOR, AuditFilter(action="audit_exported"))[0].detail == {
        "rows": len(INJECTIONS), "format": "csv"}


def test_excel_export_stores_formulas_as_text(session, tmp_path):
    record(session, "system", "test", "page", "=1+1", at=T0)
    session.flush()
    path = tmp_path / "audit.xlsx"
    export_events(session, ADMIN_ACTOR, path)
    sheet = load_workbook(path).active
    cell = sheet.cell(row=2, column=5)
    assert cell.value == "'=1+1" and cell.data_type == "s"


def test_export_refuses_other_formats_and_non_admins(session, tmp_path):
    with pytest.raises(ValueError, match=".csv or .xlsx"):
        export_events(session, ADMIN_ACTOR, tmp_path / "audit.json")
    with pytest.raises(AccessDenied):
        export_events(session, Actor("b", frozenset({BOARD})), tmp_path / "audit.csv")
    assert not (tmp_path / "audit.csv").exists()
