"""Learning from decisions: outcomes and corrections kept as examples, scored, erased with their response."""

from __future__ import annotations

import argparse

import pytest
from sqlalchemy import func, select

from tests.unit.workspace.conftest import BOARD, FACILITATOR, LEAD, Maker
from voice.analysis.examples import (
    correct_sentiment, kept_examples, quality_figures, sentiment_corrections,
)
from voice.analysis.safeguarding import mark_reviewed, record_outcome
from voice.analysis.store import analyse_new_answers
from voice.analysis.store_cli import _evaluate, register
from voice.models import AnalysisExample, AuditEvent, SafeguardingItem
from voice.security.access import AccessDenied, SYSTEM
from voice.responses.retention import erase_response

WORRY = "my uncle hits me with his belt when i get bad marks"
JOKE = "this survey is killing me lol"
PLAIN = "more clubs after school please"


@pytest.fixture
def make(session, published_surveys) -> Maker:
    return Maker(session)


def _item_for(session, response) -> SafeguardingItem:
    return session.scalars(select(SafeguardingItem).where(SafeguardingItem.response_id == response.id)).one()


def _close(session, item, outcome, release=False):
    mark_reviewed(session, LEAD, item.id)
    record_outcome(session, LEAD, item.id, outcome, note="spoke to the school DSL" if outcome == "action_taken" else "",
                   release=release)


def test_outcomes_become_concern_examples(session, make):
    acted = make.response({"esafety_worries": WORRY})
    false_alarm = make.response(
        {"esafety_worries": "my mum would kill me if i got a detention but i want to run away lol"})
    unsure = make.response({"esafety_worries": "someone on roblox keeps asking where i live"})
    analyse_new_answers(session)
    _close(session, _item_for(session, acted), "action_taken")
    _close(session, _item_for(session, false_alarm), "no_action", release=True)
    _close(session, _item_for(session, unsure), "no_action")  # not released: the lead did not say "not a concern"
    rows = {e.answer_id: e for e in session.scalars(select(AnalysisExample))}
    assert rows[acted.answers[0].id].concern is True
    assert "abuse_at_home" in rows[acted.answers[0].id].categories
    assert rows[false_alarm.answers[0].id].concern is False
    assert unsure.answers[0].id not in rows
    examples = kept_examples(session, LEAD)["concerns"]
    assert sorted(e.concern for e in examples) == [False, True]


def test_a_facilitator_corrects_sentiment_and_it_is_audited(session, make):
    response = make.response({"esafety_worries": JOKE})
    analyse_new_answers(session)
    answer_id = response.answers[0].id
    correct_sentiment(session, FACILITATOR, answer_id, "neutral")
    correct_sentiment(session, FACILITATOR, answer_id, "negative")  # the latest replaces the earlier one
    assert sentiment_corrections(session, FACILITATOR, [answer_id]) == {answer_id: "negative"}
    assert session.scalar(select(func.count()).select_from(AnalysisExample)) == 1
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "sentiment_corrected")).all()
    assert len(audit) == 2 and audit[-1].detail["label"] == "negative"
    with pytest.raises(ValueError, match="not a sentiment"):
        correct_sentiment(session, FACILITATOR, answer_id, "very sad")
    with pytest.raises(AccessDenied):
        correct_sentiment(session, BOARD, answer_id, "neutral")
    with pytest.raises(AccessDenied):
        correct_sentiment(session, LEAD, answer_id, "neutral")


def test_a_flagged_answer_held_for_leads_cannot_be_corrected_by_facilitators(session, make):
    response = make.response({"esafety_worries": WORRY})
    analyse_new_answers(session)
    with pytest.raises(LookupError):
        correct_sentiment(session, FACILITATOR, response.answers[0].id, "negative")


def test_quality_figures_leads_see_concerns_facilitators_do_not(session, make):
    acted = make.response({"esafety_worries": WORRY})
    plain = make.response({"esafety_worries": PLAIN})
    analyse_new_answers(session)
    _close(session, _item_for(session, acted), "action_taken")
    correct_sentiment(session, FACILITATOR, plain.answers[0].id, "neutral")
    lead = quality_figures(session, LEAD)
    assert lead.concerns is not None and (lead.concerns.concern_n, lead.concerns.tp) == (1, 1)
    facilitator = quality_figures(session, FACILITATOR)
    assert facilitator.concerns is None
    assert (facilitator.sentiment.sentiment_n, facilitator.sentiment.sentiment_right) == (1, 1)
    with pytest.raises(AccessDenied):
        quality_figures(session, BOARD)
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "analysis_quality_viewed")) == 2


def test_erasing_a_response_removes_its_examples(session, make):
    acted = make.response({"esafety_worries": WORRY})
    plain = make.response({"esafety_worries": PLAIN})
    analyse_new_answers(session)
    _close(session, _item_for(session, acted), "action_taken")
    correct_sentiment(session, FACILITATOR, plain.answers[0].id, "neutral")
    assert session.scalar(select(func.count()).select_from(AnalysisExample)) == 2
    erase_response(session, FACILITATOR, acted.receipt_code)
    erase_response(session, FACILITATOR, plain.receipt_code)
    session.flush()
    assert session.scalar(select(func.count()).select_from(AnalysisExample)) == 0
    assert kept_examples(session, LEAD) == {"concerns": [], "sentiment": [], "themes": []}


def test_voice_analyse_evaluate_prints_figures_and_no_text(session, make, engine, capsys):
    acted = make.response({"esafety_worries": WORRY})
    analyse_new_answers(session)
    _close(session, _item_for(session, acted), "action_taken")
    session.commit()
    parser = argparse.ArgumentParser(prog="voice")
    register(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["analyse", "--evaluate"]).evaluate is True
    assert _evaluate(engine) == 0
    out = capsys.readouterr().out
    assert "Leads' outcomes" in out and "recall 1.000" in out
    assert "no examples kept yet" in out  # sentiment: none kept
    assert WORRY not in out and "belt" not in out


def test_system_actor_sees_every_section(session, make):
    make.response({"esafety_worries": PLAIN})
    analyse_new_answers(session)
    assert quality_figures(session, SYSTEM).concerns is not None
