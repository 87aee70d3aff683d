"""What an XLSForm import reports: problems placed in the workbook, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice.errors import Invalid
from voice.surveys.schema import Survey

# The workbook's sheets, and the types a `voice::type` column names (ours, which XLSForm has no word for).
SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
VOICE_TYPES = ("yes_no", "scale", "emoji_scale")


@dataclass(frozen=True)
class XLSProblem:
    """One finding, placed in the workbook: sheet, row (1 = header) and column, with a stable `code`."""

    sheet: str
    row: int | None
    column: str | None  # the column's header, e.g. "relevant"
    message: str
    column_letter: str | None = None
    code: str = ""

    def __str__(self) -> str:
        where = [f"{self.sheet} sheet" if self.sheet else "workbook"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column_letter} ({self.column})" if self.column_letter
                         else f"column {self.column}")
        return ", ".join(where) + f": {self.message}"


class XLSFormError(Invalid):
    """The workbook cannot be imported. `.problems` lists every error with sheet, row and column."""

    def __init__(self, problems: list[XLSProblem]):
        super().__init__(problems)


@dataclass
class XLSFormReport:
    survey: Survey
    data: dict  # the survey file layout: a draft for the editor, or YAML for surveys/
    unmapped: list[XLSProblem] = field(default_factory=list)  # what was NOT imported, and why
    filled_in: list[str] = field(default_factory=list)  # what we supplied or changed: check it in the editor
