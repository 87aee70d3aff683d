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
import os
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
    """$VOICE_SURVEYS_DIR, else the nearest surveys/ folder above this package, else ./surveys."""
    env = os.environ.get(SURVEYS_DIR_ENV)
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "surveys"
        # src/voice/surveys is this Python package, not the folder of survey files.
        if candidate.is_dir() and not (candidate / "__init__.py").exists():
            return candidate
    return Path("surveys")


def _display(path: Path) -> str:
    # Short, clickable paths when the files are under the current folder.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
