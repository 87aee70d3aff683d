"""Sentiment of a young person's answer: TextBlob polarity plus adjustments.

TextBlob (the "pattern" lexicon) scores adjectives well but misses how young
people write: verbs of being heard or ignored ("nobody listens"), negation that
is not right next to the word ("don't feel safe"), text speak ("h8", "gr8"),
emoji, and suggestions full of "more" ("more youth clubs" is a request, not
praise). The steps, in order:

1. `normalise` spells out text speak and stretched words ("soooo" -> "so").
2. TextBlob's pattern analyser scores a lightly rewritten copy: "don't" ->
   "do not" and "not feel safe" -> "not safe" so its own negation rule (which
   only looks at the next word) fires; "more"/"less" are dropped.
3. A youth lexicon (YOUTH_TERMS) adds weights for phrases TextBlob does not
   know, each flipped when a negator ("not", "never", "nobody", "no one",
   "don't"...) appears within the three words before it.
4. Emoji add or subtract; capitals, "!!" and intensifiers ("so", "really")
   before a youth term make it stronger.
5. The sum is clamped to [-1, 1]; |polarity| < NEUTRAL_BAND is "neutral".
   One-word non-committal answers ("ok", "fine", "idk", "n/a") are neutral.

docs/analysis.md gives the measured accuracy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from voice.analysis.tokenize import is_non_answer, normalise, tokenize

__all__ = ["Sentiment", "score_sentiment", "NEUTRAL_BAND", "YOUTH_TERMS"]

NEUTRAL_BAND = 0.1


@dataclass(frozen=True)
class Sentiment:
    polarity: float  # in [-1, 1]
    label: str  # "negative" | "neutral" | "positive"


_NEUTRAL = Sentiment(0.0, "neutral")

# Youth lexicon: phrase -> weight. Words are matched whole; a trailing "*"
# matches any ending; "a|b" is a choice for one word. A weight is flipped when
# negated ("nobody" + "listen*" -> negative), so being heard, helped, cared
# for are written as positives and their absence scores negative by itself.
YOUTH_TERMS: dict[str, float] = {
    # being heard / helped
    "listen*": 0.4, "listened to": 0.5, "heard": 0.4, "taken seriously": 0.5, "asked": 0.1,
    "helped": 0.5, "helpful": 0.5, "helps": 0.4, "help|helped me": 0.4, "sorted": 0.4,
    "support|supported me": 0.4, "supportive": 0.3, "care|cares|cared": 0.4, "understand*": 0.4,
    "understood": 0.4, "included": 0.5, "thank|thanks|thankyou": 0.4, "enjoy*": 0.4,
    "do|did|does|doing anything": 0.3, "trust": 0.4, "respect*": 0.3, "judge*": -0.3,
    "know who to tell|talk|ask": 0.4, "have any friends": 0.4, "any friends": 0.3,
    "feel|felt safe": 0.4, "safe": 0.2, "proud": 0.3, "better now": 0.3, "getting better": 0.3,
    "has|have got better": 0.4, "got better": 0.3, "has my back": 0.5, "got my back": 0.5,
    "a say": 0.4, "friendly": 0.2, "lovely": 0.2, "kind": 0.1, "calm": 0.3, "relaxed": 0.3,
    # feelings and experiences TextBlob scores 0
    "bullied": -0.5, "bully|bullies|bullying": -0.3, "scared": -0.5, "scary": -0.4, "afraid": -0.2,
    "worried": -0.5, "worry|worries": -0.5, "stress|stressed|stressful|stressing": -0.5,
    "anxiety": -0.5, "panic attack*": -0.6, "depressed": -0.6, "depression": -0.5,
    "lonely": -0.5, "alone": -0.4, "isolated": -0.5, "left out": -0.5, "ignor*": -0.5,
    "cry|cried|crying": -0.5, "hate|hated|hates": -0.3, "struggl*": -0.5, "burden": -0.6,
    "worthless": -0.3, "hopeless": -0.5, "upset": -0.5, "hurt|hurts": -0.5, "suffer*": -0.5,
    "called names": -0.6, "make|made|makes fun": -0.6, "picked on": -0.6, "mean": -0.2,
    "hacked": -0.5, "embarrassed": -0.4, "fake account": -0.4, "unsafe": -0.6, "uncomfortable": -0.2,
    "rubbish": -0.6, "crap": -0.6, "shit": -0.6, "sucks|sucked": -0.6, "waste of time": -0.6,
    "pointless": -0.4, "ruin*": -0.5, "miss|missed|missing": -0.4, "lost": -0.3, "died": -0.5,
    "rough": -0.3, "hard": -0.3, "difficult": -0.3, "tired": -0.1,
    "got|getting worse": -0.4, "worse": -0.1, "shout|shouts|shouting|shouted": -0.5,
    "argue|argues|arguing": -0.4, "wait*": -0.1, "ages": -0.2, "too long": -0.5, "waiting list": -0.3,
    "no one|nobody to talk to": -0.6, "nothing to do": -0.5, "nothing for": -0.5,
    "nothing changes|changed": -0.6, "nothing ever changes": -0.6, "like babies|kids": -0.4,
    "treat us": -0.2, "behind": -0.2, "couldn't|can't concentrate": -0.4, "bored": -0.3,
    "annoying": -0.2, "unfair": -0.5, "racist|racism": -0.6, "sexist": -0.6, "horrible": -0.2,
    "no friends": -0.6, "everyone hates": -0.4, "fat|ugly": -0.3, "nasty": -0.2,
    "can't sleep": -0.5, "cant cope|can't cope": -0.7,
    "frustrat*": -0.5, "angry": -0.2, "jealous": -0.3, "pressure": -0.4, "confus*": -0.2,
    "wish": -0.2, "be heard": 0.3, "easy to use": 0.2, "good idea": 0.2,
    "i like|liked|love|loved": 0.3, "alright": 0.2,
    # complaints in everyday words (flipped when negated: "doesn't help", "nobody gives a say")
    "help": 0.3, "fair": 0.3, "why do|does|should we|i have to": -0.4, "cringe": -0.4, "awkward": -0.3,
    "creepy": -0.5, "dodgy": -0.4, "sketchy": -0.4, "useless": -0.5, "waste": -0.4, "too much": -0.3,
    "a lot": -0.1, "has been a lot": -0.4, "is a lot": -0.3, "harder": -0.3, "drama": -0.3,
    "fomo": -0.3, "low": -0.3, "dark": -0.3, "annoyed": -0.4, "sick of": -0.5, "fed up": -0.5,
    "overwhelmed": -0.5, "smoking": -0.2, "never": -0.1, "no one|nobody": -0.2,
    "safer": 0.3, "sound": 0.2, "the best": 0.5, "love it": 0.5, "class": 0.0, "made my day": 0.6,
    "grateful": 0.5, "happier": 0.4, "amazing": 0.5, "brilliant": 0.5,
    # zero weight: consumes a phrase so its words are not read on their own
    "heard of|about": 0.0, "deal with": 0.0, "how to": 0.0,
}

_NEGATORS = {
    "not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without", "hardly",
    "don't", "didn't", "doesn't", "isn't", "wasn't", "aren't", "weren't", "can't", "couldn't",
    "won't", "wouldn't", "shouldn't", "haven't", "hasn't", "ain't", "cannot", "dont", "didnt",
}
_INTENSIFIERS = {"so", "really", "very", "too", "always", "extremely", "super", "totally", "proper", "well"}

POSITIVE_EMOJI = set("😀😃😄😁😆😊🙂😍🥰😘☺👍👏🙌💪🎉✨🌈💖💕💗💓💙💚💛💜🧡🤗😎🥳⭐🌟❤♥😇🤩")
NEGATIVE_EMOJI = set("😢😭😡😠🤬💔😞😔😟😕🙁☹😣😖😫😩😤😰😨😱😓😥👎🤮🤢💀😒😑😪🥺")
_EMOJI_WEIGHT = 0.5


def _expand(term: str) -> list[tuple[tuple[str, bool], ...]]:
    """"help|helped me" -> [(("help", False), ("me", False)), (("helped", False), ("me", False))]; bool = stem."""
    sequences: list[tuple[tuple[str, bool], ...]] = [()]
    for word in term.split():
        choices = [(c.rstrip("*"), c.endswith("*")) for c in word.split("|")]
        sequences = [seq + (choice,) for seq in sequences for choice in choices]
    return sequences


def _compile_terms(terms: dict[str, float]):
    """Index youth terms by first word (and by stem) so scoring is one pass over the tokens."""
    by_word: dict[str, list] = {}
    by_stem: dict[str, list] = {}
    for term, weight in terms.items():
        for seq in _expand(term):
            (first, stem), rest = seq[0], seq[1:]
            (by_stem if stem else by_word).setdefault(first, []).append((rest, weight))
    for table in (by_word, by_stem):
        for entries in table.values():
            entries.sort(key=lambda e: -len(e[0]))  # longest phrase wins: "listened to" before "listen*"
    return by_word, by_stem, sorted({len(s) for s in by_stem})


_BY_WORD, _BY_STEM, _STEM_LENGTHS = _compile_terms(YOUTH_TERMS)


def _match_at(words: list[str], i: int):
    """(length in words, weight) of the longest youth term starting at words[i], or None."""
    tok = words[i]
    candidates = list(_BY_WORD.get(tok, ()))
    for k in _STEM_LENGTHS:
        if k > len(tok):
            break
        candidates.extend(_BY_STEM.get(tok[:k], ()))
    best = None
    for rest, weight in candidates:
        if i + 1 + len(rest) > len(words):
            continue
        for offset, (text, stem) in enumerate(rest):
            w = words[i + 1 + offset]
            if not (w.startswith(text) if stem else w == text):
                break
        else:
            if best is None or len(rest) + 1 > best[0]:
                best = (len(rest) + 1, weight)
    return best


# Rewrites for TextBlob's copy of the text (see module docstring, step 2).
_NT_RE = re.compile(r"\b(ca|wo|do|does|did|is|was|are|were|could|would|should|have|has|had|ai)n't\b")
_FILLER_AFTER_NOT = re.compile(
    r"\b(not|never) (?:(?:really|feel|felt|feeling|get|got|be|been|very|always|that|so|too|as|even|actually) )+")
_DROP_FOR_TB = re.compile(r"\b(?:more|less|most|lol|lmao|haha|hahaha)\b")  # "lol" marks a joke, not praise
_SUGGESTION_RE = re.compile(
    r"(?:more|teach|there should|should|they should|we should|have more|have a|we need|need more|make|put|"
    r"ask|give|let|it would help|would be good|maybe|please)\b")
_TB_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|!|[:;=8][-o']?[()\[\]dpo3/\\|*@$]|<3")  # words, "!" and emoticons
_TB_CONTRACTION = re.compile(r"(\w)'(s|m|d|ll|re|ve)\b")  # "it's" -> "it 's", as TextBlob splits them
_CAPS_RE = re.compile(r"\b[A-Z]{3,}\b")
_ACRONYMS = {"CAMHS", "YPAG", "PSHE", "SEND", "LGBT", "NHS", "GCSE", "GCSES", "DSL", "ADHD", "ASD", "COVID", "SCP",
             "LSCB", "BBC", "RSE", "LOL", "OMG", "TBH", "IDK", "NGL", "SATS", "ICT", "LGBTQ", "UK", "PE"}


@lru_cache(maxsize=1)
def _pattern_sentiment():
    # Imported lazily: `voice --help` must not pay for TextBlob's lexicon load.
    from textblob.en import sentiment  # the analyser TextBlob(text).sentiment calls

    return sentiment


def score_sentiment(text: str) -> Sentiment:
    """Polarity in [-1, 1] and a three-way label for one answer."""
    if not text or not text.strip():
        return _NEUTRAL
    norm = normalise(text)
    tokens = tokenize(norm)
    return _score(text, norm, tokens)


@dataclass(frozen=True)
class RuleParts:
    """What the rules saw in an answer: the pieces the polarity is summed from (a learned combiner reads them)."""

    non_answer: bool = False  # "idk", "n/a", "ok": no sentiment in it
    base: float = 0.0  # TextBlob's pattern polarity of the rewritten text
    youth: float = 0.0  # youth terms, after negation and intensifiers
    emoji: float = 0.0
    suggestion: bool = False  # "more youth clubs", "teach us...": a request
    shout: bool = False  # capitals or "!!"
    terms: tuple[tuple[str, bool], ...] = ()  # youth terms matched (the words, negated?)
    polarity: float = 0.0  # the rules' result, clamped to [-1, 1]


def _score(text: str, norm: str, tokens: list[str]) -> Sentiment:
    """Score from precomputed normalised text and tokens (the pipeline shares them)."""
    return _label(rule_parts(text, norm, tokens).polarity)


def _label(polarity: float) -> Sentiment:
    if polarity >= NEUTRAL_BAND:
        label = "positive"
    elif polarity <= -NEUTRAL_BAND:
        label = "negative"
    else:
        label = "neutral"
    return Sentiment(round(polarity, 4), label)


_NON_ANSWER_PARTS = RuleParts(non_answer=True)


def rule_parts(text: str, norm: str, tokens: list[str]) -> RuleParts:
    """The rule-based score and the pieces it is made of."""
    words = [t for t in tokens if t[0].isalnum()]
    joined = " ".join(words)
    if words and is_non_answer(words):
        return _NON_ANSWER_PARTS

    tb_text = _NT_RE.sub(r"\1 not", norm)
    tb_text = _FILLER_AFTER_NOT.sub(r"\1 ", tb_text)
    tb_text = _DROP_FOR_TB.sub("", tb_text)
    # TextBlob's analyser is given words, not text: its own tokeniser (half its time) splits the same way
    # on these answers (checked on the tuning sets: the same score for all but a handful).
    base = _pattern_sentiment()(_TB_TOKEN.findall(_TB_CONTRACTION.sub(r"\1 '\2", tb_text)))[0]

    adjust = 0.0
    terms = []
    i, n = 0, len(words)
    while i < n:
        found = _match_at(words, i)
        if found is None:
            i += 1
            continue
        length, weight = found
        if weight:
            before = words[max(0, i - 3):i]
            negated = any(w in _NEGATORS for w in before) or (i >= 2 and words[i - 2:i] == ["no", "one"])
            if negated:
                weight = -weight
            if i and words[i - 1] in _INTENSIFIERS:
                weight *= 1.5
            adjust += weight
            terms.append((" ".join(words[i:i + length]), negated))
        i += length

    emoji = _emoji(tokens)
    suggestion = bool(_SUGGESTION_RE.match(joined))
    if suggestion:
        # "more lessons on how to deal with stress" is a request, not a feeling:
        # topic words (stress, bullying, safe) should not decide the label.
        base *= 0.5
        adjust *= 0.3
    polarity = base + adjust + emoji

    # Shouting and "!!!" strengthen whatever was said.
    shout = "!!" in text or any(w not in _ACRONYMS for w in _CAPS_RE.findall(text))
    if shout:
        polarity *= 1.3
    return RuleParts(False, base, adjust, emoji, suggestion, shout, tuple(terms), _clamp(polarity))


def _emoji(tokens: list[str]) -> float:
    return sum(_EMOJI_WEIGHT for t in tokens if t[0] in POSITIVE_EMOJI) - sum(
        _EMOJI_WEIGHT for t in tokens if t[0] in NEGATIVE_EMOJI)


def _clamp(x: float) -> float:
    return max(-1.0, min(1.0, x))
