"""CSV/Excel in and out: reading operator files with problems reported by line, and safe export.

Every import reports ALL its problems at once (line, column, plain message) and writes nothing
when there is any, so an operator fixes the file once rather than one error per attempt.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Union, cast

from voice.errors import Invalid

Source = Union[str, Path, IO[str], IO[bytes]]


@dataclass(frozen=True, order=True)
class LineProblem:
    line: int  # file line, the header being line 1
    column: str  # the column's header name, or "" for the whole row
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class ImportRejected(Invalid):
    """A file with problems: nothing from it was saved. `.problems` lists every one, in file order."""

    def __init__(self, problems: list[LineProblem], what: str = "file"):
        problems = sorted(problems)
        lines = {p.line for p in problems}
        super().__init__(problems, (
            f"Nothing was imported: the {what} has {len(problems)} problem(s) on {len(lines)} line(s). "
            "Fix them and import the whole file again.\n" + "\n".join(f"  {p}" for p in problems[:20])
            + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else "")
        ))


class FileNotReadable(Invalid):
    """The file is missing or is not UTF-8 text."""


NOT_UTF8 = ("The file is not UTF-8 text. In Excel use 'Save As' → 'CSV UTF-8 (Comma delimited)', "
            "then import that file.")


def open_text(source: Source) -> tuple[IO[str], bool]:
    """A text stream over `source` (path, text or binary file) and whether we opened it (so must close it).

    UTF-8 with or without a byte-order mark; newline='' so quoted line breaks inside cells survive.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise FileNotReadable(f"There is no file at {path}.")
        return open(path, encoding="utf-8-sig", newline=""), True
    if isinstance(source, io.TextIOBase):
        return source, False
    # A binary stream (e.g. an upload): decode it ourselves.
    return io.TextIOWrapper(cast(IO[bytes], source), encoding="utf-8-sig", newline=""), False


def csv_records(stream: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """(first file line of the record, cells) for every record; header included as line 1.

    A record whose quoted cell holds line breaks spans several lines: we report the line it starts on.
    """
    reader = csv.reader(stream, strict=True)
    next_line = 1
    try:
        for cells in reader:
            start = next_line
            next_line = reader.line_num + 1
            if start == 1 and cells and cells[0].startswith(codecs.BOM_UTF8.decode()):
                cells[0] = cells[0][1:]  # a BOM left by a text stream we did not open ourselves
            yield start, cells
    except UnicodeDecodeError:
        raise FileNotReadable(f"{NOT_UTF8} (The first bad character is near line {next_line}.)") from None
    except csv.Error as exc:
        raise FileNotReadable(f"Line {next_line} is not valid CSV ({exc}). "
                              "Check for a stray double quote (\") in that line.") from None


def estimate_records(source: Source) -> int:
    """A quick count of data lines (for progress percentages); 0 when the source cannot be measured."""
    if not isinstance(source, (str, Path)):
        return 0
    count = 0
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return max(count - 1, 0)  # minus the header
