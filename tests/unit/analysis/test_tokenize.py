from hypothesis import given, strategies as st

from voice.analysis.tokenize import normalise, tokenize


def test_lower_cases_and_keeps_apostrophes_inside_words():
    assert tokenize("I DON’T feel safe, it's bad") == ["i", "don't", "feel", "safe", "it's", "bad"]


def test_emoji_are_separate_tokens_even_when_touching_words():
    assert tokenize("sad😢😭 ok👍🏽") == ["sad", "😢", "😭", "ok", "👍🏽"]


def test_other_scripts_are_words():
    assert tokenize("Привет мир, 你好 and ہیلو") == ["привет", "мир", "你好", "and", "ہیلو"]


def test_text_speak_is_spelled_out():
    assert normalise("sumtimes i wanna die idk") == "sometimes i want to die i don't know"
    assert normalise("u r gr8, im gonna h8 it") == "you are great, i'm going to hate it"
    assert normalise("kms") == "kill myself"
    assert normalise("dont") == "don't"


def test_stretched_words_are_shortened():
    assert normalise("soooo saaad") == "so sad"
    assert normalise("goooood") == "good"


def test_normalise_does_not_touch_ordinary_words_or_punctuation():
    assert normalise("My school is OK!!! 😊") == "my school is ok!!! 😊"


@given(st.text(max_size=200))
def test_tokens_never_contain_spaces_and_are_lower_case(text):
    for token in tokenize(text):
        assert token and not any(ch.isspace() for ch in token)
        assert token == token.lower()
