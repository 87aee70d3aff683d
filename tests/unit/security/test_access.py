"""require(): the server-side check every protected service makes."""

from dataclasses import FrozenInstanceError

import pytest

from voice.security.access import ANONYMOUS, SYSTEM, AccessDenied, Actor, require
from voice.security.roles import ADMIN, BOARD, FACILITATOR, ROLES, SAFEGUARDING


def test_a_role_in_the_list_passes_and_the_actor_comes_back():
    lead = Actor("dsl", frozenset({SAFEGUARDING}))
    assert require(lead, SAFEGUARDING) is lead
    assert require(Actor("both", frozenset({BOARD, FACILITATOR})), FACILITATOR, SAFEGUARDING).username == "both"


@pytest.mark.parametrize("role", [r for r in ROLES if r != SAFEGUARDING])
def test_only_safeguarding_leads_pass_a_safeguarding_check(role):
    with pytest.raises(AccessDenied) as caught:
        require(Actor("x", frozenset({role})), SAFEGUARDING)
    assert str(caught.value) == "Not found or not allowed."


def test_a_young_person_passes_no_check_at_all():
    for role in ROLES:
        with pytest.raises(AccessDenied):
            require(ANONYMOUS, role)
    with pytest.raises(AccessDenied):
        require(ANONYMOUS)  # "any staff role"


def test_no_roles_given_means_any_member_of_staff():
    assert require(Actor("b", frozenset({BOARD})))


def test_the_cli_system_actor_holds_every_role():
    for role in ROLES:
        require(SYSTEM, role)


def test_a_misspelt_role_is_a_programming_error_not_a_silent_refusal():
    with pytest.raises(ValueError, match="safeguarding"):
        require(Actor("a", frozenset({ADMIN})), "safeguarding")


def test_actor_is_immutable_and_hashable():
    actor = Actor("a", frozenset({ADMIN}))
    with pytest.raises(FrozenInstanceError):
        actor.username = "b"  # type: ignore[misc]
    assert {actor: 1}[Actor("a", frozenset({ADMIN}))] == 1
