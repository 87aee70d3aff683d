"""`voice …` commands for operators.

Each capability keeps its commands beside its code in a module with
`register(subparsers)`; a registered parser sets `func(args) -> int` (the exit code).
Commands import their heavy dependencies inside `func`, so `voice --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# One line per capability that adds commands. Order is the order in `voice --help`.
COMMAND_MODULES = [
    "voice.db_cli",
    "voice.surveys.cli",
    "voice.surveys.xlsform_cli",
    "voice.responses.cli",
    "voice.analysis.cli",
    "voice.analysis.store_cli",
    "voice.evidence.cli",
    "voice.stats.cli",
    "voice.reports.cli",
    "voice.security.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voice", description="Young People's Voice: operator commands")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        # A listed module that is missing is an ImportError: a command never disappears silently.
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
