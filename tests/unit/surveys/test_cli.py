"""`voice surveys check`: every problem with file, line and field; exit 1 on problems."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys


from voice.surveys import cli as surveys_cli

from tests.unit.surveys.survey_test_helpers import FIXTURES, REPO, SURVEYS_DIR

def run(*args: str, module: list[str] | None = None, cwd=REPO, env_extra=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("VOICE_SURVEYS_DIR", None)
    env.update(env_extra or {})
    cmd = [sys.executable, *(module or ["-m", "voice"]), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=60)


def test_check_broken_folder_names_file_line_and_field():
    proc = run("surveys", "check", "tests/fixtures/surveys/broken_folder")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert ("tests/fixtures/surveys/broken_folder/many_problems.yaml, line 22, field "
            "sections[0].questions[1].show_if.question: 'uses_webcm' is not an earlier question") in out
    assert "tests/fixtures/surveys/broken_folder/syntax_error.yaml, line 5: not valid YAML" in out
    assert "good_esafety_year9.yaml" not in out  # the good file loads; analysis/ is not a survey
    # 23 problems + 1 syntax error
    assert out.strip().splitlines()[-1].startswith("Checked 3 survey files: 1 OK, 24 problems in 2 files")


def test_check_default_folder_is_the_repository_surveys(tmp_path):
    proc = run("surveys", "check", cwd=tmp_path)  # found by walking up from the package
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Checked 5 survey files: 5 OK, 0 problems" in proc.stdout


def test_check_uses_env_folder(tmp_path):
    shutil.copy(FIXTURES / "syntax_error.yaml", tmp_path)
    proc = run("surveys", "check", env_extra={"VOICE_SURVEYS_DIR": str(tmp_path)})
    assert proc.returncode == 1
    assert "syntax_error.yaml, line 5" in proc.stdout


def test_check_single_file_and_warnings_alone_exit_0(tmp_path):
    text = (SURVEYS_DIR / "esafety_year6.yaml").read_text(encoding="utf-8").replace(
        "text: Do you use a webcam or the camera on a phone?",
        "text: Do you ordinarily utilise webcam technology to communicate electronically?")
    (tmp_path / "hard.yaml").write_text(text, encoding="utf-8")
    proc = run("surveys", "check", str(tmp_path / "hard.yaml"))
    assert proc.returncode == 0, proc.stdout
    assert "warning:" in proc.stdout and "question uses_webcam text" in proc.stdout
    assert "1 reading-level warning." in proc.stdout


def test_python_m_voice_surveys_check():
    proc = run("check", "tests/fixtures/surveys/broken_folder", module=["-m", "voice.surveys"])
    assert proc.returncode == 1 and "many_problems.yaml, line 5, field titel" in proc.stdout


def test_python_m_voice_entry_point():
    proc = run("surveys", "check", str(SURVEYS_DIR), module=["-m", "voice"])
    assert proc.returncode == 0 and "5 OK" in proc.stdout


def test_other_modules_can_add_surveys_subcommands():
    parser = argparse.ArgumentParser(prog="voice")
    sub = parser.add_subparsers(dest="command")
    # Another capability registering first must not matter.
    imp = surveys_cli.surveys_subparsers(sub).add_parser("import-xlsform")
    imp.set_defaults(func=lambda args: 7)
    surveys_cli.register(sub)
    assert surveys_cli.surveys_subparsers(sub) is surveys_cli.surveys_subparsers(sub)
    args = parser.parse_args(["surveys", "import-xlsform"])
    assert args.func(args) == 7
    args = parser.parse_args(["surveys", "check", "x"])
    assert args.func is surveys_cli.run_check and args.path == "x"
