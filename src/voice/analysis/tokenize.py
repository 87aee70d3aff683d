"""Tokens and text-speak normalisation shared by sentiment, coding and concerns.

Regular expressions only: NLTK tokenisers need corpora that are not installed.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["tokenize", "normalise", "normalised_tokens", "is_non_answer", "EMOJI_CLASS", "TEXT_SPEAK"]

# Emoji and pictographs (plus hearts/stars in the older symbol blocks). A
# variation selector or skin-tone modifier stays with its emoji.
EMOJI_CLASS = "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]"
_EMOJI = EMOJI_CLASS + "[\uFE0F\U0001F3FB-\U0001F3FF\u200D]*"
# A word: letters/digits of any script, with apostrophes kept inside ("don't").
_WORD = r"[^\W_]+(?:'[^\W_]+)*"
_TOKEN_RE = re.compile(f"{_WORD}|{_EMOJI}")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; emoji come out as tokens of their own.

    >>> tokenize("Don’t feel safe 😢 online!!")
    ["don't", 'feel', 'safe', '😢', 'online']
    """
    if not text:
        return []
    return _TOKEN_RE.findall(text.translate(_APOSTROPHES).lower())


# Text speak -> standard spelling. Lower-case keys; values may be several words.
# Kept to forms that are unambiguous in survey answers ("sh" is NOT here: it is
# only read as "self harm" by the concern lexicon, where context is checked).
TEXT_SPEAK: dict[str, str] = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "urself": "yourself", "r": "are",
    "im": "i'm", "ive": "i've",
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "wont": "won't",
    "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't", "werent": "weren't", "havent": "haven't",
    "hasnt": "hasn't", "shouldnt": "shouldn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "aint": "ain't", "dunno": "don't know", "duno": "don't know",
    "wanna": "want to", "wana": "want to", "gonna": "going to", "gona": "going to", "gotta": "got to",
    "idk": "i don't know", "idc": "i don't care", "dk": "don't know",
    "kms": "kill myself", "kys": "kill yourself",
    "sumtimes": "sometimes", "sumtime": "sometime", "smtimes": "sometimes", "sometyms": "sometimes",
    "sumthing": "something", "sumthin": "something", "somethin": "something",
    "sum1": "someone", "some1": "someone", "any1": "anyone", "every1": "everyone", "no1": "no one",
    "noone": "no one", "nobdy": "nobody", "evry": "every", "evryone": "everyone",
    "gr8": "great", "luv": "love", "lub": "love", "h8": "hate", "h8s": "hates", "h8ed": "hated",
    "rly": "really", "rlly": "really", "realy": "really", "reely": "really", "v": "very",
    "pls": "please", "plz": "please", "ppl": "people", "peeps": "people",
    "coz": "because", "cos": "because", "cuz": "because", "bc": "because", "becuz": "because", "bcoz": "because",
    "tbh": "to be honest", "ngl": "not going to lie", "imo": "in my opinion",
    "thx": "thanks", "ty": "thank you", "tho": "though", "thru": "through",
    "b4": "before", "2day": "today", "2moro": "tomorrow", "2nite": "tonight", "l8r": "later", "l8": "late",
    "m8": "mate", "m8s": "mates", "gud": "good", "gd": "good", "gr8t": "great",
    "wen": "when", "wiv": "with", "wud": "would", "wld": "would", "cud": "could", "shud": "should",
    "wat": "what", "wot": "what", "abt": "about",
    "hw": "homework", "skl": "school", "skool": "school", "teachr": "teacher",
    "bf": "boyfriend", "gf": "girlfriend", "bff": "best friend",
    "txt": "text", "txts": "texts", "msg": "message", "msgs": "messages", "msged": "messaged",
    "pic": "picture", "pics": "pictures", "pix": "pictures", "vid": "video", "vids": "videos",
    "nudez": "nudes", "selfharm": "self harm", "selfharming": "self harming", "selfharmed": "self harmed",
    "suicidel": "suicidal", "sucidal": "suicidal", "suicdal": "suicidal", "sucide": "suicide", "suicde": "suicide",
    "fam": "family", "bro": "brother", "sis": "sister",
    "nuffin": "nothing", "nuthin": "nothing", "nothin": "nothing", "summat": "something",
    "tryna": "trying to", "kinda": "kind of", "sorta": "sort of", "lotta": "lot of",
    "alot": "a lot", "scard": "scared", "scarred": "scared",
}
_SPEAK_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")


def _fix_word(match: re.Match) -> str:
    word = match.group()
    hit = TEXT_SPEAK.get(word)
    if hit is not None:
        return hit
    if _ELONGATED.search(word):
        # "soooo" -> "soo" -> "so"; "goood" -> "good"; "haaappy" -> "happy".
        two = _ELONGATED.sub(r"\1\1", word)
        one = _ELONGATED.sub(r"\1", word)
        for candidate in (TEXT_SPEAK.get(two), TEXT_SPEAK.get(one), _LONG_WORDS.get(two), _LONG_WORDS.get(one)):
            if candidate:
                return candidate
        return two if two in _KEEP_DOUBLE else one
    return word


# Elongations whose single-letter form is not the word.
_LONG_WORDS = {"soo": "so", "sooo": "so", "noo": "no", "pls": "please", "yess": "yes"}
_KEEP_DOUBLE = {"good", "soon", "feel", "need", "sleep", "too", "free", "cool", "hell", "well", "still",
                "all", "will", "kill", "till", "really", "happy", "sorry", "worried", "called", "see",
                "meet", "keep", "book", "school", "look", "bully", "fall", "call", "loop", "boo"}


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower-case text with text speak and stretched words spelled out.

    Punctuation and emoji are kept (sentiment reads "!!!" and 😢).
    "sumtimes i wanna die" -> "sometimes i want to die".
    """
    if not text:
        return ""
    return _SPEAK_RE.sub(_fix_word, text.translate(_APOSTROPHES).lower())


def normalised_tokens(text: str) -> list[str]:
    """Tokens of the normalised text: what coding and concerns match against."""
    return tokenize(normalise(text))


# Non-committal answers: whatever the words, there is no sentiment in them.
_NON_ANSWERS = {
    "", "idk", "i don't know", "don't know", "n/a", "na", "n a", "none", "no", "yes", "nope", "yeah",
    "maybe", "not sure", "unsure", "nothing", "no comment", "ok", "okay", "k", "fine", "meh",
    "sometimes", "it depends", "depends", "i don't care", "dunno", "nothing to say", "lol", "-", ".",
}

# Words that do not change a non-answer: "idk really", "not sure tbh".
_FILLERS = {"really", "to", "be", "honest", "honestly", "lol", "tbh", "ngl", "not going to lie", "just", "like", "um",
            "hmm"}


def is_non_answer(words: list[str]) -> bool:
    """A non-committal answer ("idk", "n/a", "not sure tbh"): word tokens, normalised."""
    joined = " ".join(words)
    return joined in _NON_ANSWERS or " ".join(w for w in words if w not in _FILLERS) in _NON_ANSWERS
