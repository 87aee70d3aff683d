"""`voice priorities import` and `voice yswd sheet`, run through their argparse registration."""

from __future__ import annotations

import argparse
import subprocess
from datetime import date

import pytest

from tests.conftest import has_tool
from voice.evidence import cli, you_said_we_did as yswd
from voice.models import Group, PlanPeriod
from voice.reports.yswd_sheet import yswd_sheet_pdf
from voice.security.access import Actor

from .conftest import DEFINITIONS
from .test_plan_import import SMALL


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="voice")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def cli_db(session, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return session


def test_import_loads_the_plan_and_reports_a_broken_file_with_line_and_field(cli_db, tmp_path, capsys):
    assert run(["priorities", "import", str(DEFINITIONS / "priorities_2020-21.yaml")]) == 0
    assert "Plan 2020/21 created: 5 priorities" in capsys.readouterr().out
    assert cli_db.get(PlanPeriod, "2020/21") is not None

    broken = tmp_path / "plan.yaml"
    broken.write_text(SMALL.replace("    title: Mental Health\n", "    title:\n"))
    assert run(["priorities", "import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}, line 9, field priorities[0].title: must not be empty" in err
    assert cli_db.get(PlanPeriod, "2021/22") is None


def test_the_sheet_shows_published_items_only_with_help_numbers(cli_db, plan, tmp_path, capsys):
    cli_db.add(Group(code="HILL", name="Hill Academy"))
    cli_db.flush()
    author = Actor("f", frozenset({"facilitator"}))
    shown = yswd.create_item(cli_db, author, you_said="You said <b>lessons</b> on staying safe online come too late",
                             raised_at=date(2020, 2, 1), audience="HILL",
                             we_did="We asked primary schools to start in Year 5.")
    yswd.publish_item(cli_db, author, shown.id)
    yswd.create_item(cli_db, author, you_said="A draft nobody should see", raised_at=date(2020, 2, 1), audience="HILL",
                     we_did="Not yet published")
    cli_db.commit()

    out = tmp_path / "sheet.pdf"
    assert run(["yswd", "sheet", "--group", "hill", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    if has_tool("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "<b>lessons</b>" in text  # stored text printed as text, never as markup
        assert "We asked primary schools to start in Year 5." in text
        assert "A draft nobody should see" not in text
        assert "Childline: 0800 1111" in text and "999" in text


def test_the_sheet_needs_one_campaign_or_one_group(cli_db):
    from voice.evidence.errors import EvidenceRefused

    with pytest.raises(EvidenceRefused, match="one campaign or one group"):
        yswd_sheet_pdf(cli_db)
