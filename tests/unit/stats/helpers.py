"""A small survey shaped like the e-safety one (built in the test, not from a file) and helpers that
publish it and add responses through the bulk insert."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy.orm import Session

from voice.models import Campaign, CampaignGroup, Group, SurveyRecord, SurveyVersion
from voice.responses.bulk import ResponseRecord, insert_responses
from voice.surveys.loader import survey_from_dict
from voice.surveys.registry import content_hash

SURVEY_ID = "stats_test"
DEFINITION = {
    "id": SURVEY_ID, "title": "E-safety (test)", "version": 1,
    "audience": {"min_age": 10, "max_age": 15},
    "intro": "About being online.", "privacy_notice": "No names.",
    "sections": [{
        "id": "about", "title": "About you",
        "questions": [
            {"id": "year_group", "type": "single", "text": "Which year are you in?",
             "options": [{"id": "year6", "label": "Year 6"}, {"id": "year9", "label": "Year 9"}]},
            {"id": "uses_webcam", "type": "yes_no", "text": "Do you use a webcam or camera phone?"},
            {"id": "webcam_chat_new_people", "type": "yes_no", "text": "Do you use it to chat to new people?",
             "show_if": {"question": "uses_webcam", "equals": "yes"}},
            {"id": "threatened_on_webcam", "type": "yes_no", "text": "Has anyone threatened you?",
             "show_if": {"question": "webcam_chat_new_people", "equals": "yes"}},
            {"id": "apps", "type": "multi", "text": "Which apps do you use?",
             "options": [{"id": "instagram", "label": "Instagram"}, {"id": "snapchat", "label": "Snapchat"},
                         {"id": "facebook", "label": "Facebook"}]},
            {"id": "hours_online", "type": "number", "text": "Hours online a day?", "min": 0, "max": 24},
        ],
    }],
}


def publish_test_survey(session: Session, definition: Mapping = DEFINITION) -> SurveyVersion:
    survey = survey_from_dict(definition)
    session.add(SurveyRecord(id=survey.id, title="E-safety (test)"))
    session.flush()
    version = SurveyVersion(survey_id=survey.id, revision=1, declared_version=1,
                            content_hash=content_hash(dict(definition)), definition=dict(definition), source="test")
    session.add(version)
    session.flush()
    session.get(SurveyRecord, survey.id).current_version_id = version.id
    session.flush()
    return version


class World:
    """The test survey in the database, with campaigns and groups made on demand."""

    def __init__(self, session: Session):
        self.session = session
        self.version = publish_test_survey(session)
        self.campaigns: dict[str, Campaign] = {}
        self.groups: dict[str, Group] = {}

    def campaign(self, name: str, year: int = 2016) -> Campaign:
        if name not in self.campaigns:
            campaign = Campaign(name=name, survey_id=SURVEY_ID, title=name, opens_at=datetime(year, 1, 1))
            self.session.add(campaign)
            self.session.flush()
            self.campaigns[name] = campaign
        return self.campaigns[name]

    def group(self, code: str, area: str = "North", name: str | None = None) -> Group:
        if code not in self.groups:
            group = Group(code=code, name=name or f"{code.title()} School", area=area)
            self.session.add(group)
            self.session.flush()
            self.groups[code] = group
        return self.groups[code]

    def invite(self, campaign: str, code: str) -> None:
        self.session.add(CampaignGroup(campaign_id=self.campaign(campaign).id, group_id=self.group(code).id))
        self.session.flush()

    def add(self, campaign: str, answers: Iterable[Mapping], group: str | None = None, times: int = 1) -> None:
        group_id = self.group(group).id if group else None
        records = [ResponseRecord(submitted_at=datetime(2016, 3, 1), group_id=group_id, answers=dict(a))
                   for a in answers for _ in range(times)]
        insert_responses(self.session, self.version, self.campaign(campaign), records)
        self.session.commit()


def find(rows, question_id, option_id, by=None, value=None):
    matches = [r for r in rows if (r.question_id, r.option_id, r.by, r.value) == (question_id, option_id, by, value)]
    assert len(matches) == 1, f"{question_id}/{option_id}/{by}/{value}: {len(matches)} rows"
    return matches[0]
