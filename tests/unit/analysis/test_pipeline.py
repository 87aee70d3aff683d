import pytest

from voice.analysis.codebook import parse_codebook
from voice.analysis.pipeline import Analysis, AnalysisCache, analyse, analyse_many


def test_one_answer_gets_themes_sentiment_and_concern(codebook, lexicon):
    result = analyse("i feel so alone sumtimes and i wanna die", codebook, lexicon)
    assert "mental_health" in result.themes and "self_harm_suicide" in result.themes
    assert result.sentiment.label == "negative"
    assert result.concern.flag and result.concern.categories == ("self_harm_suicide",)


@pytest.mark.parametrize("text", ["", "   ", "idk", "n/a", "😭😭😭", "👍", "Привет, мне грустно", "我很好",
                                  "\x00hello\x00", "a" * 5000, ("I was bullied online. " * 250)])
def test_awkward_answers_do_not_fail(codebook, lexicon, text):
    result = analyse(text, codebook, lexicon)
    assert isinstance(result, Analysis)
    assert -1.0 <= result.sentiment.polarity <= 1.0


def test_long_answer_is_still_coded_and_checked(codebook, lexicon):
    text = ("school was fine today. " * 200) + "my dad hits me"
    assert len(text) > 4500
    result = analyse(text, codebook, lexicon)
    assert "school_support" in codebook.code(text)  # the whole answer is read for themes
    assert "family_home" in result.themes  # ... including its very end
    assert result.concern.flag  # the disclosure at the very end is not lost


def test_many_keeps_order_and_equals_one_by_one(codebook, lexicon):
    texts = ["idk", "my dad hits me", "idk", "lockdown was sooo boring", "", "idk"]
    expected = [analyse(t, codebook, lexicon) for t in texts]
    assert analyse_many(texts, codebook, lexicon, cache=False) == expected
    assert analyse_many(texts, codebook, lexicon) == expected
    assert analyse_many(texts, codebook, lexicon) == expected  # from cache


def test_cache_analyses_each_distinct_text_once(codebook, lexicon):
    cache = AnalysisCache(codebook, lexicon)
    analyse_many(["idk", "no", "idk", "no", "idk"], codebook, lexicon, cache=cache)
    assert len(cache) == 2


def test_cache_is_not_reused_after_the_codebook_changes(lexicon):
    first = parse_codebook("themes:\n  - id: a\n    name: A\n    words: [school]\n", "a.yaml")
    second = parse_codebook("themes:\n  - id: b\n    name: B\n    words: [school]\n", "a.yaml")
    assert analyse_many(["school"], first, lexicon)[0].themes == ("a",)
    assert analyse_many(["school"], second, lexicon)[0].themes == ("b",)
