"""Breakdowns by group, area and a question; a school beside the area; wave on wave."""

from __future__ import annotations

from voice.stats import (SUPPRESSED_TEXT, compare_campaigns, free_text_allowed, question_results,
                         respondent_counts, school_vs_area)
from voice.stats.results import UnknownBreakdown, UnknownStatsCampaign

import pytest

from .helpers import SURVEY_ID, find


def yes_no(yes: int, no: int, year: str = "year9"):
    return [{"uses_webcam": "yes", "year_group": year}] * yes + [{"uses_webcam": "no", "year_group": year}] * no


@pytest.fixture
def schools(world):
    world.group("oak", area="North"), world.group("ash", area="North"), world.group("elm", area="South")
    world.group("yew", area="South"), world.group("tiny", area="South")
    world.add("w2016", yes_no(30, 20), group="oak")
    world.add("w2016", yes_no(25, 15, "year6"), group="ash")
    world.add("w2016", yes_no(40, 10), group="elm")
    world.add("w2016", yes_no(12, 11, "year6"), group="yew")
    world.add("w2016", yes_no(3, 2), group="tiny")  # 5 respondents: too few to show anything
    return world


def test_by_group_suppresses_the_small_school_and_a_partner(schools, session):
    rows = question_results(session, SURVEY_ID, "w2016", by="group")
    assert find(rows, "uses_webcam", "yes", "group", "oak").count == 30
    assert find(rows, "uses_webcam", "yes", "group", "oak").percent == 60.0
    assert all(r.suppressed for r in rows if r.value == "tiny" and r.question_id == "uses_webcam")
    # South = elm + yew + tiny; the whole area is published, so another South school must go too.
    others = [v for v in ("elm", "yew") if find(rows, "uses_webcam", "yes", "group", v).suppressed]
    assert others, "tiny could be worked out as South minus elm and yew"


def test_area_and_whole_area(schools, session):
    area = question_results(session, SURVEY_ID, "w2016", by="area")
    north = find(area, "uses_webcam", "yes", "area", "North")
    assert (north.count, north.base, north.percent) == (55, 90, 61.1)
    whole = find(question_results(session, SURVEY_ID, "w2016"), "uses_webcam", "yes")
    assert (whole.count, whole.base) == (110, 168)


def test_by_question(schools, session):
    rows = question_results(session, SURVEY_ID, "w2016", by="year_group")
    y6 = find(rows, "uses_webcam", "yes", "year_group", "year6")
    assert (y6.count, y6.base) == (37, 63)
    y9 = find(rows, "uses_webcam", "yes", "year_group", "year9")
    assert (y9.count, y9.base) == (73, 105)


def test_school_beside_area(schools, session):
    oak = school_vs_area(session, SURVEY_ID, "w2016", "oak")
    figure = next(f for f in oak.figures if (f.question_id, f.option_id) == ("uses_webcam", "yes"))
    assert (figure.school.percent, figure.area.percent) == (60.0, 65.5)
    tiny = school_vs_area(session, SURVEY_ID, "w2016", "tiny")
    assert tiny.too_small and tiny.respondents == 5
    assert all(f.school.suppressed for f in tiny.figures)


def test_free_text_follows_respondents(schools, session):
    counts = respondent_counts(session, SURVEY_ID, "w2016", by="group")
    assert counts["tiny"] == 5 and not free_text_allowed(counts["tiny"])
    assert free_text_allowed(counts["oak"])
    assert SUPPRESSED_TEXT == "fewer than 10"


def test_wave_on_wave(world, session):
    world.add("w2016", yes_no(70, 30))
    world.campaign("w2017", year=2017)
    world.add("w2017", yes_no(60, 20))
    change = next(c for c in compare_campaigns(session, SURVEY_ID, ["w2016", "w2017"])
                  if (c.question_id, c.option_id) == ("uses_webcam", "yes"))
    assert [r.percent for r in change.results] == [70.0, 75.0]
    assert change.change_points == 5.0


def test_unknown_names_list_what_exists(world, session):
    world.campaign("w2016")
    with pytest.raises(UnknownStatsCampaign, match="w2016"):
        question_results(session, SURVEY_ID, "w2099")
    with pytest.raises(UnknownBreakdown, match="year_group"):
        question_results(session, SURVEY_ID, "w2016", by="shoe_size")
