"""Facilitator reviews override automatic codes; agreement arithmetic; flagged answers stay out of the workspace."""

from __future__ import annotations

import pytest

from tests.unit.workspace.conftest import BOARD, FACILITATOR, LEAD
from voice.analysis.review import (
    agreement, agreement_from, effective_themes, list_answers, review_answer, review_counts, set_decision, uncovered,
)
from voice.analysis.store import analyse_new_answers
from voice.security.access import AccessDenied

WORRY = "people being mean on snapchat and my phone getting hacked"


def test_effective_themes_apply_decisions_over_automatic_codes():
    auto = ["online_safety", "bullying"]
    assert effective_themes(auto, {}) == auto
    assert effective_themes(auto, {"bullying": "rejected"}) == ["online_safety"]
    assert effective_themes(auto, {"mental_health": "added", "online_safety": "accepted"}) == [
        "online_safety", "bullying", "mental_health"]


def test_precision_and_recall_arithmetic():
    pairs = [
        ({"a", "b"}, {"a"}),  # a: TP, b: FP
        ({"a"}, {"a", "c"}),  # a: TP, c: FN
        ({"b"}, {"b"}),  # b: TP
        (set(), {"c"}),  # c: FN
        ({"a"}, set()),  # a: FP
    ]
    rows = {r.theme_id: r for r in agreement_from(pairs, [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")])}
    assert (rows["a"].true_positives, rows["a"].false_positives, rows["a"].false_negatives) == (2, 1, 0)
    assert rows["a"].precision == pytest.approx(2 / 3) and rows["a"].recall == 1.0
    assert rows["b"].precision == 0.5 and rows["b"].recall == 1.0
    assert rows["c"].precision is None and rows["c"].recall == 0.0
    assert rows["d"].precision is None and rows["d"].recall is None
    assert rows["a"].f1 == pytest.approx(0.8)


def test_review_overrides_and_agreement_from_the_database(session, make):
    r1 = make.response({"esafety_worries": WORRY})
    r2 = make.response({"esafety_worries": "I worry about my mental health and anxiety"})
    analyse_new_answers(session)
    answers = {a.response_id: a for a in list_answers(session, FACILITATOR)}
    a1, a2 = answers[r1.id], answers[r2.id]
    assert "online_safety" in a1.auto_themes and not a1.reviewed

    # Keep online_safety, drop anything else, add cyberbullying.
    effective = review_answer(session, FACILITATOR, a1.answer_id, ["online_safety", "cyberbullying"])
    assert effective[0] == "online_safety" and "cyberbullying" in effective
    again = {a.response_id: a for a in list_answers(session, FACILITATOR)}[r1.id]
    assert again.reviewed and set(again.themes) == {"online_safety", "cyberbullying"}
    assert again.decisions["cyberbullying"] == "added" and again.decisions["online_safety"] == "accepted"

    set_decision(session, FACILITATOR, a2.answer_id, a2.auto_themes[0], "rejected")
    rows = {r.theme_id: r for r in agreement(session, FACILITATOR)}
    assert rows["cyberbullying"].false_negatives == 1 and rows["cyberbullying"].recall == 0.0
    assert rows["online_safety"].true_positives >= 1
    assert rows[a2.auto_themes[0]].false_positives >= 1
    assert review_counts(session, FACILITATOR) == {"answers": 2, "reviewed": 2, "to_review": 0}

    # Filters: by effective theme and by reviewed state.
    assert [a.answer_id for a in list_answers(session, FACILITATOR, theme_id="cyberbullying")] == [a1.answer_id]
    assert list_answers(session, FACILITATOR, reviewed=False) == []


def test_unknown_theme_and_wrong_role_are_refused(session, make):
    make.response({"esafety_worries": WORRY})
    analyse_new_answers(session)
    answer = list_answers(session, FACILITATOR)[0]
    with pytest.raises(ValueError, match="no theme"):
        review_answer(session, FACILITATOR, answer.answer_id, ["not_a_theme"])
    for actor in (BOARD, LEAD):
        with pytest.raises(AccessDenied):
            list_answers(session, actor)
        with pytest.raises(AccessDenied):
            review_answer(session, actor, answer.answer_id, [])


def test_flagged_answers_never_reach_the_workspace(session, make):
    make.response({"esafety_worries": "my stepdad hits me and I am scared to go home"})
    make.response({"esafety_worries": WORRY})
    analyse_new_answers(session)
    texts = [a.text for a in list_answers(session, FACILITATOR)]
    assert texts == [WORRY]
    assert all("stepdad" not in term for term, _ in uncovered(session, FACILITATOR))


def test_uncovered_terms_come_from_answers_no_theme_covers(session, make):
    for _ in range(3):
        make.response({"esafety_worries": "climate change scares everyone"})
    analyse_new_answers(session)
    terms = dict(uncovered(session, FACILITATOR))
    assert terms.get("climate") == 3 and terms.get("climate change") == 3
