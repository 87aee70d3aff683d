"""`python -m voice.surveys check [PATH]`: the survey commands on their own.

Same commands as `voice surveys …`, without importing the other capabilities.
"""

import argparse

from voice.surveys.cli import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voice.surveys")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register(sub)
    # Reuse the `surveys` group directly: `python -m voice.surveys check …`.
    args = parser.parse_args(["surveys", *(argv if argv is not None else __import__("sys").argv[1:])])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
