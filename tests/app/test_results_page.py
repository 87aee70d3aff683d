"""The results page (AppTest): access, an empty campaign explained, tables with 'fewer than 10'."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import voice.ui.runtime as runtime
from tests.unit.stats.helpers import World

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "results.py")


@pytest.fixture
def world(session) -> World:
    w = World(session)  # `session` empties the database and the figures cache first
    session.commit()
    return w


@pytest.fixture
def app(world, engine, monkeypatch):
    monkeypatch.setattr(runtime, "engine", lambda: engine)  # the test database, without app start-up
    world.group("oak", area="North", name="Oak Primary")
    world.group("tiny", area="North", name="Tiny School")
    world.add("w2016", [{"uses_webcam": "yes"}] * 30 + [{"uses_webcam": "no"}] * 20, group="oak")
    world.add("w2016", [{"uses_webcam": "yes"}] * 3, group="tiny")
    world.campaign("w2017", year=2017)
    world.session.commit()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["user"] = {"username": "fran", "roles": ["facilitator"]}
    return at


def test_signed_out_sees_no_figures(world, engine, monkeypatch):
    monkeypatch.setattr(runtime, "engine", lambda: engine)
    from voice.ui.refusal import NOT_ALLOWED

    at = AppTest.from_file(PAGE, default_timeout=60).run()
    # The page's first line is require_page: the same refusal as every staff page, and no figures.
    assert [t.value for t in at.title] == [NOT_ALLOWED] and not at.dataframe


def test_tables_show_bases_and_hidden_figures(app):
    app.run()
    assert not app.exception
    app.selectbox(key="results_campaign").set_value("w2016").run()
    app.selectbox(key="results_by").set_value("group").run()
    assert not app.exception
    tables = [d.value for d in app.dataframe]
    webcam = next(t for t in tables if "Oak Primary" in set(t["Breakdown"]) and "Yes" in set(t["Answer"]))
    oak_yes = webcam[(webcam["Breakdown"] == "Oak Primary") & (webcam["Answer"] == "Yes")].iloc[0]
    # Tiny School (3) is hidden, and Oak with it: North minus Oak would give Tiny back.
    assert oak_yes["n"] == "fewer than 10"
    assert (webcam[webcam["Breakdown"] == "Tiny School"]["%"] == "fewer than 10").all()


def test_whole_area_figures(app):
    app.run()
    app.selectbox(key="results_campaign").set_value("w2016").run()
    table = next(d.value for d in app.dataframe if "Yes" in set(d.value["Answer"]))
    yes = table[table["Answer"] == "Yes"].iloc[0]
    assert (yes["n"], yes["Base"], yes["%"]) == ("33", "53", "62.3%")
    assert any("Chart description" in c.value for c in app.caption)


def test_empty_campaign_is_explained(app):
    app.run()
    app.selectbox(key="results_campaign").set_value("w2017").run()
    assert not app.exception
    assert any("Nobody has sent in" in i.value for i in app.info)
    assert not app.dataframe


def test_downloads_hold_exactly_what_is_shown(app, session):
    import csv
    import io

    from openpyxl import load_workbook

    from voice.stats import question_results, value_label
    from voice.stats.tables import RESULT_COLUMNS, result_table, table_bytes
    from voice.surveys.registry import get_survey

    app.run()
    app.selectbox(key="results_campaign").set_value("w2016").run()
    app.selectbox(key="results_by").set_value("group").run()
    assert not app.exception
    assert len(app.get("download_button")) == 2
    shown = [row for d in app.dataframe for row in d.value.itertuples(index=False)]

    _, survey = get_survey(session, "stats_test")
    rows = question_results(session, "stats_test", "w2016", by="group")
    labels = {r.value: value_label(session, survey, "group", r.value) for r in rows}
    table = result_table(survey, rows, "group", labels)
    # The page's tables are the download's rows, question by question (the question is the heading there).
    assert [tuple(r[c] for c in RESULT_COLUMNS[1:]) for r in table] == [tuple(r) for r in shown]
    assert any(r["n"] == "fewer than 10" for r in table) and not any(r["n"] in map(str, range(1, 10)) for r in table)

    parsed = list(csv.reader(io.StringIO(table_bytes(table, "csv").decode("utf-8-sig"))))
    assert parsed == [list(RESULT_COLUMNS)] + [[r[c] for c in RESULT_COLUMNS] for r in table]
    sheet = load_workbook(io.BytesIO(table_bytes(table, "xlsx"))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == parsed
