"""`voice stats <survey_id> [--campaign NAME] [--by group|area|QUESTION] [--format json|csv]`.

Prints exactly the figures the results page shows (the same `question_results`), suppressed cells as
null (JSON) or "fewer than 10" (CSV). Without --campaign every campaign is listed separately, each
record carrying its `campaign`: campaigns are never pooled, so no pooled total can undo a suppression.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

FIELDS = ("question_id", "option_id", "by", "value", "count", "base", "percent", "suppressed")


def register(subparsers) -> None:
    parser = subparsers.add_parser("stats", help="figures for a survey (percentages, bases, suppression)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("survey_id")
    parser.add_argument("--campaign", help="campaign name (default: every campaign, listed separately)")
    parser.add_argument("--by", help="breakdown: group, area or a closed question id (default: whole area)")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.set_defaults(func=run)


def records(session, survey_id: str, campaign: str | None, by: str | None) -> tuple[list[dict], list[str]]:
    """The records to print and the names of campaigns with no responses yet."""
    from voice.stats import question_results, resolve_campaign, response_count
    from voice.surveys.registry import get_survey

    get_survey(session, survey_id)  # an unknown survey is named before anything else
    named = campaign is not None
    out: list[dict] = []
    empty: list[str] = []
    for c in resolve_campaign(session, survey_id, campaign):
        if response_count(session, survey_id, c.name) == 0:
            empty.append(c.name)
            if named:
                # Still check the breakdown, so a typo is reported even on an empty campaign.
                question_results(session, survey_id, c.name, by=by)
            continue
        for row in question_results(session, survey_id, c.name, by=by):
            record = {"campaign": c.name} if not named else {}
            record.update({f: getattr(row, f) for f in FIELDS})
            out.append(record)
    return out, empty


def run(args: argparse.Namespace) -> int:
    from voice.config import get_settings
    from voice.db import get_engine, session_scope
    from voice.io.safe_csv import neutralise
    from voice.stats import SUPPRESSED_TEXT, StatsError
    from voice.surveys.registry import UnknownSurvey

    engine = get_engine(get_settings().database_url)
    try:
        with session_scope(engine) as session:
            rows, empty = records(session, args.survey_id, args.campaign, args.by)
    except (UnknownSurvey, StatsError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for name in empty:
        print(f"Campaign '{name}' has no submitted responses yet: there are no figures to show.", file=sys.stderr)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    fields = (["campaign"] if args.campaign is None else []) + list(FIELDS)
    writer = csv.writer(sys.stdout)
    writer.writerow(fields)
    for record in rows:
        cells = []
        for f in fields:
            value = record[f]
            if record["suppressed"] and f in ("count", "base", "percent"):
                value = SUPPRESSED_TEXT
            cells.append(neutralise("" if value is None else str(value).lower() if isinstance(value, bool)
                                    else str(value)))
        writer.writerow(cells)
    return 0
