"""The fast path for many finished responses at once (file imports, demo data).

The web journey saves one response at a time through the ORM; a 100,000-row import cannot. Here
responses go in chunks with one multi-row INSERT … RETURNING (SQLAlchemy 2 "insertmanyvalues"),
then their answers with one executemany per chunk. Answers must already be cleaned
(`answers.clean_value`) and must respect skip logic: this module trusts its caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voice.models import Answer, Campaign, Response, SurveyVersion
from voice.responses.answers import AnswerValue, to_rows
from voice.responses.codes import new_code
from voice.surveys.registry import survey_of_version

# progress(stage, done, total): total is 0 when unknown. Stage is "saving" here.
ProgressCallback = Callable[[str, int, int], None]

CHUNK_SIZE = 2000  # responses per round trip: large enough to be fast, small enough for SQLite's variable limit


@dataclass
class ResponseRecord:
    submitted_at: datetime  # naive UTC
    group_id: int | None
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    language: str = "en"


def _field(record: Any, name: str, default: Any = None) -> Any:
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_responses(session: Session, version: SurveyVersion, campaign: Campaign, records: Iterable[Any],
                     source: str = "import", progress: ProgressCallback | None = None,
                     chunk_size: int = CHUNK_SIZE, total: int | None = None) -> int:
    """Insert submitted responses (ResponseRecord, or mappings with the same keys). Returns how many.

    Runs in the caller's transaction: the caller commits, or rolls back to undo the lot.
    """
    survey = survey_of_version(version)
    questions = {q.id: q for q in survey.questions}
    if total is None:
        total = len(records) if hasattr(records, "__len__") else 0
    connection = session.connection()
    response_table, answer_table = Response.__table__, Answer.__table__
    insert_responses_stmt = response_table.insert().returning(
        response_table.c.id, response_table.c.resume_code, sort_by_parameter_order=True
    )
    insert_answers_stmt = answer_table.insert()
    done = 0
    for chunk in _chunks(records, chunk_size):
        response_rows = []
        for record in chunk:
            submitted_at = _field(record, "submitted_at")
            response_rows.append({
                "survey_id": version.survey_id, "survey_version_id": version.id, "campaign_id": campaign.id,
                "group_id": _field(record, "group_id"), "status": "submitted", "current_step": 0,
                "language": _field(record, "language", "en") or "en", "source": source,
                "started_at": submitted_at, "updated_at": submitted_at, "submitted_at": submitted_at,
            })
        ids = _insert_with_fresh_codes(session, connection, insert_responses_stmt, response_rows)
        answer_rows = [
            {"response_id": response_id, "question_id": row.question_id, "option_id": row.option_id,
             "text": row.text, "number": row.number}
            for response_id, record in zip(ids, chunk)
            for qid, value in (_field(record, "answers") or {}).items()
            for row in to_rows(questions[qid], value)
        ]
        if answer_rows:
            connection.execute(insert_answers_stmt, answer_rows)
        done += len(chunk)
        if progress is not None:
            progress("saving", done, max(total, done))
    return done


def _insert_with_fresh_codes(session: Session, connection, statement, rows: list[dict]) -> list[int]:
    """Insert one chunk with new resume/receipt codes; a clash with an existing code is retried with new ones.

    Codes are 8 characters from 31 (about 850 billion): clashes are rare but, over millions of rows, real.
    """
    for attempt in range(4):
        codes = _unique_codes(2 * len(rows))
        for row, resume, receipt in zip(rows, codes[0::2], codes[1::2]):
            row["resume_code"], row["receipt_code"] = resume, receipt
        try:
            with session.begin_nested():  # a savepoint: a clash undoes only this chunk
                result = connection.execute(statement, rows)
                returned = result.all()
        except IntegrityError:
            if attempt == 3 or not _codes_clash(connection, codes):
                raise
            continue
        by_code = {r.resume_code: r.id for r in returned}
        return [by_code[row["resume_code"]] for row in rows]
    raise AssertionError("unreachable")


def _unique_codes(count: int) -> list[str]:
    codes: dict[str, None] = {}
    while len(codes) < count:
        codes[new_code()] = None
    return list(codes)


def _codes_clash(connection, codes: list[str]) -> bool:
    """True when the IntegrityError came from a code already in use (not, say, an unknown group id)."""
    table = Response.__table__
    for start in range(0, len(codes), 500):
        part = codes[start:start + 500]
        found = connection.execute(
            select(table.c.id).where(table.c.resume_code.in_(part) | table.c.receipt_code.in_(part)).limit(1)
        ).first()
        if found is not None:
            return True
    return False
