from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from voice.io import ImportRejected
from voice.models import Answer, Campaign, Response
from voice.responses.answers import from_rows
from voice.responses.campaigns import CampaignError
from voice.responses.groups import import_groups
from voice.responses.importer import import_responses
from voice.surveys.registry import get_survey

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
HEADER = "submitted_at,group,uses_webcam,webcam_chat_new_people,threatened_on_webcam,esafety_worries\n"


@pytest.fixture
def ready(session, published_surveys):
    import_groups(session, FIXTURES / "groups_good.csv")
    session.commit()
    return session


def _answers(session, survey_id):
    _, survey = get_survey(session, survey_id)
    result = []
    for response in session.scalars(select(Response).order_by(Response.id)):
        rows = session.scalars(select(Answer).where(Answer.response_id == response.id))
        result.append(from_rows(survey, rows))
    return result


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_good_file_is_imported_into_a_new_campaign(ready):
    report = import_responses(ready, "esafety_year9", FIXTURES / "esafety_year9_good.csv", "esafety-2016")
    ready.commit()
    assert report.imported == 3 and report.campaign_created
    campaign = ready.scalars(select(Campaign).where(Campaign.name == "esafety-2016")).one()
    responses = ready.scalars(select(Response).order_by(Response.id)).all()
    assert {r.campaign_id for r in responses} == {campaign.id}
    assert all(r.status == "submitted" and r.source == "import" and r.receipt_code for r in responses)
    assert responses[2].submitted_at == datetime(2016, 3, 2, 9, 0)  # +01:00 stored as UTC
    first, second, third = _answers(ready, "esafety_year9")
    assert first["social_networks_used"] == ["instagram", "snapchat"]
    assert first["esafety_worries"] == "People asking for pics 😟, it's \"weird\""
    assert "met_alone" not in first  # blank = not answered
    assert second["sent_self_image"] == "prefer_not_to_say"
    assert third["esafety_help"] == "=not a formula"  # the exporter's apostrophe is taken off


def test_existing_campaign_is_reused_and_its_dates_do_not_restrict(ready):
    from voice.responses.campaigns import create_campaign

    create_campaign(ready, "esafety-2016", "esafety_year9", opens_at=datetime(2020, 1, 1),
                    closes_at=datetime(2020, 2, 1))
    report = import_responses(ready, "esafety_year9", FIXTURES / "esafety_year9_good.csv", "esafety-2016")
    assert report.imported == 3 and not report.campaign_created


def test_every_bad_row_is_reported_and_nothing_is_imported(ready):
    with pytest.raises(ImportRejected) as caught:
        import_responses(ready, "esafety_year9", FIXTURES / "esafety_year9_bad.csv", "esafety-2016")
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {
        (1, "favourite_colour"),  # unknown question column, reported once
        (3, "submitted_at"), (3, "webcam_chat_new_people"),  # bad date; answer skip logic hides
        (4, "group"), (4, "uses_webcam"), (4, "social_networks_used"),  # unknown group and options
        (5, "submitted_at"),  # missing date
        (6, ""),  # too few cells
    }
    messages = {(p.line, p.column): p.message for p in caught.value.problems}
    assert "uses_webcam is 'yes'" in messages[(3, "webcam_chat_new_people")]
    assert "uses_webcam = 'no'" in messages[(3, "webcam_chat_new_people")]
    assert "'myspace' is not a choice" in messages[(4, "social_networks_used")]
    assert "NOPE99" in messages[(4, "group")]
    assert "line 4, column 'group'" in str(caught.value)
    ready.commit()
    assert _count(ready, Response) == 0 and _count(ready, Answer) == 0
    assert ready.scalars(select(Campaign).where(Campaign.name == "esafety-2016")).first() is None


def test_a_bad_row_after_many_good_chunks_still_imports_nothing(ready, tmp_path):
    path = tmp_path / "big.csv"
    good = "2016-03-01T09:00:00Z,HILL01,yes,no,,fine\n"
    path.write_text(HEADER + good * 4500 + "2016-03-01T09:00:00Z,HILL01,no,,yes,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_responses(ready, "esafety_year9", path, "esafety-2016")
    # threatened_on_webcam needs webcam_chat_new_people = yes, which this row skipped
    assert [(p.line, p.column) for p in caught.value.problems] == [(4502, "threatened_on_webcam")]
    ready.commit()
    assert _count(ready, Response) == 0


def test_chained_skip_logic_is_explained(ready, tmp_path):
    path = tmp_path / "chain.csv"
    path.write_text(HEADER + "2016-03-01,,no,yes,yes,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_responses(ready, "esafety_year9", path, "esafety-2016")
    messages = {p.column: p.message for p in caught.value.problems}
    assert set(messages) == {"webcam_chat_new_people", "threatened_on_webcam"}
    assert "(itself skipped)" in messages["threatened_on_webcam"]


def test_text_too_long_and_number_and_future_date(ready, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "2016-03-01,,yes,no,," + "x" * 5001 + "\n"
                    + "2999-01-01,,yes,no,,fine\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_responses(ready, "esafety_year9", path, "esafety-2016")
    messages = {(p.line, p.column): p.message for p in caught.value.problems}
    assert "5,001 characters" in messages[(2, "esafety_worries")]
    assert "future" in messages[(3, "submitted_at")]


def test_a_number_that_is_not_a_number(session, published_surveys, tmp_path):
    from voice.responses.importer import RowChecker
    from voice.surveys.loader import survey_from_dict

    survey = survey_from_dict({
        "id": "ages", "title": "Ages", "version": 1, "audience": {"min_age": 10, "max_age": 18},
        "intro": "Hi", "privacy_notice": "No names.",
        "sections": [{"id": "s", "title": "S", "questions": [
            {"id": "age", "type": "number", "text": "How old are you?", "min": 10, "max": 18}]}],
    }, source="test")
    checker = RowChecker(survey, {})
    assert checker.read_header(["submitted_at", "age"]) == []
    problems = []
    assert checker.check_row(2, ["2016-03-01", "twelve"], problems) is None
    assert checker.check_row(3, ["2016-03-01", "25"], problems) is None
    assert checker.check_row(4, ["2016-03-01", "12"], problems).answers == {"age": 12.0}
    assert [(p.line, p.column) for p in problems] == [(2, "age"), (3, "age")]
    assert "'twelve' is not a number" in problems[0].message
    assert "largest" in problems[1].message


def test_bom_and_other_scripts_are_kept_exactly(ready, tmp_path):
    path = tmp_path / "bom.csv"
    text = "Ich habe Angst 😢 — مرحبا — 你好 — <b>bold</b>\nsecond line"
    path.write_bytes(("\ufeff" + HEADER + f'2016-03-01,,yes,no,,"{text}"\n').encode("utf-8"))
    import_responses(ready, "esafety_year9", path, "esafety-2016")
    assert _answers(ready, "esafety_year9")[0]["esafety_worries"] == text


def test_not_utf8_is_explained(ready, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "2016-03-01,,yes,no,,caf\xe9\n").encode("latin-1"))
    with pytest.raises(ImportRejected) as caught:
        import_responses(ready, "esafety_year9", path, "esafety-2016")
    assert "CSV UTF-8" in caught.value.problems[0].message


def test_progress_is_reported(ready, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "2016-03-01T09:00:00Z,HILL01,yes,no,,\n" * 5000, encoding="utf-8")
    calls = []
    report = import_responses(ready, "esafety_year9", path, "esafety-2016", progress=lambda d, t: calls.append((d, t)))
    assert report.imported == 5000
    assert calls[0] == (1000, 5000) and calls[-1] == (5000, 5000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_bad_campaign_name_and_unknown_survey(ready):
    from voice.surveys.registry import UnknownSurvey

    with pytest.raises(CampaignError, match="Esafety 2016"):
        import_responses(ready, "esafety_year9", FIXTURES / "esafety_year9_good.csv", "Esafety 2016")
    with pytest.raises(UnknownSurvey, match="esafety_year6"):
        import_responses(ready, "esafety_year7", FIXTURES / "esafety_year9_good.csv", "esafety-2016")


def test_empty_and_header_only_files(ready, tmp_path):
    empty, header_only = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_text("", encoding="utf-8")
    header_only.write_text(HEADER, encoding="utf-8")
    for path in (empty, header_only):
        with pytest.raises(ImportRejected):
            import_responses(ready, "esafety_year9", path, "esafety-2016")
