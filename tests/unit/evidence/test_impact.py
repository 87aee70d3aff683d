"""Impact: a measure's figure with its base, the change in points with a verdict read through polarity,
suppression by voice.stats' rules, and which waves are compared (voice.stats.waves)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, strategies as st

from voice.evidence import impact, priorities
from voice.models import Answer, Campaign, Response, SurveyRecord
from voice.security.access import SYSTEM
from voice.stats.suppression import GROUP_MIN_BASE, MIN_BASE, SUPPRESSED_TEXT

from .conftest import publish_survey
from .test_links_and_items import SURVEY

BIG = MIN_BASE * 20


def fig(count, base, wave=""):
    return impact.figure(count, base, wave, wave)


@pytest.mark.parametrize("polarity, before, after, direction, verdict", [
    ("high_is_good", 50, 60, "up", "better"),
    ("high_is_good", 60, 50, "down", "worse"),
    ("low_is_good", 50, 60, "up", "worse"),
    ("low_is_good", 60, 50, "down", "better"),
    ("no_polarity", 50, 60, "up", "went up"),
    ("no_polarity", 60, 50, "down", "went down"),
])
def test_the_arrow_reads_the_polarity_and_names_the_waves(polarity, before, after, direction, verdict):
    c = impact.change(fig(before, 100, "Feb 2016"), fig(after, 100, "Feb 2017"), polarity)
    assert (c.direction, c.verdict, c.points) == (direction, verdict, float(after - before))
    assert c.arrow == impact.ARROWS[direction]
    assert c.text == f"{c.arrow} {direction} 10.0 percentage points, Feb 2016 to Feb 2017 ({verdict})"


@pytest.mark.parametrize("polarity", ["high_is_good", "low_is_good", "no_polarity"])
def test_no_change_is_said_plainly(polarity):
    c = impact.change(fig(10, 100, "A"), fig(20, 200, "B"), polarity)
    assert (c.points, c.direction, c.verdict, c.arrow) == (0.0, "same", "no change", "→")
    assert c.text == "→ no change, A to B"


def test_points_come_from_the_percentages_people_read():
    # 10.7% -> 7.9% reads as 2.8 points down, whatever the unrounded figures (30/280, 22/280) give.
    c = impact.change(fig(30, 280, "2016"), fig(22, 280, "2017"), "low_is_good")
    assert (c.before.text, c.after.text) == ("10.7% of 280", "7.9% of 280")
    assert c.points == -2.8 and c.text == "↓ down 2.8 percentage points, 2016 to 2017 (better)"


@pytest.mark.parametrize("small_side", ["before", "after", "both"])
def test_a_small_base_on_either_side_shows_no_change(small_side):
    small = fig(MIN_BASE - 2, MIN_BASE - 1)
    big = fig(BIG // 2, BIG)
    before = small if small_side in ("before", "both") else big
    after = small if small_side in ("after", "both") else big
    c = impact.change(before, after, "low_is_good")
    assert c.suppressed and c.points is None and c.direction is None and c.arrow == ""
    assert c.text.startswith(f"No change shown: {SUPPRESSED_TEXT} answers")
    assert small.text == SUPPRESSED_TEXT and small.percent is None


def test_the_figure_follows_the_stats_rules():
    assert fig(10, MIN_BASE * 2).text == "50.0% of 20"  # a base of 10 or more, a count of 10 or more
    assert fig(5, 100).suppressed  # 1 to 9 young people
    # 0% and 100% of fewer than 50 say something about everyone in the group: hidden.
    assert fig(0, GROUP_MIN_BASE - 1).suppressed and fig(GROUP_MIN_BASE - 1, GROUP_MIN_BASE - 1).suppressed
    assert fig(0, GROUP_MIN_BASE).text == f"0.0% of {GROUP_MIN_BASE}"
    assert fig(GROUP_MIN_BASE, GROUP_MIN_BASE).text == f"100.0% of {GROUP_MIN_BASE}"


def test_impossible_pairs_are_refused():
    with pytest.raises(ValueError):
        fig(11, 10)
    with pytest.raises(ValueError):
        impact.change(fig(10, 20), fig(10, 20), "up_is_good")


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500), st.integers(0, 500),
       st.sampled_from(["high_is_good", "low_is_good", "no_polarity"]))
def test_change_is_consistent_for_any_counts(c1, b1, c2, b2, polarity):
    before, after = fig(min(c1, b1), b1), fig(min(c2, b2), b2)
    c = impact.change(before, after, polarity)
    if not (before.shown and after.shown):
        assert c.points is None
    else:
        assert c.points == round(after.percent - before.percent, 1)
        assert (c.direction == "up") == (c.points > 0) and (c.direction == "same") == (c.points == 0)
        if polarity != "no_polarity" and c.points:
            assert (c.verdict == "better") == ((c.points > 0) == (polarity == "high_is_good"))


def _answers(session, campaign, version, yes, no):
    for i in range(yes + no):
        r = Response(survey_id="mini", survey_version_id=version, campaign_id=campaign.id,
                     resume_code=f"{campaign.id}-{i}", status="submitted", submitted_at=datetime(2020, 1, 1))
        r.answers = [Answer(question_id="felt_unsafe_online", option_id="yes" if i < yes else "no")]
        session.add(r)
    # someone who skipped the question is not in the base
    session.add(Response(survey_id="mini", survey_version_id=version, campaign_id=campaign.id,
                         resume_code=f"{campaign.id}-skip", status="submitted"))
    session.flush()


def _waves(session, *years, closes=True):
    version = session.get(SurveyRecord, "mini").current_version_id
    out = {}
    for year in years:
        c = Campaign(name=f"mini-{year}", survey_id="mini", title=f"Mini {year}", opens_at=datetime(year, 2, 1),
                     closes_at=datetime(year, 3, 1) if closes else None)
        session.add(c)
        session.flush()
        out[year] = c
    return version, out


def test_a_measure_over_two_waves_with_the_always_open_link_left_out(session, plan):
    publish_survey(session, SURVEY)
    version, waves = _waves(session, 2016, 2017)
    _answers(session, waves[2016], version, yes=12, no=48)   # 20%
    _answers(session, waves[2017], version, yes=24, no=36)   # 40%
    # A handful of test answers through the always-open link: never "the latest wave".
    default = session.query(Campaign).filter_by(survey_id="mini", is_default=True).one()
    _answers(session, default, version, yes=1, no=3)
    voice = priorities.find_priority(session, "voice_of_child")
    m = priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="felt_unsafe_online",
                               option_ids=["yes"], label="% who felt unsafe online", polarity="low_is_good")
    trend = impact.get_trend(session, m.id)
    assert [f.wave_text for f in trend.figures] == ["Feb 2016: 20.0% of 60", "Feb 2017: 40.0% of 60"]
    assert (trend.change.points, trend.change.verdict) == (20.0, "worse")
    assert trend.change_text == "↑ up 20.0 percentage points, Feb 2016 to Feb 2017 (worse)"
    assert trend.latest.wave == "Feb 2017" and trend.worsening
    # The plan period's end decides which waves count: 2016 alone has no change to show.
    from datetime import date

    early = impact.get_trend(session, m.id, until=date(2016, 12, 31))
    assert [f.wave for f in early.figures] == ["Feb 2016"] and early.change is None
    assert early.change_text == "No change to show yet: one wave so far (Feb 2016)"


def test_a_newer_wave_with_too_few_answers_does_not_stop_the_comparison(session, plan):
    publish_survey(session, SURVEY)
    version, waves = _waves(session, 2016, 2017, 2018)
    _answers(session, waves[2016], version, yes=12, no=48)
    _answers(session, waves[2017], version, yes=24, no=36)
    _answers(session, waves[2018], version, yes=2, no=5)  # 7 answered: hidden
    voice = priorities.find_priority(session, "voice_of_child")
    m = priorities.add_measure(session, SYSTEM, voice.id, survey_id="mini", question_id="felt_unsafe_online",
                               option_ids=["yes"], label="% who felt unsafe online", polarity="low_is_good")
    trend = impact.get_trend(session, m.id)
    assert [f.text for f in trend.figures] == ["20.0% of 60", "40.0% of 60", SUPPRESSED_TEXT]
    assert trend.change.between == "Feb 2016 to Feb 2017"
    table = impact.measure_table([trend])
    assert table == [{"Measure": "% who felt unsafe online", "Direction wanted": "lower is better",
                      "Figures by wave": f"Feb 2016: 20.0% of 60; Feb 2017: 40.0% of 60; Feb 2018: {SUPPRESSED_TEXT}",
                      "Change": "↑ up 20.0 percentage points, Feb 2016 to Feb 2017 (worse)"}]
