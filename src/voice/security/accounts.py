"""Staff accounts: create, change roles, disable, and sign in with back-off and lock-out.

Passwords are hashed with argon2id. Sign-in never says whether a username exists: a wrong name, a
wrong password and a disabled account get the same message, take about the same time, and are
locked out after the same number of tries.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.errors import Invalid, Refused
from voice.models import AuditEvent, User
from voice.security.access import Actor, require
from voice.security.audit import fingerprint, record
from voice.security.passwords import password_problem as _policy_problem
from voice.security.roles import ADMIN, ROLES
LOCK_AFTER = 5  # failures in a row
LOCK_FOR = timedelta(minutes=15)
# Back-off before the lock: a short pause after the 3rd and 4th failures slows guessing without
# punishing a typo or two.
BACKOFF = {3: timedelta(seconds=30), 4: timedelta(seconds=60)}
UK = ZoneInfo("Europe/London")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")

_hasher = PasswordHasher(type=Type.ID)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when there is no real hash to check (unknown name, organisation-only account), so
    every sign-in costs one argon2 verification. Made from a random secret: no typed password matches it."""
    return _hasher.hash(secrets.token_hex(32))


SIGN_IN_FAILED = "That username and password don't match an account. Please check them and try again."


class AccountProblem(Invalid):
    """A request an admin can fix (weak password, unknown role, taken name). The message is safe to show."""


class SignInRefused(Refused):
    """Sign-in failed. `message` is safe to show; `locked_until` (naive UTC) is set when paused."""

    def __init__(self, message: str, locked_until: datetime | None = None):
        self.message, self.locked_until = message, locked_until
        super().__init__(message)


@dataclass(frozen=True)
class UserInfo:
    username: str
    email: str
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    last_sign_in: datetime | None
    created_at: datetime
    has_password: bool
    must_change_password: bool = False


# --- passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is too weak, or None (the rules: voice.security.passwords)."""
    return _policy_problem(password, username)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def _check_roles(roles) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [r for r in chosen if r not in ROLES]
    if unknown:
        raise AccountProblem(f"Unknown role: {', '.join(unknown)}. Roles are: {', '.join(ROLES)}.")
    if not chosen:
        raise AccountProblem("Give the person at least one role.")
    return chosen


# --- managing accounts (admins, or the operator's CLI as SYSTEM) --------------------------------


def create_user(session: Session, actor: Actor, username: str, roles, password: str | None,
                email: str = "") -> UserInfo:
    """Add an account. `password` None means organisation (OIDC) sign-in only."""
    require(actor, ADMIN)
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountProblem("Usernames are 2 to 80 letters, digits, dots, dashes, underscores or @, "
                             "starting with a letter or digit.")
    chosen = _check_roles(roles)
    if password is not None:
        problem = password_problem(password, name)
        if problem:
            raise AccountProblem(problem)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountProblem(f"There is already an account called {name}.")
    user = User(username=name, email=(email or "").strip().lower(), roles=chosen,
                password_hash=hash_password(password) if password is not None else "", active=True,
                failed_attempts=0, created_at=utcnow())
    session.add(user)
    session.flush()
    record(session, actor, "user_created", "user", name, roles=chosen)
    return _info(user)


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise AccountProblem(f"There is no account called {normalise_username(username)}.")
    return user


def set_roles(session: Session, actor: Actor, username: str, roles) -> UserInfo:
    require(actor, ADMIN)
    user = _get(session, username)
    chosen = _check_roles(roles)
    if user.username == actor.username and ADMIN not in chosen:
        # Otherwise the last admin could lock everyone out of account management.
        raise AccountProblem("You can't remove your own admin role. Ask another admin to do it.")
    before = sorted(user.roles or [])
    user.roles = chosen
    record(session, actor, "user_roles_changed", "user", user.username, before=before, after=chosen)
    return _info(user)


def set_password(session: Session, actor: Actor, username: str, password: str) -> None:
    require(actor, ADMIN)
    problem = password_problem(password, normalise_username(username))
    if problem:
        raise AccountProblem(problem)
    user = _get(session, username)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
    record(session, actor, "user_password_set", "user", user.username)


# Letters and digits that cannot be mistaken for each other when read out or copied by hand.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A random one-off password in four groups, e.g. 'k7qf-m2xd-8hzp-w3ne' (about 98 bits)."""
    while True:
        groups = ["".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4)]
        candidate = "-".join(groups)
        if password_problem(candidate) is None:  # practically always; never hand out a refused one
            return candidate


def reset_password(session: Session, actor: Actor, username: str) -> str:
    """Give the account a temporary password, returned to be shown ONCE to the admin, and make the person
    choose their own at their next sign-in. Also clears a lock. The temporary password is not stored."""
    require(actor, ADMIN)
    if normalise_username(username) == actor.username:
        raise AccountProblem("You can't reset your own password. Ask another admin, or set it on the server "
                             "with `voice user password`.")
    user = _get(session, username)
    temporary = temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.failed_attempts, user.locked_until = 0, None
    record(session, actor, "user_password_reset", "user", user.username)
    return temporary


def must_change_password(session: Session, username: str) -> bool:
    """True while the account still has a temporary password from a reset: the sign-in flow (and every
    staff page, voice.ui.guard) sends the person to choose their own before anything else."""
    flag = session.scalar(select(User.must_change_password).where(User.username == normalise_username(username)))
    return bool(flag)


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> None:
    """The signed-in person replaces their own password (after a reset, or whenever they like)."""
    require(actor)
    user = _get(session, actor.username)
    if not _verify(user.password_hash, current):
        raise AccountProblem("Your current password isn't right. Type the one you signed in with.")
    if new == current:
        raise AccountProblem("Please choose a password different from the one you have now.")
    problem = password_problem(new, user.username)
    if problem:
        raise AccountProblem(problem)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    record(session, actor, "user_password_changed", "user", user.username)


def deactivate_user(session: Session, actor: Actor, username: str) -> UserInfo:
    require(actor, ADMIN)
    user = _get(session, username)
    if user.username == actor.username:
        raise AccountProblem("You can't disable your own account. Ask another admin to do it.")
    user.active = False
    record(session, actor, "user_disabled", "user", user.username)
    return _info(user)


def reactivate_user(session: Session, actor: Actor, username: str) -> UserInfo:
    require(actor, ADMIN)
    user = _get(session, username)
    user.active, user.failed_attempts, user.locked_until = True, 0, None
    record(session, actor, "user_enabled", "user", user.username)
    return _info(user)


def list_users(session: Session, actor: Actor) -> list[UserInfo]:
    require(actor, ADMIN)
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def _info(user: User) -> UserInfo:
    return UserInfo(user.username, user.email, tuple(user.roles or ()), bool(user.active), user.locked_until,
                    user.last_sign_in, user.created_at, bool(user.password_hash), bool(user.must_change_password))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


# --- signing in -------------------------------------------------------------------------------------


def when_text(at: datetime) -> str:
    """A lock's end as UK local time, rounded up to the minute: '14:35'."""
    local = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(UK)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return local.strftime("%H:%M")


def _locked_message(until: datetime) -> str:
    return (f"Too many tries, so signing in is paused for this account. Please try again after "
            f"{when_text(until)} (UK time). If you have forgotten your password, ask an administrator.")


def _pause_after(failures: int) -> timedelta | None:
    if failures >= LOCK_AFTER:
        return LOCK_FOR
    return BACKOFF.get(failures)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> Actor:
    """The signed-in Actor, or SignInRefused with a message safe to show. Writes audit events.

    Every path does the same work, so the time taken tells nothing: one look-up of the name, one look-up
    of its recent failures, and exactly one argon2 verification (against the account's hash, or a dummy
    hash for an unknown name, an organisation-only account or a paused one), whatever the outcome.

    The caller commits `session` in both cases (failures must be counted): catch SignInRefused
    inside the transaction, or use `sign_in` below, which returns instead of raising.
    """
    now = now or utcnow()
    name = normalise_username(username)
    user = session.scalar(select(User).where(User.username == name))
    key = user.username if user is not None else _unknown_key(name)
    recent = _recent_failures(session, key, now)
    password_ok = _verify(user.password_hash if user is not None and user.password_hash else _dummy_hash(),
                          password) and user is not None and bool(user.password_hash)
    if user is None:
        return _unknown_user(session, key, recent, now)

    if user.locked_until is not None and user.locked_until > now:
        record(session, "anonymous", "sign_in_refused_locked", "user", user.username, at=now)
        raise SignInRefused(_locked_message(user.locked_until), user.locked_until)

    if not (password_ok and user.active):
        if user.locked_until is not None and user.failed_attempts >= LOCK_AFTER:
            user.failed_attempts = 0  # the lock has run out: a fresh set of tries
        user.failed_attempts += 1
        pause = _pause_after(user.failed_attempts)
        until = now + pause if pause else None
        user.locked_until = until
        record(session, "anonymous", "sign_in_failed", "user", user.username, at=now,
               failures=user.failed_attempts, locked=bool(pause))
        if until is not None:
            raise SignInRefused(_locked_message(until), until)
        raise SignInRefused(SIGN_IN_FAILED)

    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until, user.last_sign_in = 0, None, now
    record(session, user.username, "sign_in", "user", user.username, at=now, method="password")
    return Actor(user.username, frozenset(user.roles or ()))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(password_hash) and _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _unknown_key(name: str) -> str:
    """How the audit trail names an unknown username: a keyed hash, never the name itself
    (people type passwords into the username box)."""
    return "unknown:" + fingerprint(name)


def _recent_failures(session: Session, key: str, now: datetime) -> list[datetime]:
    """Failed sign-ins for `key` in the last lock period, newest first. Read for known names too (where the
    account's own counters decide), so that every path runs the same queries."""
    return list(session.scalars(
        select(AuditEvent.at).where(AuditEvent.action == "sign_in_failed", AuditEvent.target_id == key,
                                    AuditEvent.at > now - LOCK_FOR).order_by(AuditEvent.at.desc())
    ))


def _unknown_user(session: Session, key: str, recent: list[datetime], now: datetime) -> Actor:
    """Treat an unknown name exactly like a wrong password, counting its failures in the audit trail."""
    if recent:
        pause = _pause_after(len(recent))
        if pause and recent[0] + pause > now:
            record(session, "anonymous", "sign_in_refused_locked", "user", key, at=now)
            raise SignInRefused(_locked_message(recent[0] + pause), recent[0] + pause)
    failures = len(recent) + 1
    pause = _pause_after(failures)
    record(session, "anonymous", "sign_in_failed", "user", key, at=now, failures=failures, locked=bool(pause))
    if pause:
        raise SignInRefused(_locked_message(now + pause), now + pause)
    raise SignInRefused(SIGN_IN_FAILED)


def sign_in(session: Session, username: str, password: str, now: datetime | None = None) -> Actor | SignInRefused:
    """`authenticate` that returns the refusal instead of raising, so the caller's commit keeps the count."""
    try:
        return authenticate(session, username, password, now)
    except SignInRefused as refused:
        return refused


def sign_in_external(session: Session, email: str, now: datetime | None = None, claims: Mapping | None = None,
                     roles_claim: str = "", role_map: tuple[tuple[str, str], ...] = ()) -> Actor | None:
    """Organisation (OIDC) sign-in: the identity provider vouched for `email` (and `claims`, its ID token).

    Roles come from the claim named `roles_claim` through `role_map` (claim value -> role) when one is
    set, else from the local account whose e-mail or username is `email`. A disabled local account is
    refused either way; an identity that ends up with no role gets no access. Refusals are audited with
    a keyed hash of the identity. Returns the Actor, or None when refused."""
    now = now or utcnow()
    key = normalise_username(email)
    user = session.scalar(select(User).where((User.email == key) | (User.username == key))) if key else None
    if user is not None and not user.active:
        record(session, "anonymous", "sign_in_failed", "user", user.username, at=now, method="organisation",
               reason="disabled")
        return None
    if roles_claim:
        roles, source = roles_from_claims(claims or {}, roles_claim, role_map), "claim"
        name = user.username if user is not None else key[:80]
    else:
        roles, source = frozenset(user.roles or ()) if user is not None else frozenset(), "account"
        name = user.username if user is not None else ""
    if not key or not roles:
        record(session, "anonymous", "sign_in_failed", "user", "external:" + fingerprint(key), at=now,
               method="organisation", reason="unknown" if user is None else "no_roles")
        return None
    if user is not None:
        user.last_sign_in = now
    record(session, name, "sign_in", "user", name, at=now, method="organisation", roles_from=source)
    return Actor(name, roles)


def roles_from_claims(claims: Mapping, claim: str, role_map: tuple[tuple[str, str], ...]) -> frozenset[str]:
    """This app's roles for an identity's claim (a list such as Entra's `roles` or `groups`, or one string).

    With a map, only mapped values count; without one, values that are this app's role names count."""
    raw = claims.get(claim)
    values = {raw} if isinstance(raw, str) else {str(v) for v in raw} if isinstance(raw, (list, tuple)) else set()
    if role_map:
        return frozenset(role for value, role in role_map if value in values and role in ROLES)
    return frozenset(v for v in values if v in ROLES)


def current_actor(session: Session, username: str) -> Actor | None:
    """The account's roles as they are now (an admin may have changed them), or None if disabled or gone."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.active:
        return None
    return Actor(user.username, frozenset(user.roles or ()))
