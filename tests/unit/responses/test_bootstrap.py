import threading
from pathlib import Path

from sqlalchemy import func, select

from voice.bootstrap import prepare_database
from voice.config import Settings
from voice.db import session_scope
from voice.demo import DEMO_CAMPAIGNS
from voice.models import Campaign, Response, SurveyRecord


def _settings(engine, surveys_dir: Path) -> Settings:
    return Settings(database_url=str(engine.url), data_dir=surveys_dir.parent / "data", surveys_dir=surveys_dir,
                    is_embedded_default=True)


def _counts(engine):
    with session_scope(engine) as session:
        return (session.scalar(select(func.count()).select_from(Response)),
                session.scalar(select(func.count()).select_from(Campaign).where(Campaign.is_demo.is_(True))))


def test_two_processes_starting_at_once_load_the_demo_once(clean_db, surveys_dir):
    settings = _settings(clean_db, surveys_dir)
    reports, errors = [], []

    def start():
        try:
            reports.append(prepare_database(clean_db, settings, load_demo=True))
        except Exception as exc:  # reported below with the failing assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.demo_loaded for r in reports) == [False, True]
    responses, campaigns = _counts(clean_db)
    assert campaigns == len(DEMO_CAMPAIGNS) and responses > 1000

    again = prepare_database(clean_db, settings, load_demo=True)  # every later start: nothing new
    assert not again.demo_loaded and not again.published
    assert _counts(clean_db) == (responses, campaigns)


def test_no_demo_when_not_asked_and_broken_survey_files_are_not_fatal(clean_db, tmp_path, surveys_dir):
    broken = tmp_path / "surveys"
    broken.mkdir()
    (broken / "esafety_year9.yaml").write_text((surveys_dir / "esafety_year9.yaml").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    (broken / "broken.yaml").write_text("id: broken\nsections: [\n", encoding="utf-8")
    report = prepare_database(clean_db, _settings(clean_db, broken), load_demo=False)
    assert report.problems and not report.demo_loaded
    with session_scope(clean_db) as session:
        assert session.scalars(select(SurveyRecord.id)).all() == ["esafety_year9"]
    assert _counts(clean_db) == (0, 0)
