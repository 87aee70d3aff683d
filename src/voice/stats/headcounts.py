"""How many young people: the one fact behind "1,580 young people answered" everywhere.

A head count is a figure like any other: 1 to 9 reads "fewer than 10" (never "1 young people answered"),
and counts shown side by side with their total are suppressed together, so the total minus the others
never gives a hidden one back. Counts come from the answers that count in the figures: for a campaign
still open, the released ones (voice.stats.release).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from sqlalchemy.orm import Session

from voice.stats.suppression import ANSWERED, BASE, PNTS, SUPPRESSED_TEXT, Table, is_small, suppress

NOBODY_YET = "nobody yet"


@dataclass(frozen=True)
class Headcount:
    count: int | None  # None when hidden
    suppressed: bool

    @property
    def text(self) -> str:
        """For a table cell: "1,580", "fewer than 10" or "nobody yet"."""
        if self.suppressed or self.count is None:
            return SUPPRESSED_TEXT
        return NOBODY_YET if self.count == 0 else f"{self.count:,}"

    def sentence(self, did: str = "answered") -> str:
        """"1,580 young people answered." / "Fewer than 10 young people answered so far." / "Nobody has
        answered yet." (did: a past tense such as "answered" or "wrote comments")."""
        if self.suppressed or self.count is None:
            return f"{SUPPRESSED_TEXT.capitalize()} young people {did} so far."
        if self.count == 0:
            return f"Nobody has {did} yet."
        return f"{self.count:,} young people {did}."


def headcount(n: int | None) -> Headcount:
    """One count on its own: hidden when 1 to 9."""
    if n is None or is_small(n):
        return Headcount(None, True)
    return Headcount(n, False)


def headcounts(parts: Sequence[int]) -> tuple[Headcount, list[Headcount]]:
    """A total and the parts adding up to it (campaigns, surveys), suppressed together: a small part is
    hidden, and so is whatever would let the total give it back. Zero parts are shown as they are."""
    total = int(sum(parts))
    if total == 0:
        return Headcount(0, False), [Headcount(0, False) for _ in parts]
    answered = [k for k, n in enumerate(parts) if n]
    values = [total] + [int(parts[k]) for k in answered]
    table = Table(rows=["all", *answered], parent=[None] + [0] * len(answered), columns=[BASE, PNTS, ANSWERED],
                  values=np.array([[v, 0, v] for v in values], dtype=np.int64), options_sum_to_base=False)
    mask = suppress(table)
    hidden = mask[:, table.columns.index(ANSWERED)] | mask[:, table.columns.index(BASE)]
    row_of = {k: r for r, k in enumerate(answered, start=1)}
    out = []
    for k, n in enumerate(parts):
        r = row_of.get(k)
        out.append(Headcount(0, False) if r is None else
                   Headcount(None, True) if hidden[r] else Headcount(int(n), False))
    return (Headcount(None, True) if hidden[0] else Headcount(total, False)), out


def respondents(session: Session, survey_id: str, campaign: str | None) -> Headcount:
    """Young people whose answers count in the campaign's figures (the Results page, `voice stats`)."""
    from voice.stats.results import response_count

    return headcount(response_count(session, survey_id, campaign))


__all__ = ["Headcount", "NOBODY_YET", "headcount", "headcounts", "respondents"]
