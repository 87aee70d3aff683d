"""Impact arithmetic: percentages with bases, change in points, polarity verdicts, suppression."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, strategies as st

from voice.evidence import impact, priorities
from voice.models import Answer, Campaign, Response
from voice.security.access import SYSTEM

from .conftest import publish_survey
from .test_links_and_items import SURVEY

BIG = impact.MIN_BASE * 20


def fig(count, base, name=""):
    return impact.figure(count, base, name)


@pytest.mark.parametrize("polarity, before, after, direction, verdict", [
    ("high_is_good", 50, 60, "up", "better"),
    ("high_is_good", 60, 50, "down", "worse"),
    ("low_is_good", 50, 60, "up", "worse"),
    ("low_is_good", 60, 50, "down", "better"),
    ("no_polarity", 50, 60, "up", "went up"),
    ("no_polarity", 60, 50, "down", "went down"),
])
def test_the_arrow_reads_the_polarity(polarity, before, after, direction, verdict):
    c = impact.change(fig(before, 100), fig(after, 100), polarity)
    assert (c.direction, c.verdict, c.points) == (direction, verdict, float(after - before))
    assert c.arrow == impact.ARROWS[direction]
    assert c.text == f"{c.arrow} {direction} 10 percentage points ({verdict})"


@pytest.mark.parametrize("polarity", ["high_is_good", "low_is_good", "no_polarity"])
def test_no_change_is_said_plainly(polarity):
    c = impact.change(fig(10, 100), fig(20, 200), polarity)
    assert (c.points, c.direction, c.verdict, c.arrow) == (0.0, "same", "no change", "→")


def test_points_come_from_unrounded_percentages():
    n = impact.MIN_BASE * 3
    c = impact.change(fig(n // 3, n, "2016"), fig(2 * n // 3, n, "2017"), "high_is_good")  # 33.3% -> 66.7%
    assert c.points == 33.3 and c.text.endswith("33.3 percentage points (better)")


@pytest.mark.parametrize("small_side", ["before", "after", "both"])
def test_a_small_base_on_either_side_shows_no_change(small_side):
    small = fig(impact.MIN_BASE - 2, impact.MIN_BASE - 1)
    big = fig(BIG // 2, BIG)
    before = small if small_side in ("before", "both") else big
    after = small if small_side in ("after", "both") else big
    c = impact.change(before, after, "low_is_good")
    assert c.suppressed and c.points is None and c.direction is None and c.arrow == ""
    assert c.text == f"No change shown: {impact.SUPPRESSED_TEXT} answers"
    assert small.text == impact.SUPPRESSED_TEXT and small.percent is None


def test_a_base_at_the_threshold_is_shown():
    shown = fig(1, impact.MIN_BASE)
    assert not shown.suppressed and shown.percent == pytest.approx(100 / impact.MIN_BASE)


def test_impossible_pairs_are_refused():
    with pytest.raises(ValueError):
        fig(11, 10)
    with pytest.raises(ValueError):
        impact.change(fig(1, 10), fig(1, 10), "up_is_good")


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500), st.integers(0, 500),
       st.sampled_from(["high_is_good", "low_is_good", "no_polarity"]))
def test_change_is_consistent_for_any_counts(c1, b1, c2, b2, polarity):
    before, after = fig(min(c1, b1), b1), fig(min(c2, b2), b2)
    c = impact.change(before, after, polarity)
    if b1 < impact.MIN_BASE or b2 < impact.MIN_BASE:
        assert c.points is None
    else:
        assert c.points == round(after.percent - before.percent, 1)
        assert (c.direction == "up") == (c.points > 0) and (c.direction == "same") == (c.points == 0)
        if polarity != "no_polarity" and c.points:
            assert (c.verdict == "better") == ((c.points > 0) == (polarity == "high_is_good"))


def _answers(session, campaign, yes, no):
    for i in range(yes + no):
        r = Response(survey_id="mini", survey_version_id=campaign["version"], campaign_id=campaign["id"],
                     resume_code=f"{campaign['id']}-{i}", status="submitted", submitted_at=datetime(2020, 1, 1))
        r.answers = [Answer(question_id="felt_unsafe_online", option_id="yes" if i < yes else "no")]
        session.add(r)
    # someone who skipped the question is not in the base
    session.add(Response(survey_id="mini", survey_version_id=campaign["version"], campaign_id=campaign["id"],
                         resume_code=f"{campaign['id']}-skip", status="submitted"))
    session.flush()


def test_a_measure_over_two_campaigns(session, plan):
    publish_survey(session, SURVEY)
    from voice.models import SurveyRecord

    version = session.get(SurveyRecord, "mini").current_version_id
    campaigns = {}
    for year in (2016, 2017):
        c = Campaign(name=f"mini-{year}", survey_id="mini", opens_at=datetime(year, 1, 1))
        session.add(c)
        session.flush()
        campaigns[year] = {"id": c.id, "version": version}
    _answers(session, campaigns[2016], yes=12, no=48)   # 20%
    _answers(session, campaigns[2017], yes=24, no=36)   # 40%
    voice = priorities.find_priority(session, "voice_of_child")
    m = priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="felt_unsafe_online",
                               option_ids=["yes"], label="% who felt unsafe online", polarity="low_is_good")
    assert impact.campaigns_for(session, m.id) == ["mini-2016", "mini-2017", "mini-open"]
    figures = impact.measure_figures(session, m.id, ["mini-2016", "mini-2017"])
    assert [(f.count, f.base) for f in figures] == [(12, 60), (24, 60)]
    c = impact.measure_change(session, m.id, "mini-2016", "mini-2017")
    assert (c.points, c.verdict) == (20.0, "worse")
    assert impact.measure_figures(session, m.id, ["mini-open"])[0].suppressed
