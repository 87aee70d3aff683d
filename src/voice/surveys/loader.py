"""Load survey files (YAML) into `Survey` objects, checking them thoroughly.

A facilitator edits these files by hand, so every problem in a file is reported at once,
each with the file, line and field it concerns, in words a non-programmer can act on.

How line numbers work: we never use `yaml.safe_load`. We `yaml.compose` the file into nodes
and convert them ourselves, remembering the line of every field path
(e.g. ``sections[1].questions[0].show_if.question``). We also keep the source text of plain
scalars that YAML 1.1 would turn into something else: unquoted ``yes``/``no`` are booleans
and ``10_13`` is the integer 1013, but as an option id or a label they are meant as text.

Public API:
    load_survey_file(path) -> Survey           (raises SurveyFileError)
    load_survey_text(text, source) -> Survey   (raises SurveyFileError)
    survey_from_dict(data, source="editor") -> Survey   (raises SurveyFileError; no line numbers)
    load_surveys_dir(path) -> LoadResult       (never raises for a broken file; reports it)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from voice.surveys.schema import (
    CLOSED_TYPES,
    DEFAULT_LANGUAGE,
    PREFER_NOT_TO_SAY,
    PREFER_NOT_TO_SAY_LABEL,
    QUESTION_TYPES,
    TEXT_MAX_LENGTH,
    YES_NO_OPTION_IDS,
    Condition,
    Option,
    Question,
    Section,
    Survey,
    Text,
)

# --- the contract ------------------------------------------------------------------------

MIN_AGE, MAX_AGE = 10, 18
MAX_RETENTION_MONTHS = 120
DEFAULT_RETENTION_MONTHS = 24

QUOTE_CONSENT_ID = "quote_consent"
QUOTE_CONSENT_TEXT = "Can we use your words, without your name, in reports?"

YES_NO_LABELS: dict[str, Text] = {
    "yes": {"en": "Yes"},
    "no": {"en": "No"},
    PREFER_NOT_TO_SAY: dict(PREFER_NOT_TO_SAY_LABEL),
}

SURVEY_KEYS = (
    "id", "title", "version", "audience", "intro", "privacy_notice",
    "languages", "priorities", "retention_months", "sections", "minutes",
)
AUDIENCE_KEYS = ("min_age", "max_age", "who")
MAX_MINUTES = 60
SECTION_KEYS = ("id", "title", "intro", "questions")
QUESTION_KEYS = (
    "id", "type", "text", "help", "options", "required", "show_if",
    "sensitive", "priorities", "min", "max", "max_length",
)
OPTION_KEYS = ("id", "label", "emoji", "exclusive")
# Choice questions (not yes_no) need this many options of their own: with one there is nothing to choose.
MIN_OWN_OPTIONS = 2
CONDITION_OPS = ("equals", "not_equals", "in", "includes", "answered", "all", "any")
CONDITION_KEYS = ("question",) + CONDITION_OPS

# Survey, section and question ids become database keys and column names: snake_case.
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Option ids may start with a digit ("1_to_10", "10_13", scale points "1".."5").
OPTION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class SurveyProblem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file or "survey"]
        if self.line:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts) + f": {self.message}"


class SurveyFileError(Exception):
    """A survey file could not be used. `.problems` lists every problem found."""

    def __init__(self, problems: list[SurveyProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class LoadResult:
    surveys: dict[str, Survey] = field(default_factory=dict)
    problems: list[SurveyProblem] = field(default_factory=list)


# --- YAML nodes -> python, remembering lines ---------------------------------------------


class _Doc:
    """Plain data from a file plus, per field path, its line and (sometimes) its source text."""

    def __init__(self, source: str):
        self.source = source
        self.lines: dict[str, int] = {}
        self.raw: dict[str, str] = {}
        self.problems: list[SurveyProblem] = []

    def line_for(self, path: str) -> int | None:
        # A missing field has no line of its own: use the nearest enclosing one.
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = _parent_path(path)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(SurveyProblem(self.source, self.line_for(path), path, message))


def _parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_constructor = SafeConstructor()


def _node_to_python(node: Node, path: str, doc: _Doc) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                doc.lines.setdefault(_join(path, "?"), key_node.start_mark.line + 1)
                doc.problem(_join(path, "?"), "a field name must be a simple word")
                continue
            key = key_node.value
            child = _join(path, key)
            if key in result:
                doc.problems.append(SurveyProblem(
                    doc.source, key_node.start_mark.line + 1, child,
                    f"'{key}' is given twice here (first on line {doc.lines.get(child)}); keep only one"))
                continue
            doc.lines[child] = key_node.start_mark.line + 1  # the line where "key:" is written
            result[key] = _node_to_python(value_node, child, doc)
        return result
    if isinstance(node, SequenceNode):
        return [_node_to_python(item, f"{path}[{i}]", doc) for i, item in enumerate(node.value)]
    try:
        value = _constructor.construct_object(node, deep=True)
    except ConstructorError as exc:
        doc.problem(path, f"cannot read this value ({exc.problem})")
        return None
    if value is not None and not isinstance(value, str):
        doc.raw[path] = node.value
    return value


def _parse_yaml(text: str, doc: _Doc) -> Any:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "the file is not valid YAML"
        hint = ""
        if "\t" in text and ("\\t" in str(what) or "tab" in str(what).lower()):
            hint = " (use spaces, not tabs, to indent)"
        ctx = exc.context_mark
        if ctx is not None and mark is not None and ctx.line != mark.line and exc.context:
            # e.g. an unclosed { or [ : YAML notices lines later, so say where it began.
            hint += f" ({exc.context} that starts on line {ctx.line + 1})"
        doc.problems.append(SurveyProblem(doc.source, line, "", f"YAML syntax error: {what}{hint}"))
        return None
    except yaml.YAMLError as exc:
        doc.problems.append(SurveyProblem(doc.source, None, "", f"YAML syntax error: {exc}"))
        return None
    if node is None:
        doc.problems.append(SurveyProblem(doc.source, None, "", "the file is empty"))
        return None
    return _node_to_python(node, "", doc)


# --- building and checking ----------------------------------------------------------------


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


class _Builder:
    def __init__(self, doc: _Doc):
        self.doc = doc
        self.languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
        self.all_question_ids: list[str] = []
        self.earlier: dict[str, Question | None] = {}  # questions already read, in file order
        self.question_paths: dict[str, str] = {}

    # small helpers ---------------------------------------------------------------
    def problem(self, path: str, message: str) -> None:
        self.doc.problem(path, message)

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(_join(path, str(key)),
                             f"unknown field '{key}'{_suggest(str(key), allowed)}")

    def mapping(self, value: Any, path: str, what: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.problem(path, f"{what} should be a group of fields, not {_type_name(value)}")
        return None

    def text_scalar(self, value: Any, path: str) -> Any:
        """Scalars as written in the file: `yes` stays "yes", `10_13` stays "10_13"."""
        if path in self.doc.raw:
            return self.doc.raw[path]
        if isinstance(value, bool):  # from a dict (editor): give booleans back as words
            return "yes" if value else "no"
        if isinstance(value, (int, float)):
            return str(value)
        return value

    def ident(self, data: Mapping, key: str, path: str, pattern: re.Pattern = ID_RE,
              what: str = "id") -> str | None:
        p = _join(path, key)
        if key not in data or data[key] is None:
            self.problem(p, f"{what} is missing")
            return None
        value = self.text_scalar(data[key], p)
        if not isinstance(value, str):
            self.problem(p, f"{what} should be a short word, not {_type_name(value)}")
            return None
        if not pattern.match(value):
            self.problem(p, f"'{value}' is not a usable {what}: use lowercase letters, digits and _ only"
                            + ("" if pattern is OPTION_ID_RE else ", starting with a letter")
                            + " (e.g. uses_webcam)")
            return None
        return value

    def wording(self, data: Mapping, key: str, path: str, required: bool = True) -> Text:
        p = _join(path, key)
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(p, f"'{key}' is missing: add the words young people will see")
            return {}
        if isinstance(value, dict):
            result: dict[str, str] = {}
            for lang, words in value.items():
                lp = _join(p, str(lang))
                words = self.text_scalar(words, lp)
                if not isinstance(words, str) or not words.strip():
                    self.problem(lp, f"the '{lang}' wording should be some text")
                    continue
                if lang not in self.languages:
                    self.problem(lp, f"wording in '{lang}', but '{lang}' is not in this survey's "
                                     f"languages ({', '.join(self.languages)})")
                    continue
                result[str(lang)] = words.strip()
            if DEFAULT_LANGUAGE not in value:
                self.problem(p, f"English wording ('{DEFAULT_LANGUAGE}:') is needed; other languages "
                                "fall back to it")
            return result
        value = self.text_scalar(value, p)
        if not isinstance(value, str):
            self.problem(p, f"'{key}' should be text, not {_type_name(value)}")
            return {}
        return {DEFAULT_LANGUAGE: value.strip()}

    def boolean(self, data: Mapping, key: str, path: str, default: bool = False) -> bool:
        if key not in data or data[key] is None:
            return default
        value = data[key]
        if isinstance(value, bool):
            return value
        self.problem(_join(path, key), f"'{key}' should be true or false, not '{value}'")
        return default

    def integer(self, data: Mapping, key: str, path: str, low: int, high: int | None,
                default: int | None = None, required: bool = False) -> int | None:
        p = _join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.problem(p, f"'{key}' is missing")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(p, f"'{key}' should be a whole number, not '{value}'")
            return default
        if value < low or (high is not None and value > high):
            allowed = f"between {low} and {high}" if high is not None else f"{low} or more"
            self.problem(p, f"'{key}' should be {allowed}, not {value}")
            return default
        return value

    def id_list(self, data: Mapping, key: str, path: str) -> tuple[str, ...]:
        p = _join(path, key)
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(p, f"'{key}' should be a list, e.g. [voice_of_child]")
            return ()
        result = []
        for i, item in enumerate(value):
            item = self.text_scalar(item, f"{p}[{i}]")
            if not isinstance(item, str) or not ID_RE.match(item):
                self.problem(f"{p}[{i}]", f"'{item}' is not a usable id: use lowercase letters, digits and _")
            elif item in result:
                self.problem(f"{p}[{i}]", f"'{item}' is listed twice")
            else:
                result.append(item)
        return tuple(result)

    # the survey ---------------------------------------------------------------------
    def survey(self, data: Any, source: str) -> Survey | None:
        data = self.mapping(data, "", "A survey file")
        if data is None:
            return None
        self.unknown_keys(data, SURVEY_KEYS, "")
        self.languages = self.language_list(data)
        survey_id = self.ident(data, "id", "", what="survey id")
        title = self.wording(data, "title", "")
        version = self.integer(data, "version", "", 1, None, required=True)
        min_age, max_age, who = self.audience(data.get("audience"), "audience")
        minutes = self.integer(data, "minutes", "", 1, MAX_MINUTES)
        intro = self.wording(data, "intro", "")
        privacy = self.wording(data, "privacy_notice", "")
        priorities = self.id_list(data, "priorities", "")
        retention = self.integer(data, "retention_months", "", 1, MAX_RETENTION_MONTHS,
                                 default=DEFAULT_RETENTION_MONTHS)
        sections = self.sections(data.get("sections"), "sections")
        self.check_quote_consent(sections)
        if self.doc.problems:
            return None
        return Survey(
            id=survey_id, title=title, version=version,
            audience_min_age=min_age, audience_max_age=max_age,
            intro=intro, privacy_notice=privacy, sections=tuple(sections),
            languages=self.languages, priorities=priorities,
            retention_months=retention, source=source, audience_who=who, minutes=minutes,
        )

    def language_list(self, data: Mapping) -> tuple[str, ...]:
        value = data.get("languages")
        if value is None:
            return (DEFAULT_LANGUAGE,)
        if not isinstance(value, list) or not value:
            self.problem("languages", "'languages' should be a list of language codes, e.g. [en, pl, ur]")
            return (DEFAULT_LANGUAGE,)
        langs: list[str] = []
        for i, lang in enumerate(value):
            lang = self.text_scalar(lang, f"languages[{i}]")
            if not isinstance(lang, str) or not LANGUAGE_RE.match(lang):
                self.problem(f"languages[{i}]", f"'{lang}' is not a language code (two or three lowercase "
                                                "letters, e.g. en, pl, ur)")
            elif lang in langs:
                self.problem(f"languages[{i}]", f"'{lang}' is listed twice")
            else:
                langs.append(lang)
        if DEFAULT_LANGUAGE not in langs:
            self.problem("languages", "'languages' must include en: English is the fallback wording")
            langs.insert(0, DEFAULT_LANGUAGE)
        return tuple(langs)

    def audience(self, value: Any, path: str) -> tuple[int, int, Text]:
        if value is None:
            self.problem(path, f"'audience' is missing: give min_age and max_age ({MIN_AGE} to {MAX_AGE})")
            return MIN_AGE, MAX_AGE, {}
        data = self.mapping(value, path, "'audience'")
        if data is None:
            return MIN_AGE, MAX_AGE, {}
        self.unknown_keys(data, AUDIENCE_KEYS, path)
        low = self.integer(data, "min_age", path, MIN_AGE, MAX_AGE, required=True)
        high = self.integer(data, "max_age", path, MIN_AGE, MAX_AGE, required=True)
        if low is not None and high is not None and low > high:
            self.problem(_join(path, "max_age"), f"max_age ({high}) is lower than min_age ({low})")
        who = self.wording(data, "who", path, required=False)  # "Pupils in Year 9": on the front page
        return (low if low is not None else MIN_AGE), (high if high is not None else MAX_AGE), who

    def sections(self, value: Any, path: str) -> list[Section]:
        if value is None:
            self.problem(path, "'sections' is missing: a survey needs at least one section of questions")
            return []
        if not isinstance(value, list) or not value:
            self.problem(path, "'sections' should be a list with at least one section")
            return []
        # Every question id in the file, so show_if can tell "later" from "does not exist".
        for section in value:
            if isinstance(section, dict) and isinstance(section.get("questions"), list):
                for q in section["questions"]:
                    if isinstance(q, dict) and isinstance(q.get("id"), str):
                        self.all_question_ids.append(q["id"])
        result: list[Section] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(value):
            sp = f"{path}[{i}]"
            data = self.mapping(item, sp, "A section")
            if data is None:
                continue
            self.unknown_keys(data, SECTION_KEYS, sp)
            section_id = self.ident(data, "id", sp, what="section id")
            if section_id is not None:
                if section_id in seen:
                    self.problem(_join(sp, "id"), f"section id '{section_id}' is already used "
                                                  f"(line {self.doc.line_for(seen[section_id])})")
                seen.setdefault(section_id, _join(sp, "id"))
            title = self.wording(data, "title", sp)
            intro = self.wording(data, "intro", sp, required=False)
            questions = self.questions(data.get("questions"), _join(sp, "questions"))
            if section_id is not None:
                result.append(Section(id=section_id, title=title, questions=tuple(questions), intro=intro))
        return result

    def questions(self, value: Any, path: str) -> list[Question]:
        if not isinstance(value, list) or not value:
            self.problem(path, "a section needs a list of questions (at least one)")
            return []
        result = []
        for i, item in enumerate(value):
            q = self.question(item, f"{path}[{i}]")
            if q is not None:
                result.append(q)
        return result

    def question(self, item: Any, qp: str) -> Question | None:
        data = self.mapping(item, qp, "A question")
        if data is None:
            return None
        self.unknown_keys(data, QUESTION_KEYS, qp)
        qid = self.ident(data, "id", qp, what="question id")
        if qid is not None and qid in self.question_paths:
            self.problem(_join(qp, "id"), f"question id '{qid}' is already used "
                                          f"(line {self.doc.line_for(self.question_paths[qid])}); "
                                          "question ids must be unique in the survey")
            qid_usable = False
        else:
            qid_usable = qid is not None
        if qid is not None:
            self.question_paths.setdefault(qid, _join(qp, "id"))

        qtype = self.text_scalar(data.get("type"), _join(qp, "type"))
        if qtype is None:
            self.problem(_join(qp, "type"), f"'type' is missing: choose one of {', '.join(QUESTION_TYPES)}")
        elif qtype not in QUESTION_TYPES:
            self.problem(_join(qp, "type"), f"unknown question type '{qtype}'{_suggest(str(qtype), QUESTION_TYPES)}; "
                                            f"choose one of {', '.join(QUESTION_TYPES)}")
            qtype = None
        text = self.wording(data, "text", qp)
        help_ = self.wording(data, "help", qp, required=False)
        options = self.options(data, qtype, qp)
        required = self.boolean(data, "required", qp)
        if required and qtype in ("text", "number"):
            self.problem(_join(qp, "required"), f"a {qtype} question can't be required: young people are "
                                                "never made to write an answer")
            required = False
        sensitive = self.boolean(data, "sensitive", qp)
        priorities = self.id_list(data, "priorities", qp)
        low = self.number(data, "min", qp, qtype)
        high = self.number(data, "max", qp, qtype)
        if low is not None and high is not None and low > high:
            self.problem(_join(qp, "max"), f"max ({high:g}) is lower than min ({low:g})")
        max_length = TEXT_MAX_LENGTH
        if "max_length" in data:
            if qtype != "text":
                self.problem(_join(qp, "max_length"), "max_length is only for text questions")
            else:
                max_length = self.integer(data, "max_length", qp, 1, TEXT_MAX_LENGTH, default=TEXT_MAX_LENGTH)
        show_if = None
        if data.get("show_if") is not None:
            show_if = self.condition(data["show_if"], _join(qp, "show_if"), qid)

        question = None
        if qid is not None and qtype is not None:
            question = Question(
                id=qid, type=qtype, text=text, help=help_, options=tuple(options), required=required,
                show_if=show_if, sensitive=sensitive, priorities=priorities,
                min=low, max=high, max_length=max_length,
            )
        if qid_usable:
            self.earlier[qid] = question  # None when broken: still "earlier", just not checkable
        return question

    def number(self, data: Mapping, key: str, qp: str, qtype: str | None) -> float | None:
        if key not in data or data[key] is None:
            return None
        if qtype != "number":
            self.problem(_join(qp, key), f"{key} is only for number questions")
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(_join(qp, key), f"{key} should be a number, not '{value}'")
            return None
        return float(value)

    def options(self, data: Mapping, qtype: str | None, qp: str) -> list[Option]:
        op = _join(qp, "options")
        value = data.get("options")
        if qtype is None:
            return []
        if qtype not in CLOSED_TYPES:
            if value is not None:
                self.problem(op, f"a {qtype} question has no options; options are only for "
                                 f"{', '.join(CLOSED_TYPES)} questions")
            return []
        if qtype == "yes_no" and value is None:
            return [Option(i, dict(YES_NO_LABELS[i])) for i in YES_NO_OPTION_IDS]
        if value is None or (isinstance(value, list) and not value):
            self.problem(op, f"a {qtype} question needs a list of options to choose from")
            return []
        if not isinstance(value, list):
            self.problem(op, "'options' should be a list, each with an id and a label")
            return []
        result: list[Option] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(value):
            p = f"{op}[{i}]"
            odata = self.mapping(item, p, "An option")
            if odata is None:
                continue
            self.unknown_keys(odata, OPTION_KEYS, p)
            oid = self.ident(odata, "id", p, pattern=OPTION_ID_RE, what="option id")
            label = self.wording(odata, "label", p)
            exclusive = self.boolean(odata, "exclusive", p)
            if exclusive and qtype != "multi":
                self.problem(_join(p, "exclusive"), "exclusive is only for multi questions (on other questions "
                                                    "only one answer can be chosen anyway)")
                exclusive = False
            if qtype == "multi" and oid == PREFER_NOT_TO_SAY:
                exclusive = True  # "Prefer not to say" never goes with other answers
            emoji = None
            if odata.get("emoji") is not None:
                emoji = self.text_scalar(odata["emoji"], _join(p, "emoji"))
                if qtype != "emoji_scale":
                    self.problem(_join(p, "emoji"), "emoji is only used on emoji_scale questions")
                    emoji = None
                elif not isinstance(emoji, str) or not emoji.strip():
                    self.problem(_join(p, "emoji"), "emoji should be an emoji character, e.g. 🙂")
                    emoji = None
            elif qtype == "emoji_scale" and oid != PREFER_NOT_TO_SAY:
                self.problem(p, f"option '{oid}' needs an emoji: every emoji_scale choice shows one")
            if oid is None:
                continue
            if oid in seen:
                self.problem(_join(p, "id"), f"option id '{oid}' is used twice in this question "
                                             f"(first on line {self.doc.line_for(seen[oid])})")
                continue
            seen[oid] = _join(p, "id")
            result.append(Option(oid, label, emoji, exclusive))
        ids = [o.id for o in result]
        if qtype == "yes_no":
            if set(ids) - set(YES_NO_OPTION_IDS) or not {"yes", "no"} <= set(ids):
                self.problem(op, "a yes_no question gets its options automatically; to change the labels, "
                                 "list exactly the ids yes, no (and prefer_not_to_say)")
                return []
            by_id = {o.id: o for o in result}
            # Always yes, no, prefer not to say, in that order, so answers line up across surveys.
            return [by_id.get(i) or Option(i, dict(YES_NO_LABELS[i])) for i in YES_NO_OPTION_IDS]
        own = [o for o in result if o.id != PREFER_NOT_TO_SAY]
        if len(own) < MIN_OWN_OPTIONS and len(ids) == len(value):
            self.problem(op, f"a {qtype} question needs at least {MIN_OWN_OPTIONS} options of its own "
                             f"(it has {len(own)}; prefer_not_to_say is added for you): with one there is "
                             "nothing to choose, so add the other answers or leave the question out")
        elif qtype == "multi" and own and all(o.exclusive for o in own):
            self.problem(op, "every option here is exclusive, so only one can be ticked: make it a single "
                             "question, or take exclusive off the options that can go together")
        if PREFER_NOT_TO_SAY not in ids:
            # An equal choice, never hidden: nobody has to tell us something to carry on.
            result.append(Option(PREFER_NOT_TO_SAY, dict(PREFER_NOT_TO_SAY_LABEL), exclusive=qtype == "multi"))
        return result

    # show_if --------------------------------------------------------------------------
    def condition(self, value: Any, path: str, own_id: str | None) -> Condition | None:
        data = self.mapping(value, path, "show_if")
        if data is None:
            return None
        self.unknown_keys(data, CONDITION_KEYS, path)
        ops = [k for k in CONDITION_OPS if k in data]
        if len(ops) != 1:
            found = ", ".join(ops) if ops else "none"
            self.problem(path, "show_if needs exactly one test: equals, not_equals, in, includes, answered, "
                               f"all or any (found: {found})")
            return None
        op = ops[0]
        if op in ("all", "any"):
            if "question" in data:
                self.problem(_join(path, "question"), f"'{op}' combines other tests; put 'question' inside each")
            parts = data[op]
            if not isinstance(parts, list) or not parts:
                self.problem(_join(path, op), f"'{op}' should be a list of tests")
                return None
            conds = [self.condition(c, f"{path}.{op}[{i}]", own_id) for i, c in enumerate(parts)]
            if any(c is None for c in conds):
                return None
            return Condition(op=op, conditions=tuple(conds))

        qp = _join(path, "question")
        target_id = self.text_scalar(data.get("question"), qp)
        if target_id is None:
            self.problem(qp, f"'question' is missing: which earlier question does '{op}' look at?")
            return None
        if not isinstance(target_id, str):
            self.problem(qp, "'question' should be a question id")
            return None
        if target_id == own_id:
            self.problem(qp, f"'{target_id}' cannot depend on its own answer")
            return None
        if target_id not in self.earlier:
            if target_id in self.all_question_ids:
                self.problem(qp, f"'{target_id}' comes later in the survey; show_if can only look at an "
                                 "earlier question")
            else:
                hint = _suggest(target_id, self.earlier)
                self.problem(qp, f"'{target_id}' is not an earlier question{hint}")
            return None
        target = self.earlier[target_id]

        vp = _join(path, op)
        raw = data[op]
        if op == "answered":
            if raw is not True:
                self.problem(vp, "write 'answered: true' (shown once the earlier question has any answer)")
                return None
            return Condition(op="answered", question=target_id)
        if op == "in":
            if not isinstance(raw, list) or not raw:
                self.problem(vp, "'in' should be a list of option ids, e.g. [yes, prefer_not_to_say]")
                return None
            values = [self.text_scalar(v, f"{vp}[{i}]") for i, v in enumerate(raw)]
            value_paths = [f"{vp}[{i}]" for i in range(len(raw))]
        else:
            if isinstance(raw, (list, dict)):
                self.problem(vp, f"'{op}' should be one option id" + (" (use 'in' for a list)" if op != "includes" else ""))
                return None
            values = [self.text_scalar(raw, vp)]
            value_paths = [vp]
        if target is None:  # the earlier question has its own problems; don't pile on
            return None
        if not target.is_closed:
            self.problem(vp, f"'{target_id}' is a {target.type} question: only 'answered: true' can test it")
            return None
        if op == "includes" and target.type != "multi":
            self.problem(vp, f"'includes' is for multi questions; '{target_id}' is {target.type}, use 'equals'")
            return None
        if op != "includes" and target.type == "multi":
            self.problem(vp, f"'{target_id}' allows several answers: use 'includes' to test for one of them")
            return None
        ok = True
        option_ids = [o.id for o in target.options]
        for v, p in zip(values, value_paths):
            if v not in option_ids:
                self.problem(p, f"'{v}' is not an option of '{target_id}' (its options: "
                                f"{', '.join(option_ids)}){_suggest(str(v), option_ids)}")
                ok = False
        if not ok:
            return None
        return Condition(op=op, question=target_id, values=tuple(values))

    # whole-survey rules -----------------------------------------------------------------
    def check_quote_consent(self, sections: list[Section]) -> None:
        questions = [q for s in sections for q in s.questions]
        text_qs = [q for q in questions if q.type == "text"]
        if not text_qs:
            return
        consent = next((q for q in questions if q.id == QUOTE_CONSENT_ID), None)
        if consent is None:
            if QUOTE_CONSENT_ID in self.question_paths:
                return  # it exists but has its own problems, already reported
            self.problem("sections", f"this survey has free-text questions ({', '.join(q.id for q in text_qs)}), "
                                     f"so it needs a yes_no question with id {QUOTE_CONSENT_ID} after them, "
                                     f"worded \"{QUOTE_CONSENT_TEXT}\"")
            return
        path = self.question_paths[QUOTE_CONSENT_ID]
        if consent.type != "yes_no":
            self.problem(_join(_parent_path(path), "type"), f"{QUOTE_CONSENT_ID} should be a yes_no question")
        if consent.text.get(DEFAULT_LANGUAGE) != QUOTE_CONSENT_TEXT:
            self.problem(_join(_parent_path(path), "text"),
                         f"{QUOTE_CONSENT_ID} must be worded exactly \"{QUOTE_CONSENT_TEXT}\"")
        last_text = text_qs[-1]
        if questions.index(consent) < questions.index(last_text):
            self.problem(path, f"{QUOTE_CONSENT_ID} should come after the free-text questions "
                               f"(it is before '{last_text.id}')")


def _build(data: Any, doc: _Doc) -> Survey:
    survey = _Builder(doc).survey(data, doc.source) if data is not None else None
    if doc.problems or survey is None:
        if not doc.problems:
            doc.problems.append(SurveyProblem(doc.source, None, "", "no survey found in this file"))
        doc.problems.sort(key=lambda p: p.line or 0)  # stable: same-line problems keep their order
        raise SurveyFileError(doc.problems)
    return survey


# --- public API ----------------------------------------------------------------------------


def load_survey_text(text: str, source: str = "<text>") -> Survey:
    doc = _Doc(source)
    data = _parse_yaml(text, doc)
    return _build(data, doc)


def load_survey_file(path: str | Path) -> Survey:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SurveyFileError([SurveyProblem(source, None, "", "the file is not UTF-8 text; save it as UTF-8")])
    except OSError as exc:
        raise SurveyFileError([SurveyProblem(source, None, "", f"cannot read the file ({exc.strerror})")])
    return load_survey_text(text, source)


def survey_from_dict(data: Mapping[str, Any], source: str = "editor") -> Survey:
    """Same checks as a file, for data built in the app (no line numbers)."""
    doc = _Doc(source)
    return _build(_plain(data), doc)


def _plain(value: Any) -> Any:
    # Editor data may hold tuples or other mappings; the checker expects dicts and lists.
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def survey_files(path: str | Path) -> list[Path]:
    """The survey files in a folder: top-level *.yaml only (sub-folders hold other definitions)."""
    return sorted(p for p in Path(path).glob("*.yaml") if p.is_file())


def load_surveys_dir(path: str | Path) -> LoadResult:
    """Every survey in a folder. A broken file is reported and skipped; the others still load."""
    result = LoadResult()
    folder = Path(path)
    if not folder.is_dir():
        result.problems.append(SurveyProblem(str(folder), None, "", "no such folder"))
        return result
    first_file: dict[str, str] = {}
    for file in survey_files(folder):
        try:
            survey = load_survey_file(file)
        except SurveyFileError as exc:
            result.problems.extend(exc.problems)
            continue
        if survey.id in result.surveys:
            result.problems.append(SurveyProblem(
                str(file), None, "id",
                f"survey id '{survey.id}' is already used by {first_file[survey.id]}; this file was skipped"))
            continue
        first_file[survey.id] = str(file)
        result.surveys[survey.id] = survey
    return result
