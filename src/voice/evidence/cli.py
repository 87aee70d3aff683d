"""`voice priorities import FILE.yaml [--replace]` and
`voice yswd sheet --campaign NAME|--group CODE --out FILE.pdf`."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    pri = subparsers.add_parser("priorities", help="the partnership's plan: load a year's priorities")
    pri_sub = pri.add_subparsers(dest="priorities_command", metavar="ACTION")
    imp = pri_sub.add_parser("import", help="load a plan file (surveys/analysis/priorities_*.yaml)")
    imp.add_argument("file")
    imp.add_argument("--replace", action="store_true",
                     help="reload a period that is already loaded (only while it has no evidence)")
    imp.set_defaults(func=run_import)

    yswd = subparsers.add_parser("yswd", help='"you said, we did" sheets for young people')
    yswd_sub = yswd.add_subparsers(dest="yswd_command", metavar="ACTION")
    sheet = yswd_sub.add_parser("sheet", help="write the printable sheet (published items) as PDF")
    which = sheet.add_mutually_exclusive_group(required=True)
    which.add_argument("--campaign", metavar="NAME")
    which.add_argument("--group", metavar="CODE")
    sheet.add_argument("--out", required=True, metavar="FILE.pdf")
    sheet.set_defaults(func=run_sheet)


def _engine():
    from voice.config import get_settings
    from voice.db import get_engine

    return get_engine(get_settings().database_url)


def run_import(args: argparse.Namespace) -> int:
    from voice.db import session_scope
    from voice.evidence.errors import EvidenceRefused
    from voice.evidence.plan_file import PlanFileError
    from voice.evidence.priorities import import_plan_file
    from voice.security.access import SYSTEM

    try:
        with session_scope(_engine()) as session:
            report = import_plan_file(session, SYSTEM, args.file, replace=args.replace)
    except PlanFileError as exc:
        print(f"The plan file has {len(exc.problems)} problem(s); nothing was loaded:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except EvidenceRefused as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(report)
    return 0


def run_sheet(args: argparse.Namespace) -> int:
    from pathlib import Path

    from voice.db import session_scope
    from voice.evidence.errors import EvidenceRefused
    from voice.reports.yswd_sheet import yswd_sheet_pdf

    try:
        with session_scope(_engine()) as session:
            pdf = yswd_sheet_pdf(session, campaign=args.campaign, group=args.group)
    except EvidenceRefused as exc:
        print(exc.message, file=sys.stderr)
        return 1
    Path(args.out).write_bytes(pdf)
    print(f"wrote {args.out} ({len(pdf):,} bytes)")
    return 0
