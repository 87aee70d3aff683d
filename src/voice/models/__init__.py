"""Typed tables (SQLAlchemy 2). One module per capability; import each here so migrations see them all."""

from voice.models.base import Base
from voice.models.surveys import Campaign, CampaignGroup, Group, SurveyRecord, SurveyVersion
from voice.models.responses import Answer, Response

__all__ = [
    "Answer",
    "Base",
    "Campaign",
    "CampaignGroup",
    "Group",
    "Response",
    "SurveyRecord",
    "SurveyVersion",
]
