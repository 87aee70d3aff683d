"""Checks on an uploaded workbook BEFORE anything parses it: its size, what it unpacks to, how many cells.

An .xlsx file is a zip of XML files. A 0.9 MB upload can unpack to hundreds of megabytes (a "zip bomb"),
and a sheet can hold far more cells than any form needs; parsing either ties up the server for minutes
and takes its memory from every young person answering a survey. Real forms are small: the largest of
the ~200 public XLSForms we measured is 0.3 MB and unpacks to 2.8 MB with 39,000 filled cells.

`check_workbook(data)` reads only the zip's directory and counts cells in each sheet with a bounded scan
(Python's zipfile never returns more bytes than an entry declares, and the declared sizes are checked
first). It returns the file type for the parser, or raises XLSFormError with a message for a person.
"""

from __future__ import annotations

import io
import re
import zipfile

from voice.surveys.xlsform_types import XLSFormError, XLSProblem

MAX_UPLOAD_BYTES = 5_000_000  # 15x the largest real form we found
MAX_UNPACKED_BYTES = 30_000_000  # 10x the largest real form, unpacked
MAX_ZIP_ENTRIES = 2_000
MAX_FILLED_CELLS = 250_000  # per sheet; 6x the largest real form
XLS_MAX_ROWS = 65_536  # the .xls format's own limit

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound document: the old Excel format
_CELL_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)[\s>]")  # a cell value (<v>…</v>) or inline string (<is>)


def _refuse(code: str, message: str) -> XLSFormError:
    return XLSFormError([XLSProblem("", None, None, message, code=code)])


def workbook_kind(data: bytes) -> str:
    """'.xlsx' or '.xls' from the file's first bytes (never from its name), or XLSFormError."""
    if data.startswith(_XLSX_MAGIC):
        return ".xlsx"
    if data.startswith(_XLS_MAGIC):
        return ".xls"
    raise _refuse("not_a_workbook", "this is not an Excel workbook (.xlsx or .xls): open the form in Excel, "
                                    "LibreOffice or Google Sheets and save or download it as .xlsx")


def check_workbook(data: bytes) -> str:
    """Refuse what would be unsafe to parse; returns the file type ('.xlsx' or '.xls')."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse("file_too_large", f"the file is {len(data) / 1e6:.1f} MB; an XLSForm is rarely more than "
                                        f"1 MB and we take up to {MAX_UPLOAD_BYTES // 1_000_000} MB. Remove "
                                        "pictures, data sheets and unused sheets, then try again")
    kind = workbook_kind(data)
    if kind == ".xlsx":
        _check_xlsx(data)
    return kind  # an .xls is at most MAX_UPLOAD_BYTES and 65,536 rows a sheet: its parser reads it whole


def _check_xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refuse("not_a_workbook", "this .xlsx file is damaged (it is not a complete workbook); save it "
                                        "again from your spreadsheet program") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse("too_many_parts", f"the workbook is made of {len(entries):,} parts; a form has a few dozen")
    unpacked = sum(max(e.file_size, 0) for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse("unpacks_too_large",
                      f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, far more than a form needs (real forms "
                      f"unpack to 3 MB or less; we take up to {MAX_UNPACKED_BYTES // 1_000_000} MB). It may hold "
                      "a huge sheet or be damaged: copy the survey, choices and settings sheets into a new "
                      "workbook and try again")
    for entry in entries:
        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
            cells = _count_cells(archive, entry)
            if cells > MAX_FILLED_CELLS:
                raise _refuse("sheet_too_large",
                              f"a sheet ({entry.filename.rsplit('/', 1)[-1]}) has {cells:,} filled cells; a form "
                              f"needs far fewer (we take up to {MAX_FILLED_CELLS:,}). Delete the rows and columns "
                              "you do not need, or move data to another workbook")


def _count_cells(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """Filled cells in one sheet, read in chunks (an element split across two chunks is still counted)."""
    count, carry = 0, b""
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(1 << 20):
                block = carry + chunk
                cut = max(len(block) - 16, 0)  # a match starting after `cut` is counted with the next chunk
                count += sum(1 for m in _CELL_VALUE.finditer(block) if m.start() < cut)
                carry = block[cut:]
                if count > MAX_FILLED_CELLS:
                    return count
        count += len(_CELL_VALUE.findall(carry))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise _refuse("not_a_workbook", "this .xlsx file is damaged (a sheet cannot be read); save it again from "
                                        "your spreadsheet program") from None
    return count
