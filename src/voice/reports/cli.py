"""`voice report …`: report commands. `voice report schools --campaign NAME --out DIR` writes the school packs.

The `report` sub-command group is kept in REPORT_SUBPARSERS so other report kinds (the board report)
add their own sub-command with `add_report_command`.
"""

from __future__ import annotations

import argparse
import sys
import time

REPORT_SUBPARSERS = None  # the `report` group's subparsers, once registered


def add_report_command(name: str, **kwargs) -> argparse.ArgumentParser:
    """A new `voice report <name>` sub-command (for the board report and others)."""
    if REPORT_SUBPARSERS is None:
        raise RuntimeError("voice.reports.cli.register has not run yet")
    return REPORT_SUBPARSERS.add_parser(name, **kwargs)


def register(subparsers) -> None:
    global REPORT_SUBPARSERS
    report = subparsers.add_parser("report", help="write reports (school packs, …)")
    REPORT_SUBPARSERS = report.add_subparsers(dest="report_kind", metavar="REPORT")
    report.set_defaults(func=lambda args: (report.print_help(), 2)[1])
    schools = REPORT_SUBPARSERS.add_parser(
        "schools", help="one PDF per school: its results beside the whole area's",
        description="One PDF per school in the campaign, small numbers suppressed.")
    schools.add_argument("--campaign", required=True, help="campaign name, e.g. esafety-2016")
    schools.add_argument("--survey", help="survey id (default: the campaign's survey)")
    schools.add_argument("--out", required=True, help="folder to write the PDFs into")
    schools.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    schools.add_argument("--charts", choices=("vector", "png"), default="vector",
                         help="vector drawings (fast, default) or the screen's chart as PNG (slow)")
    schools.set_defaults(func=run_schools)
    from voice.reports.board_cli import register_board

    register_board()


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
        if len(found) > 1:
            # A wave such as esafety-2016 spans the Year 6 and Year 9 surveys: one pack set per survey.
            print(f"Campaign '{args.campaign}' belongs to several surveys "
                  f"({', '.join(sorted(c.survey_id for c in found))}): add --survey.", file=sys.stderr)
            return 2
        campaign = found[0]
        try:
            paths = build_school_packs(session, args.survey or campaign.survey_id, args.campaign, args.out,
                                       progress=progress, workers=args.workers, charts=args.charts)
        except (UnknownSurvey, StatsError) as exc:
            print(str(exc), file=sys.stderr)
            return 2
    if not paths:
        print(f"Campaign '{args.campaign}' has no schools or groups yet: no packs written.", file=sys.stderr)
        return 0
    print(f"Wrote {len(paths)} school packs to {args.out} in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    return 0
