"""Quotes: consent, redaction log, attribution rules, approval, and approved_quotes as the only way out."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.unit.workspace.conftest import BOARD, FACILITATOR
from voice.analysis.store import analyse_new_answers
from voice.evidence.quotes import (
    QuoteRefused, approve_quote, approved_quotes, attribution_for, edit_quote_text, list_quotes, make_quote,
)
from voice.models import Answer, AuditEvent
from voice.security.access import AccessDenied

TEXT = "At Demo Hill Academy we need more lessons about staying safe online"


def answer_of(session, response, question="esafety_help") -> Answer:
    return session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                Answer.question_id == question)).one()


def test_quotes_are_refused_without_consent(session, make):
    said_no = make.response({"esafety_help": TEXT}, consent="no")
    no_answer = make.response({"esafety_help": TEXT})
    analyse_new_answers(session)
    for response in (said_no, no_answer):
        with pytest.raises(QuoteRefused, match="did not say yes"):
            make_quote(session, FACILITATOR, answer_of(session, response).id)
    assert list_quotes(session, FACILITATOR) == []


def test_quotes_are_refused_for_flagged_answers_and_other_roles(session, make):
    flagged = make.response({"esafety_help": "my stepdad hits me and I am scared to go home"}, consent="yes")
    fine = make.response({"esafety_help": TEXT}, consent="yes")
    analyse_new_answers(session)
    with pytest.raises(QuoteRefused, match="not available"):
        make_quote(session, FACILITATOR, answer_of(session, flagged).id)
    with pytest.raises(AccessDenied):
        make_quote(session, BOARD, answer_of(session, fine).id)


def test_redaction_is_automatic_and_logged_without_the_words_removed(session, make):
    group = make.group("HILL01", "Demo Hill Academy")
    response = make.response({"esafety_help": TEXT}, consent="yes", group=group)
    analyse_new_answers(session)
    quote = make_quote(session, FACILITATOR, answer_of(session, response).id)
    assert "Demo Hill" not in quote.text and quote.status == "draft"
    place = [c for c in quote.redactions if c["kind"] == "school"]
    assert place and place[0]["original_length"] >= len("Demo Hill Academy") and place[0]["by"] == "auto"
    assert "Demo Hill" not in str(quote.redactions)
    assert "online_safety" in quote.theme_ids and quote.priority_ids  # from the answer's themes

    edited = edit_quote_text(session, FACILITATOR, quote.id, "We need more lessons about staying safe online")
    assert edited.text.startswith("We need") and edited.redactions[-1]["kind"] == "manual_edit"
    assert edited.redactions[-1]["by"] == "fran"


def test_attribution_is_group_level_and_small_groups_get_no_school(session, make):
    school = make.group("HILL01", "Demo Hill Academy")
    ypag = make.group("YPAG", "Young People's Advisory Group", type="ypag")
    wave = make.campaign("esafety_year9", "esafety-2016", opens_at=datetime(2016, 1, 10))
    small = make.response({"esafety_help": TEXT}, group=school, campaign=wave, extra={"year_group": "year_9"})
    assert attribution_for(session, small) == "Young person, Year 9, Staying safe online 2016"
    for _ in range(9):  # now ten respondents from that school in that wave
        make.response({"esafety_help": "x"}, group=school, campaign=wave)
    assert attribution_for(session, small) == "Young person, Year 9, Demo Hill Academy, Staying safe online 2016"
    yp = make.response({"what_helped": "talking to friends"}, survey_id="ypag_wellbeing", group=ypag)
    assert attribution_for(session, yp) == "(YPAG)"


def test_only_approved_quotes_come_out(session, make):
    r1 = make.response({"esafety_help": "more lessons about staying safe online"}, consent="yes")
    r2 = make.response({"esafety_help": "teachers should talk about apps more"}, consent="yes")
    analyse_new_answers(session)
    q1 = make_quote(session, FACILITATOR, answer_of(session, r1).id)
    q2 = make_quote(session, FACILITATOR, answer_of(session, r2).id)
    assert approved_quotes(session) == []
    approve_quote(session, FACILITATOR, q1.id)
    out = approved_quotes(session)
    assert [q.id for q in out] == [q1.id]
    assert approved_quotes(session, theme_id="online_safety")[0].id == q1.id
    assert approved_quotes(session, priority_id=q1.priority_ids[0])[0].id == q1.id
    assert approved_quotes(session, theme_id="not_a_theme") == []
    with pytest.raises(QuoteRefused, match="approved"):
        edit_quote_text(session, FACILITATOR, q1.id, "changed")
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("quote_created") == 2 and "quote_approved" in actions
    assert q2.id not in [q.id for q in out]
