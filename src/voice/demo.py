"""Demo content: invented schools, clearly labelled demo campaigns and synthetic responses.

Everything here is made up, marked `is_demo`, and every campaign title starts with
"DEMO – synthetic responses", so nobody mistakes it for what real young people said.
The numbers are generated with a fixed seed to roughly reproduce the 2016 e-safety results
(see docs/data.md), with 2017 a little better on some measures, so charts, "of these" bases,
trends and small-number suppression all have something true-to-life to show.

So a newcomer's board overview has something in it, the demo also loads the 2020/21 plan, codes the
demo comments, approves a few quotes (from answers whose demo respondent said yes to quoting), and
adds RAG judgements, two extra measures and "you said, we did" items, every one marked DEMO.
"""

from __future__ import annotations

import logging
import random
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voice.models import Campaign, Group, Response
from voice.responses.answers import clean_value
from voice.responses.bulk import ResponseRecord, insert_responses
from voice.responses.campaigns import create_campaign
from voice.surveys import skip_logic
from voice.surveys.registry import UnknownSurvey, get_survey
from voice.surveys.schema import PREFER_NOT_TO_SAY, Question, Survey

log = logging.getLogger(__name__)

SEED = 2016
DEMO_TITLE = "DEMO – synthetic responses"

# (code, name, area, type, phase): phase says which e-safety survey the school's pupils take.
# DEMO-VALE is small on purpose, so small-number suppression shows in its school pack.
DEMO_GROUPS = [
    ("DEMO-HILL", "Demo Hill Academy", "Charnwood", "school", "secondary"),
    ("DEMO-MEADOW", "Demo Meadowbank College", "Blaby", "school", "secondary"),
    ("DEMO-CASTLE", "Demo Castle Rise High School", "Hinckley and Bosworth", "school", "secondary"),
    ("DEMO-WOLDS", "Demo Wolds Academy", "Melton", "school", "secondary"),
    ("DEMO-FOREST", "Demo Forest Edge School", "North West Leicestershire", "school", "secondary"),
    ("DEMO-BROOK", "Demo Brookside Primary School", "Oadby and Wigston", "school", "primary"),
    ("DEMO-WILLOW", "Demo Willow Lane Primary", "Harborough", "school", "primary"),
    ("DEMO-ORCHARD", "Demo Orchard Church of England Primary", "Charnwood", "school", "primary"),
    ("DEMO-KESTREL", "Demo Kestrel Primary Academy", "Blaby", "school", "primary"),
    ("DEMO-STATION", "Demo Station Road Primary", "Hinckley and Bosworth", "school", "primary"),
    ("DEMO-OAKHAM", "Demo Oakham Meadows Primary", "Rutland", "school", "primary"),
    ("DEMO-VALE", "Demo Vale of Catmose School", "Rutland", "school", "both"),
    ("DEMO-YPAG", "Young People's Advisory Group (demo)", "Leicestershire and Rutland", "ypag", ""),
    ("DEMO-YOUTH", "Demo Eyebrook Youth Club", "Rutland", "youth_club", ""),
]
SMALL_GROUP = "DEMO-VALE"


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    survey_id: str
    opens: datetime
    closes: datetime
    size: int  # responses, about
    groups: tuple[str, ...]  # codes responses are spread over
    wave: str  # which answer shares to use


def _school_codes(phase: str) -> tuple[str, ...]:
    return tuple(g[0] for g in DEMO_GROUPS if g[4] in (phase, "both"))


DEMO_CAMPAIGNS = [
    DemoCampaign("demo-esafety-2016", "esafety_year9", datetime(2016, 2, 1), datetime(2016, 3, 25), 320,
                 _school_codes("secondary"), "2016"),
    DemoCampaign("demo-esafety-2016", "esafety_year6", datetime(2016, 2, 1), datetime(2016, 3, 25), 300,
                 _school_codes("primary"), "2016"),
    DemoCampaign("demo-esafety-2017", "esafety_year9", datetime(2017, 2, 1), datetime(2017, 3, 24), 340,
                 _school_codes("secondary"), "2017"),
    DemoCampaign("demo-esafety-2017", "esafety_year6", datetime(2017, 2, 1), datetime(2017, 3, 24), 310,
                 _school_codes("primary"), "2017"),
    DemoCampaign("demo-ypag-2020", "ypag_priorities", datetime(2020, 1, 13), datetime(2020, 2, 14), 45,
                 ("DEMO-YPAG", "DEMO-YOUTH"), "2020"),
    DemoCampaign("demo-ypag-2020", "ypag_wellbeing", datetime(2020, 5, 11), datetime(2020, 6, 26), 70,
                 ("DEMO-YPAG", "DEMO-YOUTH"), "2020"),
    DemoCampaign("demo-safe-2019", "safe_feel_safe", datetime(2019, 10, 7), datetime(2019, 11, 1), 180,
                 ("DEMO-YOUTH", "DEMO-YPAG", "DEMO-HILL", "DEMO-BROOK", "DEMO-WILLOW"), "2019"),
]

# Answer shares by question id (yes/no questions: the share saying yes). "Of these" questions are only
# asked when skip logic shows them, so a share here is automatically a share of those asked.
# Sources: the 2016 e-safety results (docs/data.md); 2017 is a little better on some measures.
YES_SHARES: dict[str, dict[str, dict[str, float]]] = {
    "esafety_year9": {
        "2016": {"uses_webcam": 0.70, "webcam_chat_new_people": 0.06, "threatened_on_webcam": 0.33,
                 "learned_esafety_school": 0.70, "met_online_contact": 0.10, "met_alone": 0.35,
                 "met_person_lied": 0.08, "sent_self_image": 0.07, "disability": 0.12, "quote_consent": 0.3},
        "2017": {"uses_webcam": 0.72, "webcam_chat_new_people": 0.05, "threatened_on_webcam": 0.30,
                 "learned_esafety_school": 0.78, "met_online_contact": 0.08, "met_alone": 0.30,
                 "met_person_lied": 0.08, "sent_self_image": 0.06, "disability": 0.12, "quote_consent": 0.3},
    },
    "esafety_year6": {
        "2016": {"parents_take_interest": 0.50, "uses_webcam": 0.37, "webcam_chat_new_people": 0.04,
                 "learned_esafety_school": 0.70, "has_social_profile": 0.55, "felt_unsafe_online": 0.10,
                 "quote_consent": 0.25},
        "2017": {"parents_take_interest": 0.56, "uses_webcam": 0.40, "webcam_chat_new_people": 0.04,
                 "learned_esafety_school": 0.76, "has_social_profile": 0.57, "felt_unsafe_online": 0.09,
                 "quote_consent": 0.25},
    },
    "ypag_priorities": {"2020": {"quote_consent": 0.35}},
    "ypag_wellbeing": {"2020": {"quote_consent": 0.3, "know_where_to_get_help": 0.6}},
    "safe_feel_safe": {"2019": {"quote_consent": 0.3}},
}
CHOICE_WEIGHTS: dict[str, dict[str, float]] = {
    "online_friends_never_met": {"none": 0.42, "1_to_10": 0.33, "more_than_10": 0.25},
    "gender": {"girl": 0.48, "boy": 0.48, "another_way": 0.04},
    "ethnicity": {"white": 0.78, "asian": 0.13, "black": 0.03, "mixed": 0.04, "other": 0.02},
    "year_group": {"year_6": 1.0, "year_9": 1.0},
    "lockdown_mood": {"very_low": 0.12, "low": 0.28, "okay": 0.35, "good": 0.18, "very_good": 0.07},
    "sleep": {"better": 0.15, "same": 0.35, "worse": 0.50},
    "feel_safe_home": {"always": 0.62, "mostly": 0.28, "sometimes": 0.08, "never": 0.02},
    "feel_safe_online": {"always": 0.25, "mostly": 0.45, "sometimes": 0.25, "never": 0.05},
}
# Multi-choice: the chance each option is ticked.
MULTI_SHARES: dict[str, dict[str, float]] = {
    "social_networks_used": {"instagram": 0.72, "snapchat": 0.78, "facebook": 0.45, "whatsapp": 0.52,
                             "youtube": 0.86, "tiktok": 0.05, "other": 0.15},
    "what_matters_most": {"mental_health": 0.8, "online_safety": 0.7, "bullying": 0.45, "school_support": 0.4,
                          "being_heard": 0.5, "family_home": 0.2, "domestic_abuse": 0.12, "exploitation": 0.15,
                          "other": 0.05},
    "support_used": {"family": 0.6, "friends": 0.65, "school": 0.3, "online": 0.35, "gp": 0.1, "camhs": 0.06,
                     "childline": 0.04, "other": 0.05},
}
PREFER_NOT_TO_SAY_SHARE = 0.03  # and higher on sensitive questions
SKIP_SHARE = 0.02  # left blank

# Invented comments in young people's own style. Quotes are attributed to a group, never a person.
COMMENTS: dict[str, list[str]] = {
    "worries": [
        "People asking for pics on snapchat, even when you say no they keep asking",
        "someone i met on a game keeps messaging me and says he'll tell everyone stuff if i don't send photos",
        "Being hacked and someone pretending to be me",
        "cyberbullying tbh. it follows you home, you cant get away from it",
        "Group chats where people say mean things about you and then delete it",
        "I worry my little sister is talking to people she doesnt know on roblox 😟",
        "fake accounts. you never know who is real",
        "When people screenshot your stuff and share it without asking",
        "Scams and people trying to get your bank details",
        "seeing stuff about self harm when you didnt search for it",
        "idk not really, i just block people",
        "That my mum will see what I post lol",
        "Strangers adding me and saying they're 14 when they're obviously not",
        "I get really anxious if nobody likes my posts",
        "people threatening to share pictures",
        "Nothing much 👍",
        "being left out of group chats on purpose",
        "Fake news about things that are scary like wars",
    ],
    "help_online": [
        "More lessons about it but not boring ones, real stories",
        "Teachers who actually know what snapchat is",
        "Knowing how to report stuff and that something actually happens after",
        "have older students talk to us not just adults",
        "Parents should learn about the apps too",
        "Tell us what to do if it has already happened, not just 'don't do it'",
        "An anonymous way to tell someone at school",
        "more info on how to protect yourself against cyber-bullying!!",
        "Settings help, like making your account private",
        "idk maybe an assembly that isnt cringe 😂",
        "Being able to talk about it without getting in trouble",
        "Apps should check people's ages properly",
    ],
    "change": [
        "Mental health should be on the school curriculum so people understand it",
        "Adults need to actually listen not just say they will",
        "Shorter waiting lists for CAMHS, my friend waited nearly a year",
        "When you go back to school they dont understand what you have been through",
        "Don't pull people out of lessons in front of everyone for support, everyone knows",
        "More youth clubs and places to go that are free",
        "I feel like I was listened to at YPAG but not at school",
        "More online safety info for younger kids because they're targeted",
        "Teachers should get training on mental health",
        "Tell us what happened with what we said. 'you said we did' is good",
        "Somewhere to talk that isnt the school office",
        "Support for young carers 💜",
        "Stop treating us like we're too young to understand",
        "Worries about being bullied online can affect your mental health and then you look online for help and "
        "get wrong info",
    ],
    "helped": [
        "Talking to my friends on facetime every night",
        "My dog tbh 🐶",
        "going for walks with my mum",
        "Childline, I used the chat and it helped",
        "Having a routine even when school was shut",
        "the youth worker checking in on us",
        "Drawing and music",
        "Not much honestly, it was hard",
    ],
    "would_help": [
        "Knowing who to talk to without it being a big deal",
        "Someone checking in who isn't a teacher",
        "More info about where to get help that isn't just a leaflet",
        "Being able to see friends",
        "Help with school work at home, I fell behind and it stresses me out",
        "A text service because I hate phone calls",
    ],
    "safer": [
        "Better street lights near the park",
        "More police around town centre at night but friendly ones",
        "Teachers stopping bullying properly not just saying stop it",
        "Buses that run later so we dont have to walk home",
        "Knowing that if I report something online it gets dealt with",
        "Adults who believe you the first time",
        "a safe space at lunch for people who get picked on",
        "Less people vaping and fighting at the bus stop",
        "Yeah I feel safe mostly 🙂",
        "Having someone to talk to at home",
    ],
}
TEXT_POOLS = {
    "esafety_worries": "worries", "esafety_help": "help_online", "what_should_change": "change",
    "what_helped": "helped", "what_would_help": "would_help", "what_would_make_you_safer": "safer",
}
TEXT_SHARE = 0.3  # share of young people who write something


@dataclass
class DemoReport:
    groups_added: int = 0
    loaded: dict[str, int] = field(default_factory=dict)  # "survey_id/campaign" -> responses added
    already_there: list[str] = field(default_factory=list)
    missing_surveys: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{n} {key}" for key, n in self.loaded.items()]
        text = "Demo responses loaded: " + (", ".join(parts) if parts else "none (already there)") + "."
        if self.missing_surveys:
            text += f" Not loaded (survey not published): {', '.join(self.missing_surveys)}."
        return text


def load_demo(session: Session) -> DemoReport:
    """Add demo groups, campaigns and responses. Safe to run again: only what is missing is added."""
    report = DemoReport()
    groups = _ensure_groups(session, report)
    for spec in DEMO_CAMPAIGNS:
        key = f"{spec.survey_id}/{spec.name}"
        try:
            version, survey = get_survey(session, spec.survey_id)
        except UnknownSurvey:
            report.missing_surveys.append(spec.survey_id)
            continue
        campaign = session.scalars(
            select(Campaign).where(Campaign.name == spec.name, Campaign.survey_id == spec.survey_id)
        ).first()
        if campaign is None:
            campaign = create_campaign(session, spec.name, spec.survey_id, spec.opens, spec.closes,
                                       title=f"{DEMO_TITLE}: {survey.title.get('en', spec.survey_id)} {spec.wave}",
                                       group_codes=spec.groups, is_demo=True,
                                       notes="Synthetic demo data with a fixed seed. Not real young people.")
        if session.scalar(select(func.count()).select_from(Response).where(Response.campaign_id == campaign.id)):
            report.already_there.append(key)
            continue
        records = generate_records(survey, spec, groups)
        report.loaded[key] = insert_responses(session, version, campaign, records, source="demo")
    if report.loaded:
        load_demo_evidence(session)
    return report


# --- the board's side: plan, RAG, measures, quotes, "you said, we did" ---------------------------------

DEMO_MARK = "DEMO"
DEMO_ACTOR_NAME = "demo"


def demo_actor():
    """Who made the demo content: a facilitator called "demo" (so the audit trail says so)."""
    from voice.security.access import Actor
    from voice.security.roles import FACILITATOR

    return Actor(DEMO_ACTOR_NAME, frozenset({FACILITATOR}))
# (priority key, status, rationale): invented judgements, so the overview shows every colour.
DEMO_RAG = [
    ("statutory", "green", "DEMO – reviews completed on time this year; learning briefings shared."),
    ("voice_of_child", "green", "DEMO – e-safety survey ran in every secondary school; YPAG at each board."),
    ("mental_health", "amber", "DEMO – YPAG action plan agreed but CAMHS waiting times not yet reported back."),
    ("communications", "amber", "DEMO – reporting campaign delayed to the spring term."),
    ("domestic_abuse", "red", "DEMO – audit not started; children's views not yet gathered."),
]
# (priority key, survey, question, options, label, polarity): measures the plan file does not have.
DEMO_MEASURES = [
    ("mental_health", "ypag_wellbeing", "know_where_to_get_help", ["yes"],
     "DEMO: % who know where to get help with their mental health", "high_is_good"),
    ("domestic_abuse", "safe_feel_safe", "feel_safe_home", ["always", "mostly"],
     "DEMO: % who feel safe at home always or mostly", "high_is_good"),
]
# (you said, we did, status, reason, raised, answered, priorities, published). Young people read these on
# the public page under "You said" and "We did", so the words are theirs and plain: no "DEMO:" read out as
# if someone had said it, no "You said" twice, no CAMHS, PSHE or YPAG left unexplained. The items are
# marked as demo by their agency (DEMO_AGENCY) and figures instead; the public page says they are made up.
DEMO_ITEMS = [
    ("There should be more information on how to protect yourself against bullying online.",
     "We worked with the Young People's Advisory Group (young people who advise us) on a leaflet and an "
     "assembly for every secondary school.", "done", "",
     (2020, 2, 14), (2020, 6, 1), ["voice_of_child", "communications"], True),
    ("Mental health should be taught at school.",
     "We asked schools to teach it in their personal, social and health lessons, and we are checking which do.",
     "in_progress", "", (2020, 2, 14), (2020, 9, 15), ["mental_health"], True),
    ("Being taken out of lessons for support makes it obvious to everyone.",
     "", "planned", "", (2020, 6, 26), None, ["mental_health"], False),
    ("Young people wait too long for help with their mental health.",
     "We can't change the waiting lists ourselves, so we took what you said to the people who pay for "
     "these services.",
     "not_possible", "The NHS runs mental health services for young people, not us. We passed your views on.",
     (2020, 6, 26), (2020, 10, 1), ["mental_health"], True),
    ("You want to know what happens after you report something online.",
     "", "planned", "", (2020, 7, 1), None, ["communications"], False),
]
DEMO_AGENCY = f"{DEMO_MARK} partnership"


def is_demo_item(agency: str | None) -> bool:
    """A "you said, we did" item the demo made up (its agency says so)."""
    return agency == DEMO_AGENCY


def load_demo_evidence(session: Session) -> None:
    """The plan, coded comments, approved quotes, RAG, measures and items for the demo (each step only once)."""
    from voice.analysis.store import analyse_new_answers
    from voice.config import get_settings
    from voice.evidence import priorities as plan
    from voice.models import Measure, Quote, RagStatus, YouSaidWeDid

    actor = demo_actor()
    plan.seed_default_plan(session, actor, get_settings().definitions_dir)
    analyse_new_answers(session)
    period = plan.current_period(session)
    if period is None:
        return
    by_key = {p.key: p for p in period.priorities}
    ids = [p.id for p in by_key.values()]
    if not session.scalar(select(func.count()).select_from(RagStatus).where(RagStatus.priority_id.in_(ids))):
        for key, status, rationale in DEMO_RAG:
            if key in by_key:
                # Dated inside the plan year, as a January board meeting would have set it.
                plan.set_rag(session, actor, by_key[key].id, status, rationale, at=datetime(2021, 1, 20))
    labels = set(session.scalars(select(Measure.label).where(Measure.priority_id.in_(ids))))
    for key, survey_id, question_id, options, label, polarity in DEMO_MEASURES:
        if key in by_key and label not in labels:
            try:
                plan.add_measure(session, actor, by_key[key].id, survey_id=survey_id, question_id=question_id,
                                 option_ids=options, label=label, polarity=polarity)
            except Exception:  # a survey changed under the demo: leave that measure out
                log.warning("demo measure %s not added", label)
    if not session.scalar(select(func.count()).select_from(Quote)):
        _demo_quotes(session)
    if not session.scalar(select(func.count()).select_from(YouSaidWeDid).where(YouSaidWeDid.period_id == period.id)):
        _demo_items(session, period.id, set(by_key))


def _demo_quotes(session: Session, per_priority: int = 3) -> None:
    """Approve a few demo comments as quotes: distinct texts, spread over the priorities their themes link to."""
    from voice.analysis.store import active_codebook
    from voice.evidence.quotes import QuoteRefused, approve_quote, consenting_answers, make_quote
    from voice.models import TextAnalysis
    actor = demo_actor()
    _, codebook = active_codebook(session)
    links = {t.id: set(t.priorities) for t in codebook.themes}
    candidates = consenting_answers(session, actor, limit=400)
    ids = [c[0] for c in candidates]
    themes: dict[int, list] = dict(session.execute(select(TextAnalysis.answer_id, TextAnalysis.theme_ids)
                                                   .where(TextAnalysis.answer_id.in_(ids))).all())
    taken: dict[str, int] = {}
    seen_texts: set[str] = set()
    for answer_id, _survey, _question, text in candidates:
        if not text or text in seen_texts or len(text) < 25:
            continue
        # Decide before making the quote: making one and throwing it away is slow and fills the audit trail.
        priorities = {p for t in themes.get(answer_id) or [] for p in links.get(t, ())}
        open_slots = sorted((taken.get(p, 0), p) for p in priorities if taken.get(p, 0) < per_priority)
        if not open_slots:
            continue
        # A facilitator approves a quote for the priority it speaks to, not every priority its themes touch.
        chosen = open_slots[0][1]
        try:
            quote = make_quote(session, actor, answer_id, priority_ids=[chosen])
        except QuoteRefused:
            continue
        seen_texts.add(text)
        approve_quote(session, actor, quote.id)
        taken[chosen] = taken.get(chosen, 0) + 1


def _demo_items(session: Session, period_id: str, keys: set[str]) -> None:
    from datetime import date

    from voice.evidence.you_said_we_did import create_item, publish_item

    actor = demo_actor()
    for you_said, we_did, status, reason, raised, answered, priorities, published in DEMO_ITEMS:
        item = create_item(session, actor, you_said=you_said, raised_at=date(*raised), period_id=period_id,
                           we_did=we_did, status=status, not_possible_reason=reason,
                           responded_at=date(*answered) if answered else None, audience="ypag",
                           agency=DEMO_AGENCY, figures=f"{DEMO_MARK} – made-up example, not real young people",
                           priority_ids=[k for k in priorities if k in keys])
        if published:
            publish_item(session, actor, item.id)


def _ensure_groups(session: Session, report: DemoReport) -> dict[str, int]:
    existing = {g.code: g for g in session.scalars(select(Group).where(Group.code.in_([g[0] for g in DEMO_GROUPS])))}
    for code, name, area, kind, _phase in DEMO_GROUPS:
        if code not in existing:
            group = Group(code=code, name=name, area=area, type=kind, is_demo=True)
            session.add(group)
            existing[code] = group
            report.groups_added += 1
    session.flush()
    return {code: group.id for code, group in existing.items()}


def generate_records(survey: Survey, spec: DemoCampaign, group_ids: Mapping[str, int]) -> list[ResponseRecord]:
    """Synthetic responses for one campaign: same seed, same answers, every run."""
    rng = random.Random(SEED + zlib.crc32(f"{spec.survey_id}/{spec.name}".encode()))
    shares = YES_SHARES.get(spec.survey_id, {}).get(spec.wave, {})
    plan = _spread(spec, rng)
    records = []
    for code in plan:
        answers = generate_answers(survey, shares, rng)
        records.append(ResponseRecord(submitted_at=_school_time(spec, rng), group_id=group_ids[code], answers=answers))
    records.sort(key=lambda r: r.submitted_at)
    return records


def _spread(spec: DemoCampaign, rng: random.Random) -> list[str]:
    """Group codes, one per response: the small school gets fewer than 10, the rest share the remainder."""
    codes = list(spec.groups)
    plan: list[str] = []
    if SMALL_GROUP in codes:
        codes.remove(SMALL_GROUP)
        plan += [SMALL_GROUP] * rng.randint(5, 8)
    weights = [rng.uniform(0.6, 1.4) for _ in codes]  # schools differ in size
    plan += rng.choices(codes, weights=weights, k=max(spec.size - len(plan), 0))
    return plan


def _school_time(spec: DemoCampaign, rng: random.Random) -> datetime:
    days = (spec.closes - spec.opens).days
    for _ in range(20):
        day = spec.opens + timedelta(days=rng.randrange(max(days, 1)))
        if day.weekday() < 5:
            break
    # 09:00-15:00 in school: UTC in February/March is UK time, near enough for demo data.
    return day.replace(hour=rng.randint(9, 14), minute=rng.randrange(60), second=rng.randrange(60))


def generate_answers(survey: Survey, yes_shares: Mapping[str, float], rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in survey.questions:
        if not skip_logic.is_shown(question, answers, survey):
            continue
        value = _answer(question, yes_shares, rng)
        if value is not None:
            answers[question.id] = clean_value(question, value)  # a survey change can never produce bad data
    return answers


def _answer(question: Question, yes_shares: Mapping[str, float], rng: random.Random) -> Any:
    option_ids = [o.id for o in question.options]
    if question.type == "text":
        pool = COMMENTS.get(TEXT_POOLS.get(question.id, ""), [])
        return rng.choice(pool) if pool and rng.random() < TEXT_SHARE else None
    if question.type == "number":
        low, high = question.min or 0, question.max if question.max is not None else 20
        return rng.randint(int(low), int(high))
    if rng.random() < SKIP_SHARE:
        return None
    not_say = PREFER_NOT_TO_SAY_SHARE * (2 if question.sensitive else 1)
    if PREFER_NOT_TO_SAY in option_ids and rng.random() < not_say:
        return PREFER_NOT_TO_SAY
    real = [o for o in option_ids if o != PREFER_NOT_TO_SAY]
    if question.type == "multi":
        shares = MULTI_SHARES.get(question.id, {})
        ticked = [o for o in real if o != "none" and rng.random() < shares.get(o, 0.3)]
        return ticked or (["none"] if "none" in real else [rng.choice(real)])
    if question.type == "yes_no" and question.id in yes_shares:
        return "yes" if rng.random() < yes_shares[question.id] else "no"
    weights = CHOICE_WEIGHTS.get(question.id, {})
    if weights and any(o in weights for o in real):
        return rng.choices(real, weights=[weights.get(o, 0.0) for o in real])[0]
    if question.type == "yes_no":
        return rng.choice(["yes", "no"])
    # Scales and other choices: lean to the middle-upper options, as real answers do.
    centre = (len(real) - 1) * 0.6
    return rng.choices(real, weights=[1.0 / (1 + abs(i - centre)) for i in range(len(real))])[0]
