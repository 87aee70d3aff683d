"""`voice stats <survey_id> [--campaign NAME] [--by group|area|QUESTION] [--format json|csv]`
and `voice stats --measures [--period 2020/21] [survey_id] [--format json|csv]`.

Prints exactly the figures the results page shows (the same `question_results`), suppressed cells as
null (JSON) or "fewer than 10" (CSV). Without --campaign every campaign is listed separately, each
record carrying its `campaign`: campaigns are never pooled, so no pooled total can undo a suppression.

With --measures: each priority measure of the plan period (default: the current one) by wave, with its
change, exactly as the Priorities page, the board pages and the board report say it
(`voice.evidence.impact.measure_trend`); with a survey id, only that survey's measures.
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
    parser.add_argument("survey_id", nargs="?", help="the survey (needed unless --measures)")
    parser.add_argument("--measures", action="store_true",
                        help="the priorities' measures by wave, with their change (as on the board's pages)")
    parser.add_argument("--period", help="with --measures: plan period id, e.g. 2020/21 (default: the current one)")
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


MEASURE_FIELDS = ("period", "priority", "measure_id", "measure", "survey_id", "question_id", "polarity",
                  "direction_wanted", "wave", "campaign", "count", "base", "percent", "suppressed", "text",
                  "change_text")


def measure_records(session, period_id: str | None, survey_id: str | None) -> list[dict]:
    """One record per measure: its figures by wave and its change, in the words every screen uses."""
    from voice.evidence.impact import priority_trends
    from voice.evidence.common import plan_period

    period = plan_period(session, period_id)
    out = []
    for priority in period.priorities:
        for m in priority_trends(session, priority.id, period.ends):
            if survey_id and m.survey_id != survey_id:
                continue
            out.append({
                "period": period.id, "priority": priority.key, "measure_id": m.id, "measure": m.label,
                "survey_id": m.survey_id, "question_id": m.question_id, "polarity": m.polarity,
                "direction_wanted": m.polarity_words,
                "figures": [{"wave": f.wave, "campaign": f.campaign, "count": f.count, "base": f.base,
                             "percent": f.percent, "suppressed": f.suppressed, "text": f.text} for f in m.figures],
                "change": None if m.change is None else {
                    "from": m.change.before.wave, "to": m.change.after.wave, "points": m.change.points,
                    "direction": m.change.direction, "verdict": m.change.verdict},
                "change_text": m.change_text,
            })
    return out


def _run_measures(args: argparse.Namespace, engine) -> int:
    from voice.db import session_scope
    from voice.evidence.errors import EvidenceNotFound
    from voice.io.safe_csv import neutralise

    try:
        with session_scope(engine) as session:
            records = measure_records(session, args.period, args.survey_id)
    except EvidenceNotFound as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(records, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    writer = csv.writer(sys.stdout)
    writer.writerow(MEASURE_FIELDS)
    for m in records:
        for f in m["figures"] or [{}]:
            cells = [m["period"], m["priority"], m["measure_id"], m["measure"], m["survey_id"], m["question_id"],
                     m["polarity"], m["direction_wanted"], f.get("wave", ""), f.get("campaign", ""), f.get("count"),
                     f.get("base"), f.get("percent"), f.get("suppressed"), f.get("text", ""), m["change_text"]]
            writer.writerow([neutralise("" if c is None else str(c).lower() if isinstance(c, bool) else str(c))
                             for c in cells])
    return 0


def run(args: argparse.Namespace) -> int:
    from voice.config import get_settings
    from voice.db import get_engine, session_scope
    from voice.io.safe_csv import neutralise
    from voice.stats import SUPPRESSED_TEXT, StatsError
    from voice.surveys.registry import UnknownSurvey

    engine = get_engine(get_settings().database_url)
    if args.measures:
        return _run_measures(args, engine)
    if not args.survey_id:
        print("Name a survey (voice stats <survey_id>), or ask for the priorities' measures with --measures.",
              file=sys.stderr)
        return 2
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
            if record["suppressed"] and f in ("count", "percent") or f == "base" and value is None and \
                    record["suppressed"]:
                value = SUPPRESSED_TEXT
            cells.append(neutralise("" if value is None else str(value).lower() if isinstance(value, bool)
                                    else str(value)))
        writer.writerow(cells)
    return 0
