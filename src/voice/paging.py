"""One page of a long list, with the totals a person needs to find their way ("Page 3 of 40 · 791 answers").

Services count and slice in SQL (LIMIT/OFFSET on an indexed order), so a list of thousands never
travels whole from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

PAGE_SIZES = (10, 20, 50)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int  # matching the filters, on every page
    number: int  # 1-based, already clamped to the last page
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when there are none)."""
        return 0 if not self.items else (self.number - 1) * self.size + 1

    def words(self, noun: str = "answers", one: str = "answer") -> str:
        count = f"{self.total:,} {one if self.total == 1 else noun}"
        if self.total <= self.size:
            return count
        return (f"Page {self.number} of {self.pages:,} · {count} "
                f"({self.first_index:,}–{self.first_index + len(self.items) - 1:,} shown)")


def clamp(number: int, total: int, size: int) -> int:
    """The page number to show: at least 1, at most the last page (filters may have shrunk the list)."""
    last = max(1, -(-total // size))
    return min(max(1, int(number or 1)), last)


def count_of(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def like_pattern(text: str) -> str:
    """`%text%` for LIKE/ILIKE with escape '\\': what the person typed is matched literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


__all__ = ["PAGE_SIZES", "Page", "clamp", "count_of", "like_pattern"]
