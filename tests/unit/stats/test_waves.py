"""Which campaigns a figure compares (voice.stats.waves), head counts in words, and survey titles told apart."""

from __future__ import annotations

from datetime import date, datetime

from voice.models import Campaign
from voice.stats.headcounts import headcount, headcounts
from voice.stats.waves import compared, date_words, wave_labels, waves


def _campaign(session, name, opens=None, closes=None, default=False, survey="stats_test", created=None):
    c = Campaign(name=name, survey_id=survey, title=name.title(), opens_at=opens, closes_at=closes,
                 is_default=default, created_at=created or datetime(2026, 1, 1))
    session.add(c)
    session.flush()
    return c


def test_waves_are_ordered_by_their_dates_and_the_always_open_link_is_never_one(world, session):
    _campaign(session, "stats_test-open", default=True)
    later = _campaign(session, "autumn-2017", datetime(2017, 10, 2), datetime(2017, 11, 1))
    earlier = _campaign(session, "spring-2017", datetime(2017, 2, 1), datetime(2017, 3, 1))
    undated = _campaign(session, "set-up-2018", created=datetime(2018, 5, 1))
    assert [c.name for c in waves(session, "stats_test")] == ["spring-2017", "autumn-2017", "set-up-2018"]
    assert [c.name for c in waves(session, "stats_test", until=date(2017, 12, 31))] == ["spring-2017",
                                                                                        "autumn-2017"]
    labels = wave_labels([earlier, later, undated], now=datetime(2026, 1, 1))
    assert [labels[c.id] for c in (earlier, later, undated)] == ["Feb 2017", "Oct 2017", "May 2018 (still open)"]
    assert date_words(earlier) == "1 Feb 2017 to 1 Mar 2017"
    assert date_words(undated) == "no dates set (set up 1 May 2018)"


def test_two_waves_in_one_month_are_told_apart_by_title(world, session):
    a = _campaign(session, "north-2017", datetime(2017, 2, 1), datetime(2017, 3, 1))
    b = _campaign(session, "south-2017", datetime(2017, 2, 15), datetime(2017, 3, 15))
    labels = wave_labels([a, b])
    assert (labels[a.id], labels[b.id]) == ("North-2017", "South-2017")


def test_a_comparison_takes_the_last_two_shown():
    assert compared([1, 2, None, 3, None], lambda f: f is not None) == (2, 3)
    assert compared([None, 1, None], lambda f: f is not None) is None


def test_head_counts_read_as_words():
    assert headcount(1).text == "fewer than 10" and headcount(1).sentence() == \
        "Fewer than 10 young people answered so far."
    assert headcount(0).sentence() == "Nobody has answered yet." and headcount(0).text == "nobody yet"
    assert headcount(1580).sentence() == "1,580 young people answered."
    total, parts = headcounts([300, 4, 0])
    assert [p.text for p in parts][1:] == ["fewer than 10", "nobody yet"]
    assert total.suppressed or parts[0].suppressed  # 304 - 300 would give the 4 back


def test_surveys_that_share_a_title_are_told_apart(session, published_surveys):
    from voice.surveys.titles import survey_titles

    titles = survey_titles(session)
    assert titles["esafety_year6"] != titles["esafety_year9"]
    assert titles["esafety_year6"].startswith("Staying safe online — ")
    assert titles["safe_feel_safe"] == "Do you feel safe?"  # a title nobody else uses is left alone


def test_display_title_prefers_who_the_survey_is_for():
    from types import SimpleNamespace

    from voice.surveys.titles import display_title

    year9 = SimpleNamespace(title={"en": "Staying safe online"}, audience_min_age=13, audience_max_age=14,
                            audience_who={"en": "Pupils in Year 9"})
    assert display_title(year9) == "Staying safe online — Pupils in Year 9"
    ages = SimpleNamespace(title={"en": "Staying safe online"}, audience_min_age=10, audience_max_age=11)
    assert display_title(ages) == "Staying safe online — ages 10 to 11"
    assert display_title(ages, shared=False) == "Staying safe online"
