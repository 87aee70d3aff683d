"""Campaigns: a survey run over a period (e.g. `esafety-2016`), optionally for invited groups.

Names are lower-case slugs because they appear in links and file names and are typed in commands.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.errors import Invalid, NotFound
from voice.models import Campaign, CampaignGroup, Group, SurveyRecord
from voice.surveys.registry import UnknownSurvey, list_survey_ids

NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX = 80


class CampaignError(Invalid):
    """A campaign that cannot be created as asked; the message says what to change."""


class CampaignNotFound(NotFound):
    def __init__(self, name: str, known: list[str], survey_id: str | None = None):
        self.name, self.known = name, known
        scope = f" for survey '{survey_id}'" if survey_id else ""
        super().__init__(f"There is no campaign called '{name}'{scope}. "
                         f"Campaigns{scope}: {', '.join(known) or 'none yet'}.")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_PATTERN.match(name) or len(name) > NAME_MAX:
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:NAME_MAX]
        hint = f" Try '{suggestion}'." if suggestion and NAME_PATTERN.match(suggestion) else ""
        raise CampaignError(f"'{name}' can't be used as a campaign name: use lower-case letters, digits and "
                            f"single hyphens, up to {NAME_MAX} characters, like esafety-2016.{hint}")
    return name


def create_campaign(session: Session, name: str, survey_id: str, opens_at: datetime | None = None,
                    closes_at: datetime | None = None, title: str = "", group_codes: Iterable[str] = (),
                    *, is_demo: bool = False, notes: str = "") -> Campaign:
    name = check_name(name)
    if session.get(SurveyRecord, survey_id) is None:
        raise UnknownSurvey(survey_id, list_survey_ids(session))
    # Unique per survey: one wave (esafety-2016) may name the Year 6 and the Year 9 campaign alike.
    existing = session.scalars(select(Campaign).where(Campaign.name == name, Campaign.survey_id == survey_id)).first()
    if existing is not None:
        raise CampaignError(f"Survey '{survey_id}' already has a campaign called '{name}'. "
                            "Pick another name, for example with the year or term in it.")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise CampaignError(f"The campaign would close ({closes_at:%Y-%m-%d %H:%M}) before it opens "
                            f"({opens_at:%Y-%m-%d %H:%M}).")
    groups = _groups_by_code(session, group_codes)
    campaign = Campaign(name=name, survey_id=survey_id, title=title.strip() or name, opens_at=opens_at,
                        closes_at=closes_at, is_demo=is_demo, notes=notes)
    campaign.groups = [CampaignGroup(group_id=g.id) for g in groups]
    session.add(campaign)
    session.flush()
    return campaign


def _groups_by_code(session: Session, codes: Iterable[str]) -> list[Group]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        return []
    found = {g.code.lower(): g for g in session.scalars(
        select(Group).where(func.lower(Group.code).in_([c.lower() for c in wanted])))}
    unknown = [c for c in wanted if c.lower() not in found]
    if unknown:
        raise CampaignError(f"Unknown group code(s): {', '.join(unknown)}. Add them first with "
                            "`voice groups import`, or check the spelling (`voice groups list`).")
    return [found[c.lower()] for c in wanted]


def list_campaigns(session: Session, survey_id: str | None = None) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.survey_id, Campaign.name)
    if survey_id:
        query = query.where(Campaign.survey_id == survey_id)
    return list(session.scalars(query))


def get_campaign(session: Session, name: str, survey_id: str | None = None) -> Campaign:
    """The campaign called `name` (of `survey_id`, when given); CampaignNotFound lists what exists.

    Without `survey_id` a name shared by several surveys' campaigns is refused as ambiguous.
    """
    query = select(Campaign).where(Campaign.name == (name or "").strip())
    if survey_id:
        query = query.where(Campaign.survey_id == survey_id)
    found = list(session.scalars(query))
    if not found:
        known = sorted({c.name for c in list_campaigns(session, survey_id)})
        raise CampaignNotFound(name, known, survey_id)
    if len(found) > 1:
        raise CampaignError(f"'{name}' is a campaign of several surveys "
                            f"({', '.join(sorted(c.survey_id for c in found))}): say which survey.")
    return found[0]
