import time

from sqlalchemy import func, select

from voice.demo import DEMO_CAMPAIGNS, DEMO_TITLE, SMALL_GROUP, load_demo
from voice.models import Answer, Campaign, Group, Response


def _share(session, survey_id, campaign_name, question_id, base_question=None, base_option="yes"):
    """Share answering 'yes' among those who answered (yes or no), optionally only where base = yes."""
    campaign = session.scalars(select(Campaign).where(Campaign.name == campaign_name,
                                                      Campaign.survey_id == survey_id)).one()
    query = select(Answer.option_id, func.count()).join(Response).where(
        Response.campaign_id == campaign.id, Answer.question_id == question_id,
        Answer.option_id.in_(["yes", "no"])).group_by(Answer.option_id)
    counts = dict(session.execute(query).all())
    return counts.get("yes", 0) / max(sum(counts.values()), 1)


def test_demo_loads_quickly_labelled_and_roughly_reproduces_2016(session, published_surveys):
    started = time.perf_counter()
    report = load_demo(session)
    session.commit()
    assert time.perf_counter() - started < 5
    assert not report.missing_surveys
    assert len(report.loaded) == len(DEMO_CAMPAIGNS)
    campaigns = session.scalars(select(Campaign).where(Campaign.is_demo.is_(True))).all()
    assert len(campaigns) == len(DEMO_CAMPAIGNS)
    assert all(c.title.startswith(DEMO_TITLE) for c in campaigns)
    assert {(c.name, c.survey_id) for c in campaigns} >= {("demo-esafety-2016", "esafety_year9"),
                                                          ("demo-esafety-2016", "esafety_year6"),
                                                          ("demo-ypag-2020", "ypag_wellbeing"),
                                                          ("demo-safe-2019", "safe_feel_safe")}
    assert session.scalar(select(func.count()).select_from(Group).where(Group.is_demo.is_(False))) == 0

    # The 2016 headline shares, within sampling noise for a few hundred responses.
    assert abs(_share(session, "esafety_year9", "demo-esafety-2016", "uses_webcam") - 0.70) < 0.07
    assert abs(_share(session, "esafety_year9", "demo-esafety-2016", "learned_esafety_school") - 0.70) < 0.07
    assert abs(_share(session, "esafety_year6", "demo-esafety-2016", "parents_take_interest") - 0.50) < 0.08
    assert abs(_share(session, "esafety_year6", "demo-esafety-2016", "has_social_profile") - 0.55) < 0.08
    assert _share(session, "esafety_year9", "demo-esafety-2017", "learned_esafety_school") > _share(
        session, "esafety_year9", "demo-esafety-2016", "learned_esafety_school")

    # "Of these" questions were only answered by those skip logic showed them to.
    hidden = session.scalar(
        select(func.count()).select_from(Answer).where(
            Answer.question_id == "webcam_chat_new_people",
            Answer.response_id.in_(select(Answer.response_id).where(Answer.question_id == "uses_webcam",
                                                                    Answer.option_id != "yes"))))
    assert hidden == 0

    # One small school (suppression), some prefer-not-to-say, free text and a few quote consents.
    small = session.scalars(select(Group).where(Group.code == SMALL_GROUP)).one()
    per_campaign = session.execute(select(Response.campaign_id, func.count()).where(Response.group_id == small.id)
                                   .group_by(Response.campaign_id)).all()
    assert per_campaign and all(n < 10 for _, n in per_campaign)
    assert session.scalar(select(func.count()).select_from(Answer).where(Answer.option_id == "prefer_not_to_say")) > 10
    texts = session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
    assert len(set(texts)) > 40 and any("😟" in t or "🙂" in t for t in texts)


def test_demo_is_idempotent_and_deterministic(session, published_surveys):
    load_demo(session)
    session.commit()
    first = session.execute(select(Answer.question_id, Answer.option_id, Answer.text).order_by(Answer.id)).all()
    count = session.scalar(select(func.count()).select_from(Response))
    again = load_demo(session)
    session.commit()
    assert again.loaded == {} and again.groups_added == 0
    assert session.scalar(select(func.count()).select_from(Response)) == count

    session.execute(Answer.__table__.delete())
    session.execute(Response.__table__.delete())
    session.commit()
    load_demo(session)
    session.commit()
    second = session.execute(select(Answer.question_id, Answer.option_id, Answer.text).order_by(Answer.id)).all()
    assert second == first  # fixed seed: the same demo every time
