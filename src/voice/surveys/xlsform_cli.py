"""`voice surveys import-xlsform FILE.xlsx|.xls` and `voice surveys export-xlsform <id> FILE.xlsx`.

Registered into the same `surveys` group as `voice surveys check` (see voice.surveys.cli).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voice.surveys.cli import default_surveys_dir, surveys_subparsers


def register(subparsers: argparse._SubParsersAction) -> None:
    group = surveys_subparsers(subparsers)
    imp = group.add_parser(
        "import-xlsform", help="read an XLSForm (.xlsx or .xls) into a survey file or an editor draft",
        description="Read an XLSForm with pyxform (the ODK reference converter). Errors are listed with sheet, row "
                    "and column (exit 1); what our surveys cannot hold is listed by name and row and left out. By "
                    "default writes <surveys dir>/<form_id>.yaml.")
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.add_argument("--prefer-not-to-say", action="store_true",
                     help="give every choice question a 'Prefer not to say' option (off: the lists stay as they are)")
    imp.add_argument("--out", metavar="FILE.yaml", help="where to write the survey file")
    imp.add_argument("--draft", action="store_true",
                     help="save as a draft in the database, to finish and publish in the survey editor")
    imp.add_argument("--check", action="store_true", help="only report; write nothing")
    imp.add_argument("--force", action="store_true", help="overwrite an existing survey file")
    imp.set_defaults(func=run_import)

    exp = group.add_parser("export-xlsform", help="write a survey as an XLSForm (.xlsx)",
                           description="Write the survey served now (else its file in the surveys folder) as an "
                                       "XLSForm with survey, choices and settings sheets.")
    exp.add_argument("survey_id")
    exp.add_argument("file", metavar="FILE.xlsx")
    exp.set_defaults(func=run_export)


def run_import(args: argparse.Namespace) -> int:
    from voice.surveys.serialize import survey_to_yaml
    from voice.surveys.xlsform import XLSFormError, read_xlsform

    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    try:
        # A form without settings.form_id is named after its file, as pyxform does (made snake_case, reported).
        report = read_xlsform(path, default_id=path.stem, add_prefer_not_to_say=args.prefer_not_to_say)
    except XLSFormError as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}")
        print(f"{len(exc.problems)} error(s): nothing was imported.")
        return 1
    survey = report.survey
    for item in report.unmapped:
        print(f"not imported: {path}: {item}")
    for filled in report.filled_in:
        print(f"filled in: {filled}")
    print(f"Read survey '{survey.id}': {len(survey.sections)} section(s), {len(survey.questions)} question(s), "
          f"languages {', '.join(survey.languages)}; {len(report.unmapped)} item(s) not imported.")
    if args.check:
        return 0
    if args.draft:
        from voice.config import get_settings
        from voice.db import get_engine, session_scope
        from voice.security.access import SYSTEM
        from voice.surveys.drafts import import_draft
        from voice.surveys.editor import EditRefused

        try:
            with session_scope(get_engine(get_settings().database_url)) as session:
                import_draft(session, SYSTEM, report.data)
        except EditRefused as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"Saved as a draft: open '{survey.id}' in the survey editor to check and publish it.")
        return 0
    out = Path(args.out) if args.out else default_surveys_dir() / f"{survey.id}.yaml"
    if out.exists() and not args.force:
        print(f"{out} exists already: use --force to overwrite it, or --out to choose another file", file=sys.stderr)
        return 1
    out.write_text(f"# Imported from {path.name}\n" + survey_to_yaml(survey), encoding="utf-8")
    print(f"Wrote {out}. Check it with: voice surveys check {out}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from voice.surveys.xlsform import write_xlsform

    survey = _served_survey(args.survey_id)
    if survey is None:
        from voice.surveys.loader import load_surveys_dir

        survey = load_surveys_dir(default_surveys_dir()).surveys.get(args.survey_id)
    if survey is None:
        print(f"There is no survey called '{args.survey_id}' in the database or the surveys folder.", file=sys.stderr)
        return 1
    out = write_xlsform(survey, args.file)
    print(f"Wrote {out} ({len(survey.questions)} questions, languages {', '.join(survey.languages)}).")
    return 0


def _served_survey(survey_id: str):
    """The version served now, or None when the database has no such survey (or cannot be reached)."""
    from sqlalchemy.exc import SQLAlchemyError

    from voice.config import get_settings
    from voice.db import get_engine, session_scope
    from voice.surveys.registry import UnknownSurvey, get_survey

    try:
        with session_scope(get_engine(get_settings().database_url)) as session:
            return get_survey(session, survey_id)[1]
    except (UnknownSurvey, SQLAlchemyError):
        return None
