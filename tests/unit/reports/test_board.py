"""The board overview's arithmetic against hand-made data (see conftest.py), roles, periods, empty campaigns."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from voice.evidence.errors import NotFound
from voice.models import Campaign, PlanPeriod
from voice.reports.board import board_overview
from voice.security.access import ANONYMOUS, AccessDenied, Actor
from voice.stats import SUPPRESSED_TEXT

BOARD = Actor("bea", frozenset({"board_member"}))


def test_campaigns_and_who_was_consulted(partnership, session):
    o = board_overview(session, BOARD)
    assert o.period_id == "2020/21"
    assert [(c.name, c.respondents) for c in o.campaigns] == [("wave-2016", 200), ("wave-2017", 100)]
    assert o.respondents == 300 and o.respondents_text == "300"
    assert o.empty_explanation is None and not o.has_demo


def test_measures_read_polarity_and_hide_small_numbers(partnership, session):
    card = board_overview(session, BOARD).priority("voice_of_child")
    webcam, chat, threatened = card.measures
    assert [f.text for f in webcam.figures] == ["70.0% of 200", "81.0% of 100"]
    assert webcam.change.points == 11.0 and webcam.verdict == "went up" and webcam.arrow == "↑"
    assert [(f.count, f.base, f.percent) for f in chat.figures] == [(30, 140, 21.4), (11, 81, 13.6)]
    assert chat.change.points == -7.8 and chat.verdict == "better" and chat.arrow == "↓"
    # 2 of 11 chatters threatened in 2017: hidden, so no change is shown either.
    assert threatened.figures[0].text == "40.0% of 30"
    assert threatened.figures[1].suppressed and threatened.figures[1].text == SUPPRESSED_TEXT
    assert threatened.change.points is None and "fewer than 10" in threatened.change_text


def test_themes_count_young_people_with_reviews_applied_and_flagged_answers_left_out(partnership, session):
    o = board_overview(session, BOARD)
    assert o.commenters == 40  # the 41st comment is held for the safeguarding leads
    themes = {t.theme_id: t for t in o.themes}
    online = themes["online_safety"]
    assert (online.young_people, online.base, online.percent) == (25, 40, 62.5)
    assert [(s.label, s.percent) for s in online.sentiment] == [("negative", 40.0), ("neutral", 60.0),
                                                                ("positive", 0.0)]
    bullying = themes["bullying"]  # 13 coded, one rejected by a facilitator
    assert (bullying.young_people, bullying.percent) == (12, 30.0)
    assert [s.suppressed for s in bullying.sentiment] == [True, False, True]  # 8 and 4 hidden, 0 shown
    mental = themes["mental_health"]  # 2 coded + 3 added = 5: hidden
    assert mental.suppressed and mental.young_people is None and mental.text == SUPPRESSED_TEXT
    voice = o.priority("voice_of_child")
    assert [t.theme_id for t in voice.themes] == ["online_safety", "bullying"]


def test_headline_figures_carry_their_base(partnership, session):
    card = board_overview(session, BOARD).priority("voice_of_child")
    texts = [q.text for q in card.questions]
    assert texts[0] == "81.0% (81) of the 100 who answered said 'Yes'"
    assert texts[1].startswith("13.6% (11) of the 81 who answered 'Yes' to 'Do you use a webcam or camera phone?'")


def test_quotes_items_rag_and_monitoring(partnership, session):
    card = board_overview(session, BOARD).priority("voice_of_child")
    assert [q.text for q in card.quotes] == ["Approved words 3", "Approved words 2", "Approved words 1"]
    assert card.item_counts == {"planned": 1, "in_progress": 0, "done": 1, "not_possible": 0}
    assert card.rag.status == "amber"
    assert card.monitoring[0].startswith("RAG AMBER")
    assert any("You said reporting should be easier." in m and "200 days" in m for m in card.monitoring)
    assert not any("% who use a webcam" in m for m in card.monitoring)  # no polarity: never "worse"
    assert board_overview(session, BOARD).priority("mental_health").monitoring == []


def test_only_board_facilitators_and_admins_may_see_it(partnership, session):
    for actor in (ANONYMOUS, Actor("dee", frozenset({"safeguarding_lead"}))):
        with pytest.raises(AccessDenied):
            board_overview(session, actor)
    for role in ("facilitator", "admin"):
        assert board_overview(session, Actor("x", frozenset({role}))).priorities


def test_an_unknown_period_names_the_periods_there_are(partnership, session):
    with pytest.raises(NotFound, match=r"no plan period '2019/20'.*Periods: 2020/21"):
        board_overview(session, BOARD, "2019/20")


def test_a_period_with_only_an_empty_campaign_explains_itself(session):
    from tests.unit.stats.helpers import publish_test_survey

    publish_test_survey(session)
    session.add(PlanPeriod(id="2021/22", title="Next year", starts=date(2021, 4, 1), ends=date(2022, 3, 31),
                           is_current=True))
    session.flush()
    empty = board_overview(session, BOARD)
    assert "No survey campaign had opened" in empty.empty_explanation
    session.add(Campaign(name="wave-2021", survey_id="stats_test", title="E-safety 2021",
                         opens_at=datetime(2021, 5, 1)))
    session.flush()
    o = board_overview(session, BOARD)
    assert "no young person has sent in a survey yet" in o.empty_explanation
    assert o.campaigns[0].respondents_text == "nobody yet" and o.themes == []


def test_a_small_campaign_is_hidden_and_so_is_the_total_that_would_give_it_back(partnership, session):
    from voice.responses.bulk import ResponseRecord, insert_responses

    small = partnership.campaign("wave-2018", 2018)
    insert_responses(session, partnership.version, small,
                     [ResponseRecord(submitted_at=datetime(2018, 3, 1), group_id=None, answers={"uses_webcam": "yes"})] * 4)
    session.commit()
    o = board_overview(session, BOARD)
    shown = {c.name: c.respondents_text for c in o.campaigns}
    assert shown["wave-2018"] == SUPPRESSED_TEXT
    # 304 total minus 200 minus 100 would give 4 back: another figure is hidden with it.
    hidden = [name for name, text in shown.items() if text == SUPPRESSED_TEXT]
    assert len(hidden) >= 2 or o.respondents_text == SUPPRESSED_TEXT
