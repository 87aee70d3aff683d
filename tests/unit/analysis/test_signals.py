"""The concern detector on our own tuning data: frames, stance, hopelessness, the learned backstop, languages.

Only tuning data is used here (tests/fixtures/analysis/own, written by us from published guidance, and the
independent tuning set); the blind evaluation set is never read by tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.workspace.conftest import Maker
from voice.analysis.concerns import NOT_SCREENED, load_lexicon
from voice.analysis.evaluation import evaluate, read_jsonl
from voice.analysis.language import readable
from voice.analysis.model import ModelError, load_model
from voice.analysis.pipeline import analyse
from voice.analysis.store import analyse_new_answers
from voice.analysis.tokenize import normalised_tokens
from voice.models import SafeguardingItem

ROOT = Path(__file__).resolve().parents[3]
OWN = sorted((ROOT / "tests" / "fixtures" / "analysis" / "own").glob("*.jsonl"))
DEFINITIONS = ROOT / "surveys" / "analysis"


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_recall_first_on_our_tuning_sets(codebook, lexicon, path):
    figures = evaluate(read_jsonl(path), lambda t: analyse(t, codebook, lexicon))
    assert figures.recall >= 0.95
    # Precision at the goals' mix (about a third of comments concerning), whatever this file's mix:
    # i13b_everyday2.jsonl is mostly everyday comments and hard negatives.
    false_alarm_rate = figures.fp / (figures.concern_n - figures.concern_true)
    assert figures.recall * 0.35 / (figures.recall * 0.35 + false_alarm_rate * 0.65) >= 0.6


def test_the_model_only_adds_flags(codebook):
    rules_only = load_lexicon(DEFINITIONS / "concern_lexicon.yaml", with_model=False)
    with_model = load_lexicon(DEFINITIONS / "concern_lexicon.yaml")
    assert with_model.model is not None and rules_only.model is None
    texts = [e.text for p in OWN for e in read_jsonl(p)]
    texts += [json.loads(line)["text"] for line in
              (ROOT / "tests/fixtures/analysis/independent/tuning.jsonl").read_text(encoding="utf-8").splitlines()]
    for text in texts:
        if rules_only.detect(text).flag:
            assert with_model.detect(text).flag, text  # rules OR model: never fewer flags


@pytest.mark.parametrize("text, category, reason", [
    ("a man at the bus stop says hes my best friend and not to tell mum", "grooming_exploitation", "older + secrecy"),
    ("i owe the olders now and they said i have to work it off", "grooming_exploitation", "work it off"),
    ("they said theyll send it to everyone unless i pay", "threats_blackmail", "exposure"),
    ("every1 would be better off without me tbh", "self_harm_suicide", "better off without me"),
    ("whats even the point anymore", "self_harm_suicide", "the point"),
    ("my step dad grabs me round the neck when he's drunk", "abuse_at_home", ""),
    ("my boyfriend tracks me on snap map and goes mad if i see my mates", "other", ""),
])
def test_everyday_words_and_frames_say_why(lexicon, text, category, reason):
    concern = lexicon.detect(text)
    assert concern.flag and category in concern.categories
    assert any(reason in m for m in concern.matches)


@pytest.mark.parametrize("text", [
    "we learned about self harm in pshe and where to get help",
    "people should know the signs of county lines",
    "knife arches at the door make me feel safer",
    "i used to self harm in year 8 but i got help and havent done it for 2 years, im fine now",
    "if i lose one more game im ending it all jk",
    "teach kids about grooming earlier",
])
def test_stance_education_suggestion_reassurance_resolved_joke(lexicon, text):
    assert not lexicon.detect(text).flag


@pytest.mark.parametrize("text", [
    "we did a lesson on self harm and i have been cutting again since christmas",
    "i used to self harm and i still do sometimes",
    "people should know my uncle hits me",
])
def test_stance_never_drops_a_present_personal_disclosure(lexicon, text):
    assert lexicon.detect(text).flag


def test_a_damaged_model_file_is_refused_and_the_rules_still_run(tmp_path, caplog):
    for name in ("concern_lexicon.yaml", "concern_model.json", "concern_model.json.sha256"):
        shutil.copy(DEFINITIONS / name, tmp_path / name)
    assert load_model(tmp_path / "concern_model.json").version
    model = tmp_path / "concern_model.json"
    model.write_text(model.read_text(encoding="utf-8").replace('"threshold": ', '"threshold": 0.0001, "x": '),
                     encoding="utf-8")
    with pytest.raises(ModelError, match="does not match"):
        load_model(model)
    lexicon = load_lexicon(tmp_path / "concern_lexicon.yaml")
    assert lexicon.model is None and "concern_model.json not used" in caplog.text
    assert lexicon.detect("i want to kill myself").flag


@pytest.mark.parametrize("text, expected", [
    ("i got bullied by sum1 and idk wot 2 do", True),
    ("bruv the opps was ridin thru ends", True),
    ("<script>alert('hi')</script>", True),
    ("😭😭😭", True),
    ("ok", True),
    ("ktoś ma moje zdjęcia i chce pieniędzy", False),
    ("je suis très triste et j'ai peur à la maison", False),
    ("أشعر أنني لا أريد أن أعيش", False),
    ("ਮੇਰੇ ਡੈਡੀ ਮੰਮੀ ਨੂੰ ਮਾਰਦੇ ਹਨ", False),
    ("Dugsiga waan jeclahay laakiin waxaan u baahanahay caawimaad", False),
])
def test_languages_the_analysis_does_not_read(text, expected):
    assert readable(text, normalised_tokens(text)) is expected


def test_an_unscreenable_answer_reaches_the_queue(session, published_surveys):
    make = Maker(session)
    response = make.response(
        {"esafety_worries": "میرے چچا مجھے غلط طریقے سے چھوتے ہیں اور کہتے ہیں کہ کسی کو مت بتانا"})
    analyse_new_answers(session)
    item = session.scalars(select(SafeguardingItem).where(SafeguardingItem.response_id == response.id)).one()
    assert NOT_SCREENED in item.categories
    (indicator,) = item.indicators
    assert indicator.matches and "language" in indicator.matches[-1]


def test_a_long_answer_with_a_hidden_disclosure_is_flagged(codebook, lexicon):
    text = ("school is alright and i like art and my form tutor is nice. " * 60) + "also my step mum hits me"
    assert len(text) > 3500
    result = analyse(text, codebook, lexicon)
    assert result.concern.flag and result.analysed
