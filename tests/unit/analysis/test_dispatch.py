"""Analysis of a submitted response runs off the young person's request, and still reaches the lead in seconds."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

import voice.analysis.store as store
from voice.db import session_scope
from voice.models import Answer, Response, SafeguardingItem, SurveyRecord, TextAnalysis
from voice.responses.codes import new_code
from voice.responses.service import submit
from voice.surveys.registry import ensure_default_campaign

WORRY = "a man from a game keeps asking for pics and said not to tell my mum"


def _in_progress(engine, text: str) -> str:
    """A response with one free-text answer, not yet submitted; returns its resume code."""
    with session_scope(engine) as session:
        record = session.get(SurveyRecord, "esafety_year9")
        campaign = ensure_default_campaign(session, "esafety_year9")
        code = new_code()
        response = Response(survey_id="esafety_year9", survey_version_id=record.current_version_id,
                            campaign_id=campaign.id, resume_code=code, status="in_progress")
        session.add(response)
        session.flush()
        session.add(Answer(response_id=response.id, question_id="esafety_worries", option_id="", text=text))
    return code


def _count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def worker(clean_db, published_surveys):
    worker = store.analysis_worker(clean_db)
    yield worker
    worker.idle(30)


def test_submit_does_not_analyse_but_the_item_appears_after_the_commit(clean_db, worker, monkeypatch):
    threads = []
    real = store.analyse_response
    monkeypatch.setattr(store, "analyse_response", lambda s, r: threads.append(threading.get_ident()) or real(s, r))
    code = _in_progress(clean_db, WORRY)
    with session_scope(clean_db) as session:
        receipt = submit(session, code)
        assert receipt
        # Inside the young person's request nothing has been analysed yet.
        assert session.scalar(select(func.count()).select_from(TextAnalysis)) == 0
    assert worker.idle(30), "the background analysis did not finish"
    assert threads and threading.get_ident() not in threads  # it ran on the worker's thread
    assert _count(clean_db, TextAnalysis) == 1
    with session_scope(clean_db) as session:
        item = session.scalars(select(SafeguardingItem)).one()
        assert "grooming_exploitation" in item.categories
        assert [i.matches for i in item.indicators if i.kind == "text"][0]  # the reasons shown to the lead


def test_a_rolled_back_submit_queues_nothing(clean_db, worker):
    code = _in_progress(clean_db, WORRY)
    with pytest.raises(RuntimeError):
        with session_scope(clean_db) as session:
            submit(session, code)
            raise RuntimeError("the request failed after submit")
    assert worker.idle(10)
    assert _count(clean_db, TextAnalysis) == 0
    with session_scope(clean_db) as session:
        assert session.scalars(select(Response)).one().status == "in_progress"


def test_the_sweep_finds_what_a_dying_process_left(clean_db, worker, monkeypatch):
    # The process "dies" between commit and analysis: nothing is queued...
    monkeypatch.setattr(store, "_dispatch_after_commit", lambda session: session.info.pop(store._AFTER_COMMIT, None))
    with session_scope(clean_db) as session:
        submit(session, _in_progress(clean_db, WORRY))
    assert _count(clean_db, TextAnalysis) == 0
    # ...and a new worker's sweep (run when it starts, then every few seconds) analyses it.
    counts = store.AnalysisWorker(clean_db).sweep()
    assert counts.analysed == 1 and counts.flagged == 1
    assert _count(clean_db, SafeguardingItem) == 1


def test_a_failing_job_does_not_stop_the_worker(clean_db, worker, monkeypatch):
    calls = []

    def flaky(session, response_id):
        calls.append(response_id)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(session, response_id)

    real = store.analyse_response
    monkeypatch.setattr(store, "analyse_response", flaky)
    for _ in range(2):
        with session_scope(clean_db) as session:
            submit(session, _in_progress(clean_db, WORRY))
    assert worker.idle(30)
    assert len(calls) == 2
    assert _count(clean_db, TextAnalysis) == 1  # the second; the first waits for the sweep
    swept = worker.sweep()
    assert swept.analysed + swept.reused == 1 and swept.flagged == 1
