"""XLSForm import on a folder of real forms: how many pyxform accepts, how many we import, how fast, and
whether the round trip (import -> export -> pyxform) keeps questions, choices, languages and skip logic.

    python benchmarks/xlsform_import_benchmark.py /work/corpus/xlsforms [--json out.json] [--show N]

For every .xlsx / .xls under the folder (recursively):
* pyxform: `pyxform.xls2xform.convert(file, validate=False)` (the reference converter) accepts it or not;
* ours: `read_xlsform(...)` imports it fully, imports it with what was left out listed, refuses it with a
  message (XLSFormError), or crashes (any other exception: a bug; its traceback is printed);
* round trip for each import: our export of the survey must be accepted by pyxform, and must keep
  - questions: every imported question, with the same XLSForm type (select one / select all that apply /
    text / integer / decimal) as in the original form,
  - choices: each imported question's choice names, in order, as in the original list,
  - languages: the original form's languages (those we import),
  - skip logic: importing the export gives back the same survey (every show_if, the same conditions).

The goal (issue 19): at least 90% of the forms pyxform accepts are imported, no traceback, no import over
10 s. The corpus is not in the repository; docs/survey-editor.md says how to rebuild it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LIMIT_SECONDS = 10.0
PYXFORM_TYPES = {"single": "select one", "multi": "select all that apply", "yes_no": "select one",
                 "scale": "select one", "emoji_scale": "select one", "text": "text"}


def pyxform_json(source) -> dict:
    from pyxform.xls2xform import convert

    result = convert(source, validate=False)
    return result._pyxform


def elements(form: dict) -> dict[str, dict]:
    """name -> element, for every question in a pyxform form (groups walked; later duplicates ignored)."""
    found: dict[str, dict] = {}

    def walk(children):
        for child in children or []:
            if isinstance(child, dict):
                if child.get("children") is not None and child.get("type") in ("group", "repeat", "loop"):
                    walk(child["children"])
                elif child.get("name"):
                    found.setdefault(str(child["name"]), child)

    walk(form.get("children"))
    return found


def languages(form: dict) -> set[str]:
    names: set[str] = set()

    def add(value):
        if isinstance(value, dict):
            names.update(value)
        elif value:
            names.add("default")

    for element in elements(form).values():
        add(element.get("label"))
        for choice in element.get("choices") or []:
            if isinstance(choice, dict):
                add(choice.get("label"))
    return names


def round_trip(original: dict, report) -> dict[str, bool]:
    """The four checks for one imported form."""
    from voice.surveys.xlsform import read_xlsform, survey_to_xlsform

    survey = report.survey
    exported = survey_to_xlsform(survey)
    checks = {"pyxform accepts export": True, "questions": True, "choices": True, "languages": True,
              "skip logic": True}
    try:
        again = pyxform_json(exported)
    except Exception:
        return {k: False for k in checks}
    before, after = elements(original), elements(again)
    imported = [q for q in survey.questions if q.id in before]
    for q in imported:
        want = before[q.id].get("type")
        got = after.get(q.id, {}).get("type")
        expected = PYXFORM_TYPES.get(q.type) or ("decimal" if q.decimals else "integer")
        if got != expected or (q.type == "number" and want not in ("integer", "decimal", "int")):
            checks["questions"] = False
        elif q.type == "number" and want != got and not (want == "int" and got == "integer"):
            checks["questions"] = False
        if q.is_closed:
            names = [str(c.get("name")) for c in after.get(q.id, {}).get("choices") or []]
            # The original list, each name once (a repeated name is listed by the import and kept once).
            source = list(dict.fromkeys(str(c.get("name")) for c in before[q.id].get("choices") or []
                                        if str(c.get("name")) in {o.id for o in q.options}))
            added = [o.id for o in q.options if o.id not in source]
            if names != source + added:
                checks["choices"] = False
    # The same languages (by code: "English" on one sheet and "English (EN)" on another are one language).
    if _codes(languages(original), survey) != _codes(languages(again), survey):
        checks["languages"] = False
    try:
        back = read_xlsform(exported, add_prefer_not_to_say=survey.add_prefer_not_to_say).survey
        checks["skip logic"] = [q.show_if for q in back.questions] == [q.show_if for q in survey.questions]
    except Exception:
        checks["skip logic"] = False
    return checks


def _codes(names: set[str], survey) -> set[str]:
    """Language names as codes, keeping only the languages the survey has (the import lists the others)."""
    from voice.surveys.languages import code_for

    default = next((c for c, n in survey.language_names.items() if n == ""), "en")
    codes = {default if name == "default" else code_for(name) for name in names}
    return {c for c in codes if c in survey.languages}


def run(folder: Path, show: int) -> dict:
    from voice.surveys.xlsform import XLSFormError, read_xlsform

    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".xlsx", ".xls") and p.is_file()
                   and not p.name.startswith("~$"))
    outcomes: Counter[str] = Counter()
    checks: Counter[str] = Counter()
    listed_codes: Counter[str] = Counter()
    refused: list[tuple[str, str]] = []
    crashes: list[tuple[str, str]] = []
    timings: list[tuple[float, str]] = []
    failed_checks: dict[str, list[str]] = {}
    accepted = 0
    for path in files:
        try:
            original = pyxform_json(str(path))
        except Exception:
            outcomes["pyxform refuses"] += 1
            continue
        accepted += 1
        # The form's own file name (the corpus prefixes it with where it came from: repo__path__name).
        stem = path.stem.split("__")[-1]
        default_id = re.sub(r"[^a-z0-9_]+", "_", stem.lower()).strip("_") or "form"
        start = time.perf_counter()
        try:
            report = read_xlsform(path.read_bytes(), default_id=default_id)
        except XLSFormError as exc:
            timings.append((time.perf_counter() - start, path.name))
            outcomes["refused with a message"] += 1
            refused.append((path.name, str(exc.problems[0])))
            continue
        except Exception:
            timings.append((time.perf_counter() - start, path.name))
            outcomes["crashed"] += 1
            crashes.append((path.name, traceback.format_exc()))
            continue
        timings.append((time.perf_counter() - start, path.name))
        outcomes["imported fully" if not report.unmapped else "imported, what was left out listed"] += 1
        listed_codes.update(p.code or "?" for p in report.unmapped)
        for name, ok in round_trip(original, report).items():
            checks[name] += ok
            if not ok:
                failed_checks.setdefault(name, []).append(path.name)
    imported = outcomes["imported fully"] + outcomes["imported, what was left out listed"]
    slowest = max(timings, default=(0.0, "-"))
    summary = {
        "files": len(files), "pyxform accepts": accepted, "imported": imported,
        "imported fully": outcomes["imported fully"],
        "imported, what was left out listed": outcomes["imported, what was left out listed"],
        "refused with a message": outcomes["refused with a message"], "crashed": outcomes["crashed"],
        "import rate (of pyxform-accepted)": round(imported / accepted, 3) if accepted else None,
        "slowest import (s)": round(slowest[0], 2), "slowest file": slowest[1],
        "imports over 10 s": sum(1 for t, _ in timings if t > LIMIT_SECONDS),
        "round trip (of imported)": {name: f"{n}/{imported}" for name, n in checks.items()},
        "what was left out, by kind": dict(listed_codes.most_common()),
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    for name, why in refused[:show]:
        print(f"refused: {name}: {why}")
    for name, files_ in failed_checks.items():
        print(f"round trip '{name}' failed on: {', '.join(files_[:show])}")
    for name, trace in crashes:
        print(f"CRASH {name}:\n{trace}")
    summary["refused"] = refused
    summary["crashes"] = crashes
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument("--show", type=int, default=20, help="how many refusals and failures to print")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # openpyxl's notes about styles in real-world files
    summary = run(args.folder, args.show)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    ok = (summary["import rate (of pyxform-accepted)"] or 0) >= 0.9 and not summary["crashed"] \
        and not summary["imports over 10 s"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
