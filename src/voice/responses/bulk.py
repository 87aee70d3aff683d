"""The fast path for many finished responses at once (file imports, demo data).

The web journey saves one response at a time through the ORM; a 100,000-row import cannot. Here
responses go in chunks with one multi-row INSERT … RETURNING (SQLAlchemy 2 "insertmanyvalues"),
then their answers with one executemany per chunk. Answers must already be cleaned
(`answers.clean_value`) and must respect skip logic: this module trusts its caller.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sized  # not typing's: their isinstance checks are far slower
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, cast

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voice.models import Answer, Campaign, Response, SurveyVersion
from voice.responses.answers import AnswerValue
from voice.responses.codes import ALPHABET
from voice.surveys.registry import survey_of_version

# progress(done, total): responses handled so far and the expected total (0 when unknown).
ProgressCallback = Callable[[int, int], None]

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
    kinds = {q.id: q.type for q in survey.questions}
    if total is None:
        total = len(records) if isinstance(records, Sized) else 0
    connection = session.connection()
    response_table = cast(Table, Response.__table__)  # typed as a FromClause; a mapped class's is a Table
    # No sort_by_parameter_order: SQLite would then insert one row per statement. Ids are matched
    # to rows through the (unique) resume code instead.
    insert_responses_stmt = response_table.insert().returning(response_table.c.id, response_table.c.resume_code)
    answer_sql, answer_positional = _answer_insert_sql(connection)
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
            row
            for response_id, record in zip(ids, chunk)
            for row in _answer_rows(response_id, kinds, _field(record, "answers") or {})
        ]
        if answer_rows:
            _write_answers(connection, answer_sql, answer_positional, answer_rows)
        done += len(chunk)
        if progress is not None:
            progress(done, max(total, done))
    return done


ANSWER_COLUMNS = ("response_id", "question_id", "option_id", "text", "number")


def _write_answers(connection, sql: str, positional: bool, rows: list[tuple]) -> None:
    """Straight to the driver: SQLAlchemy's per-row parameter handling would otherwise cost more than
    the database's own work for a million answer rows. PostgreSQL (psycopg 3) gets COPY, its fastest path."""
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        cursor = connection.connection.driver_connection.cursor()
        try:
            with cursor.copy(f"COPY answers ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    connection.exec_driver_sql(sql, rows if positional else [dict(zip(ANSWER_COLUMNS, row)) for row in rows])


def _answer_insert_sql(connection) -> tuple[str, bool]:
    """The dialect's own INSERT for answers, and whether it takes positional (tuple) parameters."""
    compiled = cast(Table, Answer.__table__).insert().compile(dialect=connection.dialect,
                                                              column_keys=list(ANSWER_COLUMNS))
    if compiled.positional:
        assert tuple(compiled.positiontup or ()) == ANSWER_COLUMNS, compiled.positiontup
    return str(compiled), bool(compiled.positional)


def _answer_rows(response_id: int, kinds: Mapping[str, str], answers: Mapping[str, AnswerValue]) -> Iterator[tuple]:
    """The same rows as `answers.to_rows`, as plain tuples (one per chosen option of a multi answer)."""
    for question_id, value in answers.items():
        kind = kinds[question_id]
        if kind == "multi":
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"{question_id}: a list of option ids, not {value!r}")
            for option_id in value:
                yield (response_id, question_id, option_id, None, None)
        elif kind == "text":
            yield (response_id, question_id, "", str(value), None)
        elif kind == "number":
            if isinstance(value, (list, tuple)):
                raise TypeError(f"{question_id}: a number, not {value!r}")
            yield (response_id, question_id, "", None, float(value))
        else:
            yield (response_id, question_id, str(value), None, None)


def _insert_with_fresh_codes(session: Session, connection, statement, rows: list[dict]) -> list[int]:
    """Insert one chunk with new resume/receipt codes; a clash with an existing code is retried with new ones.

    Codes are 8 characters from 31 (about 850 billion): clashes are rare but, over millions of rows, real.
    """
    for attempt in range(4):
        codes = new_codes(2 * len(rows))
        for row, resume, receipt in zip(rows, codes[0::2], codes[1::2]):
            row["resume_code"], row["receipt_code"] = resume, receipt
        try:
            with session.begin_nested():  # a savepoint: a clash undoes only this chunk
                returned = connection.execute(statement, rows).all()
        except IntegrityError:
            if attempt == 3 or not _codes_clash(connection, codes):
                raise
            continue
        by_code = {r.resume_code: r.id for r in returned}
        return [by_code[row["resume_code"]] for row in rows]
    raise AssertionError("unreachable")


_ACCEPT = 256 - 256 % len(ALPHABET)  # reject bytes above the last whole multiple: no bias towards early letters


def new_codes(count: int) -> list[str]:
    """`count` distinct codes in `codes.new_code`'s form, from the OS's secure random source, made in bulk
    (one `secrets.choice` per character is the slowest step of a large import otherwise)."""
    codes: dict[str, None] = {}
    while len(codes) < count:
        raw = [ALPHABET[b % len(ALPHABET)] for b in secrets.token_bytes(10 * (count - len(codes))) if b < _ACCEPT]
        for start in range(0, len(raw) - 7, 8):
            part = "".join(raw[start:start + 8])
            codes[f"{part[:4]}-{part[4:]}"] = None
            if len(codes) == count:
                break
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
