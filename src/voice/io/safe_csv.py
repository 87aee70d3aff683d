"""Safe CSV and Excel writing: no cell can run as a spreadsheet formula.

A young person's text (or an option id, or a negative number) that starts with =, +, -, @, a tab or a
carriage return is read as a formula by Excel, LibreOffice and Google Sheets ("CSV injection").
`neutralise` puts an apostrophe in front; `restore` takes it off again when the file is imported,
so export → import gives back exactly what was written.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

TRIGGERS = "=+-@\t\r"
# Also quote a cell that already starts with apostrophes before a trigger ('=1), or restore could not
# tell it from one we neutralised: that keeps restore(neutralise(x)) == x for every x.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_WAS_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(cell: Any) -> Any:
    """The cell made safe to open in a spreadsheet. Non-strings (numbers, None) are returned as they are."""
    if isinstance(cell, str) and _NEEDS_QUOTE.match(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo `neutralise` (for the importer). Leaves every other value, including "'cause", alone."""
    if cell and _WAS_QUOTED.match(cell):
        return cell[1:]
    return cell


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write UTF-8 CSV with a BOM (so Excel shows emoji and accents), every cell neutralised. Returns rows written."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        return _write_csv(handle, header, rows)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The same CSV as `write_csv`, as bytes (for a download button)."""
    handle = io.StringIO(newline="")
    _write_csv(handle, header, rows)
    return handle.getvalue().encode("utf-8-sig")


def _write_csv(handle, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    writer = csv.writer(handle)
    writer.writerow([neutralise(_as_text(h)) for h in header])
    for row in rows:
        writer.writerow([neutralise(_as_text(cell)) for cell in row])
        count += 1
    return count


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """The same workbook as `write_xlsx`, as bytes (for a download button)."""
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()


def write_xlsx(path, sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write an Excel workbook: {sheet name: (header, rows)}. Streams rows (write-only mode).

    Text cells are neutralised: openpyxl would otherwise store "=…" as a live formula.
    Numbers stay numbers so totals work in Excel.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=_sheet_title(name))
        sheet.append([neutralise(_as_text(h)) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
    workbook.save(path)


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    # openpyxl refuses control characters Excel cannot store; drop them rather than fail the export.
    text = _ILLEGAL_XLSX.sub("", _as_text(value))
    return neutralise(text)


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sheet_title(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip() or "Sheet"
    return cleaned[:31]
