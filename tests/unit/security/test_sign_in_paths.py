"""Every sign-in path does the same work, and the audit trail keeps only keyed hashes of what was typed.

The paths: a known name with the right password, a wrong password, an unknown name, a paused (locked)
account, a disabled account, an organisation-only account (no password), an unknown name that is paused.
Each must read the database the same way and run exactly one argon2 verification, so timing tells nothing
(benchmarks/sign_in_timing_benchmark.py and test_sign_in_timing.py measure it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select

from voice.models import AuditEvent, User
from voice.security import accounts
from voice.security.access import SYSTEM
from voice.security.accounts import sign_in
from voice.security.audit import fingerprint
from voice.security.roles import FACILITATOR

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture(scope="module")
def password_hash():
    return accounts.hash_password(PASSWORD)  # once: argon2 is slow on purpose


@pytest.fixture
def people(session, password_hash):
    for name in ("alice", "paused", "gone", "orgonly"):
        accounts.create_user(session, SYSTEM, name, [FACILITATOR], None)
        if name != "orgonly":
            session.scalar(select(User).where(User.username == name)).password_hash = password_hash
    accounts.deactivate_user(session, SYSTEM, "gone")
    session.scalar(select(User).where(User.username == "paused")).locked_until = T0 + timedelta(minutes=10)
    for _ in range(3):  # an unknown name paused by three failures a moment ago
        sign_in(session, "ghost", "guess", now=T0 - timedelta(seconds=5))
    session.commit()


PATHS = {
    "known, right password": ("alice", PASSWORD),
    "known, wrong password": ("alice", "wrong password!"),
    "unknown name": ("nobody-here", "wrong password!"),
    "paused account": ("paused", PASSWORD),
    "disabled account": ("gone", PASSWORD),
    "organisation-only account": ("orgonly", "anything at all"),
    "paused unknown name": ("ghost", "guess"),
}


class Recorder:
    def __init__(self, engine, monkeypatch):
        self.statements: list[str] = []
        self.verifications = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        self.engine = engine
        recorder, real = self, accounts._hasher

        class CountingHasher:  # argon2's PasswordHasher has slots: wrap it rather than patch it
            def verify(self, hash_, password):
                recorder.verifications += 1
                return real.verify(hash_, password)

            def __getattr__(self, name):
                return getattr(real, name)

        monkeypatch.setattr(accounts, "_hasher", CountingHasher())

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(re.sub(r"\s+", " ", statement.strip()))

    def reads(self) -> list[str]:
        return [s for s in self.statements if s.upper().startswith("SELECT")]

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._statement)


@pytest.mark.parametrize("path", PATHS)
def test_every_path_reads_the_same_and_verifies_one_password(session, people, monkeypatch, path):
    accounts._dummy_hash()  # made once per process, before any timing matters
    recorder = Recorder(session.get_bind(), monkeypatch)
    try:
        username, password = PATHS[path]
        outcome = sign_in(session, username, password, now=T0)
        session.flush()
    finally:
        recorder.close()
    assert recorder.verifications == 1
    reads = recorder.reads()
    assert len(reads) == 2 and "FROM users" in reads[0] and "FROM audit_events" in reads[1], reads
    assert isinstance(outcome, accounts.Actor) == (path == "known, right password")


def test_the_dummy_hash_matches_no_password(session):
    assert accounts._dummy_hash().startswith("$argon2id$")
    for typed in ("", "not a real password, used for timing only", PASSWORD):
        assert not accounts._verify(accounts._dummy_hash(), typed)


def test_what_was_typed_as_a_username_is_stored_only_as_a_keyed_hash(session, people):
    typed = "my-secret-password-in-the-wrong-box"
    sign_in(session, typed, "whatever", now=T0)
    session.commit()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.target_id == "unknown:" + fingerprint(typed)
    everything = " ".join(f"{e.actor} {e.target_id} {e.detail}" for e in session.scalars(select(AuditEvent)))
    assert typed not in everything
    # Not a plain hash anyone could recompute from a dictionary: it needs the app's secret key.
    assert hashlib.sha256(typed.encode()).hexdigest()[:16] not in everything
    assert hashlib.sha256(typed.encode()).hexdigest()[:32] not in everything
    key = os.environ["VOICE_SECRET_KEY"].encode()
    assert event.target_id == "unknown:" + hmac.new(key, typed.encode(), hashlib.sha256).hexdigest()[:32]


def test_the_key_changes_every_hash(monkeypatch):
    first = fingerprint("K7QF-M2XD")
    monkeypatch.setenv("VOICE_SECRET_KEY", "another partnership's key")
    assert fingerprint("K7QF-M2XD") != first


def test_receipt_code_hashes_are_keyed_too(monkeypatch):
    from voice.responses.codes import fingerprint_code

    assert fingerprint_code("k7qf m2xd") == fingerprint_code("K7QF-M2XD") == fingerprint("K7QF-M2XD")
    assert fingerprint_code("K7QF-M2XD") != hashlib.sha256(b"K7QF-M2XD").hexdigest()[:16]


def test_without_a_configured_key_one_is_made_on_first_start_readable_only_by_the_app(tmp_path, monkeypatch):
    from voice import config

    monkeypatch.delenv("VOICE_SECRET_KEY")
    monkeypatch.setenv("VOICE_DATA_DIR", str(tmp_path / "data"))
    config._secret_from_file.cache_clear()
    first = config.secret_key()
    path = tmp_path / "data" / config.SECRET_FILE
    assert len(first) == 64 and path.read_bytes().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config._secret_from_file.cache_clear()
    assert config.secret_key() == first  # the same key after a restart
    config._secret_from_file.cache_clear()
