"""Concern categories as a lead reads them, and how serious each is (for the queue's order).

The categories come from the concern lexicon (voice.analysis.concerns.CATEGORIES) and from survey
risk markers. A category this table does not know (a new one, "not_screened", a typo in an old record)
is still shown, in words made from its id, and sorts after the known ones: nothing is ever hidden.
"""

from __future__ import annotations

from typing import Iterable

# Most serious first: the order of the open queue within a status.
LABELS: dict[str, str] = {
    "self_harm_suicide": "Self-harm or suicide",
    "sexual_abuse": "Sexual abuse",
    "abuse_at_home": "Abuse at home",
    "grooming_exploitation": "Grooming or exploitation",
    "threats_blackmail": "Threats or blackmail",
    "violence_weapons": "Violence or weapons",
    "missing_unsafe_home": "Missing or unsafe at home",
    "not_screened": "Not screened (a language the check cannot read)",
    "other": "Other worry",
}
_RANK = {category: i for i, category in enumerate(LABELS)}


def label(category: str) -> str:
    known = LABELS.get(category)
    if known:
        return known
    words = str(category or "").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Unknown"


def labels(categories: Iterable[str]) -> str:
    return ", ".join(label(c) for c in categories) or "None"


def rank(categories: Iterable[str]) -> int:
    """0 for the most serious category present; unknown categories after every known one."""
    return min((_RANK.get(c, len(_RANK)) for c in categories), default=len(_RANK) + 1)


def merged(*lists: Iterable[str]) -> list[str]:
    """Categories in first-seen order, each once."""
    out: list[str] = []
    for categories in lists:
        out += [c for c in categories if c and c not in out]
    return out


__all__ = ["LABELS", "label", "labels", "merged", "rank"]
