"""Short codes a young person can read out or type: no 0/O or 1/I/L to confuse."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


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
