"""Drafts in the database, publishing as a new version, campaign links and QR codes, languages combining."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from voice.models import Answer, Group, Response, SurveyDraft, SurveyVersion
from voice.responses import service
from voice.responses.campaigns import CampaignError
from voice.responses.links import campaign_links, links_sheet_pdf, open_campaign, qr_png, survey_link
from voice.security.access import AccessDenied, Actor
from voice.surveys import drafts
from voice.surveys import editor as ed
from voice.surveys.editor import EditRefused
from voice.surveys.loader import load_survey_file
from voice.surveys.registry import get_survey, publish

FACILITATOR = Actor("fran", frozenset({"facilitator"}))
BOARD = Actor("bob", frozenset({"board_member"}))
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "surveys" / "every_feature_en_pl.yaml"


def build_two_questions(session) -> None:
    d = drafts.start_new(session, FACILITATOR, "ypag_march", "Your say in March")
    d = ed.add_question(d, "questions", {"id": "feel_safe", "type": "yes_no", "text": "Do you feel safe at school?"})
    drafts.save_draft(session, FACILITATOR, d)
    d = ed.add_question(d, "questions", {"id": "what_helps", "type": "single", "text": "What helps most?",
                                         "options": [{"id": "friends", "label": "Friends"},
                                                     {"id": "teachers", "label": "Teachers"}]})
    drafts.save_draft(session, FACILITATOR, d)


def test_a_draft_is_saved_and_reloaded_after_each_edit(session):
    build_two_questions(session)
    session.commit()
    session.expunge_all()
    loaded = drafts.load_draft(session, FACILITATOR, "ypag_march")
    assert [q["id"] for q in ed.questions(loaded)] == ["feel_safe", "what_helps"]
    row = session.scalars(select(SurveyDraft)).one()
    assert row.updated_by == "fran"
    assert [d.survey_id for d in drafts.list_drafts(session, FACILITATOR)] == ["ypag_march"]


def test_publish_makes_a_new_version_and_old_responses_keep_theirs(session):
    build_two_questions(session)
    first = drafts.publish_draft(session, FACILITATOR, "ypag_march", listed=True)
    assert first.revision == 1 and drafts.load_draft(session, FACILITATOR, "ypag_march") is None
    old = service.start_response(session, "ypag_march")
    d = drafts.start_from(session, FACILITATOR, "ypag_march")
    d = ed.set_question_fields(d, "feel_safe", text="Do you feel safe in school?")
    drafts.save_draft(session, FACILITATOR, d)
    second = drafts.publish_draft(session, FACILITATOR, "ypag_march", listed=True)
    assert second.revision == 2
    assert get_survey(session, "ypag_march")[1].question("feel_safe").text["en"] == "Do you feel safe in school?"
    reloaded = service.load_progress(session, old.resume_code)
    assert reloaded.survey_version_id == first.id
    assert reloaded.survey.question("feel_safe").text["en"] == "Do you feel safe at school?"


def test_publishing_an_incomplete_draft_is_refused_with_what_to_fix(session):
    drafts.start_new(session, FACILITATOR, "empty_one", "Nothing yet")
    with pytest.raises(EditRefused) as info:
        drafts.publish_draft(session, FACILITATOR, "empty_one", listed=True)
    assert "needs a list of questions" in str(info.value)
    assert session.scalar(select(func.count()).select_from(SurveyVersion)) == 0


def test_file_surveys_are_edited_as_a_copy(session, published_surveys):
    with pytest.raises(EditRefused) as info:
        drafts.start_from(session, FACILITATOR, "esafety_year9")
    assert "new id" in str(info.value)
    copy = drafts.start_from(session, FACILITATOR, "esafety_year9", new_id="esafety_year9_2025")
    assert copy["id"] == "esafety_year9_2025"
    with pytest.raises(EditRefused):
        drafts.start_new(session, FACILITATOR, "esafety_year6", "Taken")


def test_only_facilitators_and_admins_edit(session):
    with pytest.raises(AccessDenied):
        drafts.start_new(session, BOARD, "sneaky", "No")
    with pytest.raises(AccessDenied):
        drafts.list_drafts(session, BOARD)


def test_campaign_links_qr_and_sheet(session, published_surveys):
    session.add_all([Group(code="LHS", name="Lutterworth High"), Group(code="YPAG", name="YPAG", type="ypag")])
    session.flush()
    campaign = open_campaign(session, FACILITATOR, "esafety_year9", "esafety-2025", datetime(2025, 1, 6),
                             datetime(2025, 2, 14), group_codes=["LHS", "YPAG"])
    links = campaign_links(session, FACILITATOR, campaign.id, "https://voice.example.org/")
    assert [link.url for link in links] == [
        "https://voice.example.org/?survey=esafety_year9&group=LHS&campaign=esafety-2025",
        "https://voice.example.org/?survey=esafety_year9&group=YPAG&campaign=esafety-2025",
    ]
    png = qr_png(links[0].url)
    assert png.startswith(b"\x89PNG")
    assert links_sheet_pdf("esafety-2025", links).startswith(b"%PDF")
    with pytest.raises(CampaignError, match="close"):
        open_campaign(session, FACILITATOR, "esafety_year9", "backwards", datetime(2025, 3, 1), datetime(2025, 2, 1))
    with pytest.raises(AccessDenied):
        open_campaign(session, BOARD, "esafety_year9", "board-one")
    assert survey_link("http://x", "s") == "http://x/?survey=s"


def test_a_groups_link_starts_a_response_for_that_group_and_campaign(session, published_surveys):
    session.add(Group(code="LHS", name="Lutterworth High"))
    session.flush()
    campaign = open_campaign(session, FACILITATOR, "esafety_year6", "spring-2025", group_codes=["LHS"])
    progress = service.start_response(session, "esafety_year6", "LHS", campaign.name)
    assert progress.campaign_name == "spring-2025" and progress.group_name == "Lutterworth High"


def test_answers_in_different_languages_count_together(session):
    survey = load_survey_file(FIXTURE)
    publish(session, survey, source="test")
    codes = []
    for language in ("en", "pl"):
        progress = service.start_response(session, "every_feature", language=language)
        service.save_step(session, progress.resume_code, {"school_year": "year_9", "feels_safe": "no"},
                          ["school_year", "uses_apps", "feels_safe"], 1)
        service.submit(session, progress.resume_code)
        codes.append(progress.resume_code)
    languages = session.scalars(select(Response.language).where(Response.resume_code.in_(codes))).all()
    assert sorted(languages) == ["en", "pl"]
    counts = dict(session.execute(select(Answer.option_id, func.count()).where(Answer.question_id == "school_year")
                                  .group_by(Answer.option_id)).all())
    assert counts == {"year_9": 2}  # stored by option id: Polish "Klasa 9" and English "Year 9" are one answer
