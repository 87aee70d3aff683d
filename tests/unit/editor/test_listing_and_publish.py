"""Publishing asks whether the front page lists the survey; an unlisted survey still works by its link."""

from __future__ import annotations

import pytest

from voice.responses import service
from voice.security.access import AccessDenied, Actor
from voice.surveys import drafts, editor
from voice.surveys.registry import is_listed, list_surveys

FAY = Actor("fay", frozenset({"facilitator"}))


def _ready_draft(session, survey_id="ypag_march"):
    drafts.start_new(session, FAY, survey_id, "YPAG March")
    draft = drafts.load_draft(session, FAY, survey_id)
    draft = editor.add_question(draft, editor.sections(draft)[0]["id"],
                                {"id": "feel_safe", "type": "yes_no", "text": {"en": "Do you feel safe?"}})
    drafts.save_draft(session, FAY, draft)


def test_an_unlisted_survey_is_off_the_front_page_but_open_by_its_link(session, published_surveys):
    _ready_draft(session)
    version = drafts.publish_draft(session, FAY, "ypag_march", listed=False)
    assert is_listed(session, "ypag_march") is False
    assert "ypag_march" not in dict(list_surveys(session))  # what the front page reads
    assert "ypag_march" in dict(list_surveys(session, include_unlisted=True))  # staff pages see it
    progress = service.start_response(session, "ypag_march")  # the link still works
    assert progress.survey.id == "ypag_march"
    # Pressing Publish again finds the version already published instead of failing.
    assert drafts.publish_draft(session, FAY, "ypag_march", listed=False).id == version.id

    drafts.set_listed(session, FAY, "ypag_march", True)
    assert "ypag_march" in dict(list_surveys(session))
    with pytest.raises(AccessDenied):
        drafts.set_listed(session, Actor("bob", frozenset({"board_member"})), "ypag_march", False)


def test_publishing_listed_and_the_built_in_surveys_stay_listed(session, published_surveys):
    _ready_draft(session, "ypag_april")
    drafts.publish_draft(session, FAY, "ypag_april", listed=True)
    listed = dict(list_surveys(session))
    assert "ypag_april" in listed and "esafety_year9" in listed
    assert is_listed(session, "no_such_survey") is None
