"""Piping: `${question}` in a question, its help or its options shows the young person's earlier answer.

"You said you use ${favourite_app}. How long a day?" reads "You said you use Snapchat. How long a day?".
XLSForm writes it this way, so forms brought in from ODK or KoboToolbox keep working. The loader checks
that every `${…}` names an EARLIER question; these pure functions fill the answers in when a step is
drawn. An answer is a young person's own text, so the screen passes an `escape` (Markdown-safe text) and
the answer can never change the page; the author's wording around it is left as written.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable, Mapping

from voice.surveys.schema import Question, Survey, Text, tr

PIPE_RE = re.compile(r"\$\{\s*([^{}\s]+)\s*\}")
NOT_ANSWERED = "…"  # shown where the earlier question was skipped, so the sentence still reads as unfinished


def piped_question_ids(text: str) -> list[str]:
    """The question ids a wording shows answers of, in order: "${a} and ${b}" -> ["a", "b"]."""
    return PIPE_RE.findall(text or "")


def has_pipes(text: Text | None) -> bool:
    return any(PIPE_RE.search(words or "") for words in (text or {}).values())


def answer_text(question: Question | None, value: Any, language: str) -> str:
    """An answer as a young person would say it: option labels (joined for several), text, or a number."""
    if question is None or value is None or value == "" or value == [] or value == ():
        return ""
    if question.is_closed:
        chosen = [value] if isinstance(value, str) else list(value)
        labels = [tr(o.label, language) if (o := question.option(str(v))) else str(v) for v in chosen]
        return ", ".join(labels)
    if question.type == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return " ".join(str(value).split())  # a text answer on one line


def pipe(text: str, survey: Survey, answers: Mapping[str, Any], language: str,
         escape: Callable[[str], str] = lambda s: s) -> str:
    """`text` with each ${question} replaced by that question's answer, passed through `escape`."""
    if "${" not in (text or ""):
        return text

    def fill(match: re.Match) -> str:
        shown = answer_text(survey.question(match.group(1)), answers.get(match.group(1)), language)
        return escape(shown) if shown else NOT_ANSWERED

    return PIPE_RE.sub(fill, text)


def piped_question(question: Question, survey: Survey, answers: Mapping[str, Any], language: str,
                   escape: Callable[[str], str] = lambda s: s) -> Question:
    """The question as it reads in `language` with earlier answers filled in (ids and options unchanged)."""
    if not (has_pipes(question.text) or has_pipes(question.help) or any(has_pipes(o.label) for o in question.options)):
        return question

    def words(text: Text) -> Text:
        return {language: pipe(tr(text, language), survey, answers, language, escape)} if text else text

    return replace(question, text=words(question.text), help=words(question.help),
                   options=tuple(replace(o, label=words(o.label)) for o in question.options))
