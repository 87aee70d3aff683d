"""The results table: one row per figure, exactly as the Results page shows it and its downloads write it.

Hidden figures read "fewer than 10" (the base stays when only the count is hidden). The page, its CSV and
its Excel download all come from `result_table`, so a download is what was on the screen.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from voice.errors import Invalid
from voice.stats.results import ResultRow
from voice.stats.suppression import SUPPRESSED_TEXT, format_count, format_percent
from voice.surveys.schema import PREFER_NOT_TO_SAY, Survey, tr

RESULT_COLUMNS = ("Question", "Breakdown", "Answer", "n", "Base", "%")
NOT_SHOWN = "not shown"


def result_table(survey: Survey, rows: Sequence[ResultRow], by: str | None,
                 labels: Mapping[str | None, str] | None = None) -> list[dict[str, str]]:
    """Rows of the results table (question, breakdown value, answer, n, base, %), in survey order.

    `labels` names the breakdown values ("Demo Hill Academy"); without a breakdown the column says "Whole area".
    """
    labels = labels or {}
    questions = {q.id: q for q in survey.questions}
    shown_base = {(r.question_id, r.by, r.value): r.base for r in rows
                  if r.option_id != PREFER_NOT_TO_SAY and r.base is not None}
    out = []
    for r in rows:
        question = questions.get(r.question_id)
        options = {o.id: tr(o.label) for o in question.options} if question else {}
        answer = options.get(r.option_id, r.option_id)
        if r.option_id == PREFER_NOT_TO_SAY:
            answer += " (of all who answered)"
        out.append({
            "Question": tr(question.text) if question else r.question_id,
            "Breakdown": "Whole area" if by is None else labels.get(r.value, str(r.value)),
            "Answer": answer,
            "n": format_count(r.count, r.suppressed),
            "Base": _base_text(r, shown_base.get((r.question_id, r.by, r.value))),
            "%": format_percent(r.percent, r.suppressed),
        })
    return out


def _base_text(row: ResultRow, base: int | None) -> str:
    # "Everyone who answered" (the prefer-not-to-say row's base) is hidden so that it cannot give that count back;
    # it is at least the question's base shown beside it, so it must not read "fewer than 10".
    if row.base is None and row.option_id == PREFER_NOT_TO_SAY and base is not None:
        return NOT_SHOWN
    return format_count(row.base, row.base is None)


def table_bytes(table: Sequence[Mapping[str, str]], fmt: str, sheet: str = "Results") -> bytes:
    """The table as a CSV or Excel file, through the project's safe export (no cell runs as a formula)."""
    from voice.io.safe_csv import csv_bytes, xlsx_bytes

    header = list(RESULT_COLUMNS)
    rows = [[row[c] for c in header] for row in table]
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "xlsx":
        return xlsx_bytes({sheet: (header, rows)})
    raise Invalid(f"Results are downloaded as csv or xlsx, not {fmt!r}.")


__all__ = ["RESULT_COLUMNS", "SUPPRESSED_TEXT", "result_table", "table_bytes"]
