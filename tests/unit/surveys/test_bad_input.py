"""Bad input, made here (never committed): a zip-bomb workbook, a sheet stretched to 1,048,576 rows, a YAML
alias bomb, a label starting with '='. Each gets a clear message quickly and within memory bounds."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from voice.analysis import DefinitionError
from voice.analysis.codebook import parse_codebook
from voice.evidence.plan_file import PlanFileError, parse_plan
from voice.surveys.loader import SurveyFileError, load_survey_text
from voice.surveys.xlsform import XLSFormError, read_xlsform, survey_to_xlsform
from voice.surveys.xlsform_limits import MAX_FILLED_CELLS, MAX_UNPACKED_BYTES

MB = 1_000_000


def measured(action):
    """(result or exception, seconds, peak MB of Python memory) for one call."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = action()
    except Exception as exc:  # the exception is what we look at
        result = exc
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return result, seconds, peak


def small_form() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in (["type", "name", "label"], ["select_one yn", "likes", "Do you like school?"]):
        ws.append(row)
    choices = wb.create_sheet("choices")
    for row in (["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]):
        choices.append(row)
    return wb


def as_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """A real small form plus one extra part of zeros that compresses about 1000:1."""
    source = zipfile.ZipFile(io.BytesIO(as_bytes(small_form())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        with bomb.open("xl/media/padding.bin", "w", force_zip64=True) as part:
            chunk = bytes(MB)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_parsing_quickly_and_in_little_memory():
    data = zip_bomb(256)  # 256 MB unpacked, as in the issue
    assert len(data) < MB  # the upload itself is small
    result, seconds, peak = measured(lambda: read_xlsform(data))
    assert isinstance(result, XLSFormError)
    [problem] = result.problems
    assert problem.code == "unpacks_too_large" and "unpacks to 256 MB" in problem.message
    assert seconds < 2 and peak < 3 * len(data) / MB + 5


def test_a_sheet_with_too_many_filled_cells_is_refused():
    source = zipfile.ZipFile(io.BytesIO(as_bytes(small_form())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as big:
        for item in source.infolist():
            big.writestr(item, source.read(item))
        rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c></row>'
                       for r in range(1, MAX_FILLED_CELLS // 2 + 10))
        big.writestr("xl/worksheets/sheet9.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>")
    data = out.getvalue()
    result, seconds, _ = measured(lambda: read_xlsform(data))
    assert isinstance(result, XLSFormError) and result.problems[0].code == "sheet_too_large"
    assert "filled cells" in result.problems[0].message


def test_a_sheet_stretched_to_the_last_row_imports_quickly():
    wb = small_form()
    ws = wb["survey"]
    ws.cell(row=1_048_576, column=8).font = Font(bold=True)  # formatting far down stretches the used range
    data = as_bytes(wb)
    assert load_workbook(io.BytesIO(data), read_only=True)["survey"].max_row == 1_048_576
    read_xlsform(as_bytes(small_form()))  # pyxform's first import is not part of the time
    result, seconds, peak = measured(lambda: read_xlsform(data))
    assert not isinstance(result, Exception), result
    assert [q.id for q in result.survey.questions] == ["likes"]
    assert seconds < 10 and peak < 200


def test_an_upload_over_the_size_limit_is_refused_without_reading_it():
    result, _, _ = measured(lambda: read_xlsform(b"PK\x03\x04" + bytes(6 * MB)))
    assert isinstance(result, XLSFormError) and result.problems[0].code == "file_too_large"


def test_the_limits_leave_room_for_real_forms():
    assert MAX_UNPACKED_BYTES >= 10 * 2_811_002  # the largest real form we measured unpacks to 2.8 MB


ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
)


@pytest.mark.parametrize("reader, error", [
    (lambda text: load_survey_text(text, "bomb.yaml"), SurveyFileError),
    (lambda text: parse_codebook(text, "bomb.yaml"), DefinitionError),
    (lambda text: parse_plan(text, "bomb.yaml"), PlanFileError),
])
def test_a_yaml_alias_bomb_is_stopped_before_it_unfolds(reader, error):
    assert len(ALIAS_BOMB) < 600  # the bomb was 522 bytes
    result, seconds, peak = measured(lambda: reader(ALIAS_BOMB))
    assert isinstance(result, error)
    assert result.problems[0].code == "yaml_too_many_values" and result.problems[0].line
    assert seconds < 1 and peak < 50


def test_voice_surveys_check_on_an_alias_bomb_answers_at_once(tmp_path, capsys):
    from voice.cli import main

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    main(["surveys", "check", str(bomb)])  # imports every command module once; the second run is timed
    capsys.readouterr()
    start = time.perf_counter()
    assert main(["surveys", "check", str(bomb)]) == 1
    assert time.perf_counter() - start < 2
    assert "unfolds to more than" in capsys.readouterr().out


def test_a_label_starting_with_equals_is_exported_as_text_not_a_formula_and_comes_back():
    report = read_xlsform(as_bytes(small_form()))
    data = report.data
    data["sections"][0]["questions"][0]["text"] = "=HYPERLINK(\"http://x\",\"click\")"
    data["sections"][0]["questions"][0]["options"][0]["label"] = "+44 0800 1111"
    from voice.surveys.loader import survey_from_dict

    survey = survey_from_dict(data)
    exported = survey_to_xlsform(survey)
    sheet = load_workbook(io.BytesIO(exported))["survey"]
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("'=")  # neutralised like CSV exports
    back = read_xlsform(exported).survey
    assert back.question("likes").text["en"] == "=HYPERLINK(\"http://x\",\"click\")"
    assert back.question("likes").options[0].label["en"] == "+44 0800 1111"
