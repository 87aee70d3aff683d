"""Groups (schools, the YPAG, youth clubs): where responses come from. Never a person.

Groups are loaded from a CSV an operator keeps (code,name,area,type). The code goes into survey
links (`?group=CODE`), so it is kept short and link-safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.io import ImportRejected, LineProblem, Source, csv_records, open_text
from voice.models import Group

COLUMNS = ("code", "name", "area", "type")
GROUP_TYPES = ("school", "ypag", "youth_club", "college", "care", "other")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
CODE_MAX, NAME_MAX, AREA_MAX = 40, 200, 100


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)  # codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{len(self.added)} group(s) added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} already up to date.")


def list_groups(session: Session) -> list[Group]:
    return list(session.scalars(select(Group).order_by(Group.name)))


def get_group(session: Session, code: str) -> Group | None:
    """Codes match whatever their case: links get typed by hand."""
    return session.scalars(select(Group).where(func.lower(Group.code) == code.strip().lower())).first()


def import_groups(session: Session, path: Source) -> ImportSummary:
    """Add or update groups from a CSV with the header code,name,area,type.

    Every bad row is reported by line; if there is any, nothing is written (ImportRejected).
    An existing code (any case) is updated; a new one is added.
    """
    stream, opened = open_text(path)
    try:
        rows, problems = _read_rows(stream)
    finally:
        if opened:
            stream.close()
    if problems:
        raise ImportRejected(problems, what="groups file")

    existing = {g.code.lower(): g for g in session.scalars(select(Group))}
    summary = ImportSummary()
    for row in rows:
        group = existing.get(row["code"].lower())
        if group is None:
            session.add(Group(**row))
            summary.added.append(row["code"])
        elif (group.name, group.area, group.type) != (row["name"], row["area"], row["type"]):
            group.name, group.area, group.type = row["name"], row["area"], row["type"]
            summary.updated.append(group.code)
        else:
            summary.unchanged.append(group.code)
    session.flush()
    return summary


def _read_rows(stream) -> tuple[list[dict], list[LineProblem]]:
    problems: list[LineProblem] = []
    records = csv_records(stream)
    first = next(records, None)
    if first is None:
        return [], [LineProblem(1, "", "The file is empty. The first line must be the header: code,name,area,type.")]
    header = [h.strip().lower() for h in first[1]]
    missing = [c for c in ("code", "name") if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing:
        problems.append(LineProblem(1, "", f"The header needs the column(s) {', '.join(missing)}. "
                                       "Expected: code,name,area,type."))
    for name in unknown:
        problems.append(LineProblem(1, name, f"Unknown column '{name}'. The columns are: {', '.join(COLUMNS)}."))
    if missing or unknown:
        return [], problems

    rows: list[dict] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue  # blank lines are harmless
        if len(cells) != len(header):
            problems.append(LineProblem(line, "", f"This row has {len(cells)} cells but the header has {len(header)}. "
                                              "A comma inside a name needs the name in double quotes."))
            continue
        row = {h: c.strip() for h, c in zip(header, cells)}
        code, name = row.get("code", ""), row.get("name", "")
        area, kind = row.get("area", ""), (row.get("type", "") or "school").lower()
        bad = False
        if not code:
            problems.append(LineProblem(line, "code",
                                        "The code is missing. Every group needs a short code, e.g. HILL01."))
            bad = True
        elif len(code) > CODE_MAX or not CODE_PATTERN.match(code):
            problems.append(LineProblem(line, "code", f"'{code}' can't be used as a code: use up to {CODE_MAX} "
                                        "letters, digits, - or _ (no spaces), because it goes into survey links."))
            bad = True
        elif code.lower() in seen:
            problems.append(LineProblem(line, "code", f"The code '{code}' is already used on line {seen[code.lower()]} "
                                                  "of this file. Each group needs its own code."))
            bad = True
        if not name:
            problems.append(LineProblem(line, "name", "The name is missing."))
            bad = True
        elif len(name) > NAME_MAX:
            problems.append(LineProblem(line, "name", f"The name is {len(name)} characters; the most is {NAME_MAX}."))
            bad = True
        if len(area) > AREA_MAX:
            problems.append(LineProblem(line, "area", f"The area is {len(area)} characters; the most is {AREA_MAX}."))
            bad = True
        if kind not in GROUP_TYPES:
            problems.append(LineProblem(line, "type",
                                        f"'{kind}' is not a group type. Use one of: {', '.join(GROUP_TYPES)}."))
            bad = True
        if code and code.lower() not in seen:
            seen[code.lower()] = line
        if not bad:
            rows.append({"code": code, "name": name, "area": area, "type": kind})
    return rows, problems
