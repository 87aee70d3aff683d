"""Export submitted responses: one row per response, one column per question (CSV or Excel).

Columns: response_id, campaign, submitted_at (ISO 8601, UTC), group, then every question id of the
survey in survey order; multi answers are option ids joined with ';'. The importer reads this layout
back, so export → import gives the same answers.

Free text held for the safeguarding leads (voice.safeguarding.held: a response with an open item, and
answers that raised an item a lead did not release) is left blank; the report counts what was held back,
so the operator knows the file is not the whole story.

Rows are streamed a chunk of responses at a time (keyset pagination on the id), so exporting
100,000 responses never holds them all in memory. Every cell passes `safe_csv.neutralise`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.io.safe_csv import write_csv, write_xlsx
from voice.models import Answer, Campaign, Group, Response, SurveyRecord, SurveyVersion
from voice.safeguarding.held import withheld
from voice.responses.campaigns import get_campaign
from voice.surveys.registry import UnknownSurvey, list_survey_ids, survey_of_version
from voice.surveys.schema import Question

FIXED_COLUMNS = ("response_id", "campaign", "submitted_at", "group")
CHUNK_SIZE = 2000


@dataclass
class HeldBack:
    """Free-text answers left blank because they are held for the safeguarding leads."""

    answers: int = 0
    responses: set[int] = field(default_factory=set)


@dataclass
class ExportReport:
    path: Path
    rows: int
    columns: list[str]
    held_back_answers: int = 0
    held_back_responses: int = 0

    def __str__(self) -> str:
        line = f"Wrote {self.rows:,} response(s) to {self.path}."
        if self.held_back_answers:
            line += (f"\nHeld back {self.held_back_answers:,} free-text answer(s) of {self.held_back_responses:,} "
                     "response(s) (left blank): they are for the safeguarding leads until a lead closes the item "
                     "(see the safeguarding queue).")
        return line


def format_time(value: datetime | None) -> str:
    """Naive UTC → '2016-03-01T09:30:00Z' (the Z says UTC; the importer reads it back)."""
    return value.isoformat(timespec="seconds") + "Z" if value is not None else ""


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def export_columns(session: Session, survey_id: str, campaign_id: int | None = None) -> list[Question]:
    """The current version's questions in survey order, then any question that only an older version
    had and exported responses answered (so no stored answer is ever dropped from an export)."""
    record = session.get(SurveyRecord, survey_id)
    if record is None or record.current_version_id is None:
        raise UnknownSurvey(survey_id, list_survey_ids(session))
    current = survey_of_version(session.get_one(SurveyVersion, record.current_version_id))
    questions = {q.id: q for q in current.questions}
    ordered = list(current.questions)
    query = select(Response.survey_version_id).where(Response.survey_id == survey_id,
                                                     Response.status == "submitted").distinct()
    if campaign_id is not None:
        query = query.where(Response.campaign_id == campaign_id)
    for version_id in sorted(session.scalars(query), reverse=True):  # newest wording wins
        if version_id == record.current_version_id:
            continue
        for question in survey_of_version(session.get_one(SurveyVersion, version_id)).questions:
            if question.id not in questions:
                questions[question.id] = question
                ordered.append(question)
    return ordered


def iter_export_rows(session: Session, survey_id: str, campaign_name: str | None = None,
                     chunk_size: int = CHUNK_SIZE, held: HeldBack | None = None
                     ) -> tuple[list[str], Iterator[list[Any]]]:
    """(header, rows): rows are produced lazily, a chunk of responses per query. `held` counts held text."""
    campaign = get_campaign(session, campaign_name, survey_id) if campaign_name else None
    campaign_id = campaign.id if campaign else None
    questions = export_columns(session, survey_id, campaign_id)
    header = [*FIXED_COLUMNS, *(q.id for q in questions)]
    return header, _rows(session, survey_id, campaign_id, questions, chunk_size, held or HeldBack())


def _rows(session: Session, survey_id: str, campaign_id: int | None, questions: list[Question],
          chunk_size: int, held: HeldBack) -> Iterator[list[Any]]:
    position = {q.id: i for i, q in enumerate(questions)}
    option_order = {q.id: {o.id: i for i, o in enumerate(q.options)} for q in questions if q.type == "multi"}
    last_id = 0
    while True:
        query = (
            select(Response.id, Campaign.name, Response.submitted_at, Group.code)
            .join(Campaign, Campaign.id == Response.campaign_id)
            .outerjoin(Group, Group.id == Response.group_id)
            .where(Response.survey_id == survey_id, Response.status == "submitted", Response.id > last_id)
            .order_by(Response.id)
            .limit(chunk_size)
        )
        if campaign_id is not None:
            query = query.where(Response.campaign_id == campaign_id)
        chunk = session.execute(query).all()
        if not chunk:
            return
        ids = [r.id for r in chunk]
        cells: dict[int, list[Any]] = {rid: [None] * len(questions) for rid in ids}
        multi: dict[tuple[int, str], list[str]] = {}
        answers = session.execute(
            select(Answer.id, Answer.response_id, Answer.question_id, Answer.option_id, Answer.text, Answer.number)
            .where(Answer.response_id.in_(ids))
        ).all()
        kept = set(session.scalars(select(Answer.id).where(Answer.response_id.in_(ids), Answer.text.is_not(None),
                                                            withheld(Answer.id, Answer.response_id))))
        for answer_id, response_id, question_id, option_id, text, number in answers:
            index = position.get(question_id)
            if index is None:
                continue  # an answer row for a question no version defines (not expected)
            kind = questions[index].type
            if kind == "multi":
                multi.setdefault((response_id, question_id), []).append(option_id)
            elif kind == "text":
                if answer_id in kept:
                    held.answers += 1
                    held.responses.add(response_id)
                    text = ""
                cells[response_id][index] = text or ""
            elif kind == "number":
                cells[response_id][index] = format_number(number)
            else:
                cells[response_id][index] = option_id
        for (response_id, question_id), chosen in multi.items():
            order = option_order[question_id]
            chosen.sort(key=lambda o: order.get(o, len(order)))
            cells[response_id][position[question_id]] = ";".join(chosen)
        for row in chunk:
            yield [row.id, row.name, format_time(row.submitted_at), row.code or "", *cells[row.id]]
        last_id = ids[-1]


def export_responses(session: Session, survey_id: str, out: str | Path,
                     campaign_name: str | None = None) -> ExportReport:
    """Write submitted responses to `out`: Excel when it ends in .xlsx, else CSV (UTF-8 with BOM)."""
    path = Path(out)
    held = HeldBack()
    header, rows = iter_export_rows(session, survey_id, campaign_name, held=held)
    counted = _Counter(rows)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, {"Responses": (header, counted)})
    else:
        write_csv(path, header, counted)
    return ExportReport(path=path, rows=counted.count, columns=header, held_back_answers=held.answers,
                        held_back_responses=len(held.responses))


class _Counter:
    def __init__(self, rows: Iterator[list[Any]]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            yield row
