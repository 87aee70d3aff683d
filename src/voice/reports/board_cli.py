"""`voice report board --period 2020/21 --out FILE.docx|FILE.pdf`: the board report from the command line."""

from __future__ import annotations

import argparse
import sys
import time


def register_board(report_kinds) -> None:
    """Add `voice report board` to the `report` group's subparsers (voice.reports.cli.register)."""
    board = report_kinds.add_parser(
        "board", help="the board report for a plan period (.docx or .pdf)",
        description="What young people told us, what we did and what difference it made, per priority. "
                    "Small numbers are suppressed. The format follows the file's extension.")
    board.add_argument("--period", help="plan period id, e.g. 2020/21 (default: the current period)")
    board.add_argument("--out", required=True, help="file to write: FILE.docx (Word) or FILE.pdf")
    board.set_defaults(func=run_board)


def run_board(args: argparse.Namespace) -> int:
    from voice.config import get_settings
    from voice.db import get_engine, session_scope
    from voice.evidence.errors import EvidenceNotFound
    from voice.reports.board_report import UnknownFormat, format_for, write_board_report
    from voice.security.access import SYSTEM

    try:
        format_for(args.out)
    except UnknownFormat as exc:
        print(str(exc), file=sys.stderr)
        return 2
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r{stage}: {done} of {total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    engine = get_engine(get_settings().database_url)
    with session_scope(engine) as session:
        try:
            # The operator on the server may read everything (SYSTEM), as with every other command.
            path = write_board_report(session, SYSTEM, args.out, args.period, progress=progress)
        except EvidenceNotFound as exc:
            print(str(exc), file=sys.stderr)
            return 2
    print(f"Wrote the board report to {path} in {time.perf_counter() - started:.1f} s.", file=sys.stderr)
    return 0
