"""Short codes a young person can read out or type: no 0/O or 1/I/L to confuse.

A resume code opens someone's unfinished answers, so typing codes is limited (see `GuessLimiter` and
`voice.responses.service.open_with_code`): per screen (a Streamlit session) here in memory, and per
group across every screen and process from the audit trail. Nothing about the device (no IP address,
no browser data) is used or stored: the per-screen key is a random value the screen makes for itself.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import datetime, timedelta

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# Codes that did not work, allowed from one screen within the window before it must wait.
CLIENT_FAILURES = 5
CLIENT_WINDOW = timedelta(minutes=10)
# Codes that did not work, allowed per group (all screens, all app processes) per minute.
GROUP_FAILURES_PER_MINUTE = 20


def new_code(length: int = 8) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str:
    """Accept 'k7qf m2xd', 'K7QFM2XD', 'k7qf-m2xd' as the same code."""
    raw = re.sub(r"[^A-Za-z0-9]", "", typed or "").upper()
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def fingerprint_code(code: str) -> str:
    """The audit trail's keyed hash of a receipt or resume code (never the code itself)."""
    from voice.security.audit import fingerprint

    return fingerprint(normalise_code(code))


def new_client_key() -> str:
    """A random key for one screen's tries: identifies no device and is never stored."""
    return secrets.token_urlsafe(12)


class GuessLimiter:
    """Failed code tries per client key, in memory, over a sliding window (thread-safe).

    A Streamlit session lives in one process, so its count is exact; opening more tabs gives more keys,
    which is why `open_with_code` also caps failures per group from the audit trail.
    """

    def __init__(self, failures: int = CLIENT_FAILURES, window: timedelta = CLIENT_WINDOW):
        self.failures, self.window = failures, window
        self._tries: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def wait_for(self, key: str, now: datetime) -> timedelta | None:
        """How long `key` must wait before trying again, or None when it may try now."""
        with self._lock:
            recent = self._recent(key, now)
            if len(recent) < self.failures:
                return None
            return recent[-self.failures] + self.window - now

    def failed(self, key: str, now: datetime) -> int:
        """Count one failed try; returns the failures within the window."""
        with self._lock:
            recent = self._recent(key, now)
            recent.append(now)
            self._tries[key] = recent
            if len(self._tries) > 10_000:  # forget idle keys so memory stays bounded
                self._tries = {k: v for k, v in self._tries.items() if v and v[-1] > now - self.window}
            return len(recent)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._tries.pop(key, None)

    def _recent(self, key: str, now: datetime) -> list[datetime]:
        return [t for t in self._tries.get(key, ()) if t > now - self.window]


GUESSES = GuessLimiter()  # the process's limiter: every screen of this app process shares it
