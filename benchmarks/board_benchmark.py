"""How fast is the board's view? 100,000 esafety_year9 responses in one campaign (the stats benchmark's data).

Prints: loading and coding the comments (set-up, not the board's cost), then the board overview cold and
warm, and the board report as Word and as PDF (goal: report < 15 s).

    python benchmarks/board_benchmark.py [--responses 100000]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/voice_board]   (default: a fresh SQLite file)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("stats_benchmark", ROOT / "benchmarks" / "stats_benchmark.py")
stats_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stats_benchmark)  # puts src/ on the path; its `load` builds the responses

from voice.db import dispose_engine, get_engine, session_scope  # noqa: E402
from voice.security.access import SYSTEM  # noqa: E402


def timed(label: str, action):
    return stats_benchmark.timed(label, action)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=128)
    parser.add_argument("--url", default="")
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded at --url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="board-bench-"))
    url = args.url or f"sqlite:///{workdir / 'bench.db'}"
    print(f"database: {url.split('@')[-1]}  responses: {args.responses:,}  cores: {os.cpu_count()}")
    engine = get_engine(url)
    if not args.reuse:
        stats_benchmark.reset(url)
        timed("load (bulk insert)", lambda: stats_benchmark.load(url, args.responses, args.schools))

        def plan_and_code():
            from voice.analysis.store import analyse_new_answers
            from voice.config import get_settings
            from voice.evidence.priorities import seed_default_plan
            from voice.security.access import SYSTEM

            with session_scope(engine) as session:
                seed_default_plan(session, SYSTEM, get_settings().definitions_dir)
                return analyse_new_answers(session)

        counts, _ = timed("plan + code every comment (set-up)", plan_and_code)
        print(f"  {counts.total:,} comments coded")
    dispose_engine(url)
    engine = get_engine(url)

    from voice.reports.board import board_overview
    from voice.reports.board_report import build_from_overview

    def overview():
        with session_scope(engine) as session:
            return board_overview(session, SYSTEM)

    o, _ = timed("board overview, cold", overview)
    timed("board overview, warm (figures cached per data version)", overview)
    print(f"  {o.respondents_text} young people, {o.commenters or 0:,} who wrote comments, "
          f"{len(o.priorities)} priorities")

    def report(fmt: str, cold: bool = False):
        if cold:
            from voice.stats.results import clear_cache

            clear_cache()  # as after new responses: every figure counted again
        started = time.perf_counter()
        with session_scope(engine) as session:
            data = build_from_overview(board_overview(session, SYSTEM), fmt)
        (workdir / f"board.{fmt}").write_bytes(data)
        return time.perf_counter() - started

    timed("board report .docx, cold (figures counted again)", lambda: report("docx", cold=True))
    timed("board report .docx (overview + charts as PNG)", lambda: report("docx"))
    timed("board report .pdf (overview + vector charts)", lambda: report("pdf"))
    print(f"  files in {workdir}")
    dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
