"""How fast does `import_responses` take a big file? Goal: >= 5,000 responses/s.

Generates a CSV of 100,000 esafety_year9 responses (answers follow skip logic, with free text,
emoji, multi answers and 'prefer not to say'), imports it into a fresh SQLite file (or the database
in --url) and prints responses/s and peak memory.

    python benchmarks/import_benchmark.py [--rows 100000] [--url postgresql+psycopg://…/voice_load]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import text  # noqa: E402

from voice.db import dispose_engine, get_engine, session_scope, upgrade  # noqa: E402
from voice.demo import YES_SHARES, generate_answers  # noqa: E402
from voice.io.safe_csv import neutralise  # noqa: E402
from voice.models import Group  # noqa: E402
from voice.surveys.loader import load_survey_file  # noqa: E402
from voice.surveys.registry import sync_survey_files  # noqa: E402

SURVEY_ID = "esafety_year9"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_file(path: Path, rows: int, group_codes: list[str]) -> None:
    """Streams rows to disk, so generating the file does not inflate the import's memory figure."""
    survey = load_survey_file(ROOT / "surveys" / f"{SURVEY_ID}.yaml")
    rng = random.Random(9)
    shares = YES_SHARES[SURVEY_ID]["2016"]
    question_ids = [q.id for q in survey.questions]
    start = datetime(2016, 2, 1, 9)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submitted_at", "group", *question_ids])
        for i in range(rows):
            answers = generate_answers(survey, shares, rng)
            when = start + timedelta(seconds=i * 37)
            cells = []
            for qid in question_ids:
                value = answers.get(qid)
                cells.append(";".join(value) if isinstance(value, list) else neutralise(value) if value else "")
            writer.writerow([when.isoformat() + "Z", rng.choice(group_codes), *cells])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file); it is EMPTIED first")
    args = parser.parse_args()

    from voice.responses.importer import import_responses

    workdir = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    url = args.url or f"sqlite:///{workdir / 'bench.db'}"
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        dispose_engine(url)
        engine = get_engine(url)
    upgrade(engine)
    codes = [f"BENCH{n:02d}" for n in range(40)]
    with session_scope(engine) as session:
        sync_survey_files(session, ROOT / "surveys")
        session.add_all(Group(code=c, name=f"Bench school {c}") for c in codes)

    csv_path = workdir / "responses.csv"
    started = time.perf_counter()
    write_file(csv_path, args.rows, codes)
    print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) "
          f"in {time.perf_counter() - started:.1f}s")

    rss_before = current_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        report = import_responses(session, SURVEY_ID, csv_path, "bench-2016")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rate = report.imported / elapsed
    with engine.connect() as connection:
        answers = connection.execute(text("SELECT count(*) FROM answers")).scalar()
    print(f"database: {engine.dialect.name}")
    print(f"imported {report.imported:,} responses ({answers:,} answer rows) in {elapsed:.1f}s "
          f"= {rate:,.0f} responses/s (goal >= 5,000/s: {'met' if rate >= 5000 else 'NOT met'})")
    print(f"this process's CPU time: {cpu:.1f}s = {report.imported / cpu:,.0f} responses per CPU-second "
          f"(wall time includes waiting for the disk, the database server and other processes; "
          f"load average now {__import__('os').getloadavg()[0]:.1f})")
    print(f"memory: RSS before import {rss_before:.0f} MB, peak RSS {peak_rss_mb():.0f} MB "
          f"(peak minus before: {peak_rss_mb() - rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
