"""Which questions a young person sees, given their answers so far.

Answers are a mapping question id -> value:
  single / yes_no / scale / emoji_scale: the option id (str)
  multi: a list or tuple of option ids
  text: str;  number: int or float
A missing key means "not answered"; so do "" and an empty list.

Rules:
* A question with no show_if is always shown.
* show_if may only look at earlier questions (the loader checks this), so one pass in survey
  order settles everything.
* A hidden question's answer counts as not answered, and any test on a hidden question is
  false. So a question whose show_if points at a hidden question is hidden too (a chain:
  threatened_on_webcam <- webcam_chat_new_people <- uses_webcam).
* `not_equals` is true when the (shown) question was skipped: "show unless they said no".
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence, Union

from voice.surveys.schema import Condition, Question, Section, Survey

AnswerValue = Union[str, int, float, Sequence[str]]
Answers = Mapping[str, AnswerValue]


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) > 0
    return True  # numbers, including 0


def _chosen(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(str(v) for v in value)
    return ()


def evaluate(condition: Condition | None, answers: Answers) -> bool:
    """Whether `condition` holds for `answers` (None -> True). Missing answers fail every test
    except not_equals."""
    if condition is None:
        return True
    op = condition.op
    if op == "all":
        return all(evaluate(c, answers) for c in condition.conditions)
    if op == "any":
        return any(evaluate(c, answers) for c in condition.conditions)
    value = answers.get(condition.question) if condition.question is not None else None
    answered = is_answered(value)
    if op == "answered":
        return answered
    if op == "not_equals":
        return not answered or (isinstance(value, str) and value not in condition.values)
    if not answered:
        return False
    if op == "equals":
        return isinstance(value, str) and value in condition.values
    if op == "in":
        return isinstance(value, str) and value in condition.values
    if op == "includes":
        return any(v in _chosen(value) for v in condition.values)
    raise ValueError(f"unknown show_if test {op!r}")


def _referenced(condition: Condition) -> set[str]:
    if condition.op in ("all", "any"):
        return set().union(*(_referenced(c) for c in condition.conditions))
    return {condition.question} if condition.question else set()


def _evaluate_with_hidden(condition: Condition, answers: Answers, hidden: set[str]) -> bool:
    if condition.op == "all":
        return all(_evaluate_with_hidden(c, answers, hidden) for c in condition.conditions)
    if condition.op == "any":
        return any(_evaluate_with_hidden(c, answers, hidden) for c in condition.conditions)
    if condition.question in hidden:
        return False  # a test on a hidden question is false, even not_equals
    return evaluate(condition, answers)


def _visible_ids(survey: Survey, answers: Answers) -> set[str]:
    visible: set[str] = set()
    hidden: set[str] = set()
    effective: dict[str, AnswerValue] = {}  # answers to shown questions only
    for q in survey.questions:
        shown = q.show_if is None or _evaluate_with_hidden(q.show_if, effective, hidden)
        if q.show_if is not None:
            # Forward or unknown references (only possible in unchecked data) count as hidden.
            if any(ref not in visible and ref not in hidden for ref in _referenced(q.show_if)):
                shown = False
        if shown:
            visible.add(q.id)
            if q.id in answers:
                effective[q.id] = answers[q.id]
        else:
            hidden.add(q.id)
    return visible


def is_shown(question: Question, answers: Answers, survey: Survey | None = None) -> bool:
    """Whether `question` is shown. Pass `survey` so that a question depending on a hidden
    question is hidden too; without it only the question's own show_if is tested."""
    if survey is not None:
        return question.id in _visible_ids(survey, answers)
    return evaluate(question.show_if, answers)


def visible_questions(survey: Survey, answers: Answers) -> list[Question]:
    visible = _visible_ids(survey, answers)
    return [q for q in survey.questions if q.id in visible]


def visible_sections(survey: Survey, answers: Answers) -> list[Section]:
    """Sections with at least one shown question (a section with all hidden is skipped)."""
    visible = _visible_ids(survey, answers)
    return [s for s in survey.sections if any(q.id in visible for q in s.questions)]


def prune_hidden(survey: Survey, answers: Answers) -> dict[str, AnswerValue]:
    """A copy of `answers` without answers to questions that are now hidden, e.g. after the
    young person went back and changed uses_webcam to no. Keys that are not questions of
    this survey are kept as they are."""
    visible = _visible_ids(survey, answers)
    question_ids = {q.id for q in survey.questions}
    return {k: v for k, v in answers.items() if k in visible or k not in question_ids}
