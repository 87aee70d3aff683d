"""Typed tables (SQLAlchemy 2). One module per capability; import each here so migrations see them all."""

from voice.models.base import Base
from voice.models.surveys import Campaign, CampaignGroup, Group, SurveyRecord, SurveyVersion
from voice.models.responses import Answer, Response
from voice.models.evidence import Quote
from voice.models.priorities import Measure, PlanAction, PlanPeriod, Priority, RagStatus, YouSaidWeDid
from voice.models.security import AuditEvent, User, WebSession, WebTicket
from voice.models.editor import SurveyDraft
from voice.models.analysis import CodebookVersion, SafeguardingItem, TextAnalysis, ThemeReview
from voice.models.analysis_examples import AnalysisExample
from voice.models.safeguarding import NotificationOutbox, SafeguardingIndicator, SafeguardingScreening

__all__ = [
    "AnalysisExample",
    "Answer",
    "AuditEvent",
    "Base",
    "Campaign",
    "CampaignGroup",
    "CodebookVersion",
    "Group",
    "Measure",
    "NotificationOutbox",
    "PlanAction",
    "PlanPeriod",
    "Priority",
    "Quote",
    "RagStatus",
    "Response",
    "SafeguardingIndicator",
    "SafeguardingItem",
    "SafeguardingScreening",
    "SurveyDraft",
    "SurveyRecord",
    "SurveyVersion",
    "TextAnalysis",
    "ThemeReview",
    "User",
    "WebSession",
    "WebTicket",
    "YouSaidWeDid",
]
