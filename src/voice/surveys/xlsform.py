"""XLSForm (the spreadsheet form used by ODK, KoboToolbox, SurveyCTO) to and from our surveys.

The full mapping table is in docs/survey-editor.md. In short:
* sheets: `survey`, `choices`, `settings` (form_id, form_title, version, default_language, plus ours);
* begin_group / end_group <-> sections; select_one / select_multiple <list> <-> single / multi;
  text <-> text; integer / decimal -> number (exported as integer); the `voice_type` column marks a
  select_one as yes_no, scale or emoji_scale; `emoji` and `exclusive` on the choices sheet; `sensitive`, `priorities`,
  `max_length` columns; number min/max <-> a `constraint` of the form `. >= 1 and . <= 10`;
* `relevant` <-> show_if: ${q} = 'v' (equals), ${q} != 'v' (not_equals), ${q} != '' (answered),
  selected(${q}, 'v') (includes on a multi; `in` on a single, joined by `or` for several), and/or
  with brackets for all/any;
* languages: `label::English (en)`, `label::Polski (pl)`, `hint::…` columns (a plain `label` column is in
  the settings' default_language).

Anything that cannot be mapped (notes, calculate, geopoint, repeats, other constraints, relevant
expressions we cannot express) is LISTED in the import report with sheet, row and column, never silently
dropped. Errors that stop an import raise XLSFormError, each problem with its sheet, row and column.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from voice.surveys import editor
from voice.surveys.loader import (
    DEFAULT_RETENTION_MONTHS,
    LANGUAGE_RE,
    MAX_AGE,
    MIN_AGE,
    SurveyFileError,
    survey_from_dict,
)
from voice.surveys.schema import DEFAULT_LANGUAGE, TEXT_MAX_LENGTH, Condition, Question, Survey, Text

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
VOICE_TYPES = ("yes_no", "scale", "emoji_scale")
LANGUAGE_TITLES = {"en": "English", "pl": "Polski", "ur": "Urdu", "pa": "Punjabi", "gu": "Gujarati"}
# Column language names people type without a code, e.g. label::Polish.
_LANGUAGE_BY_NAME = {"english": "en", "polski": "pl", "polish": "pl", "urdu": "ur", "اردو": "ur",
                     "punjabi": "pa", "panjabi": "pa", "ਪੰਜਾਬੀ": "pa", "gujarati": "gu", "ગુજરાતી": "gu"}
# XLSForm types we cannot map: listed in the report, row by row.
UNMAPPABLE_TYPES = {
    "note": "a note only shows text; add it to a question's help or the section intro instead",
    "calculate": "calculations are not supported",
    "geopoint": "locations are not collected (young people's privacy)",
    "geotrace": "locations are not collected (young people's privacy)",
    "geoshape": "locations are not collected (young people's privacy)",
    "date": "date questions are not supported", "time": "time questions are not supported",
    "datetime": "date questions are not supported",
    "image": "photos and files are not collected", "audio": "recordings are not collected",
    "video": "recordings are not collected", "file": "files are not collected",
    "background-audio": "recordings are not collected",
    "barcode": "not supported", "acknowledge": "not supported", "range": "use a scale question instead",
    "rank": "ranking is not supported", "select_one_from_file": "choices from a file are not supported",
    "select_multiple_from_file": "choices from a file are not supported",
    "start": "device metadata is not collected", "end": "device metadata is not collected",
    "today": "device metadata is not collected", "deviceid": "device data is not collected (privacy)",
    "phonenumber": "device data is not collected (privacy)", "username": "not collected (privacy)",
    "email": "not collected (privacy)", "audit": "not collected", "hidden": "not supported",
    "trigger": "not supported", "xml-external": "not supported", "csv-external": "not supported",
}
_KNOWN_SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "constraint", "voice_type",
                         "sensitive", "priorities", "max_length"}
_KNOWN_CHOICE_COLUMNS = {"list_name", "name", "label", "emoji", "exclusive"}
_KNOWN_SETTINGS = {"form_id", "form_title", "version", "default_language", "intro", "privacy_notice",
                   "audience_min_age", "audience_max_age", "priorities", "retention_months", "languages",
                   "title", "audience_who", "minutes"}


@dataclass(frozen=True)
class XLSProblem:
    """One finding, placed in the workbook: sheet, row (1 = header) and column."""

    sheet: str
    row: int | None
    column: str | None  # the column's header, e.g. "relevant"
    message: str
    column_letter: str | None = None

    def __str__(self) -> str:
        where = [f"{self.sheet} sheet" if self.sheet else "workbook"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column_letter} ({self.column})" if self.column_letter
                         else f"column {self.column}")
        return ", ".join(where) + f": {self.message}"


class XLSFormError(Exception):
    """The workbook cannot be imported. `.problems` lists every error with sheet, row and column."""

    def __init__(self, problems: list[XLSProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class ImportReport:
    survey: Survey
    data: dict  # the survey file layout: a draft for the editor, or YAML for surveys/
    unmapped: list[XLSProblem] = field(default_factory=list)  # what was NOT imported, and why
    filled_in: list[str] = field(default_factory=list)  # defaults we supplied: check them in the editor


# --- export -----------------------------------------------------------------------------------


def _lang_header(base: str, lang: str) -> str:
    return f"{base}::{LANGUAGE_TITLES.get(lang, lang)} ({lang})"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def condition_to_relevant(condition: Condition, nested: bool = False) -> str:
    """show_if -> an XLSForm `relevant` expression (see the module note for the forms used)."""
    op, q = condition.op, condition.question
    if op == "equals":
        return f"${{{q}}} = '{condition.values[0]}'"
    if op == "not_equals":
        return f"${{{q}}} != '{condition.values[0]}'"
    if op == "answered":
        return f"${{{q}}} != ''"
    if op == "includes":
        return f"selected(${{{q}}}, '{condition.values[0]}')"
    if op == "in":
        text = " or ".join(f"selected(${{{q}}}, '{v}')" for v in condition.values)
        return f"({text})" if nested else text
    word = " and " if op == "all" else " or "
    text = word.join(condition_to_relevant(c, nested=True) for c in condition.conditions)
    return f"({text})" if nested else text


def survey_to_xlsform(survey: Survey) -> bytes:
    """The survey as an .xlsx workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    langs = list(survey.languages)
    wb = Workbook()
    ws = wb.active
    ws.title = SURVEY
    header = (["type", "name"] + [_lang_header("label", lang) for lang in langs]
              + [_lang_header("hint", lang) for lang in langs]
              + ["required", "relevant", "constraint", "voice_type", "sensitive", "priorities", "max_length"])
    ws.append(header)

    def words(text: Text, base: str) -> list[str]:
        return [(text or {}).get(lang, "") for lang in langs]

    for section in survey.sections:
        ws.append(_row(header, {"type": "begin_group", "name": section.id},
                       zip(header[2:2 + len(langs)], words(section.title, "label")),
                       zip(header[2 + len(langs):2 + 2 * len(langs)], words(section.intro, "hint"))))
        for q in section.questions:
            ws.append(_row(header, _question_cells(q), zip(header[2:2 + len(langs)], words(q.text, "label")),
                           zip(header[2 + len(langs):2 + 2 * len(langs)], words(q.help, "hint"))))
        ws.append(_row(header, {"type": "end_group"}))

    cs = wb.create_sheet(CHOICES)
    choice_header = ["list_name", "name"] + [_lang_header("label", lang) for lang in langs] + ["emoji", "exclusive"]
    cs.append(choice_header)
    for q in survey.questions:
        for o in q.options:
            cs.append([q.id, o.id] + [o.label.get(lang, "") for lang in langs] + [o.emoji or "",
                                                                                   "yes" if o.exclusive else ""])

    st = wb.create_sheet(SETTINGS)
    settings: dict[str, Any] = {
        "form_id": survey.id, "form_title": survey.title.get(DEFAULT_LANGUAGE, ""), "version": str(survey.version),
        "default_language": f"{LANGUAGE_TITLES['en']} (en)",
        "languages": " ".join(langs),
    }
    for lang in langs[1:]:
        if survey.title.get(lang):
            settings[_lang_header("form_title", lang)] = survey.title[lang]
    for key, text in (("intro", survey.intro), ("privacy_notice", survey.privacy_notice)):
        for lang in langs:
            if text.get(lang):
                settings[_lang_header(key, lang)] = text[lang]
    settings["audience_min_age"] = survey.audience_min_age
    settings["audience_max_age"] = survey.audience_max_age
    for lang in langs:
        if survey.audience_who.get(lang):
            settings[_lang_header("audience_who", lang)] = survey.audience_who[lang]
    if survey.minutes:
        settings["minutes"] = survey.minutes
    settings["priorities"] = " ".join(survey.priorities)
    settings["retention_months"] = survey.retention_months
    st.append(list(settings))
    st.append(list(settings.values()))

    for sheet in (ws, cs, st):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _question_cells(q: Question) -> dict[str, Any]:
    cells: dict[str, Any] = {"name": q.id}
    if q.type == "multi":
        cells["type"] = f"select_multiple {q.id}"
    elif q.is_closed:
        cells["type"] = f"select_one {q.id}"
        if q.type in VOICE_TYPES:
            cells["voice_type"] = q.type
    elif q.type == "text":
        cells["type"] = "text"
        if q.max_length != TEXT_MAX_LENGTH:
            cells["max_length"] = q.max_length
    else:
        whole = all(v is None or float(v).is_integer() for v in (q.min, q.max))
        cells["type"] = "integer" if whole else "decimal"
        bounds = ([f". >= {_num(q.min)}"] if q.min is not None else []) + \
                 ([f". <= {_num(q.max)}"] if q.max is not None else [])
        if bounds:
            cells["constraint"] = " and ".join(bounds)
    if q.required:
        cells["required"] = "yes"
    if q.show_if is not None:
        cells["relevant"] = condition_to_relevant(q.show_if)
    if q.sensitive:
        cells["sensitive"] = "yes"
    if q.priorities:
        cells["priorities"] = " ".join(q.priorities)
    return cells


def _row(header: list[str], cells: dict[str, Any], *extra: Iterable[tuple[str, str]]) -> list[Any]:
    values = dict(cells)
    for pairs in extra:
        values.update({k: v for k, v in pairs if v})
    return [values.get(h, "") for h in header]


def write_xlsform(survey: Survey, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(survey_to_xlsform(survey))
    return path


# --- import -----------------------------------------------------------------------------------


class _Sheet:
    """A worksheet as header -> column, with rows of plain strings (blank cells are "")."""

    def __init__(self, ws, name: str):
        from openpyxl.utils import get_column_letter

        self.name = name
        rows = list(ws.iter_rows(values_only=True))
        self.headers = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
        self.letters = [get_column_letter(i + 1) for i in range(len(self.headers))]
        self.rows = []  # (row number, {header: value})
        for n, values in enumerate(rows[1:], start=2):
            cells = {}
            for h, v in zip(self.headers, values):
                if h and v is not None and str(v).strip() != "":
                    cells[h] = v if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v).strip()
            if cells:
                self.rows.append((n, cells))

    def letter(self, header: str) -> str | None:
        return self.letters[self.headers.index(header)] if header in self.headers else None

    def problem(self, row: int | None, column: str | None, message: str) -> XLSProblem:
        return XLSProblem(self.name, row, column, message, self.letter(column) if column else None)


def _split_header(header: str, default_language: str) -> tuple[str, str | None] | None:
    """'label::Polski (pl)' -> ('label', 'pl'); 'label' -> ('label', default); None if the language is unknown."""
    base, sep, rest = header.partition("::")
    base = base.strip().lower().replace(" ", "_")
    if not sep:
        return base, None
    rest = rest.strip()
    m = re.search(r"\(([A-Za-z]{2,3})\)\s*$", rest)
    if m:
        return base, m.group(1).lower()
    if LANGUAGE_RE.match(rest.lower()):
        return base, rest.lower()
    code = _LANGUAGE_BY_NAME.get(rest.lower())
    return (base, code) if code else None


def _yes(value: Any) -> bool | None:
    text = str(value).strip().lower()
    if text in ("yes", "true", "true()", "1", "y"):
        return True
    if text in ("", "no", "false", "false()", "0", "n"):
        return False
    return None


def read_xlsform(source: str | Path | bytes | BinaryIO, default_id: str | None = None) -> ImportReport:
    """Read an XLSForm into a checked Survey; raises XLSFormError with every error placed in the workbook."""
    return _Importer(source, default_id).run()


class _Importer:
    def __init__(self, source, default_id: str | None):
        self.source, self.default_id = source, default_id
        self.errors: list[XLSProblem] = []
        self.unmapped: list[XLSProblem] = []
        self.filled_in: list[str] = []
        self.locations: dict[str, tuple[_Sheet, int | None, str | None]] = {}
        self.default_language = DEFAULT_LANGUAGE
        self.seen_languages: list[str] = []

    # workbook ------------------------------------------------------------------------
    def run(self) -> ImportReport:
        from openpyxl import load_workbook

        data = self.source
        if isinstance(data, (bytes, bytearray)):
            data = io.BytesIO(data)
        try:
            wb = load_workbook(data, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a file that is not .xlsx
            raise XLSFormError([XLSProblem("", None, None, f"this is not an Excel .xlsx workbook ({exc.__class__.__name__}); "
                                                           "save it as .xlsx and try again")]) from None
        names = {n.lower(): n for n in wb.sheetnames}
        if SURVEY not in names:
            raise XLSFormError([XLSProblem("", None, None, f"there is no 'survey' sheet (sheets found: "
                                                           f"{', '.join(wb.sheetnames)})")])
        self.survey_sheet = _Sheet(wb[names[SURVEY]], SURVEY)
        self.choices_sheet = _Sheet(wb[names[CHOICES]], CHOICES) if CHOICES in names else None
        self.settings_sheet = _Sheet(wb[names[SETTINGS]], SETTINGS) if SETTINGS in names else None
        wb.close()

        settings = self.settings()
        lists = self.choices()
        sections = self.survey_rows(lists)
        if self.errors:
            raise XLSFormError(self.errors)
        data = {**settings, "sections": sections}
        # Our own `languages` setting keeps the order; a foreign form lists English first, then by column.
        langs = settings.get("languages") or sorted(self.seen_languages or [DEFAULT_LANGUAGE],
                                                    key=lambda x: x != DEFAULT_LANGUAGE)
        data["languages"] = langs
        if langs == [DEFAULT_LANGUAGE]:
            data.pop("languages")
        before = [q.get("id") for s in sections for q in s["questions"]]
        data = editor.ensure_quote_consent(data)
        if "quote_consent" not in before and "quote_consent" in [q.get("id") for s in sections for q in s["questions"]]:
            self.filled_in.append("added the question quote_consent after the free-text questions: every survey "
                                  "with free text must ask before quoting young people's words")
        data = _ordered_survey(data)
        try:
            survey = survey_from_dict(data, source="xlsform")
        except SurveyFileError as exc:
            raise XLSFormError([self.place(p.field, p.message) for p in exc.problems]) from None
        return ImportReport(survey, data, self.unmapped, self.filled_in)

    def place(self, path: str, message: str) -> XLSProblem:
        """A loader problem (field path) -> the workbook cell it came from."""
        message = re.sub(r"\s*\((?:first )?(?:on )?line (?:None|\d+)\)", "", message)
        p = path
        while True:
            if p in self.locations:
                sheet, row, column = self.locations[p]
                return sheet.problem(row, column, message) if sheet else XLSProblem(SETTINGS, None, column, message)
            if not p:
                return XLSProblem(SURVEY, None, None, message)
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else ""

    # languages -----------------------------------------------------------------------
    def wording(self, sheet: _Sheet, cells: dict, base: str) -> dict[str, str] | str | None:
        result: dict[str, str] = {}
        for header, value in cells.items():
            split = _split_header(header, self.default_language)
            if split is None or split[0] != base:
                continue
            lang = split[1] or self.default_language
            result[lang] = str(value).strip()
        if not result:
            return None
        return result[DEFAULT_LANGUAGE] if list(result) == [DEFAULT_LANGUAGE] else result

    def check_headers(self, sheet: _Sheet, known: set[str]) -> None:
        unknown: dict[str, list[int]] = {}
        for header in sheet.headers:
            if not header:
                continue
            split = _split_header(header, self.default_language)
            if split is None:
                self.errors.append(sheet.problem(1, header, "say which language this column is in with its code "
                                                            "in brackets, e.g. label::Polski (pl)"))
                continue
            base, lang = split
            lang = lang or self.default_language
            if lang not in self.seen_languages and base in ("label", "hint", "form_title", "intro",
                                                            "privacy_notice"):
                self.seen_languages.append(lang)
            if base not in known:
                unknown[header] = [n for n, cells in sheet.rows if header in cells]
        for header, rows in unknown.items():
            if rows:
                self.unmapped.append(sheet.problem(None, header, f"this column is not used here (values in rows "
                                                                 f"{_ranges(rows)} were not imported)"))

    # settings ------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        sheet = self.settings_sheet
        cells = sheet.rows[0][1] if sheet and sheet.rows else {}
        if sheet:
            default = str(cells.get("default_language", "") or "")
            if default:
                m = re.search(r"\(([A-Za-z]{2,3})\)\s*$", default)
                code = m.group(1).lower() if m else _LANGUAGE_BY_NAME.get(default.lower(), default.lower())
                if not LANGUAGE_RE.match(code):
                    self.errors.append(sheet.problem(2, "default_language", f"'{default}' is not a language we "
                                                                              "know; write it like English (en)"))
                else:
                    self.default_language = code
            self.check_headers(sheet, _KNOWN_SETTINGS)

        def loc(path: str, column: str) -> None:
            self.locations[path] = (sheet, 2, column) if sheet else (None, None, column)

        data: dict[str, Any] = {}
        survey_id = str(cells.get("form_id") or self.default_id or "").strip()
        if not survey_id:
            self.errors.append(XLSProblem(SETTINGS, 2 if sheet else None, "form_id",
                                          "form_id is needed on the settings sheet: it becomes the survey id"))
        data["id"] = survey_id
        loc("id", "form_id")
        title = self.wording(sheet, cells, "form_title") if sheet else None
        if not title:
            title = survey_id
            self.filled_in.append(f"title: none given, so the survey is called '{survey_id}'")
        data["title"] = title
        loc("title", "form_title")
        raw_version = cells.get("version", 1)
        try:
            version = int(str(raw_version).strip())
            if not 1 <= version <= 10**6:
                raise ValueError
        except ValueError:
            self.unmapped.append(XLSProblem(SETTINGS, 2, "version", f"version '{raw_version}' is not a whole number "
                                                                    "from 1 to 1000000; version 1 is used",
                                            sheet.letter("version") if sheet else None))
            version = 1
        data["version"] = version
        loc("version", "version")
        ages = {}
        for key, default in (("min_age", MIN_AGE), ("max_age", MAX_AGE)):
            value = cells.get(f"audience_{key}")
            if value is None:
                self.filled_in.append(f"audience {key.replace('_', ' ')}: none given, {default} is used")
                value = default
            try:
                ages[key] = int(value)
            except (TypeError, ValueError):
                self.errors.append(sheet.problem(2, f"audience_{key}", f"'{value}' should be an age in years"))
                ages[key] = default
            loc(f"audience.{key}", f"audience_{key}")
        data["audience"] = ages
        loc("audience", "audience_min_age")
        who = self.wording(sheet, cells, "audience_who") if sheet else None
        if who:
            ages["who"] = who
            loc("audience.who", next(h for h in sheet.headers if h.startswith("audience_who")))
        if cells.get("minutes") not in (None, ""):
            data["minutes"] = cells["minutes"]
            loc("minutes", "minutes")
        for key, default in (("intro", editor.DEFAULT_INTRO), ("privacy_notice", editor.DEFAULT_PRIVACY)):
            words = self.wording(sheet, cells, key) if sheet else None
            if not words:
                self.filled_in.append(f"{key.replace('_', ' ')}: none given, the standard wording is used")
                words = default
            data[key] = words
            loc(key, next((h for h in (sheet.headers if sheet else []) if h.startswith(key)), key))
        if cells.get("languages"):
            data["languages"] = str(cells["languages"]).split()
            loc("languages", "languages")
        if cells.get("priorities"):
            data["priorities"] = _words(cells["priorities"])
            loc("priorities", "priorities")
        if cells.get("retention_months") not in (None, DEFAULT_RETENTION_MONTHS):
            try:
                data["retention_months"] = int(cells["retention_months"])
            except (TypeError, ValueError):
                self.errors.append(sheet.problem(2, "retention_months", "should be a whole number of months"))
            loc("retention_months", "retention_months")
        return data

    # choices -------------------------------------------------------------------------
    def choices(self) -> dict[str, list[tuple[int, dict]]]:
        sheet = self.choices_sheet
        lists: dict[str, list[tuple[int, dict]]] = {}
        if sheet is None:
            return lists
        self.check_headers(sheet, _KNOWN_CHOICE_COLUMNS | {"list name"})
        list_col = "list_name" if "list_name" in sheet.headers else "list name"
        for n, cells in sheet.rows:
            list_name = str(cells.get(list_col, "")).strip()
            name = cells.get("name")
            if not list_name:
                self.errors.append(sheet.problem(n, list_col, "which list is this choice in? list_name is empty"))
                continue
            if name is None:
                self.errors.append(sheet.problem(n, "name", "the choice needs a name (its id, e.g. yes)"))
                continue
            option: dict[str, Any] = {"id": _as_id(name), "label": self.wording(sheet, cells, "label") or ""}
            if cells.get("emoji"):
                option["emoji"] = str(cells["emoji"])
            if _yes(cells.get("exclusive", "")):
                option["exclusive"] = True
            lists.setdefault(list_name, []).append((n, option))
        return lists

    # survey rows ---------------------------------------------------------------------
    def survey_rows(self, lists: dict) -> list[dict]:
        sheet = self.survey_sheet
        missing = [c for c in ("type", "name") if c not in sheet.headers]
        for column in missing:
            self.errors.append(sheet.problem(1, column, f"the survey sheet needs a '{column}' column"))
        if missing:
            return []
        self.check_headers(sheet, _KNOWN_SURVEY_COLUMNS)
        sections: list[dict] = []
        loose: dict | None = None  # questions outside any group
        stack: list[tuple[str, dict | None, Any]] = []  # ("group"/"repeat", section or None, group condition)
        types: dict[str, str] = {}  # question id -> our type, for reading relevant
        skipped: set[str] = set()  # names of rows not imported (a rule on them is listed, not an error)
        for n, cells in sheet.rows:
            raw_type = str(cells.get("type", "")).strip()
            kind = re.sub(r"\s+", " ", raw_type.lower())
            name = str(cells.get("name", "")).strip()
            if not kind:
                self.errors.append(sheet.problem(n, "type", "this row has no type"))
                continue
            if kind in ("begin_group", "begin group"):
                cond = self.relevant(cells, n, types, skipped, name) if cells.get("relevant") else None
                if any(k == "group" for k, _, _ in stack):
                    outer = next(s for k, s, _ in reversed(stack) if k == "group")
                    self.unmapped.append(sheet.problem(n, "type", f"group '{name}' is inside group '{outer['id']}': "
                                                                  f"its questions go into section '{outer['id']}'"))
                    stack.append(("group", outer, cond))
                    continue
                section = {"id": _as_id(name) if name else f"section_{len(sections) + 1}",
                           "title": self.wording(sheet, cells, "label") or name or "Questions"}
                intro = self.wording(sheet, cells, "hint")
                if intro:
                    section["intro"] = intro
                section["questions"] = []
                section["_row"] = n
                sections.append(section)
                stack.append(("group", section, cond))
                continue
            if kind in ("end_group", "end group", "end_repeat", "end repeat"):
                want = "repeat" if "repeat" in kind else "group"
                if not stack or stack[-1][0] != want:
                    self.errors.append(sheet.problem(n, "type", f"{raw_type} without a matching begin_{want}"))
                else:
                    stack.pop()
                continue
            if kind in ("begin_repeat", "begin repeat"):
                self.unmapped.append(sheet.problem(n, "type", f"repeat group '{name}' is not supported: the "
                                                              "questions inside it are not imported"))
                stack.append(("repeat", None, None))
                continue
            if any(k == "repeat" for k, _, _ in stack):
                self.unmapped.append(sheet.problem(n, "type", f"'{name}' is inside a repeat group: not imported"))
                skipped.add(name)
                continue
            question = self.question(n, cells, kind, raw_type, name, lists, types, skipped)
            if question is None:
                continue
            group_conds = [c for k, _, c in stack if c is not None]
            if group_conds:  # a group's relevant applies to each of its questions
                own = [question["show_if"]] if question.get("show_if") else []
                parts = group_conds + own
                question["show_if"] = parts[0] if len(parts) == 1 else {"all": parts}
            section = next((s for k, s, _ in reversed(stack) if k == "group"), None)
            if section is None:
                if loose is None:
                    loose = {"id": "questions", "title": "Questions", "questions": [], "_row": n}
                    sections.append(loose)
                section = loose
            section["questions"].append(question)
            types[question["id"]] = question["type"]
        for kind, section, _ in stack:
            self.errors.append(sheet.problem(section["_row"] if section else None, "type",
                                             f"begin_{kind} '{section['id'] if section else ''}' has no end_{kind}"))
        kept = []
        for section in sections:
            if not section["questions"]:
                self.unmapped.append(sheet.problem(section["_row"], "name", f"group '{section['id']}' has no questions "
                                                                            "we can import, so it is left out"))
                continue
            kept.append(section)
        for si, section in enumerate(kept):
            self.locations[f"sections[{si}]"] = (sheet, section.pop("_row"), "name")
            self.locations[f"sections[{si}].title"] = (sheet, self.locations[f"sections[{si}]"][1],
                                                       _first(sheet, "label"))
            for qi, q in enumerate(section["questions"]):
                base = f"sections[{si}].questions[{qi}]"
                row = q.pop("_row")
                option_rows = q.pop("_option_rows", [])
                self.locations[base] = (sheet, row, "type")
                for key, column in (("id", "name"), ("type", "type"), ("text", _first(sheet, "label")),
                                    ("help", _first(sheet, "hint")), ("required", "required"),
                                    ("show_if", "relevant"), ("options", "type"), ("min", "constraint"),
                                    ("max", "constraint"), ("sensitive", "sensitive"), ("priorities", "priorities"),
                                    ("max_length", "max_length")):
                    self.locations[f"{base}.{key}"] = (sheet, row, column)
                for k, orow in enumerate(option_rows):
                    ob = f"{base}.options[{k}]"
                    self.locations[ob] = (self.choices_sheet, orow, "name")
                    self.locations[f"{ob}.id"] = (self.choices_sheet, orow, "name")
                    self.locations[f"{ob}.label"] = (self.choices_sheet, orow, _first(self.choices_sheet, "label"))
                    self.locations[f"{ob}.emoji"] = (self.choices_sheet, orow, "emoji")
        return kept

    def question(self, n: int, cells: dict, kind: str, raw_type: str, name: str, lists: dict, types: dict,
                 skipped: set) -> dict | None:
        sheet = self.survey_sheet
        head, _, rest = kind.partition(" ")
        if head in UNMAPPABLE_TYPES or kind in UNMAPPABLE_TYPES:
            reason = UNMAPPABLE_TYPES.get(head) or UNMAPPABLE_TYPES[kind]
            self.unmapped.append(sheet.problem(n, "type", f"'{name}' ({raw_type}) is not imported: {reason}"))
            skipped.add(name)
            return None
        q: dict[str, Any] = {"id": _as_id(name) if name else "", "_row": n}
        if not name:
            self.errors.append(sheet.problem(n, "name", f"the {raw_type} question needs a name (its id)"))
        voice_type = str(cells.get("voice_type", "")).strip().lower()
        if head in ("select_one", "select_multiple"):
            words = rest.split()
            list_name = words[0] if words else ""
            if len(words) > 1 and words[1] == "or_other":
                self.unmapped.append(sheet.problem(n, "type", "'or_other' is not supported: add an 'other' choice "
                                                              "and a text question instead"))
            if not list_name:
                self.errors.append(sheet.problem(n, "type", f"{head} needs a list name, e.g. {head} yes_no"))
                return None
            if list_name not in lists:
                known = ", ".join(sorted(lists)) or "none"
                self.errors.append(sheet.problem(n, "type", f"list '{list_name}' is not on the choices sheet "
                                                            f"(lists there: {known})"))
                return None
            if head == "select_multiple":
                q["type"] = "multi"
                if voice_type:
                    self.errors.append(sheet.problem(n, "voice_type", "voice_type is only for select_one questions"))
            elif voice_type:
                if voice_type not in VOICE_TYPES:
                    self.errors.append(sheet.problem(n, "voice_type", f"'{voice_type}' is not one of "
                                                                      f"{', '.join(VOICE_TYPES)}"))
                q["type"] = voice_type
            else:
                q["type"] = "single"
            q["_option_rows"] = [row for row, _ in lists[list_name]]
            q["options"] = [dict(option) for _, option in lists[list_name]]
        elif head == "text":
            q["type"] = "text"
        elif head in ("integer", "decimal", "int"):
            q["type"] = "number"
        else:
            self.errors.append(sheet.problem(n, "type", f"'{raw_type}' is not an XLSForm question type we know"))
            return None
        if voice_type and head not in ("select_one", "select_multiple"):
            self.errors.append(sheet.problem(n, "voice_type", "voice_type is only for select_one questions"))

        q["text"] = self.wording(sheet, cells, "label") or ""
        hint = self.wording(sheet, cells, "hint")
        if hint:
            q["help"] = hint
        if "required" in cells:
            required = _yes(cells["required"])
            if required is None:
                self.unmapped.append(sheet.problem(n, "required", f"'{cells['required']}' is an expression; only "
                                                                  "yes or no can be used, so it is not required"))
            elif required:
                q["required"] = True
        if cells.get("relevant"):
            cond = self.relevant(cells, n, types, skipped, name)
            if cond is not None:
                q["show_if"] = cond
        if cells.get("constraint"):
            bounds = _bounds(str(cells["constraint"])) if q["type"] == "number" else None
            if bounds is None:
                self.unmapped.append(sheet.problem(n, "constraint", f"constraint '{cells['constraint']}' is not "
                                                                    "imported (only number limits like . >= 1 and "
                                                                    ". <= 10 are)"))
            else:
                q.update(bounds)
        if "sensitive" in cells and _yes(cells["sensitive"]):
            q["sensitive"] = True
        if cells.get("priorities"):
            q["priorities"] = _words(cells["priorities"])
        if cells.get("max_length"):
            try:
                q["max_length"] = int(cells["max_length"])
            except (TypeError, ValueError):
                self.errors.append(sheet.problem(n, "max_length", "should be a whole number of characters"))
        return q

    def relevant(self, cells: dict, n: int, types: dict, skipped: set, name: str) -> dict | None:
        expression = str(cells["relevant"])
        sheet = self.survey_sheet
        try:
            tree = _Parser(expression).parse()
        except _Unparseable as why:
            self.unmapped.append(sheet.problem(n, "relevant", f"the rule '{expression}' can't be used as a skip "
                                                              f"rule ({why}); '{name}' is shown to everyone"))
            return None
        refs = _refs(tree)
        if refs & skipped:
            self.unmapped.append(sheet.problem(n, "relevant", f"the rule '{expression}' looks at "
                                                              f"{', '.join(sorted(refs & skipped))}, which was not "
                                                              f"imported; '{name}' is shown to everyone"))
            return None
        try:
            return _to_condition(tree, types)
        except _Unparseable as why:
            self.unmapped.append(sheet.problem(n, "relevant", f"the rule '{expression}' can't be used as a skip "
                                                              f"rule ({why}); '{name}' is shown to everyone"))
            return None


# --- relevant expressions ---------------------------------------------------------------------


class _Unparseable(ValueError):
    pass


_TOKEN = re.compile(r"\s*(?:(\$\{[^}]+\})|('[^']*'|\"[^\"]*\")|(!=|=|\(|\)|,)|([A-Za-z_][A-Za-z0-9_\-:]*)|(\S))")


class _Parser:
    """and/or/brackets over `${q} = 'v'`, `${q} != 'v'` and `selected(${q}, 'v')`; anything else is refused."""

    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                break
            ref, string, punct, word, other = m.groups()
            if ref:
                self.tokens.append(("ref", ref[2:-1].strip()))
            elif string is not None:
                self.tokens.append(("str", string[1:-1]))
            elif punct:
                self.tokens.append(("p", punct))
            elif word:
                self.tokens.append(("w", word))
            elif other:
                raise _Unparseable(f"'{other}' is not supported")
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None or tok[0] != kind or (value is not None and tok[1] != value):
            raise _Unparseable(f"expected {value or kind} at '{' '.join(t[1] for t in self.tokens[self.i:]) or 'the end'}'")
        self.i += 1
        return tok[1]

    def parse(self) -> dict:
        node = self.expr()
        if self.peek() is not None:
            raise _Unparseable(f"unexpected '{self.peek()[1]}'")
        return node

    def expr(self) -> dict:
        parts = [self.conj()]
        while self.peek() == ("w", "or"):
            self.i += 1
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else {"kind": "or", "parts": parts, "paren": False}

    def conj(self) -> dict:
        parts = [self.atom()]
        while self.peek() == ("w", "and"):
            self.i += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else {"kind": "and", "parts": parts, "paren": False}

    def atom(self) -> dict:
        tok = self.peek()
        if tok == ("p", "("):
            self.i += 1
            inner = self.expr()
            self.take("p", ")")
            return {**inner, "paren": True}
        if tok == ("w", "selected"):
            self.i += 1
            self.take("p", "(")
            ref = self.take("ref")
            self.take("p", ",")
            value = self.take("str")
            self.take("p", ")")
            return {"kind": "sel", "q": ref, "v": value, "paren": False}
        if tok and tok[0] == "ref":
            self.i += 1
            op = self.peek()
            if op not in (("p", "="), ("p", "!=")):
                raise _Unparseable("only = and != comparisons can be used")
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt[0] != "str":
                raise _Unparseable("compare with a quoted choice name, e.g. 'yes'")
            self.i += 1
            return {"kind": "cmp", "q": tok[1], "op": op[1], "v": nxt[1], "paren": False}
        if tok and tok[0] == "w":
            raise _Unparseable(f"'{tok[1]}' is not supported")
        raise _Unparseable("the rule is incomplete")


def _refs(node: dict) -> set[str]:
    if node["kind"] in ("and", "or"):
        return set().union(*(_refs(p) for p in node["parts"]))
    return {node["q"]}


def _to_condition(node: dict, types: dict[str, str]) -> dict:
    kind = node["kind"]
    if kind == "or":
        parts = node["parts"]
        sel_qs = {p.get("q") for p in parts}
        if all(p["kind"] == "sel" and not p["paren"] for p in parts) and len(sel_qs) == 1 \
                and types.get(next(iter(sel_qs))) != "multi":
            return {"question": parts[0]["q"], "in": [p["v"] for p in parts]}
        return {"any": [_to_condition(p, types) for p in parts]}
    if kind == "and":
        return {"all": [_to_condition(p, types) for p in node["parts"]]}
    qtype = types.get(node["q"])
    if kind == "sel":
        if qtype == "multi":
            return {"question": node["q"], "includes": node["v"]}
        return {"question": node["q"], "in": [node["v"]]}
    if node["op"] == "!=" and node["v"] == "":
        return {"question": node["q"], "answered": True}
    if node["op"] == "=" and node["v"] == "":
        raise _Unparseable("'not answered' can't be tested")
    if qtype == "multi":
        raise _Unparseable(f"'{node['q']}' allows several answers: use selected(${{{node['q']}}}, '{node['v']}')")
    return {"question": node["q"], "equals" if node["op"] == "=" else "not_equals": node["v"]}


# --- small helpers ----------------------------------------------------------------------------


_BOUND = re.compile(r"^\s*\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)\s*$")


def _bounds(constraint: str) -> dict | None:
    """'. >= 1 and . <= 10' -> {"min": 1, "max": 10}; anything else -> None."""
    result: dict[str, float | int] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        m = _BOUND.match(part)
        if not m:
            return None
        key = "min" if m.group(1) == ">=" else "max"
        if key in result:
            return None
        value = float(m.group(2))
        result[key] = int(value) if value.is_integer() else value
    return result or None


def _words(value: Any) -> list[str]:
    return [w for w in re.split(r"[\s,]+", str(value)) if w]


def _as_id(value: Any) -> str:
    # Excel turns a choice name like 1 into the number 1.0: give it back as "1".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _first(sheet: _Sheet | None, base: str) -> str | None:
    if sheet is None:
        return None
    return next((h for h in sheet.headers if h == base or h.startswith(f"{base}::")), None)


def _ranges(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:10]))
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


_SURVEY_ORDER = ("id", "title", "version", "audience", "intro", "privacy_notice", "languages", "priorities",
                 "retention_months", "sections")


def _ordered_survey(data: dict) -> dict:
    return {**{k: data[k] for k in _SURVEY_ORDER if k in data}, **{k: v for k, v in data.items() if k not in _SURVEY_ORDER}}
