from textblob import TextBlob

from voice.analysis.sentiment import Sentiment, score_sentiment


def _accuracy(rows, label_of):
    return sum(label_of(text) == label for text, label in rows) / len(rows)


def _textblob_label(text):
    p = TextBlob(text).sentiment.polarity
    return "positive" if p >= 0.1 else "negative" if p <= -0.1 else "neutral"


def test_three_class_accuracy_beats_goal_and_plain_textblob(labelled):
    rows = labelled("sentiment_labelled.tsv")
    assert len(rows) >= 180
    ours = _accuracy(rows, lambda t: score_sentiment(t).label)
    plain = _accuracy(rows, _textblob_label)
    print(f"sentiment accuracy: ours {ours:.3f}, plain TextBlob {plain:.3f} on {len(rows)} answers")
    assert ours >= 0.75
    assert ours > plain


def test_held_out_set_is_reported_and_not_worse_than_textblob(labelled):
    # Labelled before tuning and never tuned on: a guard against overfitting.
    rows = labelled("sentiment_heldout.tsv")
    assert len(rows) >= 60
    ours = _accuracy(rows, lambda t: score_sentiment(t).label)
    plain = _accuracy(rows, _textblob_label)
    print(f"held-out accuracy: ours {ours:.3f}, plain TextBlob {plain:.3f}")
    assert ours >= 0.7
    assert ours > plain


def test_negation_that_is_not_next_to_the_word():
    # TextBlob alone scores "I don't feel safe" as +0.5.
    assert score_sentiment("I feel safe at school").label == "positive"
    assert score_sentiment("I don't feel safe at school").label == "negative"
    assert score_sentiment("I never feel safe on the bus").label == "negative"


def test_being_heard_or_not():
    assert score_sentiment("nobody listens").label == "negative"
    assert score_sentiment("no one cares").label == "negative"
    assert score_sentiment("i feel alone").label == "negative"
    assert score_sentiment("I feel like I was listened to").label == "positive"


def test_text_speak_and_emoji():
    assert score_sentiment("my youth worker is gr8").label == "positive"
    assert score_sentiment("i h8 it").label == "negative"
    assert score_sentiment("😢").label == "negative"
    assert score_sentiment("👍").label == "positive"
    assert score_sentiment("the lesson was ok 😊").polarity > score_sentiment("the lesson was ok").polarity


def test_intensity_from_caps_exclamations_and_stretching():
    plain = score_sentiment("the lesson was bad").polarity
    assert score_sentiment("the lesson was BAD!!!").polarity < plain < 0
    assert score_sentiment("i'm really stressed").polarity < score_sentiment("i'm stressed").polarity
    assert score_sentiment("soooo happy").label == "positive"


def test_non_answers_are_neutral():
    for text in ["", "   ", "idk", "n/a", "N/A", "no", "ok", "fine", "nothing", "dunno"]:
        assert score_sentiment(text) == Sentiment(0.0, "neutral"), text


def test_polarity_stays_in_range_for_piled_up_feelings():
    s = score_sentiment("I HATE IT I HATE IT so stressed so scared so alone 😭😭😭😭!!!!")
    assert s.polarity == -1.0 and s.label == "negative"
