"""`voice classify` end to end, in a subprocess as an operator would run it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _env(**extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **extra)
    env.pop("VOICE_SURVEYS_DIR", None)
    env.update(extra)
    return env


def _classify(stdin: str, *args: str, cwd=ROOT, **env):
    command = [sys.executable, "-m", "voice", "classify", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=_env(**env), cwd=cwd, timeout=120)


def test_one_json_object_per_input_line():
    done = _classify("i feel so alone sumtimes\nmy friend said her stepdad touches her\nidk\n😭 café\n")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in records] == ["i feel so alone sumtimes", "my friend said her stepdad touches her",
                                            "idk", "😭 café"]
    assert records[0]["themes"] == ["mental_health"]
    assert records[0]["sentiment"]["label"] == "negative"
    assert (records[1]["concern"]["flag"], records[1]["concern"]["categories"]) == (True, ["sexual_abuse"])
    assert records[1]["concern"]["reasons"]  # why, for the lead
    assert records[2]["sentiment"] == {"polarity": 0.0, "label": "neutral"}
    assert records[2]["concern"] == {"flag": False, "categories": [], "reasons": []}
    assert all(r["analysed"] for r in records)
    assert "😭 café" in done.stdout  # ensure_ascii=False


def test_defaults_are_found_from_another_directory(tmp_path):
    done = _classify("I was bullied online\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["themes"] == ["online_safety", "cyberbullying", "bullying"]


def test_env_var_points_at_another_surveys_folder(tmp_path):
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "codebook.yaml").write_text(
        "themes:\n  - id: pets\n    name: Pets\n    words: [dog*]\n", encoding="utf-8")
    (tmp_path / "analysis" / "concern_lexicon.yaml").write_text(
        (ROOT / "surveys" / "analysis" / "concern_lexicon.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    done = _classify("my dogs\n", VOICE_SURVEYS_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["themes"] == ["pets"]


def test_broken_codebook_exits_2_with_the_message(tmp_path):
    broken = tmp_path / "codebook.yaml"
    broken.write_text("themes:\n  - id: x\n    name: X\n    words: lonely\n", encoding="utf-8")
    done = _classify("hello\n", "--codebook", str(broken))
    assert done.returncode == 2
    assert f"{broken}, line 4, field themes[0].words: must be a list of words" in done.stderr
    assert done.stdout == ""


def test_bad_input_gets_one_line_each_and_other_languages_are_not_guessed():
    lines = ["", "   ", "😭😭😭", "a" * 4000, ("school is fine " * 300).strip(),
             "<script>alert('hi')</script>", "میرے چچا مجھے غلط طریقے سے چھوتے ہیں",
             "nu mă simt în siguranță acasă, tata bea și ne bate"]
    done = _classify("\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in records] == lines
    for record in records:
        assert {"themes", "sentiment", "concern", "analysed"} <= record.keys()
        assert {"label", "polarity"} <= record["sentiment"].keys()
        assert {"flag", "categories"} <= record["concern"].keys()
    assert records[0]["concern"]["flag"] is False and records[0]["sentiment"]["label"] == "neutral"
    assert records[2]["sentiment"]["label"] == "negative"  # emoji are read
    assert records[5]["analysed"] is True and records[5]["concern"]["flag"] is False
    for other in records[6:]:
        assert other["analysed"] is False
        assert other["sentiment"]["label"] == "not analysed" and other["themes"] == []
        assert other["concern"]["flag"] is True and "not_screened" in other["concern"]["categories"]
