"""Held means held: until a lead closes the item, no free text of the response reaches anyone but leads.
One rule (voice.safeguarding.held), checked here in every place that shows or sends young people's words."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import select

from tests.unit.safeguarding.conftest import FACILITATOR, LEAD, WEBCAM_THREAT
from voice.analysis.review import list_answers, review_answer, review_counts
from voice.analysis.safeguarding import mark_reviewed, record_outcome
from voice.analysis.store import analyse_new_answers
from voice.models import Answer, SafeguardingItem
from voice.safeguarding.held import held_responses
from voice.security.access import SYSTEM, Actor

HARMLESS = "we need more lessons about staying safe online at school"
DISCLOSURE = "my stepdad hits me and I am scared to go home"


@pytest.fixture
def held(session, make):
    """A response with a marked closed answer and harmless words (held whole), and one with nothing (free)."""
    held = make.response({"esafety_help": HARMLESS}, consent="yes", extra=WEBCAM_THREAT)
    free = make.response({"esafety_help": "more posters about who to tell"}, consent="yes")
    analyse_new_answers(session)
    item = session.scalars(select(SafeguardingItem)).one()
    assert item.response_id == held.id
    return held, free, item


def _answer(session, response, question="esafety_help") -> Answer:
    return session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                Answer.question_id == question)).one()


def _close(session, item, release=False):
    mark_reviewed(session, LEAD, item.id)
    if release:
        record_outcome(session, LEAD, item.id, "no_action", note="not a concern", release=True)
    else:
        record_outcome(session, LEAD, item.id, "action_taken", note="Talked to the school")


def test_the_rule_itself_names_responses_with_an_open_item(session, held):
    response, free, item = held
    assert set(session.scalars(held_responses())) == {response.id}
    _close(session, item)
    assert set(session.scalars(held_responses())) == set()


def test_workspace(session, held):
    response, free, item = held
    assert [a.text for a in list_answers(session, FACILITATOR)] == ["more posters about who to tell"]
    assert review_counts(session, FACILITATOR)["answers"] == 1
    with pytest.raises(LookupError):
        review_answer(session, FACILITATOR, _answer(session, response).id, ["online_safety"])
    _close(session, item)
    assert HARMLESS in [a.text for a in list_answers(session, FACILITATOR)]


def test_quotes_cannot_be_made_and_approved_ones_step_back(session, make):
    from voice.evidence.quotes import (
        QuoteRefused, approve_quote, approved_quotes, consenting_answers, list_quotes, make_quote,
    )
    from voice.safeguarding.records import NewIndicator, raise_indicators

    response = make.response({"esafety_help": HARMLESS}, consent="yes")
    analyse_new_answers(session)
    quote = make_quote(session, FACILITATOR, _answer(session, response).id)
    approve_quote(session, FACILITATOR, quote.id)
    assert [q.id for q in approved_quotes(session)] == [quote.id]
    # Later, something in the same response raises an item (a survey marks a question, a new lexicon …).
    answer = Answer(response_id=response.id, question_id="sent_self_image", option_id="yes")
    session.add(answer)
    session.flush()
    raise_indicators(session, [NewIndicator(response.id, answer.id, "closed", ("sexual_abuse",))])
    assert approved_quotes(session) == [] and list_quotes(session, FACILITATOR) == []
    assert consenting_answers(session, FACILITATOR) == []
    with pytest.raises(QuoteRefused, match="not available"):
        make_quote(session, FACILITATOR, _answer(session, response).id)


def test_priority_evidence_and_you_said_we_did_leave_held_quotes_out(session, make):
    from voice.config import get_settings
    from voice.evidence import priorities as plan
    from voice.evidence.priority_evidence import priority_evidence
    from voice.evidence.quotes import approve_quote, make_quote
    from voice.evidence.you_said_we_did import create_item, list_items
    from voice.safeguarding.records import NewIndicator, raise_indicators

    plan.seed_default_plan(session, SYSTEM, get_settings().definitions_dir)
    priority = next(p for p in plan.priorities_of(session) if p.key == "voice_of_child")
    response = make.response({"esafety_help": HARMLESS}, consent="yes")
    analyse_new_answers(session)
    quote = make_quote(session, FACILITATOR, _answer(session, response).id, priority_ids=["voice_of_child"])
    approve_quote(session, FACILITATOR, quote.id)
    create_item(session, FACILITATOR, you_said="You said lessons help.", raised_at=date(2021, 1, 5),
                quote_ids=[quote.id], priority_ids=["voice_of_child"])
    assert [q.id for q in priority_evidence(session, priority.id).quotes] == [quote.id]
    assert [q.id for q in list_items(session)[0].quotes] == [quote.id]
    answer = Answer(response_id=response.id, question_id="sent_self_image", option_id="yes")
    session.add(answer)
    session.flush()
    raise_indicators(session, [NewIndicator(response.id, answer.id, "closed", ("sexual_abuse",))])
    assert priority_evidence(session, priority.id).quotes == []
    assert list_items(session)[0].quotes == ()


def test_erase_page_preview_shows_no_held_text_and_says_a_lead_must_close_it(session, held):
    from voice.responses.retention import preview_erasure

    response, free, item = held
    facilitator = preview_erasure(session, FACILITATOR, response.receipt_code)
    assert facilitator.held_by == item.id and facilitator.texts == () and facilitator.texts_held_back == 1
    lead = preview_erasure(session, LEAD, response.receipt_code)
    assert lead.texts == (("esafety_help", HARMLESS),)
    _close(session, item)
    assert preview_erasure(session, FACILITATOR, response.receipt_code).texts == (("esafety_help", HARMLESS),)


def test_a_closed_but_unreleased_flag_stays_out_of_the_erase_preview(session, make):
    from voice.responses.retention import preview_erasure

    response = make.response({"esafety_worries": DISCLOSURE, "esafety_help": HARMLESS})
    analyse_new_answers(session)
    _close(session, session.scalars(select(SafeguardingItem)).one())
    preview = preview_erasure(session, FACILITATOR, response.receipt_code)
    assert preview.held_by is None and preview.texts == (("esafety_help", HARMLESS),)
    assert preview.texts_held_back == 1


def test_exports_leave_held_text_blank_and_say_so(session, held, tmp_path):
    from voice.responses.exporter import export_responses

    response, free, item = held
    out = tmp_path / "y9.csv"
    report = export_responses(session, "esafety_year9", out)
    rows = {r["response_id"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows[str(response.id)]["esafety_help"] == ""
    assert rows[str(response.id)]["threatened_on_webcam"] == "yes"  # figures are not words: kept
    assert rows[str(free.id)]["esafety_help"] == "more posters about who to tell"
    assert (report.held_back_answers, report.held_back_responses) == (1, 1)
    assert "Held back 1 free-text answer(s) of 1 response(s)" in str(report)
    _close(session, item)
    export_responses(session, "esafety_year9", out)
    rows = {r["response_id"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows[str(response.id)]["esafety_help"] == HARMLESS


def test_voice_export_responses_prints_what_it_held_back(session, held, tmp_path, monkeypatch, capsys,
                                                         database_url):
    from tests.unit.responses.test_data_cli import _run

    session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "export.csv"
    assert _run(["export-responses", "esafety_year9", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Held back 1 free-text answer(s) of 1 response(s)" in printed and "safeguarding" in printed
    assert HARMLESS not in out.read_text(encoding="utf-8-sig")


def test_a_released_item_frees_every_word_of_the_response(session, make):
    response = make.response({"esafety_worries": "this homework is killing me lol i want to die",
                              "esafety_help": HARMLESS})
    analyse_new_answers(session)
    item = session.scalars(select(SafeguardingItem)).one()
    assert list_answers(session, FACILITATOR) == []
    _close(session, item, release=True)
    assert len(list_answers(session, FACILITATOR)) == 2
    assert response.id in {a.response_id for a in list_answers(session, FACILITATOR)}


def test_nobody_but_a_lead_or_the_operator_reads_the_queue(session, held):
    from voice.analysis.safeguarding import list_queue
    from voice.security.access import AccessDenied

    for role in ("facilitator", "board_member", "admin"):
        with pytest.raises(AccessDenied):
            list_queue(session, Actor("x", frozenset({role})))
    assert list_queue(session, SYSTEM)
