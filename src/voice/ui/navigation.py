"""Which pages each role gets. A page left out of the list cannot be opened by URL at all;
each staff page also checks the role itself (voice.ui.guard) and the services check again."""

from __future__ import annotations

from dataclasses import dataclass

from voice.security.roles import ADMIN, BOARD, FACILITATOR, SAFEGUARDING


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root
    title: str
    icon: str
    roles: frozenset[str]  # empty: everyone, signed in or not
    section: str
    url_path: str | None = None


PUBLIC = frozenset()
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/survey.py", "Take a survey", ":material/edit_note:", PUBLIC, "Young people"),
    PageSpec("pages/results.py", "Results", ":material/bar_chart:", frozenset({FACILITATOR, BOARD, ADMIN}),
             "Results", url_path="results"),
)


def pages_for(roles: frozenset[str]) -> list[PageSpec]:
    return [p for p in PAGES if not p.roles or p.roles & roles]
