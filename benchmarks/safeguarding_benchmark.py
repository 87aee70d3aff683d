"""How much do safeguarding records cost? N esafety_year9 responses (generated like the demo's, with its
share of marked answers and free text), then:

- the first catch-up (free text coded, every closed answer checked against the survey's risk markers),
- an idle catch-up (what the workspace and queue pages run on every load: nothing to do),
- one just-submitted response (the submit hook: its text and closed answers, one item),
- the lead's open queue and the menu's count, and a facilitator's first page (with the held rule).

    python benchmarks/safeguarding_benchmark.py [--responses 20000]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/voice_bench]   (default: a fresh SQLite file)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from stats_benchmark import load, reset  # noqa: E402
from voice.db import dispose_engine, get_engine, session_scope  # noqa: E402
from voice.security.access import Actor  # noqa: E402

LEAD = Actor("bench-lead", frozenset({"safeguarding_lead"}))
FACILITATOR = Actor("bench-fac", frozenset({"facilitator"}))


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label:<58} {time.perf_counter() - started:8.3f} s")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    reset(url)
    timed(f"load {args.responses:,} responses", lambda: load(url, args.responses, 128))
    engine = get_engine(url)

    from voice.analysis.review import list_answers
    from voice.analysis.safeguarding import list_queue, queue_summary
    from voice.analysis.store import analyse_new_answers, analyse_response
    from voice.models import Response, SafeguardingIndicator, SafeguardingItem
    from voice.responses import service

    def catch_up():
        with session_scope(engine) as session:
            return analyse_new_answers(session)

    counts = timed("first catch-up: code text, check closed answers, make items", catch_up)
    with session_scope(engine) as session:
        items = session.scalar(select(func.count()).select_from(SafeguardingItem))
        closed = session.scalar(select(func.count()).select_from(SafeguardingIndicator)
                                .where(SafeguardingIndicator.kind == "closed"))
        responses = session.scalar(select(func.count()).select_from(Response))
    print(f"  {responses:,} responses -> {items:,} items ({closed:,} marked closed answers; "
          f"{counts.analysed:,} texts analysed)")
    timed("idle catch-up (every workspace / queue page load)", catch_up)
    timed("idle catch-up, again", catch_up)

    def submit_one():
        with session_scope(engine) as session:
            code = service.start_response(session, "esafety_year9").resume_code
            answers = {"uses_webcam": "yes", "webcam_chat_new_people": "yes", "threatened_on_webcam": "yes"}
            service.save_step(session, code, answers, list(answers), 1)
            service.save_step(session, code, {"esafety_worries": "he says he will share my pics"},
                              ["esafety_worries"], 2)
            response_id = session.scalar(select(Response.id).where(Response.resume_code == code))
        with session_scope(engine) as session:
            started = time.perf_counter()
            service.submit(session, code)
            return time.perf_counter() - started, response_id

    elapsed, _ = submit_one()
    print(f"{'submit of one response (with its analysis and its item)':<58} {elapsed:8.3f} s")
    with session_scope(engine) as session:
        queue = timed("lead: the open queue (list_queue)", lambda: list_queue(session, LEAD))
        timed("lead: the menu's count (queue_summary)", lambda: queue_summary(session, LEAD))
        timed("facilitator: first page of answers (held rule)", lambda: list_answers(session, FACILITATOR))
        timed("submit hook alone, again (nothing new)", lambda: analyse_response(session, queue[0].id))
    print(f"  open queue: {len(queue):,} items")
    dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
