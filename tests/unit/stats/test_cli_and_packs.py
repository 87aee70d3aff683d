"""`python -m voice stats` and `voice report schools` as an operator runs them, against the test database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voice.stats import question_results

from .helpers import SURVEY_ID

REPO = Path(__file__).resolve().parents[3]


def voice(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), DATABASE_URL=database_url)
    return subprocess.run([sys.executable, "-m", "voice", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


@pytest.fixture
def filled(world):
    world.group("oak", area="North", name="Oak Primary"), world.group("ash", area="North", name="Ash Academy")
    world.group("elm", area="South", name="Elm High")
    world.group("tiny", area="South", name="Tiny Village School")
    world.add("w2016", [{"uses_webcam": "yes", "year_group": "year9", "apps": ["snapchat"]}] * 30
              + [{"uses_webcam": "no", "year_group": "year6", "apps": ["instagram"]}] * 20, group="oak")
    world.add("w2016", [{"uses_webcam": "yes", "year_group": "year9"}] * 25 + [{"uses_webcam": "no"}] * 15,
              group="ash")
    world.add("w2016", [{"uses_webcam": "yes"}] * 40 + [{"uses_webcam": "no"}] * 12, group="elm")
    world.add("w2016", [{"uses_webcam": "yes"}] * 4 + [{"uses_webcam": "no"}] * 2, group="tiny")
    world.campaign("w2017", year=2017)
    world.session.commit()
    return world


def test_stats_json_matches_the_screens(filled, session, database_url):
    result = voice(database_url, "stats", SURVEY_ID, "--campaign", "w2016", "--by", "group", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    expected = [r.as_dict() for r in question_results(session, SURVEY_ID, "w2016", by="group")]
    assert records == expected
    oak = next(r for r in records if (r["question_id"], r["option_id"], r["value"]) == ("uses_webcam", "yes", "oak"))
    assert (oak["count"], oak["base"], oak["percent"], oak["suppressed"]) == (30, 50, 60.0, False)
    tiny = [r for r in records if r["value"] == "tiny"]
    assert tiny and all(r["suppressed"] and r["count"] is None and r["percent"] is None for r in tiny)


def test_stats_csv_and_every_campaign(filled, database_url):
    result = voice(database_url, "stats", SURVEY_ID, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["campaign"] for r in rows} == {"w2016"}
    assert "w2017" in result.stderr and "no submitted responses" in result.stderr
    webcam = next(r for r in rows if (r["question_id"], r["option_id"]) == ("uses_webcam", "yes"))
    assert (webcam["count"], webcam["base"], webcam["percent"], webcam["suppressed"]) == ("99", "148", "66.9", "false")
    hidden = [r for r in rows if r["suppressed"] == "true"]
    assert hidden and all(r["count"] == "fewer than 10" for r in hidden)


def test_stats_names_what_exists(filled, database_url):
    bad_survey = voice(database_url, "stats", "no_such_survey")
    assert bad_survey.returncode == 2 and SURVEY_ID in bad_survey.stderr
    bad_campaign = voice(database_url, "stats", SURVEY_ID, "--campaign", "w1999")
    assert bad_campaign.returncode == 2 and "w2016" in bad_campaign.stderr
    bad_by = voice(database_url, "stats", SURVEY_ID, "--campaign", "w2016", "--by", "shoe_size")
    assert bad_by.returncode == 2 and "year_group" in bad_by.stderr
    empty = voice(database_url, "stats", SURVEY_ID, "--campaign", "w2017")
    assert empty.returncode == 0 and json.loads(empty.stdout) == [] and "no submitted responses" in empty.stderr


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_school_packs(filled, database_url, tmp_path):
    filled.invite("w2016", "oak")
    filled.session.commit()
    result = voice(database_url, "report", "schools", "--campaign", "w2016", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "4 of 4" in result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["ash.pdf", "elm.pdf", "oak.pdf", "tiny.pdf"]
    oak = pdf_text(tmp_path / "oak.pdf")
    assert "Oak Primary" in oak and "60.0%" in oak and "Whole area" in oak
    tiny = pdf_text(tmp_path / "tiny.pdf")
    assert "Tiny Village School" in tiny and "too small to show" in tiny and "fewer than 10" in tiny
    assert "66.9%" in tiny  # the whole area's figures are still there
    # South is elm + tiny: with the area figures published, elm must not be shown in full either.
    elm = pdf_text(tmp_path / "elm.pdf")
    assert "fewer than 10" in elm


def test_packs_with_the_screen_charts_and_progress(filled, session, tmp_path):
    from voice.reports.school_packs import build_school_packs

    seen = []
    paths = build_school_packs(session, SURVEY_ID, "w2016", tmp_path, progress=lambda *p: seen.append(p),
                               workers=1, charts="png")
    assert len(paths) == 4 and seen[0] == ("packs", 0, 4) and seen[-1] == ("packs", 4, 4)
    ash = pdf_text(tmp_path / "ash.pdf")
    assert "Ash Academy" in ash and "Chart description" in ash
