"""XLSForm (the spreadsheet form used by ODK, KoboToolbox, SurveyCTO) to and from our surveys.

Export is here; import (read with pyxform, the reference implementation) is in `xlsform_import`, with
its checks before parsing in `xlsform_limits`. The full mapping table is in docs/survey-editor.md. In short:
* sheets: `survey`, `choices`, `settings` (form_id, form_title, version, default_language, plus ours);
* begin_group / end_group <-> sections (a section with `group: false` is written without a group);
  select_one / select_multiple <list> <-> single / multi, the list keeping its name (`options_list`);
  text <-> text; integer <-> number, decimal <-> number with `decimals: true`; the `voice_type` column
  marks a select_one as yes_no, scale or emoji_scale; `emoji`, `exclusive` (an option that stands alone in a
  multi) and `risk` (the concern category of an option marked as a risk: voice.safeguarding.markers) on the
  choices sheet; `sensitive`,
  `priorities`, `max_length` columns; number min/max <-> a `constraint` of the form `. >= 1 and . <= 10`;
* `relevant` <-> show_if: ${q} = 'v' (equals), ${q} != 'v' (not_equals), ${q} != '' (answered),
  selected(${q}, 'v') (includes on a multi; `in` on a single, joined by `or` for several), and/or
  with brackets for all/any; `${q}` in wording is piping, in both directions;
* languages: `label::English (en)`, `label::Polski (pl)`, `hint::…` columns, or the names the form used
  (`language_names`), '' for the plain `label` column.

Every text cell written is neutralised as in CSV exports (voice.io.safe_csv): a label starting with
=, +, - or @ gets an apostrophe in front, so a spreadsheet never runs it as a formula; the importer takes
the apostrophe off again.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from voice.io.safe_csv import neutralise
from voice.surveys.languages import column_language
from voice.surveys.schema import DEFAULT_LANGUAGE, TEXT_MAX_LENGTH, Condition, Question, Survey, Text
from voice.surveys.xlsform_import import read_xlsform
from voice.surveys.xlsform_types import CHOICES, SETTINGS, SURVEY, VOICE_TYPES, XLSFormReport, XLSFormError, XLSProblem

__all__ = ["XLSFormReport", "XLSFormError", "XLSProblem", "condition_to_relevant", "read_xlsform",
           "survey_to_xlsform", "write_xlsform"]


# --- export -----------------------------------------------------------------------------------


def _column_name(survey: Survey, lang: str) -> str:
    """How `lang` is named in column headers: as the form it came from named it, else 'Polski (pl)'."""
    name = survey.language_names.get(lang)
    return column_language(lang) if name is None else name


def _lang_header(base: str, lang: str, survey: Survey) -> str:
    name = _column_name(survey, lang)
    return f"{base}::{name}" if name else base


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _quoted(value: str) -> str:
    # XPath has no escapes: a value holding ' is written between " (and one holding both cannot occur:
    # choice names come from XLSForm, where the same rule applies).
    return f'"{value}"' if "'" in value else f"'{value}'"


def condition_to_relevant(condition: Condition, nested: bool = False) -> str:
    """show_if -> an XLSForm `relevant` expression (see the module note for the forms used)."""
    op, q = condition.op, condition.question
    if op == "equals":
        return f"${{{q}}} = {_quoted(condition.values[0])}"
    if op == "not_equals":
        return f"${{{q}}} != {_quoted(condition.values[0])}"
    if op == "answered":
        return f"${{{q}}} != ''"
    if op == "includes":
        return f"selected(${{{q}}}, {_quoted(condition.values[0])})"
    if op == "in":
        text = " or ".join(f"selected(${{{q}}}, {_quoted(v)})" for v in condition.values)
        return f"({text})" if nested and len(condition.values) > 1 else text
    word = " and " if op == "all" else " or "
    text = word.join(condition_to_relevant(c, nested=True) for c in condition.conditions)
    return f"({text})" if nested else text


def survey_to_xlsform(survey: Survey) -> bytes:
    """The survey as an .xlsx workbook (bytes). Every text cell is neutralised (no live formulas)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    langs = list(survey.languages)
    wb = Workbook()
    ws = wb.active
    ws.title = SURVEY
    labels = [_lang_header("label", lang, survey) for lang in langs]
    hints = [_lang_header("hint", lang, survey) for lang in langs]
    header = (["type", "name"] + labels + hints
              + ["required", "relevant", "constraint", "voice_type", "sensitive", "priorities", "max_length"])
    _append(ws, header)

    def words(text: Text, columns: list[str]) -> dict[str, str]:
        return {column: (text or {}).get(lang, "") for column, lang in zip(columns, langs)}

    list_names = _list_names(survey)
    for section in survey.sections:
        if section.group:
            _append(ws, _row(header, {"type": "begin_group", "name": section.id, **words(section.title, labels),
                                      **words(section.intro, hints)}))
        for q in section.questions:
            _append(ws, _row(header, {**_question_cells(q, list_names.get(q.id)), **words(q.text, labels),
                                      **words(q.help, hints)}))
        if section.group:
            _append(ws, _row(header, {"type": "end_group"}))

    cs = wb.create_sheet(CHOICES)
    _append(cs, ["list_name", "name"] + labels + ["emoji", "exclusive", "risk"])
    written: set[str] = set()
    for q in survey.questions:
        list_name = list_names.get(q.id)
        if list_name is None or list_name in written:
            continue  # a shared list is written once (the loader makes sure its questions agree)
        written.add(list_name)
        for o in q.options:
            _append(cs, [list_name, o.id] + [o.label.get(lang, "") for lang in langs]
                    + [o.emoji or "", "yes" if o.exclusive else "", (q.risk or {}).get(o.id, "")])

    st = wb.create_sheet(SETTINGS)
    # pyxform takes one form title (XForms have no translated title): English there, the rest in our column.
    settings: dict[str, Any] = {"form_id": survey.id, "form_title": survey.title.get(DEFAULT_LANGUAGE, "")}
    for lang in langs[1:]:
        if survey.title.get(lang):
            settings[_lang_header("voice_form_title", lang, survey)] = survey.title[lang]
    settings["version"] = str(survey.version)
    if _column_name(survey, DEFAULT_LANGUAGE):  # a plain label column is pyxform's own default language
        settings["default_language"] = _column_name(survey, DEFAULT_LANGUAGE)
    settings["languages"] = " ".join(langs)
    for key, text in (("intro", survey.intro), ("privacy_notice", survey.privacy_notice)):
        for lang in langs:
            if text.get(lang):
                settings[_lang_header(key, lang, survey)] = text[lang]
    settings["audience_min_age"] = survey.audience_min_age
    settings["audience_max_age"] = survey.audience_max_age
    for lang in langs:
        if survey.audience_who.get(lang):
            settings[_lang_header("audience_who", lang, survey)] = survey.audience_who[lang]
    if survey.minutes:
        settings["minutes"] = survey.minutes
    settings["priorities"] = " ".join(survey.priorities)
    settings["retention_months"] = survey.retention_months
    settings["add_prefer_not_to_say"] = "yes" if survey.add_prefer_not_to_say else "no"
    _append(st, list(settings))
    _append(st, list(settings.values()))

    for sheet in (ws, cs, st):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: list[Any]) -> None:
    """One row, every text cell neutralised (openpyxl would store "=…" as a live formula)."""
    sheet.append([neutralise(v) if isinstance(v, str) else v for v in values])


def _list_names(survey: Survey) -> dict[str, str]:
    """Question id -> its choice list's name: the shared list's own name, unless this question marks other
    options as a risk than the first question on that list (the `risk` column belongs to the list's rows)."""
    names: dict[str, str] = {}
    risk_of_list: dict[str, dict] = {}
    for q in survey.questions:
        if not q.is_closed:
            continue
        name = q.options_list or q.id
        risk = dict(q.risk or {})
        if risk_of_list.setdefault(name, risk) != risk:
            name = q.id
        names[q.id] = name
    return names


def _question_cells(q: Question, list_name: str | None = None) -> dict[str, Any]:
    cells: dict[str, Any] = {"name": q.id}
    list_name = list_name or q.options_list or q.id
    if q.type == "multi":
        cells["type"] = f"select_multiple {list_name}"
    elif q.is_closed:
        cells["type"] = f"select_one {list_name}"
        if q.type in VOICE_TYPES:
            cells["voice_type"] = q.type
    elif q.type == "text":
        cells["type"] = "text"
        if q.max_length != TEXT_MAX_LENGTH:
            cells["max_length"] = q.max_length
    else:
        cells["type"] = "decimal" if q.decimals else "integer"
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


def _row(header: list[str], cells: dict[str, Any]) -> list[Any]:
    return [cells.get(h) if cells.get(h) not in (None, "") else "" for h in header]


def write_xlsform(survey: Survey, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(survey_to_xlsform(survey))
    return path
