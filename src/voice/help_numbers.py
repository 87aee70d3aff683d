"""Help numbers shown to young people on every step, on the end page and on printed sheets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HelpLine:
    name: str
    number: str
    tel: str  # digits for a tel: link
    when: str


CHILDLINE = HelpLine("Childline", "0800 1111", "08001111", "free and private, for anyone under 19, any time")
EMERGENCY = HelpLine("Emergency", "999", "999", "if you or someone else is in danger right now")
NSPCC = HelpLine("NSPCC", "0808 800 5000", "08088005000", "for adults worried about a child")

YOUNG_PEOPLE_LINES = (CHILDLINE, EMERGENCY)
ALL_LINES = (CHILDLINE, EMERGENCY, NSPCC)
