"""`voice surveys …` commands.

The `surveys` command is a group, so other modules can add subcommands beside `check`
(e.g. `voice surveys import-xlsform`). In that module's `register(subparsers)`:

    from voice.surveys.cli import surveys_subparsers

    def register(subparsers):
        p = surveys_subparsers(subparsers).add_parser("import-xlsform", help="...")
        p.set_defaults(func=run_import)

`surveys_subparsers` creates the `surveys` group the first time and returns the same one
after that, so it does not matter which module registers first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SURVEYS_DIR_ENV = "VOICE_SURVEYS_DIR"
_GROUP_ATTR = "_voice_surveys_subparsers"


def surveys_subparsers(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-command list of `voice surveys`, created on first use."""
    group = getattr(subparsers, _GROUP_ATTR, None)
    if group is None:
        parser = subparsers.add_parser("surveys", help="survey files: check them (and more)",
                                       description="Work with survey definition files.")
        group = parser.add_subparsers(dest="surveys_command", metavar="SUBCOMMAND")

        def show_help(args: argparse.Namespace) -> int:
            parser.print_help()
            return 2

        parser.set_defaults(func=show_help)
        setattr(subparsers, _GROUP_ATTR, group)
    return group


def register(subparsers: argparse._SubParsersAction) -> None:
    publish = surveys_subparsers(subparsers).add_parser(
        "publish",
        help="publish the survey files into the database (as the app does when it starts)",
        description="Publish every valid survey file in the folder as the version young people are served "
                    "(unchanged files are left as they are). A broken file is reported and skipped; the others are "
                    "still published. Exit code 1 if any file has a problem.",
    )
    publish.add_argument("path", nargs="?", metavar="FOLDER",
                         help=f"a folder of survey files (default: ${SURVEYS_DIR_ENV}, else the repository's surveys/)")
    publish.set_defaults(func=run_publish)
    check = surveys_subparsers(subparsers).add_parser(
        "check",
        help="check survey files and report every problem with its file, line and field",
        description="Check survey files. Exit code 1 if any file has a problem "
                    "(reading-level warnings alone exit 0).",
    )
    check.add_argument("path", nargs="?", metavar="PATH",
                       help=f"a survey file or folder (default: ${SURVEYS_DIR_ENV}, else the repository's surveys/)")
    check.set_defaults(func=run_check)


def default_surveys_dir() -> Path:
    """The one survey folder of the app and every command: $VOICE_SURVEYS_DIR, else the checkout's surveys/
    (voice.config decides, so the CLI and the app never read different files)."""
    from voice.config import get_settings

    return get_settings().surveys_dir


def _display(path: Path) -> str:
    # Short, clickable paths when the files are under the current folder.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_publish(args: argparse.Namespace) -> int:
    from voice.config import get_settings
    from voice.db import get_engine

    folder = Path(args.path) if args.path else default_surveys_dir()
    if not folder.is_dir():
        print(f"{folder}: no such folder", file=sys.stderr)
        return 1
    report = publish_survey_folder(get_engine(get_settings().database_url), folder)
    return 1 if report.problems else 0


def publish_survey_folder(engine, folder: Path):
    """Migrate, then publish `folder` (under the start-up lock, as the app does); prints what happened."""
    from voice.bootstrap import publish_surveys

    report = publish_surveys(engine, folder)
    for line in report.published:
        print(f"published: {line}")
    for problem in report.problems:
        print(f"not published: {problem}")
    print(f"Survey files in {_display(folder)}: {len(report.published)} published, {len(report.unchanged)} "
          f"unchanged, {len({p.split(',')[0] for p in report.problems})} with problems.")
    return report


def run_check(args: argparse.Namespace) -> int:
    from voice.surveys.loader import LoadResult, SurveyFileError, load_survey_file, load_surveys_dir, survey_files
    from voice.surveys.readability import reading_level_warnings

    target = Path(args.path) if args.path else default_surveys_dir()
    target = Path(_display(target))
    result = LoadResult()
    if target.is_file():
        files = 1
        try:
            survey = load_survey_file(target)
            result.surveys[survey.id] = survey
        except SurveyFileError as exc:
            result.problems.extend(exc.problems)
    elif target.is_dir():
        files = len(survey_files(target))
        result = load_surveys_dir(target)
    else:
        print(f"{target}: no such file or folder", file=sys.stderr)
        return 1

    warnings = [w for s in result.surveys.values() for w in reading_level_warnings(s)]
    for problem in result.problems:
        print(problem)
    for warning in warnings:
        print(f"warning: {warning}")
    broken = len({p.file for p in result.problems})
    print(f"Checked {files} survey file{'s' if files != 1 else ''}: {len(result.surveys)} OK, "
          f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''} "
          f"in {broken} file{'s' if broken != 1 else ''}, "
          f"{len(warnings)} reading-level warning{'s' if len(warnings) != 1 else ''}.")
    return 1 if result.problems else 0
