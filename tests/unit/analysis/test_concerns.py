import pytest

from voice.analysis import DefinitionError
from voice.analysis.concerns import CATEGORIES, Concern, parse_lexicon


def test_recall_and_precision_on_labelled_answers(lexicon, labelled):
    rows = labelled("concerns_labelled.tsv")
    concerning = [(t, labels) for t, labels in rows if labels]
    benign = [t for t, labels in rows if not labels]
    assert len(concerning) >= 70 and len(benign) >= 120
    assert {c for _, labels in concerning for c in labels.split(",")} == set(CATEGORIES)  # every category covered
    flagged_true = sum(lexicon.detect(t).flag for t, _ in concerning)
    flagged_false = sum(lexicon.detect(t).flag for t in benign)
    recall = flagged_true / len(concerning)
    precision = flagged_true / (flagged_true + flagged_false)
    print(f"concerns: recall {recall:.3f} precision {precision:.3f}")
    assert recall >= 0.95
    assert precision >= 0.6


def test_category_is_right_for_most_flagged_answers(lexicon, labelled):
    rows = [(t, set(labels.split(","))) for t, labels in labelled("concerns_labelled.tsv") if labels]
    right = sum(bool(gold & set(lexicon.detect(t).categories)) for t, gold in rows)
    assert right / len(rows) >= 0.9


@pytest.mark.parametrize("text, category", [
    ("kms", "self_harm_suicide"),
    ("i wanna die", "self_harm_suicide"),
    ("sumtimes i want to hurt myself", "self_harm_suicide"),
    ("i self harm", "self_harm_suicide"),
    ("i selfharm", "self_harm_suicide"),
    ("started sh again", "self_harm_suicide"),
    ("im thinking of sucide", "self_harm_suicide"),
    ("my friend said her stepdad touches her", "sexual_abuse"),
    ("my mates dad hits him", "abuse_at_home"),
    ("he said he'd post my pics if i didn't send more", "threats_blackmail"),
    ("a boy in year 10 brings a knife in", "violence_weapons"),
    ("i'm going to run away", "missing_unsafe_home"),
])
def test_first_person_third_party_and_text_speak(lexicon, text, category):
    concern = lexicon.detect(text)
    assert concern.flag
    assert category in concern.categories
    assert concern.matches  # the DSL sees which words fired


@pytest.mark.parametrize("text", [
    "I'm killing it at football",
    "we were dying of laughter",
    "my mum would kill me if I failed",
    "this homework is killing me",
    "I could murder a pizza",
    "i'm dead 😂",
])
def test_idioms_are_not_concerns(lexicon, text):
    assert lexicon.detect(text) == Concern(False)


def test_an_idiom_does_not_hide_a_disclosure_in_the_same_answer(lexicon):
    concern = lexicon.detect("my mum would kill me if she knew but sometimes i want to kill myself")
    assert concern.flag and concern.categories == ("self_harm_suicide",)
    assert concern.matches == ("kill myself",)


def test_a_long_match_does_not_hide_another_category(lexicon):
    concern = lexicon.detect("someone threatened to beat me up after school")
    assert "threats_blackmail" in concern.categories


def test_categories_follow_the_fixed_order(lexicon):
    concern = lexicon.detect("he threatened me with a knife and now i want to kill myself")
    assert concern.categories == ("self_harm_suicide", "threats_blackmail", "violence_weapons")


LEXICON = """\
sets:
  adult: [dad, step dad]
safe_phrases: [killing it]
categories:
  abuse_at_home:
    - "{adult} ... hit*"
  other:
    - help me
"""


def test_sets_gaps_and_safe_phrases_from_a_small_lexicon():
    lex = parse_lexicon(LEXICON, "l.yaml")
    assert lex.detect("my step dad always hits").categories == ("abuse_at_home",)
    assert not lex.detect("my dad and me and my brother and the dog hit").flag  # gap is at most four words
    assert not lex.detect("killing it, help").flag
    assert lex.detect("please help me").matches == ("help me",)


def test_version_tracks_content():
    a = parse_lexicon(LEXICON, "l.yaml")
    assert parse_lexicon("# note\n" + LEXICON, "l.yaml").version == a.version
    assert parse_lexicon(LEXICON.replace("help me", "help us"), "l.yaml").version != a.version


@pytest.mark.parametrize("broken, line, field, message", [
    (LEXICON.replace("{adult}", "{grownup}"), 6, "categories.abuse_at_home[0]", "unknown set {grownup}"),
    (LEXICON.replace("  other:", "  others:"), 7, "categories.others", "unknown category"),
    (LEXICON.replace("safe_phrases: [killing it]", "safe_phrases: killing it"), 3, "safe_phrases", "must be a list"),
    (LEXICON.replace("    - help me", "    - li*ke"), 8, "categories.other[0]", "may only end a word"),
])
def test_broken_lexicon_names_line_and_field(broken, line, field, message):
    with pytest.raises(DefinitionError) as caught:
        parse_lexicon(broken, "surveys/analysis/concern_lexicon.yaml")
    assert (caught.value.line, caught.value.field) == (line, field)
    assert message in caught.value.message


@pytest.mark.parametrize("extra, field, message", [
    ("frames:\n  other: [adult + nobody]\n", "frames.other[0]", "unknown set 'nobody'"),
    ("frames:\n  other: [adult]\n", "frames.other[0]", "joins two or more set names"),
    ("frames:\n  others: [adult + adult]\n", "frames.others", "unknown category"),
    ("stance:\n  maybe: [lol]\n", "stance.maybe", "unknown stance"),
    ("topics:\n  other: ['{nope}']\n", "topics.other[0]", "unknown set {nope}"),
])
def test_broken_frames_stance_and_topics_name_the_field(extra, field, message):
    with pytest.raises(DefinitionError) as caught:
        parse_lexicon(LEXICON + extra, "surveys/analysis/concern_lexicon.yaml")
    assert caught.value.field == field and message in caught.value.message and caught.value.line


def test_frames_topics_and_stance_from_a_small_lexicon():
    lex = parse_lexicon("""\
sets:
  older: [a man, older]
  secrecy: [not to tell, our secret]
categories:
  other: [help me]
topics:
  violence_weapons: [knife]
frames:
  grooming_exploitation: [older + secrecy]
stance:
  about: [lesson]
  personal: [i, my]
""", "l.yaml")
    assert lex.detect("a knife").categories == ("violence_weapons",)
    assert not lex.detect("a lesson on the knife").flag  # a topic word in a lesson
    concern = lex.detect("a man at the park said not to tell anyone")
    assert concern.categories == ("grooming_exploitation",)
    assert concern.matches == ("older + secrecy: 'a man', 'not to tell'",)
    assert not lex.detect("a man ... " + "word " * 20 + "not to tell").flag  # too far apart for a frame
