"""TEMPORARY: the one place quotes get `redact` from.

feat/analysis is writing voice.evidence.redaction (redact(text, names=(), places=()) -> Redaction). Until it
lands on this branch, a small stand-in with the same signature is used. Once it has landed, this whole
module can become `from voice.evidence.redaction import Change, Redaction, redact`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

try:  # the real thing, when merged
    from voice.evidence.redaction import Change, Redaction, redact  # type: ignore[no-redef]

    REAL_REDACTION = True
except ModuleNotFoundError as exc:  # pragma: no cover - exercised only before feat/analysis lands
    if exc.name != "voice.evidence.redaction":
        raise
    REAL_REDACTION = False

    @dataclass(frozen=True)
    class Change:  # type: ignore[no-redef]
        kind: str
        original: str
        replacement: str
        start: int
        end: int

    @dataclass(frozen=True)
    class Redaction:  # type: ignore[no-redef]
        text: str
        changes: tuple[Change, ...]

    _PATTERNS = (
        ("email", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b"), "[email]"),
        ("url", re.compile(r"\b(?:https?://|www\.)\S+", re.I), "[link]"),
        ("phone", re.compile(r"(?<!\w)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\w)"), "[phone]"),
        ("handle", re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}"), "[username]"),
        ("postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I), "[postcode]"),
    )

    def redact(text: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> Redaction:  # type: ignore[no-redef]
        spans: list[tuple[int, int, str, str]] = []
        for kind, pattern, replacement in _PATTERNS:
            spans += [(m.start(), m.end(), kind, replacement) for m in pattern.finditer(text)]
        for kind, words, replacement in (("name", names, "[name]"), ("place", places, "[place]")):
            for word in sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True):
                pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.I)
                spans += [(m.start(), m.end(), kind, replacement) for m in pattern.finditer(text)]
        # Earliest, then longest span wins; overlapping later spans are dropped.
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out, changes, pos, shift = [], [], 0, 0
        for start, end, kind, replacement in spans:
            if start < pos:
                continue
            out.append(text[pos:start])
            new_start = start + shift
            out.append(replacement)
            changes.append(Change(kind, text[start:end], replacement, new_start, new_start + len(replacement)))
            shift += len(replacement) - (end - start)
            pos = end
        out.append(text[pos:])
        return Redaction("".join(out), tuple(changes))

__all__ = ["Change", "Redaction", "redact", "REAL_REDACTION"]
