"""Server time per survey step: what a young person waits for after pressing Next.

Measures, on a fresh database (SQLite file by default; DATABASE_URL to choose another):
  1. the service calls of one step (save_step, or save_step + submit on the last step), and
  2. the whole Streamlit script run of one step (AppTest: widgets, skip logic, saving, rendering).
Goal (issue 2): p95 < 50 ms. Run: python benchmarks/survey_step_benchmark.py [--responses 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def answers_for(survey, step_questions, rng):
    from voice.surveys.skip_logic import is_shown

    answers = {}
    for q in step_questions:
        if q.type == "multi":
            answers[q.id] = [q.options[0].id]
        elif q.is_closed:
            answers[q.id] = rng.choice(q.options).id
        elif q.type == "text":
            answers[q.id] = "I worry about people being mean in group chats"
        elif q.type == "number":
            answers[q.id] = 13
    return {k: v for k, v in answers.items() if is_shown(survey.question(k), answers, survey)}


def service_steps(url: str, responses: int) -> list[float]:
    import random

    from voice.config import get_settings
    from voice.db import get_engine, session_scope, upgrade
    from voice.responses import service
    from voice.surveys.registry import sync_survey_files
    from voice.surveys.skip_logic import visible_sections

    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)
    rng = random.Random(7)
    timings: list[float] = []
    for _ in range(responses):
        with session_scope(engine) as s:
            progress = service.start_response(s, "esafety_year9")
        code, answers, step = progress.resume_code, {}, 0
        while True:
            sections = visible_sections(progress.survey, answers)
            if step >= len(sections):
                break
            section = sections[step]
            answers.update(answers_for(progress.survey, section.questions, rng))
            last = step == len(sections) - 1
            started = time.perf_counter()
            with session_scope(engine) as s:
                progress = service.save_step(s, code, answers, [q.id for q in section.questions], step + 1)
                if last:
                    service.submit(s, code)
            timings.append((time.perf_counter() - started) * 1000)
            step += 1
    return timings


def script_steps(url: str, runs: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    from voice.surveys.loader import load_survey_file

    survey = load_survey_file(ROOT / "surveys" / "esafety_year9.yaml")
    os.environ["DATABASE_URL"] = url
    timings: list[float] = []
    for _ in range(runs):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["survey"] = "esafety_year9"
        at.run()
        at.button(key="yp_start").click().run()
        for _ in range(12):
            if any("Thank you!" in str(t.value) for t in at.title):
                break
            for radio in at.radio:
                if radio.value is None:  # widget key: a_<resume code>_<question id>
                    question = survey.question(radio.key.split("_", 2)[2])
                    radio.set_value(question.options[min(1, len(question.options) - 1)].id)
            started = time.perf_counter()
            at.button(key="yp_next").click().run()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, timings: list[float]) -> None:
    print(f"{name}: steps={len(timings)} p50={statistics.median(timings):.1f} ms "
          f"p95={percentile(timings, 95):.1f} ms max={max(timings):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=200)
    parser.add_argument("--script-runs", type=int, default=10)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    print(f"database: {url.split('@')[-1]}  machine: {os.cpu_count()} cores")
    report("service time per step (save_step [+ submit])", service_steps(url, args.responses))
    report("whole script run per step (AppTest)", script_steps(url, args.script_runs))
    print("goal: p95 < 50 ms")


if __name__ == "__main__":
    main()
