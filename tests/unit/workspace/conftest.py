"""Helpers for workspace tests: submitted responses with free text, and actors for each role."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from voice.models import Answer, Campaign, Group, Response, SurveyRecord
from voice.responses.codes import new_code
from voice.security.access import Actor
from voice.surveys.registry import ensure_default_campaign

FACILITATOR = Actor("fran", frozenset({"facilitator"}))
LEAD = Actor("dee", frozenset({"safeguarding_lead"}))
BOARD = Actor("bob", frozenset({"board_member"}))


class Maker:
    def __init__(self, session):
        self.session = session

    def group(self, code: str, name: str, type: str = "school") -> Group:
        group = self.session.scalars(select(Group).where(Group.code == code)).first()
        if group is None:
            group = Group(code=code, name=name, type=type)
            self.session.add(group)
            self.session.flush()
        return group

    def campaign(self, survey_id: str, name: str | None = None, title: str = "",
                 opens_at: datetime | None = None) -> Campaign:
        if name is None:
            return ensure_default_campaign(self.session, survey_id)
        campaign = self.session.scalars(select(Campaign).where(Campaign.survey_id == survey_id,
                                                               Campaign.name == name)).first()
        if campaign is None:
            campaign = Campaign(name=name, survey_id=survey_id, title=title, opens_at=opens_at)
            self.session.add(campaign)
            self.session.flush()
        return campaign

    def response(self, texts: dict[str, str], survey_id: str = "esafety_year9", consent: str | None = None,
                 group: Group | None = None, campaign: Campaign | None = None, submitted: bool = True,
                 extra: dict[str, str] | None = None) -> Response:
        record = self.session.get(SurveyRecord, survey_id)
        campaign = campaign or self.campaign(survey_id)
        response = Response(survey_id=survey_id, survey_version_id=record.current_version_id,
                            campaign_id=campaign.id, group_id=group.id if group else None, resume_code=new_code(),
                            status="submitted" if submitted else "in_progress",
                            receipt_code=new_code() if submitted else None,
                            submitted_at=datetime(2026, 3, 1, 12) if submitted else None)
        self.session.add(response)
        self.session.flush()
        for qid, text in texts.items():
            self.session.add(Answer(response_id=response.id, question_id=qid, option_id="", text=text))
        if consent:
            self.session.add(Answer(response_id=response.id, question_id="quote_consent", option_id=consent))
        for qid, option in (extra or {}).items():
            self.session.add(Answer(response_id=response.id, question_id=qid, option_id=option))
        self.session.flush()
        return response


@pytest.fixture
def make(session, published_surveys) -> Maker:
    return Maker(session)
