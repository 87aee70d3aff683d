"""'Uncovered words' on the demo answers: filler words are left out, words that could become a theme stay."""

from __future__ import annotations

from tests.unit.workspace.conftest import FACILITATOR
from voice.analysis.codebook import STOP_WORDS
from voice.analysis.review import uncovered
from voice.analysis.store import analyse_new_answers
from voice.demo import load_demo

FILLER = {"actually", "stuff", "something", "already", "happens", "happened", "us", "able", "getting", "without",
          "knowing", "really", "things", "like", "just", "kind", "lot", "dunno", "tbh", "gonna", "anything"}


def test_the_stop_word_list_covers_english_filler():
    assert len(STOP_WORDS) > 300
    assert FILLER <= STOP_WORDS
    assert not {"report", "bus", "buses", "lights", "safe", "trouble", "bullying", "school"} & STOP_WORDS


def test_uncovered_words_on_the_demo_answers_are_words_a_theme_could_use(session, published_surveys):
    load_demo(session)
    analyse_new_answers(session)
    session.commit()
    terms = dict(uncovered(session, FACILITATOR, top=30))
    assert terms, "the demo has answers no theme covers"
    words = {w for term in terms for w in term.split()}
    assert not words & FILLER, f"filler in uncovered words: {sorted(words & FILLER)}"
    # What a facilitator could make a theme of is still there (the codebook covers street lights and reporting
    # now; buses are still nobody's theme), and every word listed is a content word.
    assert "buses" in words
    assert not words & STOP_WORDS
