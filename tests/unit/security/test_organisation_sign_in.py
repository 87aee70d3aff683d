"""Organisation (OIDC) identities: roles from a claim through the role map, or from the local account by
e-mail; a disabled local account is refused; an identity with no role gets nothing and is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from voice.models import AuditEvent
from voice.security import accounts
from voice.security.access import SYSTEM, Actor
from voice.security.accounts import roles_from_claims, sign_in_external
from voice.security.audit import fingerprint
from voice.security.roles import BOARD, FACILITATOR, SAFEGUARDING

T0 = datetime(2026, 3, 2, 9, 0, 0)
ROLE_MAP = (("voice-dsl", SAFEGUARDING), ("3f2a9c1e-group", FACILITATOR), ("3f2a9c1e-group", BOARD),
            ("voice-dsl", "superuser"))


def _failures(session):
    return [(e.target_id, e.detail) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sign_in_failed").order_by(AuditEvent.id))]


def test_claim_values_map_to_roles_and_nothing_else():
    claims = {"groups": ["voice-dsl", "3f2a9c1e-group", "unrelated"], "roles": "facilitator"}
    assert roles_from_claims(claims, "groups", ROLE_MAP) == {SAFEGUARDING, FACILITATOR, BOARD}  # no "superuser"
    assert roles_from_claims(claims, "roles", ()) == {FACILITATOR}  # app role names used as they are
    assert roles_from_claims(claims, "roles", ROLE_MAP) == frozenset()  # with a map, only the map counts
    assert roles_from_claims({}, "groups", ROLE_MAP) == frozenset()
    assert roles_from_claims({"groups": 7}, "groups", ROLE_MAP) == frozenset()


def test_roles_from_a_claim_need_no_local_account(session):
    actor = sign_in_external(session, "Dee@Council.example", T0, claims={"groups": ["voice-dsl"]},
                             roles_claim="groups", role_map=ROLE_MAP)
    assert actor == Actor("dee@council.example", frozenset({SAFEGUARDING}))
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).one()
    assert event.detail == {"method": "organisation", "roles_from": "claim"}


def test_without_a_claim_setting_roles_come_from_the_local_account_by_email(session):
    accounts.create_user(session, SYSTEM, "kim", [BOARD], None, email="kim@council.example")
    assert sign_in_external(session, "kim@council.example", T0, claims={"groups": ["voice-dsl"]}) == \
        Actor("kim", frozenset({BOARD}))  # the claim is ignored unless VOICE_OIDC_ROLES_CLAIM names it


def test_a_disabled_local_account_is_refused_whatever_the_claims_say(session):
    accounts.create_user(session, SYSTEM, "gus", [FACILITATOR], None, email="gus@council.example")
    accounts.deactivate_user(session, SYSTEM, "gus")
    assert sign_in_external(session, "gus@council.example", T0, claims={"groups": ["voice-dsl"]},
                            roles_claim="groups", role_map=ROLE_MAP) is None
    assert sign_in_external(session, "gus@council.example", T0) is None
    assert _failures(session) == [("gus", {"method": "organisation", "reason": "disabled"})] * 2


def test_an_identity_without_a_role_gets_nothing_and_a_keyed_audit_entry(session):
    assert sign_in_external(session, "sam@elsewhere.example", T0, claims={"groups": ["other"]},
                            roles_claim="groups", role_map=ROLE_MAP) is None
    assert sign_in_external(session, "sam@elsewhere.example", T0) is None
    assert sign_in_external(session, "", T0) is None
    key = "external:" + fingerprint("sam@elsewhere.example")
    assert _failures(session)[:2] == [(key, {"method": "organisation", "reason": "unknown"})] * 2
    assert "sam" not in " ".join(t for t, _ in _failures(session))
