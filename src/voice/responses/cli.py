"""`voice` commands for responses, groups, campaigns and demo data.

voice groups import FILE.csv
voice groups list
voice campaigns create NAME SURVEY_ID [--opens DATE] [--closes DATE] [--title T] [--groups A,B]
voice campaigns list [SURVEY_ID]
voice import-responses SURVEY_ID FILE.csv --campaign NAME
voice export-responses SURVEY_ID [--campaign NAME] --out FILE.csv|FILE.xlsx
voice demo
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from datetime import datetime


def register(subparsers) -> None:
    groups = subparsers.add_parser("groups", help="groups: schools, YPAG, clubs")
    groups_sub = groups.add_subparsers(dest="groups_command", metavar="ACTION", required=True)
    p = groups_sub.add_parser("import", help="add or update groups from a CSV",
                              description="CSV header: code,name,area,type. Nothing is saved if any row is bad.")
    p.add_argument("file")
    p.set_defaults(func=_import_groups)
    p = groups_sub.add_parser("list", help="list groups and their codes")
    p.set_defaults(func=_list_groups)

    campaigns = subparsers.add_parser("campaigns", help="campaigns: a survey run over a period")
    campaigns_sub = campaigns.add_subparsers(dest="campaigns_command", metavar="ACTION", required=True)
    p = campaigns_sub.add_parser("create", help="create a campaign")
    p.add_argument("name", help="lower-case, like esafety-2016")
    p.add_argument("survey_id")
    p.add_argument("--opens", type=_date, help="YYYY-MM-DD (UTC)")
    p.add_argument("--closes", type=_date, help="YYYY-MM-DD (UTC)")
    p.add_argument("--title", default="")
    p.add_argument("--groups", default="", help="group codes invited, comma separated")
    p.set_defaults(func=_create_campaign)
    p = campaigns_sub.add_parser("list", help="list campaigns")
    p.add_argument("survey_id", nargs="?")
    p.set_defaults(func=_list_campaigns)

    p = subparsers.add_parser("import-responses", help="import finished responses from a CSV",
                              description="Every row is checked; all problems are listed and nothing is "
                                          "imported if there is any. See docs/data.md for the layout.")
    p.add_argument("survey_id")
    p.add_argument("file")
    p.add_argument("--campaign", required=True, help="created if it does not exist (e.g. esafety-2016)")
    p.set_defaults(func=_import_responses)

    p = subparsers.add_parser("export-responses", help="export submitted responses to CSV or Excel")
    p.add_argument("survey_id")
    p.add_argument("--campaign")
    p.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    p.set_defaults(func=_export_responses)

    p = subparsers.add_parser("demo", help="add demo groups, campaigns and synthetic responses (labelled DEMO)")
    p.set_defaults(func=_demo)


def _date(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2016-03-01") from None


def _engine():
    from voice.config import get_settings
    from voice.db import get_engine, upgrade

    engine = get_engine(get_settings().database_url)
    upgrade(engine)
    return engine


def _audit(session, action: str, target_type: str, target_id: str, **detail) -> None:
    """The operator's change, in the audit trail as `system`, in the same transaction as the change itself."""
    from voice.security.access import SYSTEM
    from voice.security.audit import record

    record(session, SYSTEM, action, target_type, target_id, **detail)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _import_groups(args) -> int:
    from voice.db import session_scope
    from voice.io import FileNotReadable, ImportRejected
    from voice.responses.groups import import_groups

    try:
        with session_scope(_engine()) as session:
            summary = import_groups(session, args.file)
            _audit(session, "groups_imported", "groups", "", added=len(summary.added), updated=len(summary.updated),
                   file=Path(args.file).name)
    except ImportRejected as exc:
        return _fail(_problems_text(exc))
    except FileNotReadable as exc:
        return _fail(str(exc))
    print(summary)
    return 0


def _list_groups(args) -> int:
    from voice.db import session_scope
    from voice.responses.groups import list_groups

    with session_scope(_engine()) as session:
        groups = list_groups(session)
        for g in groups:
            print(f"{g.code:<16} {g.name}  [{g.type}; {g.area or 'no area'}]{'  (demo)' if g.is_demo else ''}")
    if not groups:
        print("No groups yet. Add them with: voice groups import groups.csv")
    return 0


def _create_campaign(args) -> int:
    from voice.db import session_scope
    from voice.responses.campaigns import CampaignError, create_campaign
    from voice.surveys.registry import UnknownSurvey

    try:
        with session_scope(_engine()) as session:
            campaign = create_campaign(session, args.name, args.survey_id, args.opens, args.closes, args.title,
                                       [c for c in args.groups.split(",") if c.strip()])
            _audit(session, "campaign_opened", "campaign", campaign.name, survey=campaign.survey_id)
            print(f"Created campaign '{campaign.name}' for {campaign.survey_id}.")
    except (CampaignError, UnknownSurvey) as exc:
        return _fail(str(exc))
    return 0


def _list_campaigns(args) -> int:
    from voice.db import session_scope
    from voice.responses.campaigns import list_campaigns
    from voice.responses.service import count_submitted

    with session_scope(_engine()) as session:
        campaigns = list_campaigns(session, args.survey_id)
        for c in campaigns:
            dates = f"{c.opens_at:%Y-%m-%d}" if c.opens_at else "always"
            dates += f" to {c.closes_at:%Y-%m-%d}" if c.closes_at else ""
            print(f"{c.survey_id:<18} {c.name:<24} {count_submitted(session, campaign_id=c.id):>7} responses  "
                  f"{dates}  {c.title}")
    if not campaigns:
        print("No campaigns yet.")
    return 0


class _ProgressLine:
    """Prints '…: 45% (45,000 of 100,000 rows)' to stderr about every 5%."""

    def __init__(self, label: str):
        self.label, self.next_percent, self.started = label, 5, time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not total:
            return
        percent = 100 * done // total
        if percent >= self.next_percent or done == total:
            rate = done / max(time.perf_counter() - self.started, 1e-6)
            print(f"{self.label}: {percent}% ({done:,} of {total:,} rows, {rate:,.0f} rows/s)", file=sys.stderr)
            self.next_percent = (percent // 5 + 1) * 5


def _import_responses(args) -> int:
    from voice.db import session_scope
    from voice.io import FileNotReadable, ImportRejected
    from voice.responses.campaigns import CampaignError
    from voice.responses.importer import import_responses
    from voice.surveys.registry import UnknownSurvey

    try:
        with session_scope(_engine()) as session:
            report = import_responses(session, args.survey_id, args.file, args.campaign,
                                      progress=_ProgressLine(f"Checking and importing {args.file}"))
            _audit(session, "responses_imported", "survey", args.survey_id, campaign=report.campaign,
                   rows=report.imported, file=Path(args.file).name)
    except ImportRejected as exc:
        return _fail(_problems_text(exc))
    except (FileNotReadable, CampaignError, UnknownSurvey) as exc:
        return _fail(str(exc))
    if report.campaign_created:
        print(f"Created the campaign '{report.campaign}' for {report.survey_id}.")
    print(report)
    _analyse_new_text()
    return 0


def _analyse_new_text() -> None:
    """Code new free text at once, so a disclosure in imported answers reaches the safeguarding queue now."""
    from voice.analysis.store import analyse_new_answers
    from voice.db import session_scope

    from voice.safeguarding.notify import report_line, send_waiting

    engine = _engine()
    with session_scope(engine) as session:
        counts = analyse_new_answers(session)
    print(f"Analysed {counts.total:,} free-text answers and checked the closed answers; {counts.flagged:,} new "
          f"safeguarding item(s) in the queue.")
    line = report_line(send_waiting(engine))
    if line:
        print(line)


def _problems_text(exc) -> str:
    """Every problem, one per line (an operator fixes the file once, not once per attempt)."""
    lines = {p.line for p in exc.problems}
    body = "\n".join(f"  {p}" for p in exc.problems)
    return (f"Nothing was imported. The file has {len(exc.problems)} problem(s) on {len(lines)} line(s) "
            f"(line 1 is the header):\n{body}\nFix these and import the whole file again.")


def _export_responses(args) -> int:
    from voice.db import session_scope
    from voice.responses.campaigns import CampaignError, CampaignNotFound
    from voice.responses.exporter import export_responses
    from voice.surveys.registry import UnknownSurvey

    _analyse_new_text()  # text not yet checked is checked first, so nothing flagged slips out unchecked
    try:
        with session_scope(_engine()) as session:
            report = export_responses(session, args.survey_id, args.out, campaign_name=args.campaign)
            # Who took the answers out of the system, and how many: written with the export, or not at all.
            _audit(session, "responses_exported", "survey", args.survey_id, campaign=args.campaign or "",
                   rows=report.rows, columns=len(report.columns), file=Path(args.out).name)
    except (CampaignNotFound, CampaignError, UnknownSurvey) as exc:
        return _fail(str(exc))
    print(report)
    return 0


def _demo(args) -> int:
    from voice.config import get_settings
    from voice.db import session_scope
    from voice.demo import load_demo
    from voice.surveys.registry import sync_survey_files

    engine = _engine()
    with session_scope(engine) as session:
        sync = sync_survey_files(session, get_settings().surveys_dir)
        for problem in sync.problems:
            print(f"Survey file problem (that survey is skipped): {problem}", file=sys.stderr)
        report = load_demo(session)
    print(report)
    _analyse_new_text()
    return 0
