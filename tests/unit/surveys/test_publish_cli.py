"""One set of survey files for the app and every command: `voice db upgrade` and `voice surveys publish`
publish the survey folder, so a new database works from the command line exactly as in the app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.unit.surveys.survey_test_helpers import REPO, SURVEYS_DIR

IMPORT_FIXTURE = REPO / "tests" / "fixtures" / "import" / "esafety_year9_good.csv"


def voice(*args: str, database, env_extra=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("VOICE_SURVEYS_DIR", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "voice", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=180)


def test_db_upgrade_on_a_new_database_then_import_responses_works(tmp_path):
    database = tmp_path / "new.db"
    upgraded = voice("db", "upgrade", database=database)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "published: esafety_year9 (revision 1)" in upgraded.stdout
    groups = voice("groups", "import", str(IMPORT_FIXTURE.with_name("groups_good.csv")), database=database)
    assert groups.returncode == 0, groups.stderr
    imported = voice("import-responses", "esafety_year9", str(IMPORT_FIXTURE), "--campaign", "esafety-2016",
                     database=database)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "There is no survey" not in imported.stdout + imported.stderr
    again = voice("db", "upgrade", database=database)  # nothing changed: nothing new is published
    assert "0 published" in again.stdout and "published: " not in again.stdout


def test_surveys_publish_reports_a_broken_file_and_publishes_the_rest(tmp_path):
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(SURVEYS_DIR / "ypag_wellbeing.yaml", folder)
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    database = tmp_path / "publish.db"
    result = voice("surveys", "publish", str(folder), database=database)
    assert result.returncode == 1
    assert "published: ypag_wellbeing (revision 1)" in result.stdout
    assert "not published: " in result.stdout and "broken.yaml, line 3: not valid YAML" in result.stdout
    # The same folder through $VOICE_SURVEYS_DIR, as the app reads it.
    (folder / "broken.yaml").unlink()
    result = voice("surveys", "publish", database=database, env_extra={"VOICE_SURVEYS_DIR": str(folder)})
    assert result.returncode == 0 and "1 unchanged" in result.stdout
