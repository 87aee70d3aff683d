"""`voice report …`: report commands. `voice report schools --campaign NAME --out DIR` writes the school packs.

Other report kinds (the board report, voice.reports.board_cli) add their sub-command to the `report`
group handed to them here: no module-level parser, and board_cli never imports this module.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys
import time

def register(subparsers) -> None:
    report = subparsers.add_parser("report", help="write reports (school packs, …)")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT")
    report.set_defaults(func=lambda args: (report.print_help(), 2)[1])
    schools = kinds.add_parser(
        "schools", help="one PDF per school: its results beside the whole area's",
        description="One PDF per school in the campaign, small numbers suppressed.")
    schools.add_argument("--campaign", required=True, help="campaign name, e.g. esafety-2016")
    schools.add_argument("--survey", help="only this survey (default: every survey the campaign covers)")
    schools.add_argument("--out", required=True, help="folder to write the PDFs into")
    schools.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    schools.add_argument("--charts", choices=("vector", "png"), default="vector",
                         help="vector drawings (fast, default) or the screen's chart as PNG (slow)")
    schools.set_defaults(func=run_schools)
    from voice.reports.board_cli import register_board

    register_board(kinds)


def run_schools(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from voice.config import get_settings
    from voice.db import get_engine, session_scope
    from voice.models import Campaign
    from voice.reports.school_packs import build_school_packs
    from voice.stats import StatsError
    from voice.surveys.registry import UnknownSurvey

    engine = get_engine(get_settings().database_url)
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r{stage}: {done} of {total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    with session_scope(engine) as session:
        query = select(Campaign).where(Campaign.name == args.campaign)
        if args.survey:
            query = query.where(Campaign.survey_id == args.survey)
        found = list(session.scalars(query))
        if not found:
            names = sorted(set(session.scalars(select(Campaign.name))))
            print(f"There is no campaign called '{args.campaign}'"
                  + (f" for survey '{args.survey}'" if args.survey else "")
                  + f". Campaigns: {', '.join(names) or 'none yet'}.", file=sys.stderr)
            return 2
        # A wave such as esafety-2016 spans the Year 6 and Year 9 surveys: every school of the wave gets
        # its pack, one folder per survey so a school's two packs never overwrite each other.
        paths = []
        for campaign in sorted(found, key=lambda c: c.survey_id):
            out_dir = Path(args.out) / campaign.survey_id if len(found) > 1 else Path(args.out)
            try:
                paths += build_school_packs(session, campaign.survey_id, args.campaign, out_dir,
                                            progress=progress, workers=args.workers, charts=args.charts)
            except (UnknownSurvey, StatsError) as exc:
                print(str(exc), file=sys.stderr)
                return 2
    if not paths:
        print(f"Campaign '{args.campaign}' has no schools or groups yet: no packs written.", file=sys.stderr)
        return 0
    print(f"Wrote {len(paths)} school packs to {args.out} in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    return 0
