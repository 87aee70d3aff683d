"""Load survey files (YAML) into `Survey` objects, checking them thoroughly.

A facilitator edits these files by hand, so every problem in a file is reported at once,
each with the file, line and field it concerns, in words a non-programmer can act on, and a
`code` that programs (the editor, the XLSForm importer) match on instead of the words.

The file is read by the shared definition reader (`voice.definitions.read_yaml`): line numbers for
every field path (e.g. ``sections[1].questions[0].show_if.question``), the source text of plain
scalars YAML 1.1 would turn into something else (unquoted ``yes`` is true, ``10_13`` is the integer
1013, but as an option id or a label they are meant as text), and its limits on size, aliases and
nesting, checked before any data is built.

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

from voice.definitions import DefinitionError, Problem, YamlData, join_path, parent_path, read_yaml
from voice.definitions import read_definition_text
from voice.surveys.piping import piped_question_ids
from voice.surveys.schema import (
    CLOSED_TYPES,
    DEFAULT_LANGUAGE,
    DEFAULT_RETENTION_MONTHS,
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

QUOTE_CONSENT_ID = "quote_consent"
QUOTE_CONSENT_TEXT = "Can we use your words, without your name, in reports?"

YES_NO_LABELS: dict[str, Text] = {
    "yes": {"en": "Yes"},
    "no": {"en": "No"},
    PREFER_NOT_TO_SAY: dict(PREFER_NOT_TO_SAY_LABEL),
}

SURVEY_KEYS = (
    "id", "title", "version", "audience", "intro", "privacy_notice",
    "languages", "language_names", "priorities", "retention_months", "add_prefer_not_to_say", "sections",
    "minutes",
)
AUDIENCE_KEYS = ("min_age", "max_age", "who")
MAX_MINUTES = 60
SECTION_KEYS = ("id", "title", "intro", "group", "questions")
QUESTION_KEYS = (
    "id", "type", "text", "help", "options", "options_list", "required", "show_if",
    "sensitive", "priorities", "min", "max", "decimals", "max_length", "risk",
)
OPTION_KEYS = ("id", "label", "emoji", "exclusive")
# Choice questions (not yes_no) need this many options of their own: with one there is nothing to choose.
MIN_OWN_OPTIONS = 2
CODE_TOO_FEW_OPTIONS = "too_few_options"
CONDITION_OPS = ("equals", "not_equals", "in", "includes", "answered", "all", "any")
CONDITION_KEYS = ("question",) + CONDITION_OPS



def risk_categories() -> tuple[str, ...]:
    """The concern categories a `risk` marker may name: the concern lexicon's, so the lead's filters match."""
    from voice.models.analysis import CONCERN_CATEGORIES

    return CONCERN_CATEGORIES


# Survey ids go into links and campaign names: snake_case.
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Section and question ids are also XLSForm names (XForm element names), so a form brought in from
# ODK or KoboToolbox keeps its names: a letter or _, then letters, digits, _, - or . ("Q1.2", "hh-size").
NAME_RE = re.compile(r"^[^\W\d][\w.\-]*$")
# Option ids are XLSForm choice names: any text without spaces at its ends or ';' (multi answers are
# exported joined by ';'); a multi question's option ids also have no spaces (an XLSForm rule).
OPTION_ID_RE = re.compile(r"^[^\s;](?:[^;\x00-\x1f]*[^\s;])?$")
MAX_ID_LENGTH = 64  # ids are stored in 64-character database columns
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")

# Problem codes other code may match on (the rest are listed where they are raised).
CODE_NO_SECTIONS = "no_sections"
CODE_EMPTY_SECTION = "empty_section"


# --- problems ------------------------------------------------------------------------------

# A survey file's problems are voice.definitions.Problem (file, line, field, code, message); the name
# SurveyProblem belongs to voice.responses.errors (what a young person can meet).


class SurveyFileError(DefinitionError):
    """A survey file could not be used. `.problems` lists every problem found."""


@dataclass
class LoadResult:
    surveys: dict[str, Survey] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_join = join_path


def valid_question_id(value: Any) -> bool:
    """Whether `value` can be a section or question id (the editor and the importer use the same rule)."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and bool(NAME_RE.match(value))


def valid_option_id(value: Any, multi: bool = False) -> bool:
    return (isinstance(value, str) and len(value) <= MAX_ID_LENGTH and bool(OPTION_ID_RE.match(value))
            and not (multi and " " in value))


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
    def __init__(self, doc: YamlData):
        self.doc = doc
        self.languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
        self.add_prefer_not_to_say = True
        self.all_question_ids: list[str] = []
        self.earlier: dict[str, Question | None] = {}  # questions already read, in file order
        self.question_paths: dict[str, str] = {}
        self.lists: dict[str, tuple[str, tuple[Option, ...]]] = {}  # options_list -> (first question, options)

    # small helpers ---------------------------------------------------------------
    def problem(self, path: str, code: str, message: str) -> None:
        self.doc.problem(path, code, message)

    def first_line(self, path: str) -> str:
        """' (first on line 12)' when the file has lines (a dict from the editor has none)."""
        line = self.doc.line_for(path) if self.doc.lines else None
        return f" (first on line {line})" if line else ""

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(_join(path, str(key)), "unknown_field",
                             f"unknown field '{key}'{_suggest(str(key), allowed)}")

    def mapping(self, value: Any, path: str, what: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.problem(path, "not_a_mapping", f"{what} should be a group of fields, not {_type_name(value)}")
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

    def ident(self, data: Mapping, key: str, path: str, what: str = "id") -> str | None:
        """The survey id: snake_case, as it goes into links and campaign names."""
        p = _join(path, key)
        value = self._present_text(data, key, p, what)
        if value is None:
            return None
        if not ID_RE.match(value) or len(value) > MAX_ID_LENGTH:
            self.problem(p, "bad_id", f"'{value}' is not a usable {what}: use lowercase letters, digits and _ "
                                      "only, starting with a letter (e.g. esafety_year9)")
            return None
        return value

    def name(self, data: Mapping, key: str, path: str, what: str) -> str | None:
        """A section or question id (an XLSForm name)."""
        p = _join(path, key)
        value = self._present_text(data, key, p, what)
        if value is None:
            return None
        if not valid_question_id(value):
            self.problem(p, "bad_id", f"'{value}' is not a usable {what}: start with a letter and use letters, "
                                      f"digits and _ (also - or .), at most {MAX_ID_LENGTH} characters "
                                      "(e.g. uses_webcam)")
            return None
        return value

    def option_id(self, data: Mapping, path: str, multi: bool) -> str | None:
        p = _join(path, "id")
        value = self._present_text(data, "id", p, "option id")
        if value is None:
            return None
        if not valid_option_id(value, multi):
            rule = "no spaces" if multi and " " in value else "no ';', no spaces at either end"
            self.problem(p, "bad_id", f"'{value}' is not a usable option id: {rule}, at most {MAX_ID_LENGTH} "
                                      "characters (e.g. dont_know)")
            return None
        return value

    def _present_text(self, data: Mapping, key: str, p: str, what: str) -> str | None:
        if key not in data or data[key] is None:
            self.problem(p, "missing", f"{what} is missing")
            return None
        value = self.text_scalar(data[key], p)
        if not isinstance(value, str):
            self.problem(p, "wrong_kind", f"{what} should be a short word, not {_type_name(value)}")
            return None
        return value

    def wording(self, data: Mapping, key: str, path: str, required: bool = True, pipes: bool = False) -> Text:
        """Words in one or more languages. With `pipes`, ${question} may show an earlier answer."""
        p = _join(path, key)
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(p, "missing", f"'{key}' is missing: add the words young people will see")
            return {}
        if isinstance(value, dict):
            result: dict[str, str] = {}
            for lang, words in value.items():
                lp = _join(p, str(lang))
                words = self.text_scalar(words, lp)
                if not isinstance(words, str) or not words.strip():
                    self.problem(lp, "missing", f"the '{lang}' wording should be some text")
                    continue
                if lang not in self.languages:
                    self.problem(lp, "unknown_language", f"wording in '{lang}', but '{lang}' is not in this "
                                                         f"survey's languages ({', '.join(self.languages)})")
                    continue
                result[str(lang)] = words.strip()
            if DEFAULT_LANGUAGE not in value:
                self.problem(p, "no_english", f"English wording ('{DEFAULT_LANGUAGE}:') is needed; other "
                                              "languages fall back to it")
        else:
            value = self.text_scalar(value, p)
            if not isinstance(value, str):
                self.problem(p, "wrong_kind", f"'{key}' should be text, not {_type_name(value)}")
                return {}
            result = {DEFAULT_LANGUAGE: value.strip()}
        self.check_pipes(result, p, pipes)
        return result

    def check_pipes(self, text: Text, path: str, allowed: bool) -> None:
        """${question} shows an earlier answer: it must name a question that comes before."""
        for ref in sorted({ref for words in text.values() for ref in piped_question_ids(words)}):
            if not allowed:
                self.problem(path, "pipe_not_here", f"'${{{ref}}}' shows an answer, which only a question, its "
                                                    "help or its options can do")
                continue
            if ref in self.earlier:
                continue
            if ref in self.question_paths:
                where = "is this question itself"
            elif ref in self.all_question_ids:
                where = "comes later in the survey"
            else:
                where = f"is not a question in this survey{_suggest(ref, self.earlier)}"
            self.problem(path, "pipe_unknown_question",
                         f"'${{{ref}}}' shows the answer to '{ref}', which {where}; only an earlier answer can "
                         "be shown")

    def boolean(self, data: Mapping, key: str, path: str, default: bool = False) -> bool:
        if key not in data or data[key] is None:
            return default
        value = data[key]
        if isinstance(value, bool):
            return value
        self.problem(_join(path, key), "not_yes_no", f"'{key}' should be true or false, not '{value}'")
        return default

    def integer(self, data: Mapping, key: str, path: str, low: int, high: int | None,
                default: int | None = None, required: bool = False) -> int | None:
        p = _join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.problem(p, "missing", f"'{key}' is missing")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(p, "not_whole_number", f"'{key}' should be a whole number, not '{value}'")
            return default
        if value < low or (high is not None and value > high):
            allowed = f"between {low} and {high}" if high is not None else f"{low} or more"
            self.problem(p, "out_of_range", f"'{key}' should be {allowed}, not {value}")
            return default
        return value

    def id_list(self, data: Mapping, key: str, path: str) -> tuple[str, ...]:
        p = _join(path, key)
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(p, "not_a_list", f"'{key}' should be a list, e.g. [voice_of_child]")
            return ()
        result = []
        for i, item in enumerate(value):
            item = self.text_scalar(item, f"{p}[{i}]")
            if not isinstance(item, str) or not ID_RE.match(item):
                self.problem(f"{p}[{i}]", "bad_id", f"'{item}' is not a usable id: use lowercase letters, digits "
                                                    "and _")
            elif item in result:
                self.problem(f"{p}[{i}]", "listed_twice", f"'{item}' is listed twice")
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
        language_names = self.language_names(data)
        self.add_prefer_not_to_say = self.boolean(data, "add_prefer_not_to_say", "", default=True)
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
        if self.doc.problems or survey_id is None or version is None or retention is None:  # (each None is a problem)
            return None
        return Survey(
            id=survey_id, title=title, version=version,
            audience_min_age=min_age, audience_max_age=max_age,
            intro=intro, privacy_notice=privacy, sections=tuple(sections),
            languages=self.languages, priorities=priorities,
            retention_months=retention, source=source, audience_who=who, minutes=minutes,
            add_prefer_not_to_say=self.add_prefer_not_to_say, language_names=language_names,
        )

    def language_list(self, data: Mapping) -> tuple[str, ...]:
        value = data.get("languages")
        if value is None:
            return (DEFAULT_LANGUAGE,)
        if not isinstance(value, list) or not value:
            self.problem("languages", "not_a_list", "'languages' should be a list of language codes, e.g. "
                                                    "[en, pl, ur]")
            return (DEFAULT_LANGUAGE,)
        langs: list[str] = []
        for i, lang in enumerate(value):
            lang = self.text_scalar(lang, f"languages[{i}]")
            if not isinstance(lang, str) or not LANGUAGE_RE.match(lang):
                self.problem(f"languages[{i}]", "bad_language", f"'{lang}' is not a language code (two or three "
                                                                "lowercase letters, e.g. en, pl, ur)")
            elif lang in langs:
                self.problem(f"languages[{i}]", "listed_twice", f"'{lang}' is listed twice")
            else:
                langs.append(lang)
        if DEFAULT_LANGUAGE not in langs:
            self.problem("languages", "no_english", "'languages' must include en: English is the fallback wording")
            langs.insert(0, DEFAULT_LANGUAGE)
        return tuple(langs)

    def language_names(self, data: Mapping) -> dict[str, str]:
        """How each language is named in XLSForm columns (label::Français (fr)), when not our usual name;
        '' is the plain `label` column with no language, as most forms have."""
        value = data.get("language_names")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem("language_names", "not_a_mapping",
                         "'language_names' should pair language codes with names, e.g. {fr: Français}")
            return {}
        names: dict[str, str] = {}
        for lang, name in value.items():
            p = _join("language_names", str(lang))
            name = self.text_scalar(name, p)
            if lang not in self.languages:
                self.problem(p, "unknown_language", f"'{lang}' is not in this survey's languages "
                                                    f"({', '.join(self.languages)})")
            elif not isinstance(name, str) or "::" in name:
                self.problem(p, "bad_language", f"the name of '{lang}' should be some text (without '::')")
            elif not name.strip() and "" in names.values():
                self.problem(p, "bad_language", "only one language can be in the plain label column ('')")
            else:
                names[str(lang)] = name.strip()
        return names

    def audience(self, value: Any, path: str) -> tuple[int, int, Text]:
        if value is None:
            self.problem(path, "missing", f"'audience' is missing: give min_age and max_age ({MIN_AGE} to {MAX_AGE})")
            return MIN_AGE, MAX_AGE, {}
        data = self.mapping(value, path, "'audience'")
        if data is None:
            return MIN_AGE, MAX_AGE, {}
        self.unknown_keys(data, AUDIENCE_KEYS, path)
        low = self.integer(data, "min_age", path, MIN_AGE, MAX_AGE, required=True)
        high = self.integer(data, "max_age", path, MIN_AGE, MAX_AGE, required=True)
        if low is not None and high is not None and low > high:
            self.problem(_join(path, "max_age"), "out_of_range", f"max_age ({high}) is lower than min_age ({low})")
        who = self.wording(data, "who", path, required=False)  # "Pupils in Year 9": on the front page
        return (low if low is not None else MIN_AGE), (high if high is not None else MAX_AGE), who

    def sections(self, value: Any, path: str) -> list[Section]:
        if value is None:
            self.problem(path, CODE_NO_SECTIONS, "'sections' is missing: a survey needs at least one section of "
                                                 "questions")
            return []
        if not isinstance(value, list) or not value:
            self.problem(path, CODE_NO_SECTIONS, "'sections' should be a list with at least one section")
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
            section_id = self.name(data, "id", sp, what="section id")
            if section_id is not None:
                if section_id in seen:
                    self.problem(_join(sp, "id"), "duplicate_id",
                                 f"section id '{section_id}' is already used{self.first_line(seen[section_id])}")
                seen.setdefault(section_id, _join(sp, "id"))
            title = self.wording(data, "title", sp)
            intro = self.wording(data, "intro", sp, required=False)
            group = self.boolean(data, "group", sp, default=True)
            questions = self.questions(data.get("questions"), _join(sp, "questions"))
            if section_id is not None:
                result.append(Section(id=section_id, title=title, questions=tuple(questions), intro=intro,
                                      group=group))
        return result

    def questions(self, value: Any, path: str) -> list[Question]:
        if not isinstance(value, list) or not value:
            self.problem(path, CODE_EMPTY_SECTION, "a section needs a list of questions (at least one)")
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
        qid = self.name(data, "id", qp, what="question id")
        if qid is not None and qid in self.question_paths:
            self.problem(_join(qp, "id"), "duplicate_id",
                         f"question id '{qid}' is already used{self.first_line(self.question_paths[qid])}; "
                         "question ids must be unique in the survey")
            qid_usable = False
        else:
            qid_usable = qid is not None
        if qid is not None:
            self.question_paths.setdefault(qid, _join(qp, "id"))

        qtype = self.text_scalar(data.get("type"), _join(qp, "type"))
        if qtype is None:
            self.problem(_join(qp, "type"), "missing", f"'type' is missing: choose one of {', '.join(QUESTION_TYPES)}")
        elif qtype not in QUESTION_TYPES:
            self.problem(_join(qp, "type"), "unknown_type",
                         f"unknown question type '{qtype}'{_suggest(str(qtype), QUESTION_TYPES)}; "
                         f"choose one of {', '.join(QUESTION_TYPES)}")
            qtype = None
        text = self.wording(data, "text", qp, pipes=True)
        help_ = self.wording(data, "help", qp, required=False, pipes=True)
        options = self.options(data, qtype, qp)
        options_list = self.options_list(data, qtype, qp, tuple(options))
        required = self.boolean(data, "required", qp)
        if required and qtype in ("text", "number"):
            self.problem(_join(qp, "required"), "required_not_allowed",
                         f"a {qtype} question can't be required: young people are never made to write an answer")
            required = False
        sensitive = self.boolean(data, "sensitive", qp)
        priorities = self.id_list(data, "priorities", qp)
        low = self.number(data, "min", qp, qtype)
        high = self.number(data, "max", qp, qtype)
        if low is not None and high is not None and low > high:
            self.problem(_join(qp, "max"), "out_of_range", f"max ({high:g}) is lower than min ({low:g})")
        decimals = self.decimals(data, qp, qtype, low, high)
        max_length = TEXT_MAX_LENGTH
        if "max_length" in data:
            if qtype != "text":
                self.problem(_join(qp, "max_length"), "not_for_this_type", "max_length is only for text questions")
            else:
                max_length = (self.integer(data, "max_length", qp, 1, TEXT_MAX_LENGTH, default=TEXT_MAX_LENGTH)
                              or TEXT_MAX_LENGTH)  # None only beside a problem, which rejects the survey
        show_if = None
        if data.get("show_if") is not None:
            show_if = self.condition(data["show_if"], _join(qp, "show_if"), qid)
        risk = self.risk(data, qtype, options, qp)

        question = None
        if qid is not None and qtype is not None:
            question = Question(
                id=qid, type=qtype, text=text, help=help_, options=tuple(options), required=required,
                show_if=show_if, sensitive=sensitive, priorities=priorities,
                min=low, max=high, max_length=max_length, decimals=decimals, options_list=options_list, risk=risk,
            )
        if qid_usable and qid is not None:
            self.earlier[qid] = question  # None when broken: still "earlier", just not checkable
        return question

    def risk(self, data: Mapping, qtype: str | None, options: list[Option], qp: str) -> dict[str, str]:
        """`risk: {option id: concern category}`: answers that put the response in the safeguarding queue."""
        rp = _join(qp, "risk")
        value = data.get("risk")
        if value is None:
            return {}
        if qtype is not None and qtype not in CLOSED_TYPES:
            self.problem(rp, "risk_not_closed", f"a {qtype} question has no options to mark; free text is checked by "
                             "the concern lexicon instead (surveys/analysis/concern_lexicon.yaml)")
            return {}
        if not isinstance(value, dict) or not value:
            self.problem(rp, "bad_risk", "'risk' should list the options that suggest a risk, each with its concern "
                             "category, e.g. risk: {\"yes\": threats_blackmail}")
            return {}
        categories = risk_categories()
        option_ids = [o.id for o in options]
        result: dict[str, str] = {}
        for key, category in value.items():
            kp = _join(rp, str(key))
            option_id = self.text_scalar(key, kp) if not isinstance(key, str) else key
            category = self.text_scalar(category, kp)
            if option_ids and option_id not in option_ids:
                self.problem(kp, "unknown_option", f"'{option_id}' is not an option of this question (its options: "
                                 f"{', '.join(option_ids)}){_suggest(str(option_id), option_ids)}")
                continue
            if option_id == PREFER_NOT_TO_SAY:
                self.problem(kp, "bad_risk",
                             "'prefer_not_to_say' cannot be marked as a risk: nobody has to tell us anything")
                continue
            if not isinstance(category, str) or category not in categories:
                self.problem(kp, "unknown_category", f"'{category}' is not a concern category; use one of "
                                 f"{', '.join(categories)}{_suggest(str(category), categories)}")
                continue
            result[option_id] = category
        return result

    def number(self, data: Mapping, key: str, qp: str, qtype: str | None) -> float | None:
        if key not in data or data[key] is None:
            return None
        if qtype != "number":
            self.problem(_join(qp, key), "not_for_this_type", f"{key} is only for number questions")
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(_join(qp, key), "not_a_number", f"{key} should be a number, not '{value}'")
            return None
        return float(value)

    def decimals(self, data: Mapping, qp: str, qtype: str | None, low: float | None, high: float | None) -> bool:
        """Whole numbers unless `decimals: true`; a limit such as 0.5 only makes sense with decimals."""
        if "decimals" in data and qtype != "number":
            self.problem(_join(qp, "decimals"), "not_for_this_type", "decimals is only for number questions")
            return False
        fractional = any(v is not None and not float(v).is_integer() for v in (low, high))
        if "decimals" not in data or data["decimals"] is None:
            return fractional
        decimals = self.boolean(data, "decimals", qp)
        if fractional and not decimals:
            self.problem(_join(qp, "decimals"), "out_of_range",
                         "a limit with decimals (like 0.5) needs decimals: true")
        return decimals

    def options(self, data: Mapping, qtype: str | None, qp: str) -> list[Option]:
        op = _join(qp, "options")
        value = data.get("options")
        if qtype is None:
            return []
        if qtype not in CLOSED_TYPES:
            if value is not None:
                self.problem(op, "not_for_this_type", f"a {qtype} question has no options; options are only for "
                                                      f"{', '.join(CLOSED_TYPES)} questions")
            return []
        auto = self.add_prefer_not_to_say
        if qtype == "yes_no" and value is None:
            return [Option(i, dict(YES_NO_LABELS[i])) for i in YES_NO_OPTION_IDS if auto or i != PREFER_NOT_TO_SAY]
        if value is None or (isinstance(value, list) and not value):
            self.problem(op, "no_options", f"a {qtype} question needs a list of options to choose from")
            return []
        if not isinstance(value, list):
            self.problem(op, "not_a_list", "'options' should be a list, each with an id and a label")
            return []
        result: list[Option] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(value):
            p = f"{op}[{i}]"
            odata = self.mapping(item, p, "An option")
            if odata is None:
                continue
            self.unknown_keys(odata, OPTION_KEYS, p)
            oid = self.option_id(odata, p, multi=qtype == "multi")
            label = self.wording(odata, "label", p, pipes=True)
            exclusive = self.boolean(odata, "exclusive", p)
            if exclusive and qtype != "multi":
                self.problem(_join(p, "exclusive"), "not_for_this_type", "exclusive is only for multi questions (on "
                                                                         "other questions only one answer can be "
                                                                         "chosen anyway)")
                exclusive = False
            if qtype == "multi" and oid == PREFER_NOT_TO_SAY:
                exclusive = True  # "Prefer not to say" never goes with other answers
            emoji = None
            if odata.get("emoji") is not None:
                emoji = self.text_scalar(odata["emoji"], _join(p, "emoji"))
                if qtype != "emoji_scale":
                    self.problem(_join(p, "emoji"), "not_for_this_type", "emoji is only used on emoji_scale questions")
                    emoji = None
                elif not isinstance(emoji, str) or not emoji.strip():
                    self.problem(_join(p, "emoji"), "missing", "emoji should be an emoji character, e.g. 🙂")
                    emoji = None
            elif qtype == "emoji_scale" and oid != PREFER_NOT_TO_SAY:
                self.problem(p, "missing", f"option '{oid}' needs an emoji: every emoji_scale choice shows one")
            if oid is None:
                continue
            if oid in seen:
                self.problem(_join(p, "id"), "duplicate_id",
                             f"option id '{oid}' is used twice in this question{self.first_line(seen[oid])}")
                continue
            seen[oid] = _join(p, "id")
            result.append(Option(oid, label, emoji, exclusive))
        ids = [o.id for o in result]
        if qtype == "yes_no":
            if set(ids) - set(YES_NO_OPTION_IDS) or not {"yes", "no"} <= set(ids):
                self.problem(op, "bad_yes_no", "a yes_no question gets its options automatically; to change the "
                                               "labels, list exactly the ids yes, no (and prefer_not_to_say)")
                return []
            by_id = {o.id: o for o in result}
            # Always yes, no, prefer not to say, in that order, so answers line up across surveys.
            return [by_id.get(i) or Option(i, dict(YES_NO_LABELS[i])) for i in YES_NO_OPTION_IDS
                    if i in by_id or auto]
        own = [o for o in result if o.id != PREFER_NOT_TO_SAY]
        if len(own) < MIN_OWN_OPTIONS and len(ids) == len(value):
            self.problem(op, CODE_TOO_FEW_OPTIONS, f"a {qtype} question needs at least {MIN_OWN_OPTIONS} options of "
                                                   f"its own (it has {len(own)}; prefer_not_to_say is added for "
                                                   "you): with one there is nothing to choose, so add the other "
                                                   "answers or leave the question out")
        elif qtype == "multi" and own and all(o.exclusive for o in own):
            self.problem(op, "all_exclusive", "every option here is exclusive, so only one can be ticked: make it "
                                              "a single question, or take exclusive off the options that can go "
                                              "together")
        if PREFER_NOT_TO_SAY not in ids and auto:
            # An equal choice, never hidden: nobody has to tell us something to carry on.
            result.append(Option(PREFER_NOT_TO_SAY, dict(PREFER_NOT_TO_SAY_LABEL), exclusive=qtype == "multi"))
        return result

    def options_list(self, data: Mapping, qtype: str | None, qp: str, options: tuple[Option, ...]) -> str | None:
        """The shared choice list's name: every question that names it has the same options."""
        if data.get("options_list") is None:
            return None
        p = _join(qp, "options_list")
        name = self.text_scalar(data["options_list"], p)
        if qtype not in CLOSED_TYPES:
            self.problem(p, "not_for_this_type", "options_list is only for choice questions")
            return None
        if not isinstance(name, str) or not valid_question_id(name):
            self.problem(p, "bad_id", f"'{name}' is not a usable list name: start with a letter and use letters, "
                                      "digits and _")
            return None
        first = self.lists.setdefault(name, (str(data.get("id")), options))
        if first[1] != options and options:
            self.problem(p, "list_differs", f"list '{name}' is shared with question '{first[0]}', but the options "
                                            "differ; give this question its own list name")
        return name

    # show_if --------------------------------------------------------------------------
    def condition(self, value: Any, path: str, own_id: str | None) -> Condition | None:
        data = self.mapping(value, path, "show_if")
        if data is None:
            return None
        self.unknown_keys(data, CONDITION_KEYS, path)
        ops = [k for k in CONDITION_OPS if k in data]
        if len(ops) != 1:
            found = ", ".join(ops) if ops else "none"
            self.problem(path, "bad_rule", "show_if needs exactly one test: equals, not_equals, in, includes, "
                                           f"answered, all or any (found: {found})")
            return None
        op = ops[0]
        if op in ("all", "any"):
            if "question" in data:
                self.problem(_join(path, "question"), "bad_rule",
                             f"'{op}' combines other tests; put 'question' inside each")
            parts = data[op]
            if not isinstance(parts, list) or not parts:
                self.problem(_join(path, op), "bad_rule", f"'{op}' should be a list of tests")
                return None
            conds = [self.condition(c, f"{path}.{op}[{i}]", own_id) for i, c in enumerate(parts)]
            usable = tuple(c for c in conds if c is not None)
            if len(usable) < len(conds):
                return None
            return Condition(op=op, conditions=usable)

        qp = _join(path, "question")
        target_id = self.text_scalar(data.get("question"), qp)
        if target_id is None:
            self.problem(qp, "missing", f"'question' is missing: which earlier question does '{op}' look at?")
            return None
        if not isinstance(target_id, str):
            self.problem(qp, "wrong_kind", "'question' should be a question id")
            return None
        if target_id == own_id:
            self.problem(qp, "rule_on_itself", f"'{target_id}' cannot depend on its own answer")
            return None
        if target_id not in self.earlier:
            if target_id in self.all_question_ids:
                self.problem(qp, "rule_on_later_question", f"'{target_id}' comes later in the survey; show_if can "
                                                           "only look at an earlier question")
            else:
                hint = _suggest(target_id, self.earlier)
                self.problem(qp, "rule_on_unknown_question", f"'{target_id}' is not an earlier question{hint}")
            return None
        target = self.earlier[target_id]

        vp = _join(path, op)
        raw = data[op]
        if op == "answered":
            if raw is not True:
                self.problem(vp, "bad_rule", "write 'answered: true' (shown once the earlier question has any "
                                             "answer)")
                return None
            return Condition(op="answered", question=target_id)
        if op == "in":
            if not isinstance(raw, list) or not raw:
                self.problem(vp, "bad_rule", "'in' should be a list of option ids, e.g. [yes, prefer_not_to_say]")
                return None
            values = [self.text_scalar(v, f"{vp}[{i}]") for i, v in enumerate(raw)]
            value_paths = [f"{vp}[{i}]" for i in range(len(raw))]
        else:
            if isinstance(raw, (list, dict)):
                self.problem(vp, "bad_rule", f"'{op}' should be one option id"
                                             + (" (use 'in' for a list)" if op != "includes" else ""))
                return None
            values = [self.text_scalar(raw, vp)]
            value_paths = [vp]
        if target is None:  # the earlier question has its own problems; don't pile on
            return None
        if not target.is_closed:
            self.problem(vp, "bad_rule", f"'{target_id}' is a {target.type} question: only 'answered: true' can "
                                         "test it")
            return None
        if op == "includes" and target.type != "multi":
            self.problem(vp, "bad_rule", f"'includes' is for multi questions; '{target_id}' is {target.type}, use "
                                         "'equals'")
            return None
        if op != "includes" and target.type == "multi":
            self.problem(vp, "bad_rule", f"'{target_id}' allows several answers: use 'includes' to test for one of "
                                         "them")
            return None
        ok = True
        option_ids = [o.id for o in target.options]
        for v, p in zip(values, value_paths):
            if v not in option_ids:
                self.problem(p, "rule_on_unknown_option",
                             f"'{v}' is not an option of '{target_id}' (its options: "
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
            self.problem("sections", "no_quote_consent",
                         f"this survey has free-text questions ({', '.join(q.id for q in text_qs)}), so it needs a "
                         f"yes_no question with id {QUOTE_CONSENT_ID} after them, worded \"{QUOTE_CONSENT_TEXT}\"")
            return
        path = self.question_paths[QUOTE_CONSENT_ID]
        if consent.type != "yes_no":
            self.problem(_join(parent_path(path), "type"), "bad_quote_consent",
                         f"{QUOTE_CONSENT_ID} should be a yes_no question")
        if consent.text.get(DEFAULT_LANGUAGE) != QUOTE_CONSENT_TEXT:
            self.problem(_join(parent_path(path), "text"), "bad_quote_consent",
                         f"{QUOTE_CONSENT_ID} must be worded exactly \"{QUOTE_CONSENT_TEXT}\"")
        last_text = text_qs[-1]
        if questions.index(consent) < questions.index(last_text):
            self.problem(path, "bad_quote_consent", f"{QUOTE_CONSENT_ID} should come after the free-text questions "
                                                    f"(it is before '{last_text.id}')")


def _build(doc: YamlData) -> Survey:
    survey = _Builder(doc).survey(doc.data, doc.source) if doc.data is not None else None
    if doc.problems or survey is None:
        if not doc.problems:
            doc.problems.append(Problem(doc.source, None, "", "no_survey", "no survey found in this file"))
        doc.problems.sort(key=lambda p: p.line or 0)  # stable: same-line problems keep their order
        raise SurveyFileError(doc.problems)
    return survey


# --- public API ----------------------------------------------------------------------------


def load_survey_text(text: str, source: str = "<text>") -> Survey:
    return _build(read_yaml(text, source))


def load_survey_file(path: str | Path) -> Survey:
    try:
        text = read_definition_text(path)
    except DefinitionError as exc:
        raise SurveyFileError(exc.problems) from None
    return load_survey_text(text, str(path))


def survey_from_dict(data: Mapping[str, Any], source: str = "editor") -> Survey:
    """Same checks as a file, for data built in the app (no line numbers)."""
    return _build(YamlData(source, data=_plain(data)))


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
        result.problems.append(Problem(str(folder), None, "", "no_folder", "no such folder"))
        return result
    first_file: dict[str, str] = {}
    for file in survey_files(folder):
        try:
            survey = load_survey_file(file)
        except SurveyFileError as exc:
            result.problems.extend(exc.problems)
            continue
        if survey.id in result.surveys:
            result.problems.append(Problem(
                str(file), None, "id", "duplicate_survey_id",
                f"survey id '{survey.id}' is already used by {first_file[survey.id]}; this file was skipped"))
            continue
        first_file[survey.id] = str(file)
        result.surveys[survey.id] = survey
    return result
