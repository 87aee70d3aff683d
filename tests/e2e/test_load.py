"""Issue 7: under load and faults no answer is lost.

Simulated young people drive the real app (a subprocess) over Streamlit's own websocket protocol
(benchmarks/load/), then the database is checked against what each of them was told. Correctness
only: timings are for benchmarks/load_benchmark.py. Runs on the suite's database (SQLite file or
PostgreSQL); the scale-out test needs PostgreSQL.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from sqlalchemy import func, select

from benchmarks.load.app_process import AppProcess
from benchmarks.load.checks import integrity_check, verify
from benchmarks.load.harness import load_survey, run_people
from benchmarks.load.person import YoungPerson

SHORT = (0.2, 1.0)  # seconds on a step: short pauses keep CI quick (the benchmark uses 3-15 s)



def run_async(coroutine):
    """asyncio.run on a thread of its own: the browser tests' Playwright keeps a loop running on this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _prepare(url: str) -> None:
    from voice.config import get_settings
    from voice.db import get_engine, session_scope, upgrade
    from voice.surveys.registry import sync_survey_files

    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)


@pytest.fixture(scope="module")
def load_db(tmp_path_factory, database_url) -> str:
    """The suite's PostgreSQL database when the suite runs on it, else a fresh SQLite file for these tests."""
    url = database_url if database_url.startswith("postgresql") else \
        f"sqlite:///{tmp_path_factory.mktemp('load-db') / 'voice.db'}"
    _prepare(url)
    return url


@pytest.fixture(scope="module")
def load_app(tmp_path_factory, load_db):
    app = AppProcess(tmp_path_factory.mktemp("load-app"), load_db).start()
    yield app
    app.stop()


def _since():
    from voice.db import utcnow

    return utcnow()


def _assert_ok(verdict, app: AppProcess | None = None) -> None:
    log = app.log_text()[-3000:] if app else ""
    assert verdict.ok, "\n".join(verdict.problems[:20]) + ("\n--- app log ---\n" + log if log else "")


@pytest.mark.slow
def test_25_young_people_at_once_nothing_lost_or_doubled(load_app, load_db):
    from voice.db import get_engine

    since = _since()
    # "go": all 25 press Next within the same second on every step, the harshest ordinary case.
    summary = run_async(run_people([load_app.url], 25, mode="go", step_pause=SHORT, arrival=1.0, deadline=150))
    verdict = verify(get_engine(load_db), summary.results, since=since)
    _assert_ok(verdict, load_app)
    assert verdict.submitted_in_db == 25
    assert all(r.confirmed_steps == 7 for r in summary.results)  # every step's Next completed once
    if load_db.startswith("sqlite"):
        assert integrity_check(load_db.split("///", 1)[1]) == "ok"


@pytest.mark.slow
def test_double_submit_over_the_protocol_makes_one_response(load_app, load_db):
    """A double tap on "Send my answers", and a second tab sending the same answers, make one response."""
    from voice.db import get_engine, session_scope
    from voice.models import Answer, Response

    survey = load_survey()

    async def scenario():
        import random

        person = YoungPerson(0, survey, [load_app.url], random.Random(5), step_pause=(0, 0.05), hold_last=True)
        result = await person.run()
        assert result.error is None, result.error
        tab = person.held
        assert tab is not None, "the person never reached the last step"
        # A second tab on the same resume code, also on the last step with the same answers.
        other = YoungPerson(1, survey, [load_app.url], random.Random(5), step_pause=(0, 0.05), hold_last=True)
        other.result.resume_code, other._chosen = result.resume_code, dict(person._chosen)
        other_result = await other.run()
        assert other_result.error is None, other_result.error
        second = other.held
        try:
            first_page, second_page = await asyncio.gather(tab.double_tap("yp_next"), second.click("yp_next"))
        finally:
            await tab.close()
            await second.close()
        return result.resume_code, first_page, second_page

    code, first_page, second_page = run_async(scenario())
    for page in (first_page, second_page):
        assert not page.exceptions, page.exceptions
    receipts = {line for page in (first_page, second_page) for line in page.texts if "receipt code" in line}
    assert len(receipts) == 1, f"both tabs must show the one receipt: {receipts}"
    with session_scope(get_engine(load_db)) as s:
        rows = s.execute(select(Response.status, Response.receipt_code).where(Response.resume_code == code)).all()
        assert [r.status for r in rows] == ["submitted"]
        assert rows[0].receipt_code in receipts.pop()
        # The last step's answers are stored once each, not once per press (the table's unique key and
        # save_step's delete-then-insert both promise this; here it is checked end to end).
        response_id = s.scalar(select(Response.id).where(Response.resume_code == code))
        per_question = s.execute(select(Answer.question_id, Answer.option_id, func.count()).where(
            Answer.response_id == response_id).group_by(Answer.question_id, Answer.option_id)).all()
        assert per_question and all(n == 1 for *_, n in per_question)


@pytest.mark.slow
def test_killing_the_app_mid_run_loses_no_saved_answer(tmp_path, load_db):
    """SIGKILL while 12 people are mid-survey, restart on the same port: every step whose Next completed
    is in the database, the people come back by typing their code and each submits exactly once."""
    from voice.db import get_engine

    app = AppProcess(tmp_path / "app", load_db).start()
    since = _since()
    confirmed = {"steps": 0}
    killed: list[bool] = []

    async def scenario():
        def on_confirmed(_result):
            confirmed["steps"] += 1

        async def killer():
            # Wait (bounded) until people are well into the survey, then pull the plug.
            for _ in range(600):
                if confirmed["steps"] >= 20:
                    break
                await asyncio.sleep(0.05)
            await asyncio.to_thread(app.kill)
            killed.append(True)
            await asyncio.sleep(1.0)
            await asyncio.to_thread(app.start)

        kill_task = asyncio.create_task(killer())
        summary = await run_people([app.url], 12, step_pause=SHORT, arrival=1.0, deadline=150,
                                   on_confirmed=on_confirmed)
        await kill_task
        return summary

    try:
        summary = run_async(scenario())
        assert killed, "the app was never killed"
        verdict = verify(get_engine(load_db), summary.results, since=since)
        _assert_ok(verdict, app)
    finally:
        app.stop()
    assert sum(r.reconnects for r in summary.results) >= 1, "the kill should have cut someone off"
    if load_db.startswith("sqlite"):
        assert integrity_check(load_db.split("///", 1)[1]) == "ok"


@pytest.mark.postgres
@pytest.mark.slow
def test_two_app_processes_share_one_postgresql(tmp_path, pg_engine):
    """Scale-out: half the people on each process, two of them switching process half-way (resume code)."""
    url = _url(pg_engine)
    _prepare(url)
    apps = [AppProcess(tmp_path / "a", url).start(), AppProcess(tmp_path / "b", url).start()]
    since = _since()
    try:
        summary = run_async(run_people([a.url for a in apps], 16, mode="go", step_pause=SHORT, arrival=1.0,
                                         switch_after={0: 3, 1: 4}, deadline=150))
        verdict = verify(pg_engine, summary.results, since=since)
        _assert_ok(verdict, apps[0])
    finally:
        for app in apps:
            app.stop()
    for index in (0, 1):  # the switchers really used both processes
        assert len(set(summary.results[index].urls_used)) == 2, summary.results[index].urls_used
    assert {r.urls_used[0] for r in summary.results} == {a.url for a in apps}
