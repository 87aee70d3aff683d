"""How fast are the figures? 100,000 esafety_year9 responses in one campaign across 128 schools.

Prints: question_results cold (first call) and warm (again), by group; `voice stats` end to end; and the
school packs for every school (goals: < 2 s cold, < 0.5 s warm, packs < 2 min).

    python benchmarks/stats_benchmark.py [--responses 100000] [--schools 128]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/voice_stats]   (default: a fresh SQLite file)
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
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
from voice.models import Campaign, CampaignGroup, Group  # noqa: E402
from voice.responses.bulk import ResponseRecord, insert_responses  # noqa: E402
from voice.surveys.registry import get_survey, sync_survey_files  # noqa: E402

SURVEY_ID, CAMPAIGN = "esafety_year9", "bench-2016"
AREAS = ("Blaby", "Charnwood", "Harborough", "Hinckley and Bosworth", "Melton", "North West Leicestershire",
         "Oadby and Wigston", "Rutland")


def reset(url: str) -> None:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        admin.dispose()


def load(url: str, responses: int, schools: int) -> None:
    engine = get_engine(url)
    upgrade(engine)
    rng = random.Random(2016)
    with session_scope(engine) as session:
        sync_survey_files(session, ROOT / "surveys")
        version, survey = get_survey(session, SURVEY_ID)
        # A closed wave (its figures need no release in steps; `open-campaign release` below times that).
        campaign = Campaign(name=CAMPAIGN, survey_id=SURVEY_ID, title="E-safety 2016 (benchmark)",
                            opens_at=datetime(2016, 2, 1), closes_at=datetime(2016, 3, 25))
        session.add(campaign)
        groups = [Group(code=f"school{i:03d}", name=f"School {i:03d}", area=AREAS[i % len(AREAS)])
                  for i in range(schools)]
        session.add_all(groups)
        session.flush()
        session.add_all(CampaignGroup(campaign_id=campaign.id, group_id=g.id) for g in groups)
        # Uneven school sizes, with a few tiny schools so suppression has work to do.
        weights = [0.02 if i % 25 == 0 else rng.uniform(0.5, 2.0) for i in range(schools)]
        group_ids = rng.choices([g.id for g in groups], weights=weights, k=responses)
        start = datetime(2016, 2, 1)
        records = (ResponseRecord(submitted_at=start + timedelta(seconds=i), group_id=group_ids[i],
                                  answers=generate_answers(survey, YES_SHARES, rng)) for i in range(responses))
        insert_responses(session, version, campaign, records, source="demo", total=responses)
    if url.startswith("postgresql"):
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()


def release_all(engine) -> None:
    """The wave reopened with nothing released, then one figure asked for: every answer released at once
    (the largest release there can be), and the figures counted from the released set; closed again after."""
    from sqlalchemy import update

    from voice.models import Response
    from voice.stats import question_results

    with session_scope(engine) as session:
        campaign = session.query(Campaign).filter_by(name=CAMPAIGN, survey_id=SURVEY_ID).one()
        closes, campaign.closes_at = campaign.closes_at, None
        session.execute(update(Response).where(Response.campaign_id == campaign.id).values(released_at=None))
    try:
        with session_scope(engine) as session:
            question_results(session, SURVEY_ID, CAMPAIGN)
    finally:
        with session_scope(engine) as session:
            session.query(Campaign).filter_by(name=CAMPAIGN, survey_id=SURVEY_ID).one().closes_at = closes


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<48} {elapsed:8.2f} s", flush=True)
    return result, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=128)
    parser.add_argument("--url", default="")
    parser.add_argument("--skip-packs", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded at --url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="stats-bench-"))
    url = args.url or f"sqlite:///{workdir / 'bench.db'}"
    if not args.reuse:
        reset(url)
    print(f"database: {url.split('@')[-1]}  responses: {args.responses:,}  schools: {args.schools}  "
          f"cores: {os.cpu_count()}")
    if not args.reuse:
        timed("load (bulk insert)", lambda: load(url, args.responses, args.schools))
    dispose_engine(url)  # cold: a new engine, no warm connection

    from voice.stats import question_results

    engine = get_engine(url)

    def results(by=None):
        with session_scope(engine) as session:
            return question_results(session, SURVEY_ID, CAMPAIGN, by=by)

    rows, _ = timed("question_results whole area, cold", results)
    timed("question_results whole area, warm", results)
    timed("question_results by group (128 schools), cold", lambda: results("group"))
    timed("question_results by group, warm", lambda: results("group"))
    timed("question_results by gender, cold", lambda: results("gender"))
    hidden = sum(r.suppressed for r in results("group"))
    print(f"  {len(rows)} whole-area figures; by group {hidden} of {len(results('group'))} hidden")

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), DATABASE_URL=url)
    runner = ("import importlib.util, sys; import voice.cli as c; c.COMMAND_MODULES=[m for m in c.COMMAND_MODULES "
              "if importlib.util.find_spec(m.rsplit('.', 1)[0])]; raise SystemExit(c.main(sys.argv[1:]))")
    for by in ([], ["--by", "group"]):
        command = [sys.executable, "-c", runner, "stats", SURVEY_ID, "--campaign", CAMPAIGN, *by, "--format", "json"]
        timed(f"voice stats {' '.join(by) or '(whole area)'} (process)",
              lambda command=command: subprocess.run(command, env=env, check=True, capture_output=True))

    timed("open campaign: first release of every answer", lambda: release_all(engine))

    if not args.skip_packs:
        from voice.reports.school_packs import build_school_packs

        def packs():
            with session_scope(engine) as session:
                return build_school_packs(session, SURVEY_ID, CAMPAIGN, workdir / "packs")

        paths, _ = timed(f"school packs ({args.schools} PDFs)", packs)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(f"  {len(paths)} packs, {size:.0f} KiB each on average, in {workdir / 'packs'}")
    dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
