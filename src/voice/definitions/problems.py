"""One problem type for every definition file: file, line, field, code and message.

The code is a short, stable word (`unknown_field`, `yaml_alias`, `no_sections` …) that programs
match on; the message is for people and may change wording at any time. A screen that needs to
treat some problems differently (the survey editor lets a new section be empty while it is being
built) looks at `code`, never at the words of `message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from voice.errors import Invalid


@dataclass(frozen=True)
class Problem:
    """One thing to fix in a definition file. `line` counts from 1; `field` is a path such as
    ``sections[1].questions[0].show_if.question`` ("" or None when it concerns the whole file)."""

    file: str
    line: int | None
    field: str | None
    code: str
    message: str

    def __str__(self) -> str:
        parts = [self.file or "definition"]
        if self.line:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts) + f": {self.message}"


class DefinitionError(Invalid):
    """A definition file that cannot be used. `.problems` lists every problem found (at least one).

    The first problem's parts are also attributes (`file`, `line`, `field`, `code`, `message`), so code
    that reports one problem at a time keeps working. It can be raised with a list of problems, or with
    the parts of a single one: ``DefinitionError(file, line, field, message, code="…")``.
    """

    def __init__(self, problems: Iterable[Problem] | str, line: int | None = None, field: str | None = None,
                 message: str | None = None, code: str = "invalid"):
        if isinstance(problems, str):
            problems = [Problem(problems, line, field, code, message or "")]
        problems = tuple(problems)
        if not problems:
            raise ValueError("a DefinitionError needs at least one problem")
        super().__init__(problems)  # str(): every problem, one per line
        first = problems[0]
        self.file, self.line, self.field, self.code, self.message = (
            first.file, first.line, first.field, first.code, first.message)

    def __reduce__(self):  # keep pickling (multiprocessing, st.cache_data) working
        return (type(self), (self.problems,))


def first_line_sorted(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file order (a problem without a line first); same-line problems keep their order."""
    return sorted(problems, key=lambda p: p.line or 0)
