"""A hand-made partnership for the board tests: one survey, two waves, a plan with two priorities,
coded comments, quotes, RAG and "you said, we did" items, with the figures worked out by hand below.

2016 wave: 200 young people; 140 use a webcam (70.0%), 30 of these chat to new people (21.4% of 140),
12 of those were threatened (40.0% of 30).
2017 wave: 100 young people; 81 use a webcam (81.0%), 11 of these chat (13.6% of 81), 2 threatened
(18.2% of 11: hidden, and so is 9 of 11 = 81.8%). 40 of them wrote comments (and one more comment is
held for the safeguarding leads):
  online safety 25 (62.5% of 40): 15 neutral (60.0%), 10 negative (40.0%)
  bullying 13 coded, one rejected by a facilitator -> 12 (30.0%): 8 negative (66.7%) and 4 positive (33.3%),
    both hidden
  mental health 2 coded + 3 added by a facilitator -> 5: hidden (12.5% never appears)
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from voice.models import (Answer, Campaign, PlanPeriod, Priority, Quote, SafeguardingIndicator, SafeguardingItem,
                          TextAnalysis, ThemeReview)
from voice.responses.bulk import ResponseRecord, insert_responses
from voice.security.access import Actor, SYSTEM

from tests.unit.stats.helpers import DEFINITION, publish_test_survey

SURVEY_ID = "board_test"
HIDDEN_PERCENTS = ("18.2%", "81.8%", "66.7%", "33.3%", "12.5%")


def board_definition() -> dict:
    d = copy.deepcopy(DEFINITION)
    d["id"] = SURVEY_ID
    questions = d["sections"][0]["questions"]
    for q in questions:
        if q["id"] in ("uses_webcam", "webcam_chat_new_people"):
            q["priorities"] = ["voice_of_child"]
    questions.append({"id": "comments", "type": "text", "text": "Anything else?"})
    questions.append({"id": "quote_consent", "type": "yes_no",
                      "text": "Can we use your words, without your name, in reports?"})
    return d


def _answers(webcam: int, chat: int, threatened: int, total: int) -> list[dict]:
    out = []
    for i in range(total):
        if i < chat:
            out.append({"uses_webcam": "yes", "webcam_chat_new_people": "yes",
                        "threatened_on_webcam": "yes" if i < threatened else "no"})
        elif i < webcam:
            out.append({"uses_webcam": "yes", "webcam_chat_new_people": "no"})
        else:
            out.append({"uses_webcam": "no"})
    return out


class Partnership:
    def __init__(self, session: Session):
        self.session = session
        self.version = publish_test_survey(session, board_definition())
        self.w2016 = self.campaign("wave-2016", 2016)
        self.w2017 = self.campaign("wave-2017", 2017)
        insert_responses(session, self.version, self.w2016,
                         [ResponseRecord(submitted_at=datetime(2016, 3, 1), group_id=None, answers=a)
                          for a in _answers(140, 30, 12, 200)])
        later = _answers(81, 11, 2, 100)
        for i in range(41):
            later[i]["comments"] = f"comment {i}"
        insert_responses(session, self.version, self.w2017,
                         [ResponseRecord(submitted_at=datetime(2017, 3, 1), group_id=None, answers=a) for a in later])
        self._code_comments()
        self.period = PlanPeriod(id="2020/21", title="Business plan 2020/21 (test)", starts=date(2020, 4, 1),
                                 ends=date(2021, 3, 31), is_current=True)
        session.add(self.period)
        self.voice = Priority(key="voice_of_child", title="Voice of the Child", owner="YPAG lead", position=0,
                              outcomes=["Work is directed by children's voice."])
        self.mental = Priority(key="mental_health", title="Mental Health", owner="Designated nurse", position=1,
                               outcomes=["Support is joined up."])
        self.period.priorities += [self.voice, self.mental]
        session.flush()
        self._plan_evidence()
        session.commit()

    def campaign(self, name: str, year: int) -> Campaign:
        c = Campaign(name=name, survey_id=SURVEY_ID, title=f"E-safety {year}", opens_at=datetime(year, 2, 1),
                     closes_at=datetime(year, 3, 25))
        self.session.add(c)
        self.session.flush()
        return c

    def _code_comments(self) -> None:
        from voice.analysis.store import active_codebook

        s = self.session
        active_codebook(s)  # the codebook in use (seeded from surveys/analysis/codebook.yaml)
        answers = list(s.scalars(select(Answer).where(Answer.question_id == "comments").order_by(Answer.response_id)))
        assert len(answers) == 41
        s.query(TextAnalysis).delete()

        def coded(answer, themes, sentiment, flag=False):
            s.add(TextAnalysis(answer_id=answer.id, text_hash=str(answer.id), codebook_version="test",
                               lexicon_version="test", theme_ids=themes, sentiment=sentiment, concern_flag=flag))

        for i, answer in enumerate(answers):
            if i < 25:
                coded(answer, ["online_safety"], "neutral" if i < 15 else "negative")
            elif i < 38:
                coded(answer, ["bullying"], "negative" if i < 33 else "positive")
            elif i < 40:
                coded(answer, ["mental_health"], "neutral")
            else:  # held for the safeguarding leads: never counted
                coded(answer, ["bullying"], "negative", flag=True)
                item = SafeguardingItem(response_id=answer.response_id, survey_id=SURVEY_ID)
                item.indicators.append(SafeguardingIndicator(answer_id=answer.id, kind="text", categories=["other"]))
                s.add(item)
        s.add(ThemeReview(answer_id=answers[37].id, theme_id="bullying", decision="rejected", reviewed_by="fay"))
        for i in (0, 1, 2):
            s.add(ThemeReview(answer_id=answers[i].id, theme_id="mental_health", decision="added", reviewed_by="fay"))
        s.flush()

    def _plan_evidence(self) -> None:
        from voice.evidence.priorities import add_measure, set_rag
        from voice.evidence.you_said_we_did import create_item

        s = self.session
        add_measure(s, SYSTEM, self.voice.id, survey_id=SURVEY_ID, question_id="uses_webcam", option_ids=["yes"],
                    label="% who use a webcam", polarity="no_polarity")
        add_measure(s, SYSTEM, self.voice.id, survey_id=SURVEY_ID, question_id="webcam_chat_new_people",
                    option_ids=["yes"], label="% of webcam users who chat to new people", polarity="low_is_good")
        add_measure(s, SYSTEM, self.voice.id, survey_id=SURVEY_ID, question_id="threatened_on_webcam",
                    option_ids=["yes"], label="% of chatters threatened", polarity="low_is_good")
        chair = Actor("chair", frozenset({"facilitator"}))
        set_rag(s, chair, self.voice.id, "amber", "Survey ran; replies to the YPAG are late.", at=datetime(2021, 1, 20))
        set_rag(s, chair, self.mental.id, "green", "On track.", at=datetime(2021, 1, 20))
        today = date.today()
        tester = Actor("test", frozenset({"facilitator"}))
        create_item(s, tester, you_said="You said online bullying affects you.", raised_at=today - timedelta(days=200),
                    period_id="2020/21", we_did="Assemblies in every school.", status="done",
                    responded_at=today - timedelta(days=100), priority_ids=["voice_of_child"])
        create_item(s, tester, you_said="You said reporting should be easier.", raised_at=today - timedelta(days=200),
                    period_id="2020/21", priority_ids=["voice_of_child"])
        for k in range(4):
            s.add(Quote(survey_id=SURVEY_ID, text=f"Approved words {k}", attribution="(YPAG)", status="approved",
                        priority_ids=["voice_of_child"], theme_ids=[], approved_at=datetime(2021, 1, k + 1)))
        s.add(Quote(survey_id=SURVEY_ID, text="Draft words never shown", attribution="(YPAG)", status="draft",
                    priority_ids=["voice_of_child"], theme_ids=[]))
        s.flush()


@pytest.fixture
def partnership(session: Session) -> Partnership:
    return Partnership(session)


@pytest.fixture(autouse=True)
def fresh_figures_cache():
    from voice.stats.results import clear_cache

    clear_cache()
    yield
    clear_cache()
