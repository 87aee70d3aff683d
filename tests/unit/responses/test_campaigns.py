from datetime import datetime

import pytest

from voice.models import Group, SurveyRecord
from voice.responses.campaigns import (CampaignError, CampaignNotFound, create_campaign, get_campaign,
                                       list_campaigns)
from voice.surveys.registry import UnknownSurvey


@pytest.fixture
def surveys(session):
    session.add_all([SurveyRecord(id="esafety_year9", title="Y9"), SurveyRecord(id="esafety_year6", title="Y6"),
                     Group(code="HILL01", name="Demo Hill Academy")])
    session.commit()


def test_create_and_find(session, surveys):
    created = create_campaign(session, "esafety-2016", "esafety_year9", opens_at=datetime(2016, 1, 1),
                              closes_at=datetime(2016, 4, 1), title="E-safety 2016", group_codes=["hill01"])
    session.commit()
    found = get_campaign(session, "esafety-2016")
    assert found.id == created.id and found.title == "E-safety 2016"
    assert [cg.group_id for cg in found.groups] == [session.query(Group).one().id]
    assert [c.name for c in list_campaigns(session, "esafety_year9")] == ["esafety-2016"]
    assert list_campaigns(session, "esafety_year6") == []


@pytest.mark.parametrize("name", ["Esafety 2016", "esafety_2016", "-esafety", "esafety--2016", "", "a" * 81])
def test_names_must_be_lower_case_slugs(session, surveys, name):
    with pytest.raises(CampaignError, match="like esafety-2016"):
        create_campaign(session, name, "esafety_year9")


def test_name_is_unique_per_survey_so_a_wave_can_span_surveys(session, surveys):
    create_campaign(session, "esafety-2016", "esafety_year9")
    create_campaign(session, "esafety-2016", "esafety_year6")  # the same wave for Year 6
    with pytest.raises(CampaignError, match="already has a campaign called 'esafety-2016'"):
        create_campaign(session, "esafety-2016", "esafety_year9")
    assert get_campaign(session, "esafety-2016", "esafety_year6").survey_id == "esafety_year6"
    with pytest.raises(CampaignError, match="several surveys"):
        get_campaign(session, "esafety-2016")


def test_unknown_survey_names_the_surveys_that_exist(session, surveys):
    with pytest.raises(UnknownSurvey) as caught:
        create_campaign(session, "esafety-2016", "esafety_year7")
    assert "esafety_year6" in str(caught.value) and "esafety_year9" in str(caught.value)


def test_closing_before_opening_and_unknown_groups_are_refused(session, surveys):
    with pytest.raises(CampaignError, match="close"):
        create_campaign(session, "x-2016", "esafety_year9", opens_at=datetime(2016, 4, 1),
                        closes_at=datetime(2016, 1, 1))
    with pytest.raises(CampaignError, match="NOPE"):
        create_campaign(session, "x-2016", "esafety_year9", group_codes=["HILL01", "NOPE"])


def test_get_campaign_names_what_exists(session, surveys):
    create_campaign(session, "esafety-2016", "esafety_year9")
    create_campaign(session, "esafety-2017", "esafety_year9")
    with pytest.raises(CampaignNotFound) as caught:
        get_campaign(session, "esafety-2018")
    assert "esafety-2016, esafety-2017" in str(caught.value)
    with pytest.raises(CampaignNotFound):
        get_campaign(session, "esafety-2016", survey_id="esafety_year6")  # exists, but for another survey
