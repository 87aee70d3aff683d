"""After a run: what the database holds, compared with what every simulated young person was told."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from benchmarks.load.person import PersonResult


@dataclass
class Verdict:
    people: int
    submitted_in_db: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(engine: Engine, results: list[PersonResult], survey_id: str = "esafety_year9",
           since: datetime | None = None) -> Verdict:
    """Exactly one submitted response per person (found by their receipt), holding every confirmed answer.

    `since` (naive UTC) leaves out responses started before this run, for a database that is not fresh.
    """
    from voice.db import session_scope
    from voice.models import Response
    from voice.responses import service

    problems: list[str] = []
    with session_scope(engine) as session:
        query = select(Response.resume_code, Response.receipt_code).where(
            Response.survey_id == survey_id, Response.status == "submitted")
        if since is not None:
            query = query.where(Response.started_at >= since)
        rows = session.execute(query).all()
        receipts = Counter(r.receipt_code for r in rows)
        by_receipt = {r.receipt_code: r.resume_code for r in rows}
        for person in results:
            who = f"person {person.index} ({person.resume_code})"
            if person.error:
                problems.append(f"{who} failed: {person.error}")
            if person.receipt is None:
                problems.append(f"{who} never saw a receipt code")
                if person.resume_code and person.confirmed:
                    _check_answers(session, service, person, who, problems)
                continue
            if receipts[person.receipt] != 1:
                problems.append(f"{who}: receipt {person.receipt} is in the database {receipts[person.receipt]} times")
            elif by_receipt[person.receipt] != person.resume_code:
                problems.append(f"{who}: receipt {person.receipt} belongs to another response")
            _check_answers(session, service, person, who, problems)
        if len(rows) != len(results):
            problems.append(f"{len(rows)} submitted responses in the database for {len(results)} people")
    return Verdict(len(results), len(rows), problems)


def _check_answers(session, service, person: PersonResult, who: str, problems: list[str]) -> None:
    stored = service.load_progress(session, person.resume_code).answers
    for qid, value in person.confirmed.items():
        got = stored.get(qid)
        if isinstance(value, list):
            got, value = sorted(got or []), sorted(value)
        if got != value:
            problems.append(f"{who}: {qid} was confirmed as {value!r} but the database has {got!r}")


def integrity_check(sqlite_path: str) -> str:
    """SQLite's own check of every page and index: 'ok' when nothing is corrupt."""
    import sqlite3

    with sqlite3.connect(sqlite_path) as connection:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
