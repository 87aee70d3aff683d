"""Loading the partnership's plan from its file: the seed, broken files, and never rewriting a year."""

from __future__ import annotations

import pytest

from voice.evidence import priorities
from voice.evidence.errors import EvidenceRefused
from voice.evidence.plan_file import PlanFileError, parse_plan
from voice.models import PlanPeriod, Priority
from voice.security.access import Actor, SYSTEM

from .conftest import DEFINITIONS

KEYS = ["statutory", "voice_of_child", "mental_health", "communications", "domestic_abuse"]

SMALL = """\
period:
  id: "2021/22"
  title: Plan 2021/22
  starts: 2021-04-01
  ends: 2022-03-31
  current: false
priorities:
  - key: mental_health
    title: Mental Health
    owner: Designated nurse
    outcomes:
      - Support is joined up.
    actions:
      - what: Run a joint review.
        who: Health
"""


def test_the_2020_21_plan_has_the_five_priorities_with_their_outcomes(session, plan):
    rows = priorities.priorities_of(session, "2020/21")
    assert [p.key for p in rows] == KEYS
    voice = rows[1]
    assert voice.title == "Voice of the Child"
    assert any("online-safety messages reach children" in o for o in voice.outcomes)
    assert all(p.outcomes for p in rows)
    assert all(a.what for p in rows for a in p.actions)
    assert priorities.current_period(session).id == "2020/21"


def test_importing_the_same_file_again_changes_nothing(session, plan):
    report = priorities.import_plan_file(session, SYSTEM, DEFINITIONS / priorities.DEFAULT_PLAN_FILE)
    assert report.outcome == "unchanged"
    assert session.query(Priority).count() == len(KEYS)


def test_a_new_period_never_rewrites_an_old_one(session, plan):
    before = [(p.key, p.title, list(p.outcomes)) for p in priorities.priorities_of(session, "2020/21")]
    report = priorities.import_plan(session, SYSTEM, parse_plan(SMALL, "plan_2021-22.yaml"))
    assert report.outcome == "created" and report.priorities == 1
    after = [(p.key, p.title, list(p.outcomes)) for p in priorities.priorities_of(session, "2020/21")]
    assert after == before
    # The 2021/22 file did not say current, so 2020/21 stays the current plan.
    assert priorities.current_period(session).id == "2020/21"


def test_a_changed_period_is_refused_and_replace_only_works_without_evidence(session):
    priorities.import_plan(session, SYSTEM, parse_plan(SMALL, "a.yaml"))
    changed = SMALL.replace("Support is joined up.", "Support is joined up and quick.")
    with pytest.raises(EvidenceRefused, match="--replace"):
        priorities.import_plan(session, SYSTEM, parse_plan(changed, "a.yaml"))
    assert priorities.import_plan(session, SYSTEM, parse_plan(changed, "a.yaml"), replace=True).outcome == "replaced"
    assert priorities.find_priority(session, "mental_health", "2021/22").outcomes == ["Support is joined up and quick."]

    priority = priorities.find_priority(session, "mental_health", "2021/22")
    priorities.set_rag(session, Actor("fac1", frozenset({"facilitator"})), priority.id, "amber", "Review started late.")
    with pytest.raises(EvidenceRefused, match="1 RAG judgements"):
        priorities.import_plan(session, SYSTEM, parse_plan(SMALL, "a.yaml"), replace=True)
    assert session.get(PlanPeriod, "2021/22") is not None


def _problems(text: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(PlanFileError) as caught:
        parse_plan(text, "broken.yaml")
    assert all(p.file == "broken.yaml" for p in caught.value.problems)
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_a_broken_file_names_the_line_and_field_of_every_problem():
    broken = (SMALL.replace("starts: 2021-04-01", "starts: 1st April")
              .replace("      - what: Run a joint review.", "      - what: \"\"")
              .replace("    owner: Designated nurse", "    owner: Designated nurse\n    colour: blue"))
    problems = _problems(broken)
    assert (4, "period.starts", "'1st April' is not a date: write it as YYYY-MM-DD") in problems
    fields = {(line, name) for line, name, _ in problems}
    assert (11, "priorities[0].colour") in fields
    assert (15, "priorities[0].actions[0].what") in fields
    assert len(problems) == 3


def test_missing_fields_and_bad_keys_are_reported_at_their_mapping():
    text = SMALL.replace("  - key: mental_health\n    title: Mental Health\n", "  - key: Mental Health\n")
    problems = _problems(text)
    assert (8, "priorities[0].key") == problems[0][:2] and "lower case" in problems[0][2]
    assert (8, "priorities[0].title", "is missing") in problems


def test_a_measure_with_an_unknown_polarity_is_refused_with_its_line():
    text = SMALL + """\
    measures:
      - label: "% who felt unsafe online"
        survey: esafety_year6
        question: felt_unsafe_online
        options: ["yes"]
        polarity: up_is_good
"""
    problems = _problems(text)
    assert problems == [(21, "priorities[0].measures[0].polarity",
                         "must be one of high_is_good, low_is_good, no_polarity")]


def test_invalid_yaml_points_at_the_line():
    problems = _problems("period:\n  id: [unclosed\n")
    assert problems[0][0] is not None and "not valid YAML" in problems[0][2]


def test_priority_choices_are_the_plan_files_priorities_in_order(session, plan):
    """What the survey editor offers and checks against (no list of priority ids typed in the code)."""
    from voice.evidence.plan_file import load_plan_file

    spec = load_plan_file(DEFINITIONS / priorities.DEFAULT_PLAN_FILE)
    assert priorities.priority_choices(session) == {p.key: p.title for p in spec.priorities}


def test_priority_choices_are_empty_before_a_plan_is_loaded(session):
    assert priorities.priority_choices(session) == {}
