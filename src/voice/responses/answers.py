"""Answer values ⇄ answer rows, and the checks every answer passes (web, import, editor preview).

A value is what a young person gave: an option id (single, yes_no, scale, emoji_scale), a list of
option ids (multi), a string (text) or a number. Empty means not answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Union

from voice.responses.errors import AnswerRejected
from voice.surveys.schema import Question, Survey

AnswerValue = Union[str, float, int, list, tuple]


@dataclass(frozen=True)
class AnswerRow:
    question_id: str
    option_id: str = ""
    text: str | None = None
    number: float | None = None


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, tuple, set)):
        return len(value) == 0
    return False


def clean_value(question: Question, value: Any) -> AnswerValue | None:
    """Check one answer against its question. Returns the value to store, or None for 'not answered'.

    Raises AnswerRejected with a message a young person (or an operator importing a file) can act on.
    """
    if is_empty(value):
        return None
    if question.type == "text":
        text = str(value).replace("\x00", "")  # PostgreSQL cannot store NUL; nothing a person types needs it
        if len(text) > question.max_length:
            raise AnswerRejected(
                question.id,
                f"Your answer is {len(text):,} characters long. The most we can take is {question.max_length:,}, "
                "so please make it a little shorter. Nothing you wrote has been lost.",
            )
        return text
    if question.type == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise AnswerRejected(question.id, "Please type a number (for example 12).") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise AnswerRejected(question.id, "Please type a number (for example 12).")
        if not question.decimals and not number.is_integer():
            raise AnswerRejected(question.id, "Please type a whole number (for example 12).")
        if question.min is not None and number < question.min:
            raise AnswerRejected(question.id, f"Please type a number of at least {question.min:g}.")
        if question.max is not None and number > question.max:
            raise AnswerRejected(question.id, f"Please type a number no bigger than {question.max:g}.")
        return number
    valid = {o.id for o in question.options}
    if question.type == "multi":
        chosen = [value] if isinstance(value, str) else list(value)
        chosen = list(dict.fromkeys(str(c) for c in chosen))  # keep order, drop repeats
        unknown = [c for c in chosen if c not in valid]
        if unknown:
            raise AnswerRejected(question.id, f"'{', '.join(unknown)}' is not one of the choices for {question.id}.")
        alone = [c for c in chosen if c in question.exclusive_ids]
        if alone and len(chosen) > 1:  # "None of these" with Snapchat says two opposite things
            option = question.option(alone[0])  # a valid id: checked above
            label = option.label.get("en", alone[0]) if option else alone[0]
            raise AnswerRejected(question.id, f"“{label}” can't be ticked with other answers. "
                                              "Untick it, or untick the others.")
        return chosen
    choice = str(value)
    if choice not in valid:
        raise AnswerRejected(question.id, f"'{choice}' is not one of the choices for {question.id}.")
    return choice


REQUIRED_MESSAGE = "Please choose an answer. “Prefer not to say” is fine too."


def unanswered_required(questions: Iterable[Question], answers: Mapping[str, Any]) -> list[AnswerRejected]:
    """The must-answer rule, for the questions shown on one step: a closed question marked `required` needs
    an answer before the young person moves on ("Prefer not to say" is an answer). Written questions are
    never forced: nobody should have to write something to carry on."""
    return [AnswerRejected(q.id, REQUIRED_MESSAGE) for q in questions
            if q.required and q.is_closed and is_empty(answers.get(q.id))]


def to_rows(question: Question, value: AnswerValue) -> list[AnswerRow]:
    if question.type == "text":
        return [AnswerRow(question.id, text=str(value))]
    if question.type == "number":
        if isinstance(value, (list, tuple)):
            raise TypeError(f"{question.id}: a number, not {value!r}")
        return [AnswerRow(question.id, number=float(value))]
    if question.type == "multi":
        if not isinstance(value, (list, tuple)):  # clean_value makes every multi answer a list
            raise TypeError(f"{question.id}: a list of option ids, not {value!r}")
        return [AnswerRow(question.id, option_id=o) for o in value]
    return [AnswerRow(question.id, option_id=str(value))]


def from_rows(survey: Survey, rows: Iterable[Any]) -> dict[str, AnswerValue]:
    """Rows (anything with question_id, option_id, text, number) back to values, in option order."""
    answers: dict[str, AnswerValue] = {}
    ticked: dict[str, list[str]] = {}  # multi answers, also in `answers` (same list) so the order of keys holds
    for row in rows:
        question = survey.question(row.question_id)
        if question is None:
            continue
        if question.type == "text":
            answers[question.id] = row.text or ""
        elif question.type == "number":
            answers[question.id] = row.number
        elif question.type == "multi":
            if question.id not in ticked:
                answers[question.id] = ticked[question.id] = []
            ticked[question.id].append(row.option_id)
        else:
            answers[question.id] = row.option_id
    for question in survey.questions:
        if question.type == "multi" and question.id in ticked:
            order = {o.id: i for i, o in enumerate(question.options)}
            answers[question.id] = sorted(ticked[question.id], key=lambda o: order.get(o, 999))
    return answers


def clean_answers(survey: Survey, answers: Mapping[str, Any], question_ids: Iterable[str]) -> dict[str, AnswerValue]:
    """Clean the answers to `question_ids`; every rejected answer is reported, not just the first."""
    cleaned: dict[str, AnswerValue] = {}
    problems: list[AnswerRejected] = []
    for qid in question_ids:
        question = survey.question(qid)
        if question is None:
            continue
        try:
            value = clean_value(question, answers.get(qid))
        except AnswerRejected as exc:
            problems.append(exc)
            continue
        if value is not None:
            cleaned[qid] = value
    if problems:
        raise AnswersRejected(problems)
    return cleaned


class AnswersRejected(AnswerRejected):
    def __init__(self, problems: list[AnswerRejected]):
        super().__init__(problems[0].question_id, problems[0].message)
        self.problems = tuple(problems)
