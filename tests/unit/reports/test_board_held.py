"""The board's comment figures leave out every comment of a response held for the safeguarding leads."""

from __future__ import annotations

from sqlalchemy import select

from voice.models import Answer, SafeguardingItem
from voice.reports.board import board_overview
from voice.security.access import Actor

BOARD = Actor("bea", frozenset({"board_member"}))


def test_a_held_response_leaves_the_board_figures_until_a_lead_closes_it(partnership, session):
    assert board_overview(session, BOARD).commenters == 40
    answer = session.scalars(select(Answer).where(Answer.text == "comment 0")).one()
    item = SafeguardingItem(response_id=answer.response_id, survey_id="board_test", status="new", history=[])
    session.add(item)
    session.flush()
    assert board_overview(session, BOARD).commenters == 39  # its words are the leads' for now
    item.status = "action_taken"
    session.flush()
    assert board_overview(session, BOARD).commenters == 40
