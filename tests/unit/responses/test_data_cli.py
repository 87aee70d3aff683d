import argparse
from pathlib import Path

from voice.responses import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"


def _run(argv):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_progress_line_every_five_percent(capsys):
    progress = cli._ProgressLine("Importing")
    for done in range(0, 100_001, 1000):
        progress(done, 100_000)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 20 and lines[0].startswith("Importing: 5% (5,000 of 100,000 rows")
    assert lines[-1].startswith("Importing: 100%")


def test_import_commands_report_problems_and_success(session, published_surveys, monkeypatch, capsys, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert _run(["groups", "import", str(FIXTURES / "groups_good.csv")]) == 0
    assert _run(["import-responses", "esafety_year9", str(FIXTURES / "esafety_year9_bad.csv"),
                 "--campaign", "esafety-2016"]) == 1
    err = capsys.readouterr().err
    assert "Nothing was imported" in err and "line 4, column 'group'" in err
    assert _run(["import-responses", "esafety_year9", str(FIXTURES / "esafety_year9_good.csv"),
                 "--campaign", "esafety-2016"]) == 0
    out = capsys.readouterr().out
    assert "Created the campaign 'esafety-2016'" in out and "Imported 3 response(s)" in out


def test_an_imported_disclosure_reaches_the_safeguarding_queue_at_once(session, published_surveys, monkeypatch,
                                                                       capsys, database_url, tmp_path):
    from sqlalchemy import select

    from voice.models import SafeguardingItem

    monkeypatch.setenv("DATABASE_URL", database_url)
    paper = tmp_path / "paper.csv"
    paper.write_text("submitted_at,group,uses_webcam,esafety_worries\n"
                     "2016-03-01T10:00:00,,no,my stepdad hits me when mum is out\n"
                     "2016-03-01T10:05:00,,yes,people being mean on snapchat\n", encoding="utf-8")
    assert _run(["import-responses", "esafety_year9", str(paper), "--campaign", "esafety-2016"]) == 0
    assert "1 new safeguarding item(s) in the queue" in capsys.readouterr().out
    items = session.scalars(select(SafeguardingItem)).all()
    assert len(items) == 1 and "abuse_at_home" in items[0].categories


def test_an_imported_marked_closed_answer_reaches_the_queue_with_the_free_text_of_the_same_response(
        session, published_surveys, monkeypatch, capsys, database_url, tmp_path):
    from sqlalchemy import select

    from voice.models import SafeguardingItem

    monkeypatch.setenv("DATABASE_URL", database_url)
    paper = tmp_path / "paper.csv"
    paper.write_text("submitted_at,group,uses_webcam,webcam_chat_new_people,threatened_on_webcam,met_online_contact,"
                     "met_alone,esafety_worries\n"
                     "2016-03-01T10:00:00,,yes,yes,yes,yes,yes,he said he would share my pics if i told\n"
                     "2016-03-01T10:05:00,,yes,yes,no,yes,yes,\n"
                     "2016-03-01T10:10:00,,yes,yes,no,no,,nothing really\n", encoding="utf-8")
    assert _run(["import-responses", "esafety_year9", str(paper), "--campaign", "esafety-2016"]) == 0
    assert "2 new safeguarding item(s) in the queue" in capsys.readouterr().out
    items = session.scalars(select(SafeguardingItem).order_by(SafeguardingItem.id)).all()
    assert [sorted(i.kind + ":" + (i.question_id) for i in item.indicators) for item in items] == [
        ["closed:met_alone", "closed:threatened_on_webcam", "text:esafety_worries"], ["closed:met_alone"]]
    assert items[0].campaign == "esafety-2016"
