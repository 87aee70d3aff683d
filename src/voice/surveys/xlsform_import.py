"""XLSForm import: read a form with pyxform, the ODK reference implementation, and map it to our surveys.

pyxform decides what the workbook says: `.xlsx` and `.xls`, column and type aliases (`select one from X`,
`string`, `gps`, `label::French`, `bind::`/`body::`/`media::` columns …), case rules and language columns.
This module maps pyxform's result onto our survey schema and says, by name, row and column, everything our
schema cannot hold: nothing is dropped or changed without a line in the report.

The flow (`read_xlsform`):
1. `xlsform_limits.check_workbook`: size, unpacked size and cell counts, before anything parses the file;
2. pyxform reads the workbook (`get_xlsform`) and checks it as ODK would (`workbook_to_json`); its own
   header clean-up (`dealias_and_group_headers`) gives each row's columns, so every finding names its row;
3. the form's elements are walked in order: groups become sections (questions outside any group stay
   outside: a section with `group: false`), questions map to our types, choice lists keep their names,
   `relevant` becomes show_if where we can express it, `${name}` in wording stays (piping);
4. the survey-file checks (`survey_from_dict`) run on the result, each problem placed on its cell.

`add_prefer_not_to_say=True` (a visible choice on the import screen, `--prefer-not-to-say` on the command
line) gives every choice question a "Prefer not to say" option; without it the lists stay as they were.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from voice.io.safe_csv import restore
from voice.surveys import editor
from voice.surveys.languages import code_for, column_language
from voice.surveys.loader import (
    ID_RE,
    LANGUAGE_RE,
    MAX_AGE,
    MIN_AGE,
    MIN_OWN_OPTIONS,
    QUOTE_CONSENT_ID,
    SurveyFileError,
    survey_from_dict,
    valid_option_id,
    valid_question_id,
)
from voice.surveys.piping import PIPE_RE
from voice.surveys.schema import DEFAULT_LANGUAGE, DEFAULT_RETENTION_MONTHS, PREFER_NOT_TO_SAY
from voice.surveys.xlsform_limits import check_workbook
from voice.surveys.xlsform_relevant import RuleParser, Unparseable, rule_refs, tested_options, to_condition
from voice.surveys.xlsform_types import CHOICES, SETTINGS, SURVEY, VOICE_TYPES, XLSFormReport, XLSFormError, XLSProblem

MAX_DECLARED_VERSION = 2_147_483_647  # the database keeps it in a 32-bit column

# Element types (as pyxform names them) we do not import, and why. Anything else we do not know is listed too.
NOT_IMPORTED = {
    "note": "a note only shows text; put its words in a question's help or the section's intro instead",
    "calculate": "calculations are not supported",
    "geopoint": "locations are not collected (young people's privacy)",
    "geotrace": "locations are not collected (young people's privacy)",
    "geoshape": "locations are not collected (young people's privacy)",
    "start-geopoint": "locations are not collected (young people's privacy)",
    "background-geopoint": "locations are not collected (young people's privacy)",
    "date": "date questions are not supported", "time": "time questions are not supported",
    "dateTime": "date questions are not supported",
    "photo": "photos and files are not collected", "image": "photos and files are not collected",
    "audio": "recordings are not collected", "video": "recordings are not collected",
    "file": "files are not collected", "background-audio": "recordings are not collected",
    "osm": "maps are not collected",
    "barcode": "barcodes are not supported", "acknowledge": "acknowledge questions are not supported",
    "trigger": "acknowledge questions are not supported", "range": "use a scale question instead",
    "rank": "ranking is not supported", "hidden": "hidden values are not supported",
    "select one external": "choices from another sheet or file are not supported",
    "xml-external": "external data is not supported", "csv-external": "external data is not supported",
    "audit": "device audit logs are not collected", "entity": "entities are not supported",
}
DEVICE_METADATA = "device metadata is not collected (young people's privacy)"
_REASON_BY_BIND = {"geopoint": NOT_IMPORTED["geopoint"], "geotrace": NOT_IMPORTED["geotrace"],
                   "geoshape": NOT_IMPORTED["geoshape"], "binary": "photos, recordings and files are not collected",
                   "date": NOT_IMPORTED["date"], "time": NOT_IMPORTED["time"], "dateTime": NOT_IMPORTED["date"],
                   "barcode": NOT_IMPORTED["barcode"]}
_KNOWN_SETTINGS = {"form_id", "id_string", "form_title", "voice_form_title", "title", "version", "default_language",
                   "intro", "privacy_notice", "audience_min_age", "audience_max_age", "priorities", "retention_months",
                   "languages", "add_prefer_not_to_say", "clean_text_values", "name", "style", "audience_who",
                   "minutes"}
_EXTENSIONS = (".csv", ".xml", ".geojson")


def read_xlsform(source: str | Path | bytes | BinaryIO, default_id: str | None = None, *,
                 add_prefer_not_to_say: bool = False) -> XLSFormReport:
    """Read an XLSForm (.xlsx or .xls) into a checked Survey; raises XLSFormError with every error placed
    in the workbook. `default_id` names the survey when the form has no form_id (as pyxform uses the
    file name)."""
    data = _bytes_of(source)
    return _Importer(data, default_id, add_prefer_not_to_say).run()


def _bytes_of(source: str | Path | bytes | BinaryIO) -> bytes:
    from voice.surveys.xlsform_limits import MAX_UPLOAD_BYTES

    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            return path.read_bytes()[: MAX_UPLOAD_BYTES + 1]  # enough to be refused as too large
        return path.read_bytes()
    return source.read(MAX_UPLOAD_BYTES + 1)


def _text(value: Any) -> str:
    """A cell as text, with the apostrophe our export puts before =, +, - and @ taken off again."""
    return restore(str(value).strip()) if value is not None else ""


# --- pyxform --------------------------------------------------------------------------------------


def _pyxform_error(exc: Exception) -> XLSProblem:
    """A pyxform error as a placed problem: its messages say "[row : 7]" and often name the sheet."""
    message = " ".join(str(exc).split())
    row = re.search(r"\[row\s*:\s*(\d+)\]", message)
    named = re.search(r"(?:On the|for sheet:?) '(\w+)'", message)
    sheet = named.group(1).lower() if named else (SURVEY if row else "")
    message = re.sub(r"^\s*\[row\s*:\s*\d+\]\s*", "", message)
    return XLSProblem(sheet, int(row.group(1)) if row else None, None,
                      f"the form is not valid XLSForm (as ODK reads it): {message}", code="pyxform_error")


class _Sheet:
    """One sheet as pyxform cleaned it: rows (row number -> columns as token paths) and its headers."""

    def __init__(self, name: str, rows: Iterable[dict], tokens: dict[str, tuple], letters: dict[str, str]):
        self.name = name
        self.rows = list(rows)
        self.tokens = tokens  # original header -> token path, e.g. "Relevant" -> ("bind", "relevant")
        self.letters = letters  # original header -> column letter

    def row(self, number: int | None) -> dict:
        return self.rows[number - 2] if number and 2 <= number < len(self.rows) + 2 else {}

    def problem(self, row: int | None, column: str | None, message: str, code: str = "") -> XLSProblem:
        header = self.original(column) if column else None
        return XLSProblem(self.name, row, header, message, self.letters.get(header or ""), code)

    def original(self, column: str) -> str:
        """The header as the form wrote it ("TYPE", "Relevant", "bind::relevant") for our column name."""
        if column in self.tokens:
            return column
        path = _COLUMN_PATHS.get(column, (column,))
        for header, tokens in self.tokens.items():
            if tokens[: len(path)] == path:
                return header
        return column


_COLUMN_PATHS = {"relevant": ("bind", "relevant"), "required": ("bind", "required"),
                 "constraint": ("bind", "constraint"), "appearance": ("control", "appearance"),
                 "list_name": ("list name",)}


def _header_of(sheet: _Sheet, path: tuple) -> str:
    """The header a value came from, as the form wrote it."""
    return next((h for h, t in sheet.tokens.items() if t == path), None) or "::".join(map(str, path))


def _flatten(value: Any, path: tuple = ()) -> Iterable[tuple[tuple, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, path + (key,))
    elif value not in (None, ""):
        yield path, value


# --- the importer ---------------------------------------------------------------------------------


class _Importer:
    def __init__(self, data: bytes, default_id: str | None, add_prefer_not_to_say: bool):
        self.data, self.default_id, self.add_pnts = data, default_id, add_prefer_not_to_say
        self.errors: list[XLSProblem] = []
        self.unmapped: list[XLSProblem] = []
        self.filled_in: list[str] = []
        self.unused_columns: dict[str, list[int | None]] = {}  # survey sheet header -> rows with values we do not read
        self.question_rows: dict[str, int | None] = {}  # our question id -> survey row
        self.section_rows: dict[str, int | None] = {}
        self.option_rows: dict[tuple[str, str], int] = {}  # (list name, option id) -> choices row
        self.types: dict[str, str] = {}  # imported question id -> our type (for reading relevant)
        self.skipped: set[str] = set()  # names not imported: rules and pipes on them are listed
        self.used_lists: dict[str, list[str]] = {}  # list name -> questions using it
        self.listed_duplicates: set[tuple[str, int]] = set()
        self.option_ids: dict[str, list[str]] = {}  # imported choice question -> its option ids
        self.not_required: dict[str, list[tuple[int | None, str]]] = {}  # why -> (row, question) made optional
        self.emoji_lists: set[str | None] = set()  # choice lists shown as emoji scales (their emoji column is read)

    # workbook ----------------------------------------------------------------------------------
    def run(self) -> XLSFormReport:
        kind = check_workbook(self.data)
        from pyxform import aliases
        from pyxform.errors import PyXFormError
        from pyxform.xls2json import workbook_to_json
        from pyxform.xls2json_backends import get_xlsform

        try:
            workbook = get_xlsform(io.BytesIO(self.data), file_type=kind)
        except Exception as exc:  # pyxform and its readers raise several kinds for a damaged file
            raise XLSFormError([XLSProblem("", None, None, f"this workbook cannot be read ({_short(exc)}); save it "
                                                          "again as .xlsx and try again", code="unreadable")]) from None
        self.settings_cells = {str(k).strip(): v for k, v in ((workbook.settings or [{}])[0] or {}).items()}
        self.default_name = self._setting("default_language") or "default"
        clean = aliases.yes_no.get(self._setting("clean_text_values") or "yes", True)
        try:
            self.survey_sheet = self._sheet(workbook, SURVEY, strip=clean)
            self.choices_sheet = self._sheet(workbook, CHOICES) if workbook.choices else None
            form = workbook_to_json(workbook_dict=workbook, form_name=None,
                                    fallback_form_name=self.default_id, warnings=[])
        except PyXFormError as exc:
            raise XLSFormError([_pyxform_error(exc)]) from None
        except Exception as exc:  # a form pyxform itself cannot read: say so, never a traceback
            raise XLSFormError([XLSProblem("", None, None, f"pyxform could not read this form ({_short(exc)})",
                                           code="pyxform_error")]) from None
        self.letters_from_workbook(kind)

        self.languages()
        settings = self.settings()
        lists = self.choice_lists()
        sections = self.walk(form.get("children") or [], lists, settings.get("title"))
        if self.errors:
            raise XLSFormError(self.errors)
        return self.finish(settings, sections)

    def _sheet(self, workbook, name: str, strip: bool = False) -> _Sheet:
        from pyxform import aliases
        from pyxform.parsing.sheet_headers import dealias_and_group_headers, process_header
        from pyxform.question import MultipleChoiceQuestion, Option

        if name == SURVEY:
            header_aliases, columns = aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names())
            data, header = workbook.survey, workbook.survey_header
        else:
            header_aliases, columns = aliases.list_header, set(Option.get_slot_names())
            data, header = workbook.choices, workbook.choices_header
        headers = [str(h) for h in ((header or [{}])[0] or {})]
        result = dealias_and_group_headers(
            sheet_name=name, sheet_data=data or [], sheet_header=header, header_aliases=header_aliases,
            header_columns=columns, headers_required={"type"} if name == SURVEY else {"name"},
            default_language=self.default_name, strip_whitespace=strip, add_row_number=name == CHOICES)
        double = any("::" in h for h in headers)
        tokens = {h: process_header(h, double, header_aliases, columns)[1] for h in headers}
        return _Sheet(name, result.data, tokens, {})

    def letters_from_workbook(self, kind: str) -> None:
        """Column letters for messages ("column G (relevant)"), from each sheet's first row only."""
        from openpyxl.utils import get_column_letter

        try:
            firsts = _first_rows(self.data, kind)
        except Exception:  # letters are a courtesy: messages still name the column
            return
        for sheet in (self.survey_sheet, self.choices_sheet):
            if sheet is None:
                continue
            first = firsts.get(sheet.name) or []
            for i, value in enumerate(first):
                text = " ".join(str(value).split()) if value is not None else ""
                if text in sheet.tokens:
                    sheet.letters.setdefault(text, get_column_letter(i + 1))

    def _setting(self, key: str) -> str:
        for header, value in self.settings_cells.items():
            if header.lower().replace(" ", "_") == key:
                return _text(value)
        return ""

    # languages -----------------------------------------------------------------------------------
    def languages(self) -> None:
        """Every language the form names, as our codes: 'English (en)', 'english', 'default' -> en."""
        names: list[str] = []
        for sheet in (self.survey_sheet, self.choices_sheet):
            for tokens in (sheet.tokens.values() if sheet else []):
                if tokens[0] in ("label", "hint") and len(tokens) == 2:
                    names.append(tokens[1])
                elif tokens[0] in ("label", "hint") and len(tokens) == 1:
                    names.append(self.default_name)
        self.default_code = code_for(self.default_name) if self.default_name != "default" else DEFAULT_LANGUAGE
        if self.default_code is None:
            self.errors.append(XLSProblem(SETTINGS, 2, "default_language",
                                          f"we can't tell which language '{self.default_name}' is: write it with its "
                                          "code, e.g. English (en)", code="unknown_language"))
            self.default_code = DEFAULT_LANGUAGE
        self.code_of: dict[str, str | None] = {}
        self.language_names: dict[str, str] = {}
        for name in dict.fromkeys(names):
            code = self.default_code if name == "default" else code_for(name)
            code = code if code and LANGUAGE_RE.match(code) else None
            self.code_of[name] = code
            if code is None:
                self.unmapped.append(XLSProblem(SURVEY, 1, f"label::{name}",
                                                f"we can't tell which language '{name}' is, so its wording is not "
                                                f"imported; write its code in brackets, e.g. label::{name} (xx)",
                                                code="unknown_language"))
                continue
            written = "" if name == "default" else name
            # A named column wins over a plain one in the same language ('label::English' over 'label').
            if code not in self.language_names or self.language_names[code] == "":
                self.language_names[code] = written
        found = list(dict.fromkeys(c for c in self.code_of.values() if c))
        if found and DEFAULT_LANGUAGE not in found:
            self.errors.append(XLSProblem(SURVEY, 1, "label", "our surveys need English wording (other languages "
                                                              "fall back to it): add label::English (en) columns",
                                          code="no_english"))
        self.survey_languages = sorted(found or [DEFAULT_LANGUAGE], key=lambda c: c != DEFAULT_LANGUAGE)

    def wording(self, value: Any) -> dict[str, str]:
        """pyxform's label/hint value (text, or {language name: text}) as {code: text}."""
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            value = {self.default_name: value}
        result: dict[str, str] = {}
        # The plain column first: a named column in the same language ('label::English') wins over it.
        for name, words in sorted(value.items(), key=lambda item: item[0] != self.default_name):
            code = self.code_of.get(name) if name in self.code_of else (
                self.default_code if name == "default" else code_for(name))
            words = _text(words) if not isinstance(words, dict) else ""
            if code and words:
                result[code] = words
        return result

    def english_first(self, words: dict[str, str], number: int | None, column: str, name: str,
                      sheet: _Sheet | None = None) -> dict[str, str]:
        """Our wording always has English (other languages fall back to it): wording without any is listed."""
        if not words or DEFAULT_LANGUAGE in words:
            return words
        sheet = sheet or self.survey_sheet
        self.unmapped.append(sheet.problem(number, column, f"the {column} of '{name}' has no English wording (only "
                                                           f"{', '.join(words)}), so it is not imported: our wording "
                                                           "needs English first", code="no_english_wording"))
        return {}

    # settings ------------------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        cells = self.settings_cells
        data: dict[str, Any] = {}
        for header, value in cells.items():
            base = header.split("::")[0].strip().lower().replace(" ", "_")
            if base not in _KNOWN_SETTINGS and _text(value):
                self.unmapped.append(XLSProblem(SETTINGS, 2, header, f"the setting '{header}' ({_short(value)}) is "
                                                                     "not used here", code="unused_setting"))
        form_id = self._setting("form_id") or self._setting("id_string") or self.default_id or ""
        survey_id = form_id
        if not ID_RE.match(survey_id) or len(survey_id) > 64:
            survey_id = (_slug(form_id) or "imported_form")[:64].rstrip("_")
            self.filled_in.append(f"survey id: '{form_id}' is stored as '{survey_id}' (a survey id is lowercase "
                                  "letters, digits and _, starting with a letter)")
        data["id"] = survey_id
        title = self.setting_wording("form_title", "voice_form_title") or self.setting_wording("title")
        if not title:
            title = {DEFAULT_LANGUAGE: form_id or survey_id}
            self.filled_in.append(f"title: none given, so the survey is called '{form_id or survey_id}'")
        data["title"] = title
        raw_version = self._setting("version") or "1"
        try:
            version = int(raw_version)
            if not 1 <= version <= MAX_DECLARED_VERSION:
                raise ValueError
        except ValueError:
            self.unmapped.append(XLSProblem(SETTINGS, 2, "version", f"version '{raw_version}' is not a whole number "
                                                                    f"from 1 to {MAX_DECLARED_VERSION:,}; version 1 "
                                                                    "is used", code="bad_version"))
            version = 1
        data["version"] = version
        ages: dict[str, Any] = {}
        for key, default in (("min_age", MIN_AGE), ("max_age", MAX_AGE)):
            value = self._setting(f"audience_{key}")
            if not value:
                self.filled_in.append(f"audience {key.replace('_', ' ')}: none given, {default} is used")
                ages[key] = default
                continue
            try:
                ages[key] = int(float(value))
            except ValueError:
                self.errors.append(XLSProblem(SETTINGS, 2, f"audience_{key}", f"'{value}' should be an age in years",
                                              code="bad_age"))
                ages[key] = default
        who = self.setting_wording("audience_who")  # our own: who the survey is for, on the front page
        if who:
            ages["who"] = who
        data["audience"] = ages
        minutes = self._setting("minutes")
        if minutes:
            try:
                data["minutes"] = int(float(minutes))
            except ValueError:
                self.errors.append(XLSProblem(SETTINGS, 2, "minutes", "should be a whole number of minutes",
                                              code="bad_minutes"))
        for key, standard in (("intro", editor.DEFAULT_INTRO), ("privacy_notice", editor.DEFAULT_PRIVACY)):
            words = self.setting_wording(key)
            if not words:
                self.filled_in.append(f"{key.replace('_', ' ')}: none given, the standard wording is used")
                words = {DEFAULT_LANGUAGE: standard}
            data[key] = words
        order = self._setting("languages").split()
        data["languages"] = [c for c in order if c in self.survey_languages] + \
                            [c for c in self.survey_languages if c not in order]
        if self._setting("priorities"):
            data["priorities"] = re.split(r"[\s,]+", self._setting("priorities").strip())
        retention = self._setting("retention_months")
        if retention and retention != str(DEFAULT_RETENTION_MONTHS):
            try:
                data["retention_months"] = int(float(retention))
            except ValueError:
                self.errors.append(XLSProblem(SETTINGS, 2, "retention_months", "should be a whole number of months",
                                              code="bad_retention"))
        setting = self._setting("add_prefer_not_to_say").lower()
        self.add_pnts = self.add_pnts or setting in ("yes", "true", "1")
        return data

    def setting_wording(self, *keys: str) -> dict[str, str]:
        result: dict[str, str] = {}
        for header, value in self.settings_cells.items():
            base, _, lang = header.partition("::")
            if base.strip().lower().replace(" ", "_") not in keys or not _text(value):
                continue
            code = self.code_of.get(lang.strip()) if lang else self.default_code
            if code is None and lang:
                code = code_for(lang)
            if code and LANGUAGE_RE.match(code) and code in self.survey_languages:
                words = _text(value)
                if PIPE_RE.search(words):  # only a question's wording can show an answer
                    self.unmapped.append(XLSProblem(SETTINGS, 2, header, f"'{_short(words)}' shows an answer, which "
                                                                         "survey settings cannot: '…' is shown in "
                                                                         "its place", code="pipe_not_here"))
                    words = PIPE_RE.sub("…", words)
                result.setdefault(code, words)
        if result and DEFAULT_LANGUAGE not in result:
            self.unmapped.append(XLSProblem(SETTINGS, 2, keys[0], f"the {keys[0].replace('_', ' ')} has no English "
                                                                  f"wording (only {', '.join(result)}), so it is not "
                                                                  "imported", code="no_english_wording"))
            return {}
        return result

    # choices -------------------------------------------------------------------------------------
    def choice_lists(self) -> dict[str, list[tuple[int | None, dict, dict]]]:
        """Each list's choices: (row number, our option, the row as read)."""
        lists: dict[str, list[tuple[int | None, dict, dict]]] = {}
        sheet = self.choices_sheet
        for row in (sheet.rows if sheet else []):
            name = row.get("name")
            list_name = _text(row.get("list name"))
            if not row or name in (None, "") or not list_name:
                continue
            number = row.get("__row")
            option: dict[str, Any] = {"id": _text(name),
                                      "label": self.wording(row.get("label"))}
            if row.get("emoji"):
                option["emoji"] = _text(row["emoji"])
            if _yes(row.get("exclusive", "")):  # our own column: an option that stands alone in a multi
                option["exclusive"] = True
            lists.setdefault(list_name, []).append((number, option, row))
        return lists

    # the survey sheet ----------------------------------------------------------------------------
    def walk(self, children: list[dict], lists: dict, title: Any) -> list[dict]:
        self.rows_by_name: dict[str, list[int]] = {}
        for number, row in enumerate(self.survey_sheet.rows, start=2):
            if row.get("name") not in (None, ""):
                self.rows_by_name.setdefault(str(row["name"]), []).append(number)
        self.cursor = 0
        self.form_title = title
        sections: list[dict] = []
        self._walk(children, lists, sections, section=None, rules=[], in_group=None)
        return [s for s in sections if self.keep_section(s)]

    def row_of(self, element: dict) -> int | None:
        """The survey row an element came from: the next row with its name, in sheet order."""
        name = str(element.get("name") or "")
        generated = re.match(r"^(?:generated_note_name|generated_table_list_label)_(\d+)$", name)
        if generated:
            return int(generated.group(1))
        for number in self.rows_by_name.get(name, []):
            if number > self.cursor:
                self.cursor = number
                return number
        return None

    def _walk(self, children: list[dict], lists: dict, sections: list[dict], section: dict | None,
              rules: list[dict], in_group: str | None) -> None:
        for element in children:
            if not isinstance(element, dict):
                continue
            kind = str(element.get("type") or "")
            name = str(element.get("name") or "")
            if kind == "group" and name == "meta" and (element.get("control") or {}).get("bodyless"):
                for child in element.get("children") or []:  # pyxform's meta block: instanceID, audit …
                    number = self.row_of(child)
                    if number:  # only what the sheet asked for; pyxform adds instanceID itself
                        self.not_imported(child, number, NOT_IMPORTED.get(child.get("type"), DEVICE_METADATA))
                continue
            if self.is_generated(element):
                continue
            number = self.row_of(element)
            if kind in ("group", "repeat", "loop"):
                self.group(element, number, lists, sections, section, rules, in_group)
                continue
            question = self.question(element, number, lists)
            if question is None:
                continue
            if rules:  # a group's rule applies to each of its questions
                own = [question["show_if"]] if question.get("show_if") else []
                parts = rules + own
                question["show_if"] = parts[0] if len(parts) == 1 else {"all": parts}
            target = section
            if target is None:  # outside any group: a page of its own, still outside any group on export
                if not sections or sections[-1].get("group", True):
                    sections.append(self.loose_section(sections))
                target = sections[-1]
            target["questions"].append(question)

    def is_generated(self, element: dict) -> bool:
        """Elements pyxform adds itself (or_other's text box, a repeat's count, a table-list's label row)."""
        name = str(element.get("name") or "")
        if name.startswith("reserved_name_for_field_list_labels_"):
            return True
        relevant = str((element.get("bind") or {}).get("relevant") or "")
        if element.get("type") == "text" and name.endswith("_other") and relevant.startswith("selected(../"):
            return name not in self.rows_by_name
        return element.get("type") == "calculate" and name.endswith("_count") and name not in self.rows_by_name

    def loose_section(self, sections: list[dict]) -> dict:
        taken = {s["id"] for s in sections} | set(self.rows_by_name)
        section_id = next(i for i in (f"questions_{n}" if n > 1 else "questions" for n in range(1, 10_000))
                          if i not in taken)
        title = self.form_title or {DEFAULT_LANGUAGE: "Questions"}
        self.section_rows[section_id] = None
        return {"id": section_id, "title": title, "group": False, "questions": [], "_loose": True}

    def group(self, element: dict, number: int | None, lists: dict, sections: list[dict], section: dict | None,
              rules: list[dict], in_group: str | None) -> None:
        sheet = self.survey_sheet
        name = str(element.get("name") or "")
        rule = self.relevant(element, number, name, what="group")
        inner_rules = rules + ([rule] if rule else [])
        if rule:
            self.filled_in.append(f"group '{name}' (survey row {number}): its rule (relevant) is applied to each "
                                  "question in it")
        self.note_unused(sheet, number, element, used={("type",), ("name",), ("label",), ("hint",),
                                                       ("bind", "relevant")})
        if in_group is not None:
            what = "group" if element.get("type") == "group" else str(element.get("type"))
            self.unmapped.append(sheet.problem(number, "type", f"{what} '{name}' is inside group '{in_group}': its "
                                                               f"questions go into section '{in_group}' (a section "
                                                               "cannot hold another)", code="nested_group"))
            self._walk(element.get("children") or [], lists, sections, section, inner_rules, in_group)
            return
        section_id = name if valid_question_id(name) else _slug(name) or f"section_{len(sections) + 1}"
        if section_id in {s["id"] for s in sections}:
            section_id = next(f"{section_id}_{n}" for n in range(2, 10_000)
                              if f"{section_id}_{n}" not in {s["id"] for s in sections})
        if section_id != name:
            self.filled_in.append(f"group '{name}' (survey row {number}) is the section '{section_id}' (section "
                                  "ids are unique names of letters, digits and _)")
        title = self.english_first(self.piped(self.wording(element.get("label")), number, "label", here=False),
                                   number, "label", name)
        if not title:
            title = {DEFAULT_LANGUAGE: name}
            self.filled_in.append(f"group '{name}' (survey row {number}) has no label: its section is titled "
                                  f"'{name}'")
        new: dict[str, Any] = {"id": section_id, "title": title, "_kind": element.get("type")}
        intro = self.english_first(self.piped(self.wording(element.get("hint")), number, "hint", here=False),
                                   number, "hint", name)
        if intro:
            new["intro"] = intro
        new["questions"] = []
        self.section_rows[section_id] = number
        sections.append(new)
        self._walk(element.get("children") or [], lists, sections, new, inner_rules, name)

    def keep_section(self, section: dict) -> bool:
        kind = section.pop("_kind", "group")
        row = self.section_rows.get(section["id"])
        if section["questions"] and kind != "group":
            self.unmapped.append(self.survey_sheet.problem(
                row, "type", f"{kind} '{section['id']}': its questions are asked once, as a section (a survey does "
                             "not ask the same questions again and again)", code="repeat"))
        if section["questions"]:
            return True
        if not section.get("_loose"):
            self.unmapped.append(self.survey_sheet.problem(row, "name", f"{kind} '{section['id']}' has no questions "
                                                                        "we can import, so it is left out",
                                                           code="empty_group"))
        return False

    def not_imported(self, element: dict, number: int | None, reason: str, code: str = "type_not_imported") -> None:
        name = str(element.get("name") or "")
        self.skipped.add(name)
        shown = name if not name.startswith("generated_") else "(no name)"
        self.unmapped.append(self.survey_sheet.problem(number, "type", f"'{shown}' ({element.get('type')}) is not "
                                                                       f"imported: {reason}", code=code))

    # questions -----------------------------------------------------------------------------------
    def question(self, element: dict, number: int | None, lists: dict) -> dict | None:
        from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

        sheet = self.survey_sheet
        kind = str(element.get("type") or "")
        name = str(element.get("name") or "")
        raw = sheet.row(number)
        raw_type = " ".join(str(raw.get("type") or kind).split())
        spec = QUESTION_TYPE_DICT.get(kind) or {}
        bind = spec.get("bind") or {}
        if kind in NOT_IMPORTED:
            self.not_imported(element, number, NOT_IMPORTED[kind])
            return None
        if bind.get("jr:preload") or kind in ("start", "end", "today", "deviceid", "simserial", "subscriberid",
                                               "phonenumber", "username", "email"):
            self.not_imported(element, number, DEVICE_METADATA, code="metadata")
            return None
        if kind == "select one":
            our = "single"
        elif kind == "select all that apply":
            our = "multi"
        elif bind.get("type") == "int" and (spec.get("control") or {}).get("tag") == "input":
            our = "number"
        elif bind.get("type") == "decimal":
            our = "number"
        elif bind.get("type") == "string" and (spec.get("control") or {}).get("tag") == "input" \
                and not bind.get("readonly"):
            our = "text"
        else:
            reason = _REASON_BY_BIND.get(str(bind.get("type")), f"'{raw_type}' is not a question type we can import")
            self.not_imported(element, number, reason, code="unknown_type")
            return None
        if not valid_question_id(name):
            self.not_imported(element, number, f"the name '{name}' is longer than 64 characters", code="bad_name")
            return None
        qid = name
        if qid in self.types:
            qid = next(f"{name}_{n}" for n in range(2, 10_000) if f"{name}_{n}" not in self.types
                       and f"{name}_{n}" not in self.rows_by_name)
            self.filled_in.append(f"'{name}' (survey row {number}) has the same name as an earlier question; question "
                                  f"names must be unique in our surveys, so it is '{qid}'")
        q: dict[str, Any] = {"id": qid}
        used = {("type",), ("name",), ("label",), ("hint",), ("bind", "relevant"), ("bind", "required"),
                ("voice_type",), ("sensitive",), ("priorities",), ("max_length",)}
        voice_type = _text(element.get("voice_type")).lower()
        if our in ("single", "multi"):
            if not self.choices_of(q, element, number, raw_type, lists):
                return None
            used |= {("parameters",), ("choice_filter",)}  # listed by choices_of
            if our == "single" and voice_type:
                if voice_type not in VOICE_TYPES:
                    self.errors.append(sheet.problem(number, "voice_type", f"'{voice_type}' is not one of "
                                                     f"{', '.join(VOICE_TYPES)}", "bad_voice_type"))
                our = voice_type
        if voice_type and our not in VOICE_TYPES:
            self.unmapped.append(sheet.problem(number, "voice_type", "voice_type is only read on select_one "
                                                                     "questions", code="unused_value"))
        q["type"] = our
        if our != "emoji_scale" and any("emoji" in o for o in q.get("options", [])):
            q["options"] = [{k: v for k, v in o.items() if k != "emoji"} for o in q["options"]]
        elif our == "emoji_scale":
            self.emoji_lists.add(q.get("options_list"))
        if bind.get("constraint") or spec.get("hint"):
            check = bind.get("constraint") or spec.get("hint")
            self.unmapped.append(sheet.problem(number, "type", f"'{raw_type}' checks its answer ({check}); "
                                                               f"'{name}' is imported as a plain {our} question",
                                               code="type_check"))
        text = self.english_first(self.piped(self.wording(element.get("label")), number, "label"), number, "label",
                                  name)
        if not text:
            text = {DEFAULT_LANGUAGE: name}
            self.filled_in.append(f"'{name}' (survey row {number}) has no label: its name is used as the question")
        q["text"] = text
        hint = self.english_first(self.piped(self.wording(element.get("hint")), number, "hint"), number, "hint", name)
        if hint:
            q["help"] = hint
        if kind == "decimal" or bind.get("type") == "decimal":
            q["decimals"] = True
        self.required(q, element, number)
        constraint = _text((element.get("bind") or {}).get("constraint"))
        if constraint:
            bounds = _bounds(constraint) if our == "number" else None
            if bounds is None:
                self.unmapped.append(sheet.problem(number, "constraint", f"constraint '{constraint}' on '{name}' is "
                                                                         "not imported (only number limits like "
                                                                         ". >= 1 and . <= 10 are)",
                                                   code="constraint"))
            elif bounds.get("min", float("-inf")) > bounds.get("max", float("inf")):
                self.unmapped.append(sheet.problem(number, "constraint", f"constraint '{constraint}' on '{name}' "
                                                                         "allows no number at all, so it is not "
                                                                         "imported", code="constraint"))
            else:
                q.update(bounds)
                used.add(("bind", "constraint"))
                if any(not float(v).is_integer() for v in bounds.values()):
                    q["decimals"] = True
        else:
            used.add(("bind", "constraint"))
        rule = self.relevant(element, number, name)
        if rule:
            q["show_if"] = rule
        if _yes(element.get("sensitive")):
            q["sensitive"] = True
        if element.get("priorities"):
            q["priorities"] = re.split(r"[\s,]+", _text(element["priorities"]))
        if element.get("max_length") and our == "text":
            try:
                q["max_length"] = int(float(_text(element["max_length"])))
            except ValueError:
                self.errors.append(sheet.problem(number, "max_length", "should be a whole number of characters",
                                                 "bad_max_length"))
        self.note_unused(sheet, number, element, used)
        self.question_rows[qid] = number
        self.types[qid] = our
        return q

    def choices_of(self, q: dict, element: dict, number: int | None, raw_type: str, lists: dict) -> bool:
        sheet = self.survey_sheet
        name = str(element.get("name"))
        list_name = str(element.get("list_name") or element.get("itemset") or "")
        if list_name.endswith(_EXTENSIONS) or PIPE_RE.search(list_name):
            self.not_imported(element, number, "its choices come from a file or from earlier answers, which are "
                                               "not supported", code="choices_from_file")
            return False
        if list_name not in lists or self.choices_sheet is None:  # (lists are read from the choices sheet)
            self.not_imported(element, number, f"its list '{list_name}' has no choices", code="no_choices")
            return False
        if re.search(r"\bor[ _](?:specify[ _])?other$", raw_type):
            self.unmapped.append(sheet.problem(number, "type", f"'or_other' on '{name}' is not supported: the "
                                                               "'Other' choice and its text box are not imported; add "
                                                               "an 'other' choice and a text question instead",
                                               code="or_other"))
        if element.get("choice_filter"):
            self.unmapped.append(sheet.problem(number, "choice_filter", f"the choice filter on '{name}' is not "
                                                                        "imported: every choice in the list is shown",
                                               code="choice_filter"))
        parameters = element.get("parameters") or {}
        if parameters:
            self.unmapped.append(sheet.problem(number, "parameters", f"parameters ({', '.join(parameters)}) on "
                                                                     f"'{name}' are not imported", code="parameters"))
        multi = element.get("type") == "select all that apply"
        options = []
        risk: dict[str, str] = {}  # our `risk` column: options a safeguarding lead must see
        seen: set[str] = set()
        for row_number, option, raw in lists[list_name]:
            option = dict(option)
            if option["id"] in seen:  # allowed by allow_choice_duplicates, or kept apart by a choice filter
                if (list_name, row_number) not in self.listed_duplicates:
                    self.listed_duplicates.add((list_name, row_number))
                    self.unmapped.append(self.choices_sheet.problem(
                        row_number, "name", f"choice '{option['id']}' is in list '{list_name}' more than once; "
                                            "it is kept once (a question's choices need different names)",
                        code="duplicate_choice"))
                continue
            seen.add(option["id"])
            if not valid_option_id(option["id"], multi):
                if (list_name, row_number) not in self.listed_duplicates:
                    self.listed_duplicates.add((list_name, row_number))
                    self.unmapped.append(self.choices_sheet.problem(
                        row_number, "name", f"choice '{option['id']}' in list '{list_name}' is not imported: a choice "
                                            "name has no ';' and at most 64 characters", code="bad_choice_name"))
                continue
            if not option["label"]:
                option["label"] = {DEFAULT_LANGUAGE: option["id"]}
                self.filled_in.append(f"choice '{option['id']}' in list '{list_name}' (choices row {row_number}) has "
                                      "no label: its name is shown")
            else:
                option["label"] = self.english_first(
                    self.piped(option["label"], row_number, "label", sheet=self.choices_sheet), row_number, "label",
                    option["id"], sheet=self.choices_sheet) or {DEFAULT_LANGUAGE: option["id"]}
            self.option_rows[(list_name, option["id"])] = row_number
            options.append(option)
            if _text(raw.get("risk")):
                risk[option["id"]] = _text(raw["risk"])
        if not options:
            self.not_imported(element, number, f"none of the choices in its list '{list_name}' can be imported",
                              code="no_choices")
            return False
        if len([o for o in options if o["id"] != PREFER_NOT_TO_SAY]) < MIN_OWN_OPTIONS:
            self.not_imported(element, number, f"its list '{list_name}' has only one choice, so a young person "
                                               "would have nothing to choose", code="one_option")
            return False
        if self.add_pnts and PREFER_NOT_TO_SAY not in [o["id"] for o in options]:
            options.append({"id": PREFER_NOT_TO_SAY, "label": "Prefer not to say"})
        q["options"] = options
        q["options_list"] = list_name
        if risk:
            q["risk"] = risk
        self.option_ids[q["id"]] = [o["id"] for o in options]
        self.used_lists.setdefault(list_name, []).append(q["id"])
        return True

    def required(self, q: dict, element: dict, number: int | None) -> None:
        from pyxform import aliases

        value = _text((element.get("bind") or {}).get("required"))
        if not value:
            return
        sheet = self.survey_sheet
        flag = aliases.yes_no.get(value)
        if flag is None:
            self.unmapped.append(sheet.problem(number, "required", f"'{value}' is an expression; only yes or no can "
                                                                   f"be used, so '{q['id']}' is not required",
                                               code="required_expression"))
        elif flag and q["type"] in ("text", "number"):
            self.not_required.setdefault("written", []).append((number, q["id"]))
        elif flag and PREFER_NOT_TO_SAY not in [o["id"] for o in q.get("options", [])]:
            self.not_required.setdefault("choice", []).append((number, q["id"]))
        elif flag:
            q["required"] = True

    def piped(self, text: dict[str, str], number: int | None, column: str, sheet: _Sheet | None = None,
              here: bool = True) -> dict:
        """${name} stays when it names an earlier question we import; otherwise "…" is shown and listed.
        `here=False` (a group's label or hint: a section title shows no answers) lists every ${name}."""
        sheet = sheet or self.survey_sheet
        out = {}
        for lang, words in text.items():
            def keep(match: re.Match) -> str:
                ref = match.group(1)
                if ref in self.types and here:  # an earlier question we import
                    return f"${{{ref}}}"
                why = "which is not an earlier question we import" if here else \
                    "and a section title or intro cannot show answers"
                self.unmapped.append(sheet.problem(number, column, f"'${{{ref}}}' shows '{ref}', {why}: '…' is "
                                                                   "shown in its place", code="pipe_not_imported"))
                return "…"

            out[lang] = PIPE_RE.sub(keep, words)
        return out

    def relevant(self, element: dict, number: int | None, name: str, what: str = "question") -> dict | None:
        expression = _text((element.get("bind") or {}).get("relevant"))
        if not expression:
            return None
        sheet = self.survey_sheet
        whom = f"'{name}' is shown to everyone" if what == "question" else \
            f"the questions in group '{name}' are shown to everyone"
        try:
            tree = RuleParser(expression).parse()
        except Unparseable as why:
            self.unmapped.append(sheet.problem(number, "relevant", f"the rule '{expression}' can't be used as a "
                                                                   f"skip rule ({why}); {whom}", code="relevant"))
            return None
        refs = rule_refs(tree)
        missing = sorted(r for r in refs if r not in self.types)
        if missing:
            reason = "which is not imported" if all(r in self.skipped for r in missing) else \
                "which is not an earlier question we import (a skip rule can only look back)"
            self.unmapped.append(sheet.problem(number, "relevant", f"the rule '{expression}' looks at "
                                                                   f"{', '.join(missing)}, {reason}; {whom}",
                                               code="relevant_not_earlier"))
            return None
        try:
            condition = to_condition(tree, self.types)
        except Unparseable as why:
            self.unmapped.append(sheet.problem(number, "relevant", f"the rule '{expression}' can't be used as a "
                                                                   f"skip rule ({why}); {whom}", code="relevant"))
            return None
        unknown = [f"'{v}' ({q})" for q, v in tested_options(condition) if v not in self.option_ids.get(q, ())]
        if unknown:
            self.unmapped.append(sheet.problem(number, "relevant", f"the rule '{expression}' tests "
                                                                   f"{', '.join(unknown)}, which is not one of its "
                                                                   f"choices; {whom}", code="relevant_unknown_choice"))
            return None
        return condition

    def note_unused(self, sheet: _Sheet, number: int | None, element: dict, used: set[tuple]) -> None:
        """Columns with a value on this row that we do not read are listed (by column, with their rows)."""
        row = sheet.row(number)
        for path, _ in _flatten(row):
            if path[0] in ("label", "hint") or path[:1] in used or path[:2] in used or path in used:
                continue
            self.unused_columns.setdefault(_header_of(sheet, path), []).append(number)

    # the survey ------------------------------------------------------------------------------------
    def list_not_required(self) -> None:
        """One line per reason, naming every question: a form can mark most questions required."""
        why = {"written": "young people are never made to write an answer",
               "choice": "their lists have no 'Prefer not to say', and young people are never made to answer (tick "
                         "'Add Prefer not to say' to keep them required)"}
        for reason, items in self.not_required.items():
            names = ", ".join(f"'{qid}'" for _, qid in items[:12]) + (f" and {len(items) - 12} more"
                                                                      if len(items) > 12 else "")
            self.unmapped.append(self.survey_sheet.problem(
                items[0][0] if len(items) == 1 else None, "required",
                f"{names} {'is' if len(items) == 1 else 'are'} not required here "
                f"({_ranges([n for n, _ in items])}): {why[reason]}", code="required_dropped"))

    def finish(self, settings: dict, sections: list[dict]) -> XLSFormReport:
        self.list_not_required()
        if not sections:
            raise XLSFormError([XLSProblem("", None, None, "nothing in this form can be imported (no question of a "
                                                           "type our surveys ask); what was left out and why:",
                                           code="nothing_to_import"), *self.unmapped])
        self.list_unused(self.survey_sheet, self.unused_columns)
        self.choice_columns()
        for section in sections:
            section.pop("_loose", None)
            if section.get("group", True) is True:
                section.pop("group", None)
            for q in section["questions"]:
                if q.get("options_list") and self.used_lists.get(q["options_list"]) == [q["id"]] \
                        and q["options_list"] == q["id"]:
                    del q["options_list"]  # a list named after its one question is what our export writes anyway
        if any(s.get("group") is False for s in sections):
            self.filled_in.append("questions outside any group are shown on their own page(s), titled with the "
                                  "survey's title; they stay outside any group when exported")
        data = {**settings, "sections": sections}
        if not self.add_pnts:
            data["add_prefer_not_to_say"] = False
        names = {code: name for code, name in self.language_names.items()
                 if code in data["languages"] and name != column_language(code)}
        if names:
            data["language_names"] = names
        if data["languages"] == [DEFAULT_LANGUAGE]:
            data.pop("languages")
        before = [q.get("id") for s in sections for q in s["questions"]]
        data = editor.ensure_quote_consent(data)
        if QUOTE_CONSENT_ID not in before and QUOTE_CONSENT_ID in [q.get("id") for q in editor.questions(data)]:
            self.filled_in.append(f"added the question {QUOTE_CONSENT_ID} after the free-text questions: every survey "
                                  "with free text must ask before quoting young people's words")
        data = _ordered_survey(data)
        try:
            survey = survey_from_dict(data, source="xlsform")
        except SurveyFileError as exc:
            raise XLSFormError(self.placed(data, exc.problems)) from None
        return XLSFormReport(survey, data, self.unmapped, list(dict.fromkeys(self.filled_in)))

    def choice_columns(self) -> None:
        sheet = self.choices_sheet
        if sheet is None:
            return
        unused: dict[str, list[int | None]] = {}
        for row in sheet.rows:
            list_name = _text(row.get("list name"))
            if list_name not in self.used_lists:
                continue
            for path, _ in _flatten(row):
                if path[0] in ("list name", "name", "label", "risk", "exclusive", "__row") or \
                        (path[0] == "emoji" and list_name in self.emoji_lists):
                    continue
                unused.setdefault(_header_of(sheet, path), []).append(row.get("__row"))
        self.list_unused(sheet, unused)

    def list_unused(self, sheet: _Sheet, columns: dict[str, list]) -> None:
        for header, rows in columns.items():
            self.unmapped.append(sheet.problem(None, header, f"this column is not used here (its values in "
                                                             f"{_ranges(rows)} were not imported)",
                                               code="unused_column"))

    def placed(self, data: dict, problems: Iterable) -> list[XLSProblem]:
        """Survey-file problems (field paths in the final data) -> the cells they came from."""
        sheet = self.survey_sheet
        columns = {"id": "name", "type": "type", "text": "label", "help": "hint", "required": "required",
                   "show_if": "relevant", "min": "constraint", "max": "constraint", "decimals": "type",
                   "sensitive": "sensitive", "priorities": "priorities", "max_length": "max_length",
                   "options": "type", "options_list": "type", "title": "label", "intro": "hint"}
        out = []
        for p in problems:
            path = p.field or ""
            m = re.match(r"^sections\[(\d+)\](?:\.questions\[(\d+)\])?(?:\.(.*))?$", path)
            if not m:
                key = path.split(".")[0].split("[")[0]
                column = {"id": "form_id", "title": "form_title", "audience": "audience_min_age"}.get(key, key)
                out.append(XLSProblem(SETTINGS if key else SURVEY, 2 if key else None, column or None, p.message,
                                      code=p.code))
                continue
            section = data["sections"][int(m.group(1))]
            rest = m.group(3) or ""
            if m.group(2) is None:
                row = self.section_rows.get(section["id"])
                out.append(sheet.problem(row, columns.get(rest.split(".")[0], "name"), p.message, p.code))
                continue
            question = section["questions"][int(m.group(2))]
            opt = re.match(r"^options\[(\d+)\](?:\.(\w+))?", rest)
            if opt and self.choices_sheet is not None and question.get("options_list"):
                option = question["options"][int(opt.group(1))]
                row = self.option_rows.get((question.get("options_list"), option.get("id")))
                if row:
                    column = {"label": "label", "emoji": "emoji"}.get(opt.group(2) or "", "name")
                    out.append(self.choices_sheet.problem(row, column, p.message, p.code))
                    continue
            row = self.question_rows.get(question.get("id"))
            column = columns.get(rest.split(".")[0].split("[")[0], "type")
            out.append(sheet.problem(row, column, p.message, p.code))
        return list(dict.fromkeys(out))  # a list shared by several questions is one place: said once


# --- small helpers ----------------------------------------------------------------------------


_BOUND = re.compile(r"^\s*(?:\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)|(-?\d+(?:\.\d+)?)\s*(<=|>=)\s*\.)\s*$")


def _bounds(constraint: str) -> dict | None:
    """'. >= 1 and . <= 10' (or '1 <= .') -> {"min": 1, "max": 10}; anything else (including > and <) -> None."""
    result: dict[str, float | int] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        m = _BOUND.match(part)
        if not m or m.group(1) in (">", "<"):
            return None
        op, number = (m.group(1), m.group(2)) if m.group(1) else ({"<=": ">=", ">=": "<="}[m.group(4)], m.group(3))
        key = "min" if op == ">=" else "max"
        if key in result:
            return None
        value = float(number)
        result[key] = int(value) if value.is_integer() else value
    return result or None


def _yes(value: Any) -> bool:
    return _text(value).lower() in ("yes", "true", "true()", "1", "y")


def _slug(value: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", value.lower()).strip("_")
    return slug if slug and slug[0].isalpha() else (f"form_{slug}" if slug else "")


def _short(value: Any, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ranges(rows: list) -> str:
    """'row 5' or 'rows 5, 7 and 3 more'."""
    rows = list(dict.fromkeys(r for r in rows if r))
    shown = ", ".join(map(str, rows[:10]))
    return ("row " if len(rows) == 1 else "rows ") + shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def _first_rows(data: bytes, kind: str) -> dict[str, list]:
    """The first row of the survey and choices sheets (for column letters), without reading whole sheets."""
    out: dict[str, list] = {}
    if kind == ".xls":
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        try:
            for name in book.sheet_names():
                if name.lower() in (SURVEY, CHOICES):
                    sheet = book.sheet_by_name(name)
                    out[name.lower()] = sheet.row_values(0) if sheet.nrows else []
        finally:
            book.release_resources()
        return out
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils import column_index_from_string

    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = _xlsx_sheet_paths(archive)
    wanted: dict[str, list[tuple[int, str, str]]] = {}  # sheet -> (column index, type, value) in row 1
    for name, path in sheets.items():
        if name.lower() not in (SURVEY, CHOICES):
            continue
        cells: list[tuple[int, str, str]] = []
        kind_of, ref = "", ""
        with archive.open(path) as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "start" and tag == "c":
                    kind_of, ref = element.get("t", ""), element.get("r", "")
                elif event == "end" and tag in ("v", "t") and ref:
                    letters = "".join(ch for ch in ref if ch.isalpha())
                    cells.append((column_index_from_string(letters), kind_of, element.text or ""))
                    ref = ""
                elif event == "end" and tag == "row":
                    break  # the header row is all we need
        wanted[name.lower()] = cells
    needed = {int(v) for cells in wanted.values() for _, t, v in cells if t == "s" and v.isdigit()}
    strings = _shared_strings(archive, max(needed)) if needed else []
    for name, cells in wanted.items():
        row: list = [None] * (max((i for i, _, _ in cells), default=0))
        for index, t, value in cells:
            row[index - 1] = strings[int(value)] if t == "s" and value.isdigit() and int(value) < len(strings) \
                else value
        out[name] = row
    return out


def _xlsx_sheet_paths(archive) -> dict[str, str]:
    """Sheet name -> its part in the zip, from the workbook and its relationships."""
    from xml.etree.ElementTree import fromstring

    rels = {r.get("Id"): r.get("Target") for r in fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
    paths = {}
    for sheet in fromstring(archive.read("xl/workbook.xml")).iter():
        if sheet.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = (rels.get(rid) or "").lstrip("/")
            paths[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    return paths


def _shared_strings(archive, last: int) -> list[str]:
    """Shared strings 0..last (Excel stores them in first-use order: the headers come early)."""
    from xml.etree.ElementTree import iterparse

    strings: list[str] = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if element.tag.rsplit("}", 1)[-1] == "si":
                strings.append("".join(t.text or "" for t in element.iter() if t.tag.rsplit("}", 1)[-1] == "t"))
                element.clear()
                if len(strings) > last:
                    break
    return strings


_SURVEY_ORDER = ("id", "title", "version", "audience", "minutes", "intro", "privacy_notice", "languages",
                 "language_names", "priorities", "retention_months", "add_prefer_not_to_say", "sections")


def _ordered_survey(data: dict) -> dict:
    return {**{k: data[k] for k in _SURVEY_ORDER if k in data},
            **{k: v for k, v in data.items() if k not in _SURVEY_ORDER}}
