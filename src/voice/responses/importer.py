"""Import finished responses from CSV (older waves such as esafety-2016, paper surveys typed up).

File layout: `submitted_at` (ISO 8601), `group` (group code, may be blank), then one column per
question id. A blank cell (or a question with no column) means not asked / not answered; a multi
answer is option ids joined with ';'. `response_id` and `campaign` (written by the exporter) are
accepted and ignored, so an export imports straight back.

Every row is checked against the survey version served now, exactly as a web answer would be.
ALL problems are reported (file line, the header being line 1; column; a plain message) and a
file with any problem imports nothing. Good rows are written in chunks while reading, inside a
savepoint that is rolled back if a problem turns up later, so a 100,000-row file never sits in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.db import utcnow
from voice.io import FileNotReadable, ImportRejected, LineProblem, Source, csv_records, estimate_records, open_text
from voice.io.safe_csv import restore
from voice.models import Campaign, Group
from voice.responses.answers import AnswerValue, clean_value
from voice.responses.bulk import CHUNK_SIZE, ProgressCallback, ResponseRecord, insert_responses
from voice.responses.campaigns import check_name, create_campaign
from voice.responses.errors import AnswerRejected
from voice.surveys import skip_logic
from voice.surveys.registry import get_survey
from voice.surveys.schema import Condition, Question, Survey

DATE_COLUMN, GROUP_COLUMN = "submitted_at", "group"
IGNORED_COLUMNS = ("response_id", "campaign")  # what the exporter adds; the target campaign is chosen here
PROGRESS_EVERY = 1000  # rows between progress callbacks
DATE_EXAMPLE = "for example 2016-03-01 or 2016-03-01T09:30:00Z"

__all__ = ["ImportRejected", "ResponseImportReport", "LineProblem", "import_responses"]


@dataclass
class ResponseImportReport:
    survey_id: str
    survey_revision: int  # the survey version the answers were checked against and stored with
    campaign: str
    campaign_created: bool
    imported: int
    blank_lines: int = 0

    def __str__(self) -> str:
        created = f" (new campaign '{self.campaign}' created)" if self.campaign_created else ""
        return (f"Imported {self.imported:,} response(s) into '{self.campaign}' for {self.survey_id} "
                f"(survey revision {self.survey_revision}){created}.")


def import_responses(session: Session, survey_id: str, source: Source, campaign_name: str,
                     progress: ProgressCallback | None = None) -> ResponseImportReport:
    """Check every row of `source` and, only if all are good, store them as submitted responses.

    Raises ImportRejected (with `.problems`) for a bad file, UnknownSurvey for an unknown survey,
    CampaignError when the campaign name is unusable.
    The caller commits (the CLI uses session_scope).
    """
    version, survey = get_survey(session, survey_id)
    campaign_name = (campaign_name or "").strip()
    total = estimate_records(source)
    stream, opened = open_text(source)
    try:
        with session.begin_nested():  # anything written is undone if the file turns out bad
            campaign, created = _campaign_for(session, survey_id, campaign_name, source)
            report = ResponseImportReport(survey_id=survey_id, survey_revision=version.revision, campaign=campaign.name,
                                  campaign_created=created, imported=0)
            problems = _import_rows(session, survey, version, campaign, stream, total, progress, report)
            if problems:
                raise ImportRejected(problems, what="file")
    finally:
        if opened:
            stream.close()
    return report


def _campaign_for(session: Session, survey_id: str, name: str, source: Source) -> tuple[Campaign, bool]:
    campaign = session.scalars(select(Campaign).where(Campaign.name == name, Campaign.survey_id == survey_id)).first()
    if campaign is not None:
        return campaign, False
    # Older waves are imported into a campaign of their own; its dates never restrict imports.
    check_name(name)  # before reading the file: a bad name is one message, not a rejected file
    label = Path(source).name if isinstance(source, (str, Path)) else "an uploaded file"
    campaign = create_campaign(session, name, survey_id, title=name,
                               notes=f"Created by importing {label} on {utcnow():%Y-%m-%d}.")
    return campaign, True


def _import_rows(session: Session, survey: Survey, version, campaign: Campaign, stream, total: int,
                 progress: ProgressCallback | None, report: ResponseImportReport) -> list[LineProblem]:
    problems: list[LineProblem] = []
    pending: list[ResponseRecord] = []
    records = csv_records(stream)
    line = 1
    try:
        first = next(records, None)
        if first is None:
            return [LineProblem(1, "", "The file is empty. The first line must be the header: "
                                   "submitted_at,group, then one column per question id.")]
        checker = RowChecker(survey, _group_ids(session))
        problems.extend(checker.read_header(first[1]))
        rows_read = 0
        for line, cells in records:
            if not any(c.strip() for c in cells):
                report.blank_lines += 1
                continue
            rows_read += 1
            record = checker.check_row(line, cells, problems)
            if record is not None and not problems:  # after the first problem, only check
                pending.append(record)
                if len(pending) >= CHUNK_SIZE:
                    report.imported += insert_responses(session, version, campaign, pending, source="import")
                    pending = []
            if progress is not None and rows_read % PROGRESS_EVERY == 0:
                progress(rows_read, max(total, rows_read))
    except FileNotReadable as exc:
        problems.append(LineProblem(line + 1, "", str(exc)))
        return problems
    if rows_read == 0:
        problems.append(LineProblem(2, "", "The file has a header but no responses under it."))
    if problems:
        return problems
    if pending:
        report.imported += insert_responses(session, version, campaign, pending, source="import")
    if progress is not None:
        progress(rows_read, rows_read)
    return problems


def _group_ids(session: Session) -> dict[str, int]:
    return {code.lower(): gid for gid, code in session.execute(select(Group.id, Group.code))}


class RowChecker:
    """Checks rows against one survey version; knows the column layout once the header is read."""

    def __init__(self, survey: Survey, group_ids: Mapping[str, int], now: datetime | None = None):
        self.survey = survey
        self.group_ids = group_ids
        self.latest_allowed = (now or utcnow()) + timedelta(days=1)  # a day's grace for clocks and time zones
        self.width = 0
        self.date_index: int | None = None
        self.group_index: int | None = None
        self.question_columns: list[tuple[int, Question]] = []
        # Fast paths: the option ids of each single-answer closed question, and the visible set per
        # combination of the answers skip logic looks at (a handful of combinations across 100,000 rows).
        self.single_choice = {q.id: {o.id: o.id for o in q.options} for q in survey.questions
                              if q.is_closed and q.type != "multi"}
        self.skip_inputs = sorted(set().union(*(_referenced(q.show_if) for q in survey.questions)))
        self.visible_cache: dict[tuple, frozenset[str]] = {}

    def read_header(self, header: list[str]) -> list[LineProblem]:
        problems: list[LineProblem] = []
        names = [h.strip() for h in header]
        self.width = len(names)
        seen: dict[str, int] = {}
        for index, name in enumerate(names):
            if not name:
                problems.append(LineProblem(1, f"column {index + 1}", "This column has no name in the header."))
                continue
            if name in seen:
                problems.append(LineProblem(1, name, f"The column '{name}' appears twice in the header."))
                continue
            seen[name] = index
            question = self.survey.question(name)
            if name == DATE_COLUMN:
                self.date_index = index
            elif name == GROUP_COLUMN:
                self.group_index = index
            elif name in IGNORED_COLUMNS:
                pass
            elif question is not None:
                self.question_columns.append((index, question))
            else:
                problems.append(LineProblem(1, name, f"'{name}' is not a question of {self.survey.id} (the version "
                                                 "served now). Rename or remove the column."))
        if DATE_COLUMN not in seen:
            problems.append(LineProblem(1, DATE_COLUMN, "The header needs a 'submitted_at' column: when each set of "
                                                    f"answers was given ({DATE_EXAMPLE})."))
        return problems

    def check_row(self, line: int, cells: list[str], problems: list[LineProblem]) -> ResponseRecord | None:
        """The row as a record, or None after adding its problems to `problems`."""
        if len(cells) != self.width:
            problems.append(LineProblem(line, "", f"This row has {len(cells)} cells but the header has {self.width}. "
                                              "A comma inside an answer needs the answer in double quotes."))
            return None
        before = len(problems)
        submitted_at = self._date(line, cells, problems)
        group_id = self._group(line, cells, problems)
        answers: dict[str, AnswerValue] = {}
        for index, question in self.question_columns:
            raw = cells[index]
            exact = self.single_choice.get(question.id)
            if exact is not None and raw in exact:  # most cells: an option id exactly as written
                answers[question.id] = exact[raw]
                continue
            if not raw.strip():
                continue  # not asked or not answered
            value = self._answer(line, question, restore(raw), problems)
            if value is not None:
                answers[question.id] = value
        if answers:
            self._skip_logic(line, answers, problems)
        if len(problems) > before or submitted_at is None:  # no date column: said once, on the header
            return None
        return ResponseRecord(submitted_at=submitted_at, group_id=group_id, answers=answers)

    def _date(self, line: int, cells: list[str], problems: list[LineProblem]) -> datetime | None:
        if self.date_index is None:
            return None  # reported once, on the header
        raw = cells[self.date_index].strip()
        if not raw:
            problems.append(LineProblem(line, DATE_COLUMN, f"The date is missing ({DATE_EXAMPLE})."))
            return None
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            problems.append(LineProblem(line, DATE_COLUMN, f"'{raw}' is not a date in ISO 8601 form ({DATE_EXAMPLE})."))
            return None
        if when.tzinfo is not None:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)  # stored as naive UTC everywhere
        if when > self.latest_allowed:
            problems.append(LineProblem(line, DATE_COLUMN, f"{raw} is in the future. Check the date and its year."))
            return None
        return when

    def _group(self, line: int, cells: list[str], problems: list[LineProblem]) -> int | None:
        if self.group_index is None:
            return None
        code = cells[self.group_index].strip()
        if not code:
            return None
        group_id = self.group_ids.get(code.lower())
        if group_id is None:
            problems.append(LineProblem(line, GROUP_COLUMN, f"There is no group with the code '{code}'. Add it first "
                                                        "with `voice groups import`, or leave the cell blank."))
        return group_id

    def _answer(self, line: int, question: Question, raw: str, problems: list[LineProblem]) -> AnswerValue | None:
        value: Any = raw
        if question.type == "multi":
            value = [part.strip() for part in raw.split(";") if part.strip()]
        elif question.type != "text":
            value = raw.strip()
        options = self.single_choice.get(question.id)
        if options is not None and value in options:
            return options[value]  # padded with spaces: as clean_value would return it (shared string)
        message = _precheck(question, value)
        if message is None:
            try:
                return clean_value(question, value)
            except AnswerRejected as exc:  # a rule we did not pre-check: its own message still helps
                message = exc.message
        problems.append(LineProblem(line, question.id, message))
        return None

    def _visible(self, answers: dict[str, AnswerValue]) -> frozenset[str]:
        key = tuple(tuple(v) if isinstance(v := answers.get(q), list) else v for q in self.skip_inputs)
        visible = self.visible_cache.get(key)
        if visible is None:
            visible = frozenset(q.id for q in skip_logic.visible_questions(self.survey, answers))
            if len(self.visible_cache) < 10_000:  # bounded: free-text-like multi answers could vary a lot
                self.visible_cache[key] = visible
        return visible

    def _skip_logic(self, line: int, answers: dict[str, AnswerValue], problems: list[LineProblem]) -> None:
        visible = self._visible(answers)
        if visible.issuperset(answers):
            return
        for question_id in answers:
            if question_id in visible:
                continue
            question = self.survey.question(question_id)
            if question is None:  # answers come from the question columns: never
                continue
            rule = describe(question.show_if) if question.show_if else "an earlier question is answered"
            shown = ", ".join(f"{ref} = {_shown_value(answers.get(ref))}"
                              + ("" if ref in visible else " (itself skipped)")
                              for ref in sorted(_referenced(question.show_if)))
            problems.append(LineProblem(line, question_id, f"Answered, but the survey skips this question here: it is "
                                                       f"only asked when {rule}, and this row has {shown}."))


def _precheck(question: Question, value: Any) -> str | None:
    """An operator-worded message for the usual mistakes (clean_value's messages speak to young people)."""
    if question.type == "text":
        if len(value) > question.max_length:
            return (f"This text is {len(value):,} characters long; the most an answer can be is "
                    f"{question.max_length:,}.")
        return None
    if question.type == "number":
        try:
            number = float(value)
        except ValueError:
            return f"'{value}' is not a number (write digits only, for example 12)."
        if not math.isfinite(number):
            return f"'{value}' is not a number (write digits only, for example 12)."
        if not question.decimals and not number.is_integer():
            return f"'{value}' is not a whole number ({question.id} takes whole numbers, for example 12)."
        if question.min is not None and number < question.min:
            return f"{value} is below the smallest answer allowed ({question.min:g})."
        if question.max is not None and number > question.max:
            return f"{value} is above the largest answer allowed ({question.max:g})."
        return None
    valid = [o.id for o in question.options]
    chosen = value if isinstance(value, list) else [value]
    unknown = [c for c in chosen if c not in valid]
    if unknown:
        what = "are not choices" if len(unknown) > 1 else "is not a choice"
        listed = ", ".join(f"'{u}'" for u in unknown)
        joiner = " (several choices are joined with ';')" if question.type == "multi" else ""
        return f"{listed} {what} for {question.id}. The choices are: {', '.join(valid)}{joiner}."
    return None


def describe(condition: Condition) -> str:
    """A show_if rule in words: "uses_webcam is 'yes'"."""
    values = " or ".join(f"'{v}'" for v in condition.values)
    if condition.op in ("equals", "in"):
        return f"{condition.question} is {values}"
    if condition.op == "not_equals":
        return f"{condition.question} is not {values}"
    if condition.op == "includes":
        return f"{condition.question} includes {values}"
    if condition.op == "answered":
        return f"{condition.question} is answered"
    joiner = " and " if condition.op == "all" else " or "
    return "(" + joiner.join(describe(c) for c in condition.conditions) + ")"


def _referenced(condition: Condition | None) -> set[str]:
    if condition is None:
        return set()
    if condition.op in ("all", "any"):
        return set().union(*(_referenced(c) for c in condition.conditions))
    return {condition.question} if condition.question else set()


def _shown_value(value: Any) -> str:
    if not skip_logic.is_answered(value):
        return "(not answered)"
    if isinstance(value, (list, tuple)):
        return "'" + ";".join(value) + "'"
    return f"'{value}'"
