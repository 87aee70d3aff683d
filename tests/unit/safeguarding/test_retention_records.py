"""Records outlive everything else: erasure and retention never remove an open item or what it points at;
a closed record stays (without the answers) for its own period; unfinished responses go after 30 days;
and erased text leaves no copy in the SQLite file or its write-ahead log."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.unit.safeguarding.conftest import FACILITATOR, LEAD, WEBCAM_THREAT
from tests.unit.security.helpers import rows_containing
from voice.analysis.safeguarding import add_note, list_queue, mark_reviewed, open_item, record_outcome
from voice.analysis.store import analyse_new_answers
from voice.models import AuditEvent, Response, SafeguardingIndicator, SafeguardingItem
from voice.security.access import SYSTEM
from voice.responses.retention import HeldForSafeguarding, erase_response, run_retention

WORDS = "he said he would share my pics unless I sent more"
NOW = datetime(2030, 6, 1, 12)


@pytest.fixture
def flagged(session, make):
    response = make.response({"esafety_worries": WORDS, "esafety_help": "more lessons"}, extra=WEBCAM_THREAT)
    analyse_new_answers(session)
    return response, session.scalars(select(SafeguardingItem)).one()


def _close(session, item, note="Referred to the school's DSL"):
    mark_reviewed(session, LEAD, item.id, note="Read it")
    record_outcome(session, LEAD, item.id, "action_taken", note=note)


def test_a_facilitator_cannot_erase_while_the_item_is_open_and_nothing_is_touched(session, flagged):
    response, item = flagged
    for actor in (FACILITATOR, LEAD, SYSTEM):
        with pytest.raises(HeldForSafeguarding, match=f"close safeguarding item #{item.id}"):
            erase_response(session, actor, response.receipt_code)
    assert rows_containing(session, WORDS)
    assert session.get(SafeguardingItem, item.id).response_id == response.id


def test_after_the_lead_closes_it_the_response_can_be_erased_and_the_record_stays_with_its_notes(session, flagged):
    response, item = flagged
    _close(session, item)
    report = erase_response(session, LEAD, response.receipt_code)
    session.commit()
    assert report.safeguarding_records == (item.id,)
    assert rows_containing(session, WORDS) == [] and rows_containing(session, "share my pics") == []
    session.expire_all()
    kept = session.get(SafeguardingItem, item.id)
    assert kept.response_id is None and kept.answers_erased_at is not None
    assert kept.status == "action_taken" and kept.campaign == "esafety_year9-open"
    assert [(i.kind, i.question_id, i.answer_id, i.matches) for i in kept.indicators] == [
        ("text", "esafety_worries", None, []), ("closed", "threatened_on_webcam", None, [])]
    detail = open_item(session, LEAD, item.id)
    assert [n.note for n in detail.notes] == ["Read it", "Referred to the school's DSL"]
    assert detail.history[-1].event == "answers_erased" and detail.answers == ()
    assert detail.indicators[0].text is None and detail.indicators[1].why.startswith("Answered \u201cYes\u201d")
    add_note(session, LEAD, item.id, "The young person asked for their answers to be erased; done.")
    assert [q.id for q in list_queue(session, LEAD, status="all")] == [item.id]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "response_erased")).one()
    assert event.detail["safeguarding_records_kept"] == [item.id]


def test_retention_keeps_an_open_item_and_every_answer_of_its_response(session, flagged, make):
    response, item = flagged
    for r in session.scalars(select(Response)):
        r.submitted_at = datetime(2026, 3, 1)  # long past the 24 months of free text
    other = make.response({"esafety_worries": "the bus to town is always late, grumble"})
    other.submitted_at = datetime(2026, 3, 1)
    session.flush()
    dry = run_retention(session, SYSTEM, now=NOW, dry_run=True)
    assert dry.held_items == [item.id] and dry.held_responses == 1 and dry.held_text_answers == 2
    assert dry.text_answers == 1 and "a lead must close it first" in dry.held_reason
    report = run_retention(session, SYSTEM, now=NOW)
    session.commit()
    assert report.text_answers == 1 and rows_containing(session, "always late, grumble") == []
    assert rows_containing(session, WORDS) and session.get(SafeguardingItem, item.id).response_id == response.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_run")).one()
    assert event.detail["held"]["open_items"] == [item.id] and event.detail["held"]["text_answers"] == 2
    # Closed: the text goes at the next run; the record stays, without the words that fired.
    _close(session, item)
    run_retention(session, SYSTEM, now=NOW)
    session.commit()
    assert rows_containing(session, WORDS) == []
    session.expire_all()
    kept = session.get(SafeguardingItem, item.id)
    assert kept.indicators[0].matches == [] and kept.history[-1]["event"] == "answers_erased"
    assert kept.response_id == response.id  # the figures (closed answers) are kept, so is the response


def test_safeguarding_records_have_their_own_retention_and_an_open_one_never_expires(session, make, monkeypatch):
    make.response({"esafety_worries": "someone online keeps asking me for pics"})
    make.response({"esafety_worries": "sometimes I want to kill myself"})
    analyse_new_answers(session)
    closed_item, open_one = session.scalars(select(SafeguardingItem).order_by(SafeguardingItem.id)).all()
    _close(session, closed_item)
    closed_item.outcome_at = NOW - timedelta(days=365 * 15 + 10)
    open_one.created_at = NOW - timedelta(days=365 * 20)
    session.flush()
    assert run_retention(session, SYSTEM, now=NOW, dry_run=True).safeguarding_records == 1
    report = run_retention(session, SYSTEM, now=NOW)
    assert (report.safeguarding_records, report.safeguarding_years) == (1, 15)
    assert [i.id for i in session.scalars(select(SafeguardingItem))] == [open_one.id]
    assert session.scalar(select(func.count()).select_from(SafeguardingIndicator)) == 1
    monkeypatch.setenv("VOICE_SAFEGUARDING_RETENTION_YEARS", "40")
    assert run_retention(session, SYSTEM, now=NOW, dry_run=True).safeguarding_years == 40


def test_unfinished_responses_go_after_30_days_configurable(session, make, monkeypatch):
    stale = make.response({"esafety_worries": "never sent, a month old"}, submitted=False)
    fresh = make.response({"esafety_worries": "never sent, started yesterday"}, submitted=False)
    stale.updated_at, fresh.updated_at = NOW - timedelta(days=31), NOW - timedelta(hours=36)
    session.flush()
    dry = run_retention(session, SYSTEM, now=NOW, dry_run=True)
    assert (dry.unfinished_responses, dry.unfinished_days) == (1, 30)
    run_retention(session, SYSTEM, now=NOW)
    session.commit()
    assert rows_containing(session, "a month old") == [] and rows_containing(session, "started yesterday")
    assert session.scalar(select(func.count()).select_from(Response).where(Response.id == stale.id)) == 0
    monkeypatch.setenv("VOICE_UNFINISHED_RETENTION_DAYS", "0")  # not a usable period: the default stays
    assert run_retention(session, SYSTEM, now=NOW, dry_run=True).unfinished_days == 30
    monkeypatch.setenv("VOICE_UNFINISHED_RETENTION_DAYS", "1")
    assert run_retention(session, SYSTEM, now=NOW, dry_run=True).unfinished_responses == 1


def test_voice_retention_run_dry_run_lists_what_it_held_and_why(session, flagged, monkeypatch, capsys,
                                                                 database_url):
    from voice.cli import main

    response, item = flagged
    response.submitted_at = datetime(2020, 1, 1)
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["retention", "run", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would remove 0 free-text answers" in out
    assert f"Held back: open safeguarding item(s) #{item.id}" in out and "a lead must close it first" in out
    assert "2 free-text answer(s) past their retention" in out
    assert main(["retention", "run"]) == 0
    assert f"#{item.id}" in capsys.readouterr().out
    assert rows_containing(session, WORDS)


def test_erased_text_leaves_no_copy_in_the_database_file_or_its_wal(tmp_path, surveys_dir):
    """The app's own engine (secure_delete on, WAL) on a file: read the raw bytes after an erasure."""
    from voice.db import dispose_engine, get_engine, session_scope, upgrade
    from voice.responses import service
    from voice.surveys.registry import sync_survey_files

    url = f"sqlite:///{tmp_path / 'raw.db'}"
    engine = get_engine(url)
    try:
        upgrade(engine)
        secret = "ZQX-unique-words-" * 40  # long: spills into its own page, the hardest case
        with session_scope(engine) as s:
            sync_survey_files(s, surveys_dir)
            code = service.start_response(s, "esafety_year9").resume_code
            service.save_step(s, code, {"esafety_help": secret}, ["esafety_help"], 1)
            receipt = service.submit(s, code)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1  # set by the app
        files = [tmp_path / "raw.db", tmp_path / "raw.db-wal"]
        assert any(b"ZQX-unique-words" in f.read_bytes() for f in files if f.exists())
        with session_scope(engine) as s:
            erase_response(s, SYSTEM, receipt)
        for f in files:
            if f.exists():
                assert b"ZQX-unique-words" not in f.read_bytes(), f.name
        assert not (tmp_path / "raw.db-wal").exists() or (tmp_path / "raw.db-wal").stat().st_size == 0
    finally:
        dispose_engine(url)


def test_voice_erase_refuses_kindly_while_the_item_is_open(session, flagged, monkeypatch, capsys, database_url):
    from voice.cli import main

    response, item = flagged
    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["erase", response.receipt_code]) == 1
    assert f"close safeguarding item #{item.id}" in capsys.readouterr().err
    _close(session, item)
    session.commit()
    assert main(["erase", response.receipt_code]) == 0
    assert f"The safeguarding record #{item.id} stays" in capsys.readouterr().out
