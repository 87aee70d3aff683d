"""`voice analyse`: bring every submitted free-text answer up to the current codebook and lexicon.

    voice analyse                     # incremental: new answers, and changed themes after a codebook edit
    voice analyse --codebook-file surveys/analysis/codebook.yaml --note "new defaults"
                                      # first save the file as a new codebook version (if it differs)
    voice analyse --evaluate          # how the analysis in use does on the examples people's decisions left

Runs as the operator (SYSTEM). Prints counts only, never what anyone wrote.
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyse", help="code new free-text answers (themes, sentiment, safeguarding flags)",
        description="Analyse submitted free-text answers that have no result for the current codebook and "
                    "concern lexicon. Safe to run at any time; only missing or stale results are made.")
    parser.add_argument("--codebook-file", metavar="PATH",
                        help="save this codebook YAML as a new version first (skipped if unchanged)")
    parser.add_argument("--note", default="", help="note for the new codebook version")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--evaluate", action="store_true",
                        help="print how the analysis in use does on the kept examples (leads' outcomes, "
                             "facilitators' theme and sentiment corrections); changes nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from voice.analysis import DefinitionError
    from voice.analysis.store import NoChange, analyse_new_answers, save_codebook
    from voice.config import get_settings
    from voice.db import get_engine, session_scope, upgrade
    from voice.security.access import SYSTEM

    engine = get_engine(get_settings().database_url)
    upgrade(engine)
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        step = int(fraction * 10)
        if not args.quiet and step != last[0]:
            last[0] = step
            print(f"  {fraction:4.0%}  {message}", file=sys.stderr)

    if args.evaluate:
        return _evaluate(engine)
    try:
        with session_scope(engine) as session:
            if args.codebook_file:
                text = Path(args.codebook_file).read_text(encoding="utf-8")
                try:
                    row = save_codebook(session, SYSTEM, text, args.note or f"From {args.codebook_file}")
                    print(f"Saved codebook version {row.id} ({row.version}).")
                except NoChange:
                    print("The codebook file matches the version in use; nothing saved.")
            counts = analyse_new_answers(session, progress=progress)
    except DefinitionError as exc:
        print(f"voice analyse: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"voice analyse: {exc}", file=sys.stderr)
        return 2
    print(f"Analysed {counts.analysed} new answers ({counts.distinct_texts} distinct texts run, "
          f"{counts.reused} reused); re-checked {counts.rechecked} for changed themes, {counts.recoded} changed, "
          f"{counts.restamped} re-stamped; {counts.flagged} new safeguarding items"
          + (f", {counts.added_to_items} items with something added." if counts.added_to_items else "."))
    from voice.safeguarding.notify import report_line, send_waiting

    line = report_line(send_waiting(engine))
    if line:
        print(line)
    return 0


def _evaluate(engine) -> int:
    """`voice analyse --evaluate`: aggregate figures only, never a text."""
    import sys

    from voice.analysis import DefinitionError
    from voice.analysis.evaluation import format_figures
    from voice.analysis.examples import quality_figures
    from voice.db import session_scope
    from voice.security.access import SYSTEM

    try:
        with session_scope(engine) as session:
            report = quality_figures(session, SYSTEM)
    except DefinitionError as exc:
        print(f"voice analyse: {exc}", file=sys.stderr)
        return 2
    print(f"Analysis in use: codebook {report.codebook_version}, concern lexicon {report.lexicon_version}")
    sections = [("Leads' outcomes (concern: action taken; not a concern: no action, released)", report.concerns),
                ("Facilitators' sentiment corrections", report.sentiment),
                ("Facilitators' theme reviews", report.themes)]
    for title, figures in sections:
        if figures is None:
            continue
        lines = format_figures(title, figures)
        print("\n".join(lines if figures.n else [f"{title}  (n=0): no examples kept yet"]))
    return 0
