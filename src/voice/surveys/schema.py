"""The survey definition as plain, immutable data.

Every piece of text a young person reads is a `Text`: a mapping from language code to
wording (`{"en": "Do you use a webcam?"}`). YAML may give a plain string, which means English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

Text = Mapping[str, str]

DEFAULT_LANGUAGE = "en"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL: Text = {"en": "Prefer not to say"}
YES_NO_OPTION_IDS = ("yes", "no", PREFER_NOT_TO_SAY)

CLOSED_TYPES = ("single", "multi", "yes_no", "scale", "emoji_scale")
OPEN_TYPES = ("text", "number")
QUESTION_TYPES = CLOSED_TYPES + OPEN_TYPES
WRITTEN_OPTION_TYPES = tuple(t for t in CLOSED_TYPES if t != "yes_no")  # yes_no's options are fixed
LIMIT_FIELDS = ("min", "max", "max_length")  # number: min, max; text: max_length
TEXT_MAX_LENGTH = 5000
DEFAULT_RETENTION_MONTHS = 24  # free text is removed this long after a response; a survey may set its own


def tr(text: Text | None, language: str = DEFAULT_LANGUAGE) -> str:
    """Wording in `language`, falling back to English, then to any wording there is."""
    if not text:
        return ""
    return text.get(language) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")


@dataclass(frozen=True)
class Option:
    id: str
    label: Text
    emoji: str | None = None  # emoji_scale only
    exclusive: bool = False  # multi only: ticking it unticks the rest ("None of these", "Prefer not to say")


@dataclass(frozen=True)
class Condition:
    """show_if: one test on an earlier answer, or a combination.

    op is one of: equals, not_equals, in, includes (a multi answer contains the option),
    answered, all, any. For all/any, `conditions` holds the parts.
    """

    op: str
    question: str | None = None
    values: tuple[str, ...] = ()
    conditions: tuple["Condition", ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: Text
    help: Text = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    required: bool = False
    show_if: Condition | None = None
    sensitive: bool = False
    priorities: tuple[str, ...] = ()
    min: float | None = None  # number only
    max: float | None = None  # number only
    max_length: int = TEXT_MAX_LENGTH  # text only
    decimals: bool = False  # number only: True allows 2.5, False asks for a whole number
    options_list: str | None = None  # closed types: the name of the choice list it shares (XLSForm list_name)
    # Options that suggest a young person may be at risk: option id -> concern category. A submitted
    # answer with one of them puts the response in the safeguarding queue (voice.safeguarding.markers).
    risk: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_closed(self) -> bool:
        return self.type in CLOSED_TYPES

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def exclusive_ids(self) -> frozenset[str]:
        """Options that stand alone in a multi answer: ticking one unticks the rest."""
        return frozenset(o.id for o in self.options if o.exclusive)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text = field(default_factory=dict)
    group: bool = True  # False: in XLSForm its questions stand outside any group (as they came in)


@dataclass(frozen=True)
class Survey:
    id: str
    title: Text
    version: int
    audience_min_age: int
    audience_max_age: int
    intro: Text
    privacy_notice: Text
    sections: tuple[Section, ...]
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    priorities: tuple[str, ...] = ()
    retention_months: int = DEFAULT_RETENTION_MONTHS  # free text removed after this; figures kept
    source: str = ""  # file path it came from, or "editor"
    # False: choice questions offer only the options listed (an imported form keeps its lists as they were).
    add_prefer_not_to_say: bool = True
    # code -> name in XLSForm columns, e.g. fr: Français
    language_names: Mapping[str, str] = field(default_factory=dict)
    audience_who: Text = field(default_factory=dict)  # who it is for, in words: "Pupils in Year 9"
    minutes: int | None = None  # how long it takes, as the survey's author says; else estimated

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @property
    def duration_minutes(self) -> int:
        """About how many minutes it takes: `minutes` from the file, else an estimate from its questions
        (a quarter of a minute per choice or number, a minute per written answer; at least one)."""
        if self.minutes:
            return self.minutes
        quarters = sum(4 if q.type == "text" else 1 for q in self.questions)
        return max(1, -(-quarters // 4))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
