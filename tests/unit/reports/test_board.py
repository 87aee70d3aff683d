"""The board overview's arithmetic against hand-made data (see conftest.py), roles, periods, empty campaigns."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from voice.evidence.errors import EvidenceNotFound
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
    assert threatened.change is None
    assert threatened.change_text == "No change shown: fewer than 10 answers in Feb 2017"
    assert chat.change_text == "↓ down 7.8 percentage points, Feb 2016 to Feb 2017 (better)"


def test_themes_count_young_people_with_reviews_applied_and_flagged_answers_left_out(partnership, session):
    o = board_overview(session, BOARD)
    assert o.commenters == 40  # the 41st comment is held for the safeguarding leads
    themes = {t.theme_id: t for t in o.themes}
    online = themes["online_safety"]
    assert (online.young_people, online.base, online.percent) == (25, 40, 62.5)
    # 0 positive of 25 comments would say "none of them" about a small group: hidden, and so is negative (10),
    # which would give it back; 15 neutral (60.0%) stays.
    assert [(s.label, s.percent) for s in online.sentiment] == [("negative", None), ("neutral", 60.0),
                                                                ("positive", None)]
    bullying = themes["bullying"]  # 13 coded, one rejected by a facilitator
    assert (bullying.young_people, bullying.percent) == (12, 30.0)
    # 8 and 4 are small, and 0 neutral of 12 comments would say "none of them": all three hidden.
    assert [s.suppressed for s in bullying.sentiment] == [True, True, True]
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
    with pytest.raises(EvidenceNotFound, match=r"no plan period '2019/20'.*Periods: 2020/21"):
        board_overview(session, BOARD, "2019/20")


def test_a_period_with_only_an_empty_campaign_explains_itself(session):
    from tests.unit.stats.helpers import publish_test_survey

    publish_test_survey(session)
    session.add(PlanPeriod(id="2021/22", title="Next year", starts=date(2021, 4, 1), ends=date(2022, 3, 31),
                           is_current=True))
    session.flush()
    empty = board_overview(session, BOARD)
    assert "No survey wave had opened" in empty.empty_explanation
    session.add(Campaign(name="wave-2021", survey_id="stats_test", title="E-safety 2021",
                         opens_at=datetime(2021, 5, 1)))
    session.flush()
    o = board_overview(session, BOARD)
    assert "no young person's answers are in the figures yet" in o.empty_explanation
    assert o.campaigns[0].respondents_text == "nobody yet" and o.themes == []


def test_a_small_campaign_is_hidden_and_so_is_the_total_that_would_give_it_back(partnership, session):
    from voice.responses.bulk import ResponseRecord, insert_responses

    small = partnership.campaign("wave-2018", 2018)
    insert_responses(session, partnership.version, small,
                     [ResponseRecord(submitted_at=datetime(2018, 3, 1), group_id=None,
                                     answers={"uses_webcam": "yes"})] * 4)
    session.commit()
    o = board_overview(session, BOARD)
    shown = {c.name: c.respondents_text for c in o.campaigns}
    assert shown["wave-2018"] == SUPPRESSED_TEXT
    # 304 total minus 200 minus 100 would give 4 back: another figure is hidden with it.
    hidden = [name for name, text in shown.items() if text == SUPPRESSED_TEXT]
    assert len(hidden) >= 2 or o.respondents_text == SUPPRESSED_TEXT


def test_an_always_open_link_is_never_the_latest_wave(partnership, session):
    """The bug the board saw: a handful of test answers through a survey's always-open link were read as the
    latest wave, so every measure read "fewer than 10" and no change was shown."""
    from voice.responses.bulk import ResponseRecord, insert_responses

    always = Campaign(name="board_test-open", survey_id="board_test", title="Always open", is_default=True)
    session.add(always)
    session.flush()
    insert_responses(session, partnership.version, always,
                     [ResponseRecord(submitted_at=datetime(2020, 6, 1), group_id=None,
                                     answers={"uses_webcam": "yes"})] * 3)
    session.commit()
    o = board_overview(session, BOARD)
    assert [c.name for c in o.campaigns] == ["wave-2016", "wave-2017"]
    webcam = o.priority("voice_of_child").measures[0]
    assert [f.wave_text for f in webcam.figures] == ["Feb 2016: 70.0% of 200", "Feb 2017: 81.0% of 100"]
    assert webcam.change_text == "↑ up 11.0 percentage points, Feb 2016 to Feb 2017 (went up)"
    headline = o.priority("voice_of_child").questions[0]
    assert (headline.campaign, headline.wave) == ("wave-2017", "Feb 2017")
    assert o.respondents == 300
    # Counted apart, in words: the link is always open, so its answers are released in steps of 10.
    assert o.always_open_note is None
    insert_responses(session, partnership.version, always,
                     [ResponseRecord(submitted_at=datetime(2020, 6, 2), group_id=None,
                                     answers={"uses_webcam": "no"})] * 9)
    session.commit()
    o = board_overview(session, BOARD)
    assert o.always_open_note.startswith("12 young people answered through the surveys' always-open links")
    assert o.respondents == 300 and [c.name for c in o.campaigns] == ["wave-2016", "wave-2017"]


def test_quotes_follow_their_links(partnership, session):
    from voice.models import Quote

    session.add(Quote(survey_id="board_test", text="Only about mental health", attribution="(YPAG)",
                      status="approved", priority_ids=["mental_health"], theme_ids=["online_safety"],
                      approved_at=datetime(2021, 2, 1)))
    session.commit()
    o = board_overview(session, BOARD)
    # Shares the online safety theme with Voice of the Child, but was approved for Mental Health only.
    assert "Only about mental health" not in [q.text for q in o.priority("voice_of_child").quotes]
    assert [q.text for q in o.priority("mental_health").quotes] == ["Only about mental health"]


def test_an_open_waves_figures_move_only_in_steps_of_ten(partnership, session):
    """Refreshing after each new answer must not reveal it: the figures (and head counts) of an open wave change
    only once 10 more answers have come in."""
    from voice.responses.bulk import ResponseRecord, insert_responses

    wave = Campaign(name="wave-2021", survey_id="board_test", title="E-safety 2021", opens_at=datetime(2021, 2, 1))
    session.add(wave)
    session.flush()

    def add(n, answer):
        insert_responses(session, partnership.version, wave,
                         [ResponseRecord(submitted_at=datetime(2021, 2, 2), group_id=None, answers=answer)] * n)
        session.commit()

    def seen():
        o = board_overview(session, BOARD)
        summary = next(c for c in o.campaigns if c.name == "wave-2021")
        webcam = o.priority("voice_of_child").measures[0]
        return summary.respondents_text, webcam.figures[-1].wave_text, o.respondents_text

    add(60, {"uses_webcam": "yes"})
    first = seen()
    assert first == ("60", "Feb 2021 (still open): 100.0% of 60", "360")
    add(1, {"uses_webcam": "no"})  # the 61st young person
    assert seen() == first
    add(8, {"uses_webcam": "no"})
    assert seen() == first  # 9 waiting: still nothing changes
    add(1, {"uses_webcam": "no"})
    assert seen() == ("70", "Feb 2021 (still open): 85.7% of 70", "370")
