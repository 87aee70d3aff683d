"""A whole school at once: N simulated young people take esafety_year9 through the real app.

Starts the app (`streamlit run serve.py`, one process) for each run, drives N people over Streamlit's
websocket protocol (benchmarks/load/), then checks the database: exactly N submitted responses, each
person's receipt once, every answer they were told was saved present. Two runs per N:
  reading  each person pauses 3-15 s on a step before pressing Next (people reading);
  go       everyone presses Next within the same second (a class told "go").
Prints p50/p95 of the time per step (pressing Next to the script finishing, as the client sees it),
the app's peak RSS (sampled from /proc every 0.1 s) and its CPU seconds per Next.

Run: python benchmarks/load_benchmark.py [--people 25 50 100] [--modes reading go] [--database-url URL]
Only 127.0.0.1 is ever contacted; every person has a bounded number of presses and the run a deadline.
Goal (issue 7): 100 at once on one app process, p95 < 1 s per step, nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.load.app_process import AppProcess, PeakRss, cpu_seconds  # noqa: E402
from benchmarks.load.checks import integrity_check, verify  # noqa: E402
from benchmarks.load.harness import run_people  # noqa: E402


def prepare(url: str) -> None:
    """Migrate and publish the surveys before the app starts, so its first start is like any other."""
    from voice.config import get_settings
    from voice.db import get_engine, session_scope, upgrade
    from voice.surveys.registry import sync_survey_files

    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        sync_survey_files(s, get_settings().surveys_dir)


def one_run(people: int, mode: str, url: str | None, pause: tuple[float, float], workdir: Path) -> bool:
    from voice.db import get_engine, utcnow

    url = url or f"sqlite:///{workdir / 'voice.db'}"
    prepare(url)
    since = utcnow()
    app = AppProcess(workdir, url).start()
    try:
        # One person first, so the run measures steady state, not the first import of each module.
        asyncio.run(run_people([app.url], 1, step_pause=(0, 0.01), arrival=0, seed=999))
        since = utcnow()
        cpu_before = cpu_seconds(app.pid)
        with PeakRss(app.pid) as rss:
            summary = asyncio.run(run_people([app.url], people, mode=mode, step_pause=pause,
                                             arrival=min(5.0, people * 0.05), seed=people))
        cpu = cpu_seconds(app.pid) - cpu_before
    finally:
        app.stop()
    verdict = verify(get_engine(url), summary.results, since=since)
    print(f"{summary.line()}  peak RSS={rss.peak / 2**20:5.0f} MiB  "
          f"app CPU per Next (with its answer changes)={cpu / max(1, len(summary.next_times)) * 1000:4.0f} ms  "
          f"submitted={verdict.submitted_in_db}/{people}  {'OK' if verdict.ok else 'PROBLEMS'}", flush=True)
    for problem in verdict.problems[:10]:
        print("   ", problem)
    if url.startswith("sqlite"):
        check = integrity_check(url.split("///", 1)[1])
        if check != "ok":
            print("    SQLite integrity_check:", check)
            return False
    return verdict.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[25, 50, 100])
    parser.add_argument("--modes", nargs="+", default=["reading", "go"], choices=["reading", "go"])
    parser.add_argument("--pause", type=float, nargs=2, default=[3.0, 15.0], metavar=("MIN", "MAX"))
    parser.add_argument("--database-url", help="default: a fresh SQLite file per run")
    args = parser.parse_args()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"{date.today()}  {platform.node()}  {os.cpu_count()} cores  {mem:.0f} GiB  "
          f"load average {os.getloadavg()[0]:.1f} (other work shares the machine: timings are noisy)")
    print(f"database: {(args.database_url or 'SQLite file').split('@')[-1]}  pause per step: {args.pause} s")
    ok = True
    for people in args.people:
        for mode in args.modes:
            with tempfile.TemporaryDirectory(prefix="voice-load-") as tmp:
                ok &= one_run(people, mode, args.database_url, tuple(args.pause), Path(tmp))
    print("goal: p95 < 1000 ms per step at N=100 on one process; nothing lost or doubled")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
