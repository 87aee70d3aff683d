"""`voice user …`, `voice audit export`, `voice retention run`, `voice erase`: run as the SYSTEM actor.

The operator running these already holds the database, so the CLI acts with every role; each
action is still written to the audit trail as "system".
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    from voice.security.roles import ROLES

    user = subparsers.add_parser("user", help="Staff accounts and their roles")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = user_sub.add_parser("add", help="Add an account (password read from standard input)")
    add.add_argument("username")
    add.add_argument("--role", action="append", choices=ROLES, required=True, help="repeat for several roles")
    add.add_argument("--email", default="", help="for 'Sign in with your organisation'")
    how = add.add_mutually_exclusive_group(required=True)
    how.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    how.add_argument("--organisation-only", action="store_true", help="no password: organisation sign-in only")
    add.set_defaults(func=_user_add)

    listing = user_sub.add_parser("list", help="List accounts")
    listing.set_defaults(func=_user_list)

    roles = user_sub.add_parser("roles", help="Replace an account's roles")
    roles.add_argument("username")
    roles.add_argument("--role", action="append", choices=ROLES, required=True)
    roles.set_defaults(func=_user_roles)

    disable = user_sub.add_parser("disable", help="Disable an account (it can no longer sign in)")
    disable.add_argument("username")
    disable.set_defaults(func=_user_disable)

    enable = user_sub.add_parser("enable", help="Enable a disabled account and clear any lock")
    enable.add_argument("username")
    enable.set_defaults(func=_user_enable)

    password = user_sub.add_parser("password", help="Set a new password (read from standard input)")
    password.add_argument("username")
    password.set_defaults(func=_user_password)

    reset = user_sub.add_parser("reset", help="Give a temporary password (printed once); they choose their own "
                                              "at their next sign-in")
    reset.add_argument("username")
    reset.set_defaults(func=_user_reset)

    audit = subparsers.add_parser("audit", help="The audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    export = audit_sub.add_parser("export", help="Write the audit trail to CSV or Excel")
    export.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")
    export.add_argument("--action", default="")
    export.add_argument("--actor", default="")
    export.set_defaults(func=_audit_export)

    retention = subparsers.add_parser("retention", help="Remove free text, unfinished responses and closed "
                                                         "safeguarding records past their retention")
    retention_sub = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    run = retention_sub.add_parser("run", help="Remove old free-text answers and their quotes (figures are kept), "
                                               "unfinished responses and old closed safeguarding records; never an "
                                               "open safeguarding item or its response")
    run.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    run.set_defaults(func=_retention_run)

    erase = subparsers.add_parser("erase", help="Erase one young person's response by its receipt code")
    erase.add_argument("receipt_code")
    erase.set_defaults(func=_erase)


def _engine():
    from voice.config import get_settings
    from voice.db import get_engine, upgrade

    engine = get_engine(get_settings().database_url)
    upgrade(engine)
    return engine


def _in_session(work):
    from voice.db import session_scope, with_retry

    engine = _engine()

    def action():
        with session_scope(engine) as session:
            return work(session)

    return with_retry(action)


def _read_password() -> str:
    # One line from standard input: works with a pipe, a file, or typed at a prompt (not echoed by the shell).
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def _problem(exc: Exception) -> int:
    print(str(exc), file=sys.stderr)
    return 1


def _user_add(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    password = None
    if args.password_stdin:
        password = _read_password()
        problem = accounts.password_problem(password, accounts.normalise_username(args.username))
        if problem:
            return _problem(accounts.AccountProblem(problem))
    try:
        info = _in_session(lambda s: accounts.create_user(s, SYSTEM, args.username, args.role, password, args.email))
    except accounts.AccountProblem as exc:
        return _problem(exc)
    print(f"Added {info.username} with roles: {', '.join(info.roles)}.")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    users = _in_session(lambda s: accounts.list_users(s, SYSTEM))
    if not users:
        print("No accounts yet. Add one with: voice user add NAME --role admin --password-stdin")
        return 0
    for u in users:
        state = "active" if u.active else "disabled"
        seen = u.last_sign_in.strftime("%Y-%m-%d %H:%M") if u.last_sign_in else "never"
        print(f"{u.username:<24} {','.join(u.roles):<45} {state:<9} last sign-in: {seen}")
    return 0


def _user_roles(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    try:
        info = _in_session(lambda s: accounts.set_roles(s, SYSTEM, args.username, args.role))
    except accounts.AccountProblem as exc:
        return _problem(exc)
    print(f"{info.username} now has roles: {', '.join(info.roles)}.")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    try:
        info = _in_session(lambda s: accounts.deactivate_user(s, SYSTEM, args.username))
    except accounts.AccountProblem as exc:
        return _problem(exc)
    print(f"{info.username} is disabled and can no longer sign in.")
    return 0


def _user_enable(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    try:
        info = _in_session(lambda s: accounts.reactivate_user(s, SYSTEM, args.username))
    except accounts.AccountProblem as exc:
        return _problem(exc)
    print(f"{info.username} is enabled.")
    return 0


def _user_password(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    password = _read_password()
    try:
        _in_session(lambda s: accounts.set_password(s, SYSTEM, args.username, password))
    except accounts.AccountProblem as exc:
        return _problem(exc)
    print(f"New password set for {accounts.normalise_username(args.username)}.")
    return 0


def _user_reset(args: argparse.Namespace) -> int:
    from voice.security import accounts
    from voice.security.access import SYSTEM

    try:
        temporary = _in_session(lambda s: accounts.reset_password(s, SYSTEM, args.username))
    except accounts.AccountProblem as exc:
        return _problem(exc)
    name = accounts.normalise_username(args.username)
    print(f"Temporary password for {name} (shown once, not stored): {temporary}")
    print(f"{name} must choose a new password when they next sign in.")
    return 0


def _audit_export(args: argparse.Namespace) -> int:
    from voice.security.access import SYSTEM
    from voice.security.audit import AuditFilter, export_events

    if not args.out.lower().endswith((".csv", ".xlsx")):
        return _problem(ValueError("The file name must end in .csv or .xlsx, for example audit.csv."))
    count = _in_session(lambda s: export_events(s, SYSTEM, args.out, AuditFilter(actor=args.actor,
                                                                                 action=args.action)))
    print(f"Wrote {count} audit events to {args.out}.")
    return 0


def _retention_run(args: argparse.Namespace) -> int:
    from voice.security.access import SYSTEM
    from voice.responses.retention import run_retention

    report = _in_session(lambda s: run_retention(s, SYSTEM, dry_run=args.dry_run))
    verb = "Would remove" if report.dry_run else "Removed"
    print(f"{verb} {report.text_answers} free-text answers from {report.responses} responses, "
          f"and {report.quotes} quotes made from them. Closed answers (figures) are kept.")
    for survey_id, counts in sorted(report.by_survey.items()):
        print(f"  {survey_id}: {counts['text_answers']} answers, {counts['quotes']} quotes "
              f"(kept {counts['months']} months)")
    print(f"{verb} {report.unfinished_responses} response(s) started but never sent "
          f"(kept {report.unfinished_days} days).")
    print(f"{verb} {report.safeguarding_records} closed safeguarding record(s) "
          f"(kept {report.safeguarding_years} years after closing).")
    if report.held_items:
        print(f"Held back: open safeguarding item(s) {', '.join(f'#{i}' for i in report.held_items)} "
              f"({report.held_responses} response(s); {report.held_text_answers} free-text answer(s) past their "
              f"retention kept). Why: {report.held_reason}.")
    return 0


def _erase(args: argparse.Namespace) -> int:
    from voice.security.access import SYSTEM
    from voice.responses.retention import HeldForSafeguarding, NothingToErase, erase_response

    try:
        report = _in_session(lambda s: erase_response(s, SYSTEM, args.receipt_code))
    except (NothingToErase, HeldForSafeguarding) as exc:
        return _problem(exc)
    print(f"Erased the response: {report.answers} answers and {report.quotes} quotes deleted.")
    for item_id in report.safeguarding_records:
        print(f"The safeguarding record #{item_id} stays, without the answers.")
    return 0
