"""`voice user/audit/retention/erase` against the test database."""

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from voice.cli import build_parser
from voice.models import AuditEvent, User
from voice.responses.retention import months_before

from .helpers import publish_survey, rows_containing, submitted_response


@pytest.fixture
def cli(clean_db, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    parser = build_parser()

    def run(*argv, stdin=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        args = parser.parse_args(list(argv))
        code = args.func(args)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_user_add_list_roles_disable(cli, session):
    code, out, _ = cli("user", "add", "Sam", "--role", "facilitator", "--role", "board_member", "--password-stdin",
                       stdin="a long enough passphrase\n")
    assert code == 0 and "Added sam" in out
    user = session.scalar(select(User).where(User.username == "sam"))
    assert user.password_hash.startswith("$argon2id$") and sorted(user.roles) == ["board_member", "facilitator"]

    code, out, _ = cli("user", "list")
    assert code == 0 and "sam" in out and "board_member,facilitator" in out and "active" in out

    assert cli("user", "roles", "sam", "--role", "safeguarding_lead")[0] == 0
    assert cli("user", "disable", "sam")[0] == 0
    session.expire_all()
    user = session.scalar(select(User).where(User.username == "sam"))
    assert (user.roles, user.active) == (["safeguarding_lead"], False)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "system")
                              .order_by(AuditEvent.id)).all()
    assert actions == ["user_created", "user_roles_changed", "user_disabled"]


def test_a_weak_password_is_refused_with_a_message(cli, session):
    code, out, err = cli("user", "add", "kim", "--role", "admin", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 12 characters" in err
    assert session.scalar(select(User)) is None


def test_an_unknown_account_gets_a_message_not_a_traceback(cli):
    code, _, err = cli("user", "disable", "nobody")
    assert code == 1 and err.strip() == "There is no account called nobody."


def test_audit_export(cli, tmp_path):
    cli("user", "add", "kim", "--role", "admin", "--password-stdin", stdin="a long enough passphrase\n")
    out_file = tmp_path / "audit.xlsx"
    code, out, _ = cli("audit", "export", "--out", str(out_file))
    assert code == 0 and out_file.exists() and "Wrote 1 audit events" in out
    assert cli("audit", "export", "--out", str(tmp_path / "audit.txt"))[0] == 1


def test_retention_run_and_erase(cli, session):
    publish_survey(session)
    now = datetime.utcnow()
    old = submitted_response(session, "an old worry to be removed", at=months_before(now, 13))
    recent = submitted_response(session, "a recent worry to erase", at=now - timedelta(days=2))
    session.commit()

    code, out, _ = cli("retention", "run", "--dry-run")
    assert code == 0 and "Would remove 1 free-text answers" in out
    assert rows_containing(session, "an old worry")

    code, out, _ = cli("retention", "run")
    assert code == 0 and "Removed 1 free-text answers" in out and "keep12: 1 answers" in out
    session.expire_all()
    assert rows_containing(session, "an old worry") == []

    code, out, _ = cli("erase", recent)
    assert code == 0 and "Erased the response: 3 answers" in out
    session.expire_all()
    assert rows_containing(session, "a recent worry") == [] and rows_containing(session, recent) == []
    code, _, err = cli("erase", recent)
    assert code == 1 and "No sent answers" in err
    assert old  # the old response itself stays (its figures)
