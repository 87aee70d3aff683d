"""The survey editor: pure functions over a draft (a plain dict in the survey file layout).

Every edit takes a draft and returns a NEW draft, or raises `EditRefused` listing what to fix,
naming the question (or section) and the field. Nothing here touches Streamlit or the database,
so the pages, the XLSForm importer and the tests all use the same rules.

How an edit is checked:
1. our own immediate checks (duplicate option ids, an empty option list, a skip rule on a later
   or missing question, an unknown priority, deleting a question another one depends on), with
   messages in the facilitator's words;
2. then the survey file rules themselves (`survey_from_dict`): the edit is refused if it adds a
   problem the draft did not already have. Whole-survey gaps that are normal while building
   (a new section with no questions yet) are not refused here; `publish_problems` lists them.

Free-text questions need the quote-consent question after them (loader rule): the editor adds it,
and keeps it last, so a facilitator never has to know the rule to add a text question.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Collection, Iterable, Mapping

from voice.definitions import Problem
from voice.errors import Invalid
from voice.surveys.languages import PARTNERSHIP_LANGUAGES
from voice.surveys.loader import (
    CODE_EMPTY_SECTION,
    CODE_NO_SECTIONS,
    ID_RE,
    LANGUAGE_RE,
    MAX_AGE,
    MIN_AGE,
    QUOTE_CONSENT_ID,
    QUOTE_CONSENT_TEXT,
    SurveyFileError,
    survey_from_dict,
    valid_option_id,
    valid_question_id,
)
from voice.surveys.schema import (
    CLOSED_TYPES,
    DEFAULT_LANGUAGE,
    LIMIT_FIELDS,
    OPEN_TYPES,
    WRITTEN_OPTION_TYPES,
    PREFER_NOT_TO_SAY,
    QUESTION_TYPES,
    Survey,
    Text,
)
from voice.surveys.serialize import survey_to_dict

Draft = dict[str, Any]

# Skip-rule tests the builder offers, by the type of the earlier question.
SIMPLE_OPS = ("equals", "not_equals", "in", "includes", "answered")

DEFAULT_INTRO = "This survey asks what you think. It takes a few minutes. You can skip any question."
DEFAULT_PRIVACY = ("We do not ask for your name. Your answers go to the Young People's Advisory Group and to "
                   "adults who plan help for young people. If you tell us something that worries us about "
                   "your safety, a safe adult may read it so they can help you.")


@dataclass(frozen=True)
class EditProblem:
    """One thing to fix. `where` names the question or section ("question 'uses_webcam'")."""

    where: str
    field: str
    message: str
    code: str = ""  # the survey-file rule's code (voice.definitions.Problem.code) when it came from one

    def __str__(self) -> str:
        place = self.where[:1].upper() + self.where[1:] if self.where else "Survey"
        return f"{place}, {self.field}: {self.message}" if self.field else f"{place}: {self.message}"


class EditRefused(Invalid):
    """The edit was not made. `.problems` says what to fix."""

    def __init__(self, problems: list[EditProblem]):
        super().__init__(problems)


# --- reading a draft --------------------------------------------------------------------------


def sections(draft: Mapping) -> list[dict]:
    return list(draft.get("sections") or [])


def questions(draft: Mapping) -> list[dict]:
    return [q for s in sections(draft) for q in (s.get("questions") or [])]


def find_question(draft: Mapping, question_id: str) -> tuple[int, int, dict]:
    for si, section in enumerate(sections(draft)):
        for qi, question in enumerate(section.get("questions") or []):
            if question.get("id") == question_id:
                return si, qi, question
    raise EditRefused([EditProblem(f"question '{question_id}'", "", "there is no such question in this survey")])


def find_section(draft: Mapping, section_id: str) -> tuple[int, dict]:
    for si, section in enumerate(sections(draft)):
        if section.get("id") == section_id:
            return si, section
    raise EditRefused([EditProblem(f"section '{section_id}'", "", "there is no such section in this survey")])


def wording_in(value: Any, lang: str) -> str:
    """The words of a wording field in one language ("" if none)."""
    if isinstance(value, str):
        return value if lang == DEFAULT_LANGUAGE else ""
    if isinstance(value, Mapping):
        return str(value.get(lang) or "")
    return ""


def title_text(draft: Mapping) -> str:
    return wording_in(draft.get("title"), DEFAULT_LANGUAGE) or str(draft.get("id", ""))


def languages(draft: Mapping) -> list[str]:
    return list(draft.get("languages") or [DEFAULT_LANGUAGE])


def skip_rule_targets(draft: Mapping, question_id: str | None) -> list[dict]:
    """The questions a skip rule on `question_id` may look at: every closed or answerable question
    before it (None: all questions, for a question about to be added at the end)."""
    result = []
    for q in questions(draft):
        if q.get("id") == question_id:
            break
        result.append(q)
    return result


def ops_for(question: Mapping) -> tuple[str, ...]:
    """Skip-rule tests that make sense on an earlier question of this type."""
    qtype = question.get("type")
    if qtype == "multi":
        return ("includes", "answered")
    if qtype in CLOSED_TYPES:
        return ("equals", "not_equals", "in", "answered")
    return ("answered",)


def option_ids(question: Mapping) -> list[str]:
    """Option ids as a young person will see them (yes_no and 'Prefer not to say' filled in)."""
    qtype = question.get("type")
    ids = [str(o.get("id")) for o in (question.get("options") or []) if isinstance(o, Mapping)]
    if qtype == "yes_no" and not ids:
        ids = ["yes", "no"]
    if qtype in CLOSED_TYPES and PREFER_NOT_TO_SAY not in ids:
        ids.append(PREFER_NOT_TO_SAY)
    return ids


def make_condition(question_id: str, op: str, values: Iterable[str] = ()) -> dict:
    """A show_if in file layout from the builder's three choices (question, test, option)."""
    values = [v for v in values if v]
    if op == "answered":
        return {"question": question_id, "answered": True}
    if op == "in":
        return {"question": question_id, "in": values}
    if op in ("equals", "not_equals", "includes"):
        if len(values) != 1:
            raise EditRefused([EditProblem("skip rule", op, "choose exactly one option")])
        return {"question": question_id, op: values[0]}
    raise EditRefused([EditProblem("skip rule", "test", f"'{op}' is not a test; choose one of "
                                                        f"{', '.join(SIMPLE_OPS)}")])


def describe_condition(condition: Mapping | None) -> str:
    """Plain words for a show_if, e.g. "shown if uses_webcam is yes"."""
    if not condition:
        return "always shown"
    return "shown if " + _describe(condition)


def _describe(c: Mapping) -> str:
    for combo, word in (("all", " and "), ("any", " or ")):
        if combo in c:
            return "(" + word.join(_describe(p) for p in c[combo]) + ")"
    q = c.get("question")
    if "equals" in c:
        return f"{q} is {c['equals']}"
    if "not_equals" in c:
        return f"{q} is not {c['not_equals']}"
    if "in" in c:
        return f"{q} is one of {', '.join(map(str, c['in']))}"
    if "includes" in c:
        return f"{q} includes {c['includes']}"
    return f"{q} is answered"


# --- starting a draft -------------------------------------------------------------------------


def new_draft(survey_id: str, title: str, *, min_age: int = MIN_AGE, max_age: int = MAX_AGE,
              intro: str = DEFAULT_INTRO, privacy_notice: str = DEFAULT_PRIVACY) -> Draft:
    """An empty survey to build on. It has one empty section, so the first question has a home."""
    problems = []
    if not ID_RE.match(survey_id or ""):
        problems.append(EditProblem("survey", "id", f"'{survey_id}' can't be used: lowercase letters, digits "
                                                    "and _ only, starting with a letter (e.g. ypag_march)"))
    if not (title or "").strip():
        problems.append(EditProblem("survey", "title", "give the survey a title young people will see"))
    if problems:
        raise EditRefused(problems)
    return {
        "id": survey_id, "title": title.strip(), "version": 1,
        "audience": {"min_age": min_age, "max_age": max_age},
        "intro": intro, "privacy_notice": privacy_notice,
        "sections": [{"id": "questions", "title": "Questions", "questions": []}],
    }


def draft_from_survey(survey: Survey, new_id: str | None = None, new_title: str | None = None) -> Draft:
    """A draft from a published or built-in survey; give `new_id` to make a copy under another id."""
    data = copy.deepcopy(survey_to_dict(survey))
    if new_id is not None and new_id != survey.id:
        if not ID_RE.match(new_id):
            raise EditRefused([EditProblem("survey", "id", f"'{new_id}' can't be used: lowercase letters, "
                                                           "digits and _ only, starting with a letter")])
        data["id"] = new_id
        data["version"] = 1
    if new_title:
        data["title"] = _set_wording(data.get("title"), new_title, DEFAULT_LANGUAGE)
    return data


# --- checking ---------------------------------------------------------------------------------


def draft_to_survey(draft: Mapping) -> Survey:
    """The Survey a draft publishes as; raises EditRefused with every problem, in editor words."""
    try:
        return survey_from_dict(draft, source="editor")
    except SurveyFileError as exc:
        raise EditRefused([_translate(draft, p) for p in exc.problems]) from None


def all_problems(draft: Mapping) -> list[EditProblem]:
    try:
        survey_from_dict(draft, source="editor")
    except SurveyFileError as exc:
        return [_translate(draft, p) for p in exc.problems]
    return []


def publish_problems(draft: Mapping) -> list[EditProblem]:
    """What still stops this draft being published (empty list: ready)."""
    return all_problems(draft)


_PATH_RE = re.compile(r"^sections\[(\d+)\](?:\.questions\[(\d+)\])?(?:\.(.*))?$")


def _translate(draft: Mapping, problem: Problem) -> EditProblem:
    """Loader field path -> which question/section and which field, in the draft's own ids."""
    path, message, code = problem.field or "", problem.message, problem.code
    m = _PATH_RE.match(path)
    if not m:
        return EditProblem("survey", path, message, code)
    si, qi, rest = int(m.group(1)), m.group(2), m.group(3) or ""
    secs = sections(draft)
    section = secs[si] if si < len(secs) else {}
    if qi is None:
        return EditProblem(f"section '{section.get('id', si + 1)}'", rest, message, code)
    qs = section.get("questions") or []
    question = qs[int(qi)] if int(qi) < len(qs) else {}
    name = question.get("id") if isinstance(question, Mapping) else None
    return EditProblem(f"question '{name or f'number {int(qi) + 1}'}'", rest, message, code)


# Problems normal while a survey is being built (a new section has no questions yet): refused only
# at publishing. Matched by code, never by the words of the message.
_BUILDING = frozenset({CODE_EMPTY_SECTION, CODE_NO_SECTIONS})


def _refuse_new_problems(before: Mapping, after: Draft, own: list[EditProblem]) -> Draft:
    if own:
        raise EditRefused(own)
    old = {(p.where, p.field, p.code, p.message) for p in all_problems(before)}
    new = [p for p in all_problems(after)
           if (p.where, p.field, p.code, p.message) not in old and p.code not in _BUILDING]
    if new:
        raise EditRefused(new)
    return after


# --- survey-level edits -----------------------------------------------------------------------


def update_survey(draft: Mapping, *, title: Text | str | None = None, intro: Text | str | None = None,
                  privacy_notice: Text | str | None = None, min_age: int | None = None,
                  max_age: int | None = None, languages: list[str] | None = None,
                  priorities: list[str] | None = None, retention_months: int | None = None,
                  version: int | None = None, known_priorities: Collection[str] | None = None) -> Draft:
    """Change survey-level fields. `known_priorities`: the plan's priority keys (voice.evidence.priorities.
    priority_choices), when the caller has them; a priority not among them is refused."""
    after = copy.deepcopy(dict(draft))
    own: list[EditProblem] = []
    for key, value in (("title", title), ("intro", intro), ("privacy_notice", privacy_notice)):
        if value is not None:
            after[key] = _wording(value)
    if min_age is not None or max_age is not None:
        audience = dict(after.get("audience") or {})
        if min_age is not None:
            audience["min_age"] = min_age
        if max_age is not None:
            audience["max_age"] = max_age
        after["audience"] = audience
    if languages is not None:
        langs = [str(x).strip().lower() for x in languages if str(x).strip()]
        bad = [x for x in langs if not LANGUAGE_RE.match(x)]
        if bad:
            own.append(EditProblem("survey", "languages", f"{', '.join(bad)}: use two or three letter codes "
                                                          f"({', '.join(sorted(PARTNERSHIP_LANGUAGES))})"))
        if DEFAULT_LANGUAGE not in langs:
            own.append(EditProblem("survey", "languages", "English (en) must stay: it is the fallback wording"))
        removed = set(languages_of(after)) - set(langs)
        after["languages"] = langs
        if removed and not own:
            names = {k: v for k, v in (after.pop("language_names", None) or {}).items() if k not in removed}
            after = _drop_languages(after, removed)  # wording in a dropped language goes with it
            if names:
                after["language_names"] = names
        if langs == [DEFAULT_LANGUAGE]:
            after.pop("languages")
    if priorities is not None:
        own += _priority_problems("survey", priorities, known_priorities)
        after["priorities"] = list(priorities)
        if not priorities:
            after.pop("priorities")
    if retention_months is not None:
        after["retention_months"] = retention_months
    if version is not None:
        after["version"] = version
    return _refuse_new_problems(draft, after, own)


def languages_of(draft: Mapping) -> list[str]:
    return languages(draft)


def _drop_languages(data: Any, removed: set[str]) -> Any:
    if isinstance(data, dict):
        if data and all(isinstance(k, str) and LANGUAGE_RE.match(k) for k in data) and DEFAULT_LANGUAGE in data:
            kept = {k: v for k, v in data.items() if k not in removed}
            return kept[DEFAULT_LANGUAGE] if list(kept) == [DEFAULT_LANGUAGE] else kept
        return {k: _drop_languages(v, removed) for k, v in data.items()}
    if isinstance(data, list):
        return [_drop_languages(v, removed) for v in data]
    return data


# --- sections ---------------------------------------------------------------------------------


def add_section(draft: Mapping, section_id: str, title: Text | str, intro: Text | str | None = None,
                position: int | None = None) -> Draft:
    after = copy.deepcopy(dict(draft))
    secs = after.setdefault("sections", [])
    own = []
    if any(s.get("id") == section_id for s in secs):
        own.append(EditProblem(f"section '{section_id}'", "id", "another section already has this id"))
    section: dict[str, Any] = {"id": section_id, "title": _wording(title)}
    if intro:
        section["intro"] = _wording(intro)
    section["questions"] = []
    secs.insert(len(secs) if position is None else position, section)
    return _refuse_new_problems(draft, after, own)


def update_section(draft: Mapping, section_id: str, *, new_id: str | None = None,
                   title: Text | str | None = None, intro: Text | str | None = None) -> Draft:
    after = copy.deepcopy(dict(draft))
    si, section = find_section(after, section_id)
    own = []
    if new_id and new_id != section_id:
        if any(s.get("id") == new_id for s in sections(after)):
            own.append(EditProblem(f"section '{section_id}'", "id", f"another section already has id '{new_id}'"))
        section["id"] = new_id
    if title is not None:
        section["title"] = _wording(title)
    if intro is not None:
        if _wording(intro):
            section["intro"] = _wording(intro)
        else:
            section.pop("intro", None)
    after["sections"][si] = _ordered(section, ("id", "title", "intro", "questions"))
    return _refuse_new_problems(draft, after, own)


def move_section(draft: Mapping, section_id: str, offset: int) -> Draft:
    """Move a section up (-1) or down (+1). Refused if a skip rule would then look at a later question."""
    after = copy.deepcopy(dict(draft))
    si, section = find_section(after, section_id)
    target = max(0, min(len(after["sections"]) - 1, si + offset))
    after["sections"].insert(target, after["sections"].pop(si))
    return _refuse_new_problems(draft, ensure_quote_consent(after), _order_problems(after))


def delete_section(draft: Mapping, section_id: str) -> Draft:
    after = copy.deepcopy(dict(draft))
    si, section = find_section(after, section_id)
    gone = {q.get("id") for q in section.get("questions") or []}
    own = _dependents_problems(after, gone, what=f"section '{section_id}'")
    if len(sections(after)) == 1:
        own.append(EditProblem(f"section '{section_id}'", "", "a survey needs at least one section; "
                                                               "add another before deleting this one"))
    del after["sections"][si]
    return _refuse_new_problems(draft, after, own)


# --- questions --------------------------------------------------------------------------------


def add_question(draft: Mapping, section_id: str, question: Mapping, position: int | None = None, *,
                 known_priorities: Collection[str] | None = None) -> Draft:
    """Add a question (a dict in file layout: id, type, text, help, options, show_if, priorities …)."""
    after = copy.deepcopy(dict(draft))
    si, section = find_section(after, section_id)
    q = _clean_question(question)
    own = _question_problems(after, q, old_id=None, known_priorities=known_priorities)
    qs = section.setdefault("questions", [])
    qs.insert(len(qs) if position is None else position, q)
    if not own:
        own = _order_problems(after)
    return _refuse_new_problems(draft, ensure_quote_consent(after), own)


def update_question(draft: Mapping, question_id: str, question: Mapping, *,
                    known_priorities: Collection[str] | None = None) -> Draft:
    """Replace a question. A new id is carried into the skip rules that look at it."""
    after = copy.deepcopy(dict(draft))
    si, qi, _ = find_question(after, question_id)
    q = _clean_question(question)
    own = _question_problems(after, q, old_id=question_id, known_priorities=known_priorities)
    new_id = q.get("id")
    if not own and new_id and new_id != question_id:
        for other in questions(after):
            if other.get("show_if"):
                other["show_if"] = _rename_in_condition(other["show_if"], question_id, new_id)
    after["sections"][si]["questions"][qi] = q
    _leave_changed_list(after, q)
    if not own:
        own = _dependents_option_problems(after, q) + _order_problems(after)
    return _refuse_new_problems(draft, ensure_quote_consent(after), own)


def _leave_changed_list(draft: Mapping, q: dict) -> None:
    """A question whose options no longer match the others sharing its choice list gets a list of its own."""
    name = q.get("options_list")
    if name and any(x is not q and x.get("options_list") == name and x.get("options") != q.get("options")
                    for x in questions(draft)):
        del q["options_list"]


def set_question_fields(draft: Mapping, question_id: str, *, known_priorities: Collection[str] | None = None,
                        **fields: Any) -> Draft:
    """Change some fields of a question (text, help, required, sensitive, priorities, show_if, options…).
    A field given as None is removed."""
    _, _, current = find_question(draft, question_id)
    q = copy.deepcopy(current)
    for key, value in fields.items():
        if value is None:
            q.pop(key, None)
        else:
            q[key] = value
    return update_question(draft, question_id, q, known_priorities=known_priorities)


def set_show_if(draft: Mapping, question_id: str, condition: Mapping | None) -> Draft:
    return set_question_fields(draft, question_id, show_if=dict(condition) if condition else None)


def set_priorities(draft: Mapping, question_id: str, priorities: list[str], *,
                   known_priorities: Collection[str] | None = None) -> Draft:
    return set_question_fields(draft, question_id, priorities=list(priorities) or None,
                               known_priorities=known_priorities)


def set_help(draft: Mapping, question_id: str, help_text: Text | str | None) -> Draft:
    return set_question_fields(draft, question_id, help=_wording(help_text) if help_text else None)


def move_question(draft: Mapping, question_id: str, offset: int = 0, to_section: str | None = None,
                  position: int | None = None) -> Draft:
    """Move a question up (-1) / down (+1) in its section, or to another section (at `position`,
    default the end). Refused if a skip rule would then look at a later question."""
    after = copy.deepcopy(dict(draft))
    si, qi, q = find_question(after, question_id)
    del after["sections"][si]["questions"][qi]
    if to_section is not None:
        ti, target = find_section(after, to_section)
        qs = target.setdefault("questions", [])
        qs.insert(len(qs) if position is None else position, q)
    else:
        qs = after["sections"][si]["questions"]
        qs.insert(max(0, min(len(qs), qi + offset)), q)
    own = _order_problems(after)
    if question_id == QUOTE_CONSENT_ID and not own:
        own = _consent_order_problems(after)
    return _refuse_new_problems(draft, after if own else ensure_quote_consent(after), own)


def delete_question(draft: Mapping, question_id: str) -> Draft:
    after = copy.deepcopy(dict(draft))
    si, qi, q = find_question(after, question_id)
    own = _dependents_problems(after, {question_id}, what=f"question '{question_id}'")
    if question_id == QUOTE_CONSENT_ID and any(x.get("type") == "text" for x in questions(after)):
        own.append(EditProblem(f"question '{question_id}'", "", "young people must be asked before their words "
                                                                "are quoted: delete the free-text questions first"))
    del after["sections"][si]["questions"][qi]
    return _refuse_new_problems(draft, after, own)


# --- options ----------------------------------------------------------------------------------


def add_option(draft: Mapping, question_id: str, option_id: str, label: Text | str,
               emoji: str | None = None) -> Draft:
    _, _, q = find_question(draft, question_id)
    options = copy.deepcopy(list(q.get("options") or _implicit_options(q)))
    option: dict[str, Any] = {"id": option_id, "label": _wording(label)}
    if emoji:
        option["emoji"] = emoji
    # Keep "Prefer not to say" last when it is listed.
    at = next((i for i, o in enumerate(options) if o.get("id") == PREFER_NOT_TO_SAY), len(options))
    options.insert(at, option)
    return set_question_fields(draft, question_id, options=options)


def update_option(draft: Mapping, question_id: str, option_id: str, *, new_id: str | None = None,
                  label: Text | str | None = None, emoji: str | None = None) -> Draft:
    _, _, q = find_question(draft, question_id)
    options = copy.deepcopy(list(q.get("options") or _implicit_options(q)))
    i = _option_index(options, question_id, option_id)
    if new_id:
        options[i]["id"] = new_id
    if label is not None:
        options[i]["label"] = _wording(label)
    if emoji is not None:
        if emoji:
            options[i]["emoji"] = emoji
        else:
            options[i].pop("emoji", None)
    after = set_question_fields(draft, question_id, options=options)
    if new_id and new_id != option_id:
        # Skip rules that tested the old id now test the new one.
        for other in questions(after):
            if other.get("show_if"):
                other["show_if"] = _rename_value(other["show_if"], question_id, option_id, new_id)
    return after


def move_option(draft: Mapping, question_id: str, option_id: str, offset: int) -> Draft:
    _, _, q = find_question(draft, question_id)
    options = copy.deepcopy(list(q.get("options") or _implicit_options(q)))
    i = _option_index(options, question_id, option_id)
    options.insert(max(0, min(len(options) - 1, i + offset)), options.pop(i))
    return set_question_fields(draft, question_id, options=options)


def delete_option(draft: Mapping, question_id: str, option_id: str) -> Draft:
    _, _, q = find_question(draft, question_id)
    options = copy.deepcopy(list(q.get("options") or _implicit_options(q)))
    i = _option_index(options, question_id, option_id)
    del options[i]
    return set_question_fields(draft, question_id, options=options)


def _implicit_options(q: Mapping) -> list[dict]:
    if q.get("type") == "yes_no":
        return [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]
    return []


def _option_index(options: list[dict], question_id: str, option_id: str) -> int:
    for i, o in enumerate(options):
        if o.get("id") == option_id:
            return i
    raise EditRefused([EditProblem(f"question '{question_id}'", "options",
                                   f"there is no option '{option_id}'")])


# --- immediate checks -------------------------------------------------------------------------


def _question_problems(draft: Mapping, q: Mapping, old_id: str | None, *,
                       known_priorities: Collection[str] | None = None) -> list[EditProblem]:
    qid = q.get("id")
    where = f"question '{qid or old_id or 'new'}'"
    problems: list[EditProblem] = []
    if not qid or not valid_question_id(str(qid)):
        problems.append(EditProblem(where, "id", f"'{qid or ''}' can't be used as a question id: start with a "
                                                 "letter and use letters, digits and _"))
    elif qid != old_id and any(x.get("id") == qid for x in questions(draft)):
        problems.append(EditProblem(where, "id", "another question already has this id; ids must be unique"))
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(EditProblem(where, "type", f"choose one of {', '.join(QUESTION_TYPES)}"))
    if not _has_english(q.get("text")):
        problems.append(EditProblem(where, "text", "write the question (in English at least)"))
    if qtype in CLOSED_TYPES and qtype != "yes_no":
        options = q.get("options") or []
        own = [o for o in options if isinstance(o, Mapping) and o.get("id") != PREFER_NOT_TO_SAY]
        if not own:
            problems.append(EditProblem(where, "options", f"a {qtype} question needs at least one option to "
                                                          "choose from (Prefer not to say is added for you)"))
    if qtype in CLOSED_TYPES:
        seen: set[str] = set()
        for i, o in enumerate(q.get("options") or []):
            oid = str(o.get("id") or "") if isinstance(o, Mapping) else ""
            if not valid_option_id(oid, multi=qtype == "multi"):
                problems.append(EditProblem(where, f"options[{i + 1}].id",
                                            f"'{oid}' can't be used as an option id: use letters, digits and _ "
                                            "(no ';')"))
            elif oid in seen:
                problems.append(EditProblem(where, f"options[{i + 1}].id",
                                            f"option id '{oid}' is used twice; each option needs its own id"))
            seen.add(oid)
            if isinstance(o, Mapping) and not _has_english(o.get("label")):
                problems.append(EditProblem(where, f"options[{i + 1}].label",
                                            f"option '{oid}' needs a label young people will read"))
            if qtype == "emoji_scale" and oid != PREFER_NOT_TO_SAY and isinstance(o, Mapping) and not o.get("emoji"):
                problems.append(EditProblem(where, f"options[{i + 1}].emoji", f"option '{oid}' needs an emoji"))
    problems += _priority_problems(where, q.get("priorities") or [], known_priorities)
    if q.get("show_if"):
        problems += _condition_problems(draft, q["show_if"], where, qid, old_id)
    return problems


def _priority_problems(where: str, priorities: Iterable[str],
                       known: Collection[str] | None) -> list[EditProblem]:
    """Priorities are the plan's (a table loaded from a plan file): the caller passes their keys; None:
    the caller has no session and publishing keys are not checked here."""
    if known is None:
        return []
    unknown = [p for p in priorities if p not in known]
    if unknown:
        return [EditProblem(where, "priorities", f"{', '.join(map(str, unknown))}: not a partnership priority; "
                                                 f"choose from {', '.join(known) or 'none (no plan is loaded)'}")]
    return []


def _condition_problems(draft: Mapping, cond: Mapping, where: str, qid: str | None,
                        old_id: str | None) -> list[EditProblem]:
    for combo in ("all", "any"):
        if combo in cond:
            return [p for part in cond[combo] for p in _condition_problems(draft, part, where, qid, old_id)]
    target = cond.get("question")
    ids = [x.get("id") for x in questions(draft)]
    # Earlier = before the question's current place (a new question goes at the end of its section,
    # checked again by _order_problems once it is placed).
    me = old_id if old_id in ids else None
    earlier = ids[: ids.index(me)] if me else ids
    if target in (qid, old_id):
        return [EditProblem(where, "show_if", "a question can't depend on its own answer")]
    if target not in ids:
        return [EditProblem(where, "show_if", f"'{target}' is not a question in this survey; "
                                              "choose an earlier question")]
    if target not in earlier:
        return [EditProblem(where, "show_if", f"'{target}' comes later in the survey; a skip rule can only "
                                              "look at an earlier question (move one of them)")]
    tq = next(x for x in questions(draft) if x.get("id") == target)
    op = next((k for k in ("equals", "not_equals", "in", "includes", "answered") if k in cond), None)
    if op is None:
        return [EditProblem(where, "show_if", "choose a test: equals, not_equals, in, includes or answered")]
    if op not in ops_for(tq):
        return [EditProblem(where, "show_if", f"'{target}' is a {tq.get('type')} question: use "
                                              f"{' or '.join(ops_for(tq))}")]
    values = cond[op] if isinstance(cond[op], list) else ([] if op == "answered" else [cond[op]])
    if op == "in" and not values:
        return [EditProblem(where, "show_if", "choose at least one option")]
    valid = option_ids(tq)
    bad = [str(v) for v in values if str(v) not in valid]
    if bad:
        return [EditProblem(where, "show_if", f"{', '.join(bad)}: not an option of '{target}' "
                                              f"(its options: {', '.join(valid)})")]
    return []


def _order_problems(draft: Mapping) -> list[EditProblem]:
    """Skip rules that now look at a later question (after a move)."""
    problems = []
    seen: set[str | None] = set()
    for q in questions(draft):
        for target in _targets(q.get("show_if")):
            if target not in seen and target != q.get("id") and target in {x.get("id") for x in questions(draft)}:
                problems.append(EditProblem(f"question '{q.get('id')}'", "show_if",
                                            f"its skip rule looks at '{target}', which would come after it; a skip "
                                            "rule can only look at an earlier question"))
        seen.add(q.get("id"))
    return problems


def _dependents_problems(draft: Mapping, gone: set, what: str) -> list[EditProblem]:
    problems = []
    for q in questions(draft):
        if q.get("id") in gone:
            continue
        used = sorted(_targets(q.get("show_if")) & gone)
        if used:
            problems.append(EditProblem(what, "", f"the skip rule of question '{q.get('id')}' looks at "
                                                  f"'{', '.join(used)}': change or remove that rule first"))
    return problems


def _dependents_option_problems(draft: Mapping, changed: Mapping) -> list[EditProblem]:
    """A later skip rule testing an option that no longer exists."""
    valid = set(option_ids(changed))
    problems = []
    for q in questions(draft):
        for cond in _atoms(q.get("show_if")):
            if cond.get("question") != changed.get("id"):
                continue
            for op in ("equals", "not_equals", "in", "includes"):
                if op in cond:
                    values = cond[op] if isinstance(cond[op], list) else [cond[op]]
                    missing = [str(v) for v in values if str(v) not in valid]
                    if missing:
                        problems.append(EditProblem(
                            f"question '{changed.get('id')}'", "options",
                            f"the skip rule of question '{q.get('id')}' uses option '{', '.join(missing)}': "
                            "change that rule before removing or renaming the option"))
    return problems


def _consent_order_problems(draft: Mapping) -> list[EditProblem]:
    ids = [q.get("id") for q in questions(draft)]
    texts = [i for i, q in enumerate(questions(draft)) if q.get("type") == "text"]
    if QUOTE_CONSENT_ID in ids and texts and ids.index(QUOTE_CONSENT_ID) < texts[-1]:
        return [EditProblem(f"question '{QUOTE_CONSENT_ID}'", "", "it must come after every free-text question")]
    return []


def _targets(cond: Mapping | None) -> set:
    return {c.get("question") for c in _atoms(cond)}


def _atoms(cond: Mapping | None) -> list[Mapping]:
    if not cond:
        return []
    for combo in ("all", "any"):
        if combo in cond:
            return [a for part in cond[combo] for a in _atoms(part)]
    return [cond]


def _rename_in_condition(cond: Any, old: str, new: str) -> Any:
    if isinstance(cond, dict):
        return {k: (new if k == "question" and v == old else _rename_in_condition(v, old, new))
                for k, v in cond.items()}
    if isinstance(cond, list):
        return [_rename_in_condition(c, old, new) for c in cond]
    return cond


def _rename_value(cond: Any, question_id: str, old: str, new: str) -> Any:
    if isinstance(cond, list):
        return [_rename_value(c, question_id, old, new) for c in cond]
    if not isinstance(cond, dict):
        return cond
    if cond.get("question") != question_id:
        return {k: _rename_value(v, question_id, old, new) for k, v in cond.items()}
    out = dict(cond)
    for op in ("equals", "not_equals", "includes"):
        if out.get(op) == old:
            out[op] = new
    if isinstance(out.get("in"), list):
        out["in"] = [new if v == old else v for v in out["in"]]
    return out


# --- the quote-consent question ---------------------------------------------------------------


def ensure_quote_consent(draft: Draft) -> Draft:
    """Free-text answers may only be quoted with consent: keep the consent question after them."""
    qs = questions(draft)
    if not any(q.get("type") == "text" for q in qs):
        return draft
    ids = [q.get("id") for q in qs]
    last_text = max(i for i, q in enumerate(qs) if q.get("type") == "text")
    if QUOTE_CONSENT_ID in ids and ids.index(QUOTE_CONSENT_ID) > last_text:
        return draft
    consent = {"id": QUOTE_CONSENT_ID, "type": "yes_no", "text": QUOTE_CONSENT_TEXT}
    if QUOTE_CONSENT_ID in ids:
        si, qi, consent = find_question(draft, QUOTE_CONSENT_ID)
        del draft["sections"][si]["questions"][qi]
    # After the last free-text question, in the same section.
    for section in reversed(draft["sections"]):
        sqs = section.get("questions") or []
        positions = [i for i, q in enumerate(sqs) if q.get("type") == "text"]
        if positions:
            sqs.insert(positions[-1] + 1, consent)
            break
    return draft


# --- small helpers ----------------------------------------------------------------------------


def _wording(value: Text | str | None) -> str | dict[str, str]:
    """Wording as the file layout writes it: plain English text, or {lang: words} with blanks dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    kept = {str(k): str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}
    if list(kept) == [DEFAULT_LANGUAGE]:
        return kept[DEFAULT_LANGUAGE]
    return kept


def _set_wording(current: Any, words: str, language: str) -> Any:
    if isinstance(current, dict):
        return {**current, language: words}
    if language == DEFAULT_LANGUAGE:
        return words
    return {DEFAULT_LANGUAGE: current or "", language: words}


def _has_english(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return bool(str(value.get(DEFAULT_LANGUAGE) or "").strip())
    return False


_QUESTION_ORDER = ("id", "type", "text", "help", "options", "options_list", "required", "show_if", "sensitive",
                   "priorities", "min", "max", "decimals", "max_length")


def _ordered(d: Mapping, order: tuple[str, ...]) -> dict:
    return {**{k: d[k] for k in order if k in d}, **{k: v for k, v in d.items() if k not in order}}


def _clean_question(question: Mapping) -> dict:
    """The question as the file layout writes it: empty fields dropped, wording normalised."""
    q: dict[str, Any] = {}
    for key, value in question.items():
        if value is None or value == "" or value == [] or value == {} or value is False:
            continue
        if key in ("text", "help"):
            value = _wording(value)
            if not value:
                continue
        elif key in ("options", "options_list"):
            if key == "options":
                value = [_ordered({**o, "label": _wording(o.get("label"))}, ("id", "label", "emoji"))
                         if isinstance(o, Mapping) else o for o in value]
            if question.get("type") not in CLOSED_TYPES:
                continue  # switching a question to text/number drops its options
        q[key] = copy.deepcopy(value)
    return _ordered(q, _QUESTION_ORDER)


# --- options as text (the page's option box) --------------------------------------------------

# `id: label`: an id is one word without spaces, ':' or ';' (choice names from XLSForm such as Male or -99 too).
_OPTION_LINE = re.compile(r"^\s*(?:([^\s:;|]+)\s*:\s*)?(.*)$")
_EMOJI_FIRST = re.compile(r"^(\S+)\s+(.*)$")


def question_from_form(current: Mapping, *, qid: str, qtype: str, text: Mapping[str, str],
                       help_text: Mapping[str, str], options_text: str, langs: list[str], required: bool,
                       sensitive: bool, decimals: bool, priorities: list[str]) -> Draft:
    """The question a question form describes (`current`: the question being changed, or {} for a new one).
    Fields its type does not use are left out: options for types with written options, limits for open ones."""
    return {
        "id": qid.strip() or slug(text.get(DEFAULT_LANGUAGE, ""))[:40],
        "type": qtype, "text": dict(text), "help": dict(help_text),
        "options": options_from_text(options_text, langs, with_emoji=qtype == "emoji_scale")
        if qtype in WRITTEN_OPTION_TYPES else None,
        "required": required, "sensitive": sensitive, "priorities": list(priorities),
        "show_if": current.get("show_if"),
        **{k: current[k] for k in LIMIT_FIELDS if k in current and qtype in OPEN_TYPES},
        "decimals": decimals if qtype == "number" else None,
        "options_list": current.get("options_list"),  # an imported form's list name, kept
    }


def slug(text: str) -> str:
    """An option id from its label: 'Someone at school' -> 'someone_at_school'."""
    value = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].strip("_")
    return value or "option"


def options_to_text(options: list[Mapping], langs: list[str], with_emoji: bool = False) -> str:
    """One line per option: `id: [emoji ]English label | label in the next language …`."""
    lines = []
    for o in options:
        label = o.get("label")
        words = [label if isinstance(label, str) and lang == DEFAULT_LANGUAGE else
                 (label.get(lang, "") if isinstance(label, Mapping) else "") for lang in langs]
        first = (f"{o['emoji']} " if with_emoji and o.get("emoji") else "") + words[0]
        lines.append(f"{o.get('id')}: " + " | ".join([first] + words[1:]).rstrip(" |"))
    return "\n".join(lines)


def options_from_text(text: str, langs: list[str], with_emoji: bool = False) -> list[dict]:
    """The option box back to options. A line without `id:` gets an id made from its English label;
    duplicate ids are kept as typed, so the edit is refused naming the line (options[n].id)."""
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        m = _OPTION_LINE.match(line)
        if m is None:  # never: the pattern matches any line
            continue
        oid, rest = m.group(1), m.group(2)
        parts = [p.strip() for p in rest.split("|")]
        option: dict[str, Any] = {}
        if with_emoji:
            em = _EMOJI_FIRST.match(parts[0])
            if em and not re.match(r"[A-Za-z0-9]", em.group(1)):
                option["emoji"], parts[0] = em.group(1), em.group(2).strip()
        label = {lang: words for lang, words in zip(langs, parts) if words}
        option = {"id": oid or slug(parts[0]), "label": _wording(label), **option}
        options.append(option)
    return options
