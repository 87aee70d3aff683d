"""Accounts: argon2id, roles, audit, back-off and lock-out with a fake clock, no user enumeration."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from voice.models import AuditEvent, User
from voice.security import accounts
from voice.security.access import SYSTEM, AccessDenied, Actor
from voice.security.accounts import SIGN_IN_FAILED, AccountProblem, SignInRefused, authenticate
from voice.security.roles import ADMIN, BOARD, FACILITATOR, SAFEGUARDING

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, 0)  # winter: UK time equals UTC


@pytest.fixture
def alice(session):
    accounts.create_user(session, SYSTEM, "Alice", [FACILITATOR, SAFEGUARDING], PASSWORD)
    session.commit()
    return "alice"


def _actions(session, target=None):
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if target:
        query = query.where(AuditEvent.target_id == target)
    return list(session.scalars(query))


def test_passwords_are_stored_as_argon2id_and_never_in_plain(session, alice):
    user = session.scalar(select(User).where(User.username == "alice"))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert sorted(user.roles) == [FACILITATOR, SAFEGUARDING]
    assert _actions(session) == ["user_created"]


def test_a_weak_password_is_refused_with_a_reason(session):
    with pytest.raises(AccountProblem, match="at least 12 characters"):
        accounts.create_user(session, SYSTEM, "bob", [BOARD], "short")
    with pytest.raises(AccountProblem, match="repeats"):
        accounts.create_user(session, SYSTEM, "bob", [BOARD], "aaaaaaaaaaaaaaa")
    assert session.scalar(select(User)) is None


def test_unknown_roles_duplicates_and_odd_names_are_refused(session, alice):
    with pytest.raises(AccountProblem, match="Unknown role"):
        accounts.create_user(session, SYSTEM, "bob", ["superuser"], PASSWORD)
    with pytest.raises(AccountProblem, match="at least one role"):
        accounts.create_user(session, SYSTEM, "bob", [], PASSWORD)
    with pytest.raises(AccountProblem, match="already an account"):
        accounts.create_user(session, SYSTEM, "ALICE", [BOARD], PASSWORD)
    with pytest.raises(AccountProblem, match="Usernames"):
        accounts.create_user(session, SYSTEM, "=cmd|' /C calc'!A0", [BOARD], PASSWORD)


def test_only_admins_manage_accounts(session, alice):
    facilitator = Actor("alice", frozenset({FACILITATOR, SAFEGUARDING}))
    for call in (lambda: accounts.create_user(session, facilitator, "eve", [ADMIN], PASSWORD),
                 lambda: accounts.set_roles(session, facilitator, "alice", [ADMIN]),
                 lambda: accounts.deactivate_user(session, facilitator, "alice"),
                 lambda: accounts.list_users(session, facilitator)):
        with pytest.raises(AccessDenied):
            call()


def test_changing_roles_and_disabling_are_audited_and_take_effect(session, alice):
    admin = Actor("root", frozenset({ADMIN}))
    accounts.set_roles(session, admin, "alice", [BOARD])
    assert accounts.current_actor(session, "alice") == Actor("alice", frozenset({BOARD}))
    accounts.deactivate_user(session, admin, "alice")
    assert accounts.current_actor(session, "alice") is None
    events = session.scalars(select(AuditEvent).where(AuditEvent.target_id == "alice").order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["user_created", "user_roles_changed", "user_disabled"]
    assert events[1].actor == "root"
    assert events[1].detail == {"before": [FACILITATOR, SAFEGUARDING], "after": [BOARD]}


def test_admins_cannot_lock_themselves_out(session):
    accounts.create_user(session, SYSTEM, "root", [ADMIN], PASSWORD)
    root = Actor("root", frozenset({ADMIN}))
    with pytest.raises(AccountProblem, match="own admin role"):
        accounts.set_roles(session, root, "root", [BOARD])
    with pytest.raises(AccountProblem, match="own account"):
        accounts.deactivate_user(session, root, "root")


def test_signing_in_returns_the_actor_and_is_audited(session, alice):
    actor = authenticate(session, " Alice ", PASSWORD, now=T0)
    assert actor == Actor("alice", frozenset({FACILITATOR, SAFEGUARDING}))
    user = session.scalar(select(User).where(User.username == "alice"))
    assert user.last_sign_in == T0 and user.failed_attempts == 0
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).one()
    assert (event.actor, event.at, event.detail) == ("alice", T0, {"method": "password"})


def _try(session, username, password, now):
    try:
        authenticate(session, username, password, now=now)
    except SignInRefused as refused:
        return refused
    return None


def test_lock_out_after_five_failures_with_a_time_to_try_again_then_unlock(session, alice):
    now = T0
    messages = []
    for attempt in range(1, 6):
        refused = _try(session, "alice", "wrong password!", now)
        assert refused is not None
        messages.append(refused.message)
        if refused.locked_until and attempt < 5:  # back-off: wait it out, as a patient person would
            now = refused.locked_until
    assert messages[:2] == [SIGN_IN_FAILED, SIGN_IN_FAILED]
    assert "try again after 09:01" in messages[2]  # 30 s back-off, rounded up to the minute
    lock = _try(session, "alice", PASSWORD, now + timedelta(minutes=14))
    # Even the right password is refused while locked, and the message says when to come back.
    assert lock is not None and lock.locked_until == now + timedelta(minutes=15)
    assert "try again after 09:17 (UK time)" in lock.message  # 09:16:30, rounded up
    assert "Too many tries" in lock.message
    # After the period the right password works and the counter is cleared.
    assert authenticate(session, "alice", PASSWORD, now=now + timedelta(minutes=15)).username == "alice"
    user = session.scalar(select(User).where(User.username == "alice"))
    assert (user.failed_attempts, user.locked_until) == (0, None)
    assert _actions(session, "alice").count("sign_in_failed") == 5
    assert "sign_in_refused_locked" in _actions(session, "alice")


def test_after_a_lock_runs_out_there_is_a_fresh_set_of_tries(session, alice):
    now = T0
    for _ in range(5):
        refused = _try(session, "alice", "wrong password!", now)
        now = refused.locked_until or now
    later = now + timedelta(seconds=1)
    assert _try(session, "alice", "still wrong!!", later).message == SIGN_IN_FAILED


def test_lock_times_are_shown_in_uk_time():
    assert accounts.when_text(datetime(2026, 7, 1, 13, 20, 0)) == "14:20"  # BST
    assert accounts.when_text(datetime(2026, 1, 1, 13, 20, 1)) == "13:21"


def test_unknown_names_and_disabled_accounts_look_exactly_like_wrong_passwords(session, alice):
    accounts.create_user(session, SYSTEM, "gone", [BOARD], PASSWORD)
    accounts.deactivate_user(session, SYSTEM, "gone")

    def sequence(username, password):
        now, out = T0, []
        for _ in range(6):
            refused = _try(session, username, password, now)
            out.append((refused.message, refused.locked_until and refused.locked_until - now))
            now = (refused.locked_until or now) + timedelta(seconds=1) if len(out) < 5 else now
        return out

    known = sequence("alice", "wrong password!")
    assert sequence("nobody-here", "wrong password!") == known
    assert sequence("gone", PASSWORD) == known
    # The unknown name itself is never written down (people type passwords into the username box).
    assert not session.scalars(select(AuditEvent).where(AuditEvent.target_id.contains("nobody"))).all()


def test_organisation_sign_in_maps_email_to_the_local_account_and_its_roles(session):
    accounts.create_user(session, SYSTEM, "kim", [BOARD], None, email="Kim@Council.example")
    assert accounts.sign_in_external(session, "kim@council.example", now=T0) == Actor("kim", frozenset({BOARD}))
    assert accounts.sign_in_external(session, "stranger@council.example", now=T0) is None
    # An organisation-only account has no password to guess.
    assert _try(session, "kim", "", T0).message == SIGN_IN_FAILED


# --- the password policy, reset by an admin, and the must-change flag ---------------------------------


@pytest.mark.parametrize("weak", ["password1234", "123456789012", "qwertyuiop12"])
def test_common_passwords_are_refused_when_creating_and_setting(session, alice, weak):
    with pytest.raises(AccountProblem, match="common|keyboard"):
        accounts.create_user(session, SYSTEM, "weak", [BOARD], weak)
    with pytest.raises(AccountProblem):
        accounts.set_password(session, SYSTEM, "alice", weak)


def test_an_admin_reset_gives_a_one_off_password_and_the_person_must_choose_their_own(session, alice):
    admin = Actor("ada", frozenset({ADMIN}))
    temporary = accounts.reset_password(session, admin, "alice")
    session.commit()
    assert accounts.password_problem(temporary) is None and len(temporary) >= 16
    user = session.scalar(select(User).where(User.username == "alice"))
    assert temporary not in user.password_hash and user.must_change_password
    assert accounts.must_change_password(session, "Alice")
    assert [i.must_change_password for i in accounts.list_users(session, admin)] == [True]

    # The old password no longer works; the temporary one signs in, and the flag is still set.
    with pytest.raises(SignInRefused):
        authenticate(session, "alice", PASSWORD, now=T0)
    actor = authenticate(session, "alice", temporary, now=T0 + timedelta(minutes=1))
    assert actor.username == "alice" and accounts.must_change_password(session, "alice")

    with pytest.raises(AccountProblem, match="current password"):
        accounts.change_own_password(session, actor, "not it", "orange kettle winter 42")
    with pytest.raises(AccountProblem, match="common"):
        accounts.change_own_password(session, actor, temporary, "password1234")
    with pytest.raises(AccountProblem, match="different"):
        accounts.change_own_password(session, actor, temporary, temporary)
    accounts.change_own_password(session, actor, temporary, "orange kettle winter 42")
    session.commit()
    assert not accounts.must_change_password(session, "alice")
    assert authenticate(session, "alice", "orange kettle winter 42", now=T0 + timedelta(minutes=2))
    actions = _actions(session, "alice")
    assert "user_password_reset" in actions and "user_password_changed" in actions
    assert all(temporary not in str(e.detail) for e in session.scalars(select(AuditEvent)))


def test_a_reset_clears_a_lock_and_only_an_admin_may_reset_someone_else(session, alice):
    user = session.scalar(select(User).where(User.username == "alice"))
    user.locked_until, user.failed_attempts = T0 + timedelta(hours=1), 5
    admin = Actor("ada", frozenset({ADMIN}))
    accounts.reset_password(session, admin, "alice")
    assert user.locked_until is None and user.failed_attempts == 0
    with pytest.raises(AccessDenied):
        accounts.reset_password(session, Actor("fay", frozenset({FACILITATOR})), "alice")
    with pytest.raises(AccountProblem, match="own password"):
        accounts.reset_password(session, admin, "ada")
