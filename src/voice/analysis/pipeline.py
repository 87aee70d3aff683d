"""One call for everything the platform wants from an answer.

`analyse` normalises and tokenises the text once and hands the tokens to the
codebook, the sentiment scorer and the concern lexicon. `analyse_many` caches
by text: survey answers repeat a lot ("idk", "no", "n/a"), and re-running over
unchanged answers should cost almost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from voice.analysis.codebook import Codebook
from voice.analysis.concerns import NOT_SCREENED, Concern, ConcernLexicon, Signals
from voice.analysis.language import NOT_ANALYSED, readable
from voice.analysis.model import codebook_features, features, sentiment_features, theme_features
from voice.analysis.sentiment import NEUTRAL_BAND, Sentiment, _label, rule_parts
from voice.analysis.tokenize import is_non_answer, normalise, tokenize

__all__ = ["Analysis", "analyse", "analyse_many", "AnalysisCache", "MAX_CHARS", "UNREADABLE_REASON", "code_themes",
           "score", "themes_of"]

# Answers longer than this are analysed on their first MAX_CHARS characters
# for themes and sentiment; concerns always read the whole answer.
MAX_CHARS = 20_000


@dataclass(frozen=True)
class Analysis:
    themes: tuple[str, ...]
    sentiment: Sentiment
    concern: Concern
    analysed: bool = True  # False: another language or script; a person must read it (concern "not_screened")


DISTRESS = 0.3  # the polarity at most of an answer the concern checks flagged
UNREADABLE_REASON = "written in a language or script the analysis does not read: please read it"


def _clean(text: str | None) -> str:
    if text is None:
        return ""
    # NUL and other control characters can arrive from pasted text; they mean nothing here.
    return text.replace("\x00", " ")


def analyse(text: str, codebook: Codebook, lexicon: ConcernLexicon) -> Analysis:
    """Themes, sentiment and concern for one answer (no cache)."""
    text, norm, tokens, signals, is_readable = _read(text, lexicon)
    concern = signals.concern
    if not is_readable:
        # Not guessed: no themes, no sentiment, and the lead's queue gets it for a person to read
        # (with anything the English rules still found in it).
        concern = Concern(True, concern.categories + (NOT_SCREENED,), concern.matches + (UNREADABLE_REASON,))
        return Analysis((), Sentiment(0.0, NOT_ANALYSED), concern, analysed=False)
    base = base_features(tokens, signals) if lexicon.theme_model or lexicon.sentiment_model else set()
    themes = code_themes(tokens, codebook, lexicon, signals, base)
    sentiment = score(text, norm, tokens, lexicon, concern, base) if tokens else Sentiment(0.0, "neutral")
    return Analysis(themes, sentiment, concern)


def themes_of(text: str, codebook: Codebook, lexicon: ConcernLexicon) -> tuple[str, ...]:
    """The themes `analyse` gives an answer, without the rest (re-coding after a codebook edit)."""
    text, norm, tokens, signals, is_readable = _read(text, lexicon)
    return code_themes(tokens, codebook, lexicon, signals) if is_readable else ()


def _read(text: str, lexicon: ConcernLexicon):
    """(text, normalised text, tokens, concern signals, readable?); themes and sentiment read at most
    MAX_CHARS characters, the concern checks the whole answer."""
    text = _clean(text)
    norm = _normalise_uncached(text)
    tokens = tokenize(norm)
    signals = lexicon.signals(tokens)
    is_readable = readable(text[:MAX_CHARS], tokens)
    if is_readable and len(text) > MAX_CHARS:
        norm = norm[:MAX_CHARS]
        tokens = tokenize(norm)
        text = text[:MAX_CHARS]
    return text, norm, tokens, signals, is_readable


def base_features(tokens: list[str], signals: Signals) -> set[str]:
    """The words, word pairs and lexicon signals every learned model reads (voice.analysis.model.features)."""
    if signals.features is not None:  # the concern model read the same features (rules did not flag)
        return signals.features
    rule_flag = signals.concern.flag and signals.probability is None
    return features(tokens, signals.hits, rule_flag, signals.dropped)


def code_themes(tokens: list[str], codebook: Codebook, lexicon: ConcernLexicon, signals: Signals | None = None,
                base: set[str] | None = None) -> tuple[str, ...]:
    """The themes of an answer: the codebook's words, and the learned theme model where it has one.

    The codebook stays the facilitators' source: a theme missing from it is never produced, an exclusion
    vetoes a theme whatever the model says, and a theme the model does not know (added by a facilitator)
    is decided by its words alone. For the themes it knows, the model file says how each is decided
    (chosen on held-out writers): `codebook` (words alone), `or` (words, or the model when sure), or
    `model` (the model reading the words' match: a passing mention can be left out).
    """
    model = lexicon.theme_model
    if model is None or not tokens or is_non_answer([t for t in tokens if t[:1].isalnum()]):
        return tuple(codebook.code_tokens(tokens))  # "idk", "nothing": no theme to find beyond the words
    matched, vetoed = codebook.matches(tokens)
    if signals is None:
        signals = lexicon.signals(tokens)
    if base is None:
        base = base_features(tokens, signals)
    by_model = signals.probability is not None
    categories = () if by_model else signals.concern.categories
    n_words = sum(1 for t in tokens if t[:1].isalnum())
    z = model.scores(theme_features(base, n_words, categories, by_model))
    position = model.position
    out = []
    for theme in codebook.themes:
        tid = theme.id
        if tid in vetoed:
            continue
        hit = matched.get(tid)
        rule = model.rules.get(tid)
        c = position.get(tid)
        if c is None or rule is None or rule.mode == "codebook":
            if hit:
                out.append(tid)
            continue
        if rule.mode == "or" and hit:
            out.append(tid)
            continue
        zc = float(z[c])
        if hit:
            zc += sum(model.weight(f, c) for f in codebook_features(hit[0], hit[1], n_words))
        if model.probability(zc) >= (rule.hit if hit else rule.add):
            out.append(tid)
    return tuple(out)


DISTRESS_RULE = "distress"  # sentiment model option: a flagged answer reads as distress


def score(text: str, norm: str, tokens: list[str], lexicon: ConcernLexicon, concern: Concern,
          base: set[str] | None = None) -> Sentiment:
    """Sentiment: the rules' score, read by the learned sentiment model when there is one.

    The model (three classes) reads the rules' polarity and its pieces, the youth terms, the answer's
    words and what the concern checks decided; its polarity is P(positive) - P(negative), kept on its
    label's side of the neutral band. Non-answers ("idk") stay neutral.
    """
    parts = rule_parts(text, norm, tokens)
    model = lexicon.sentiment_model
    if model is None:
        sentiment = _label(parts.polarity)
        distress = True
    elif parts.non_answer:
        return Sentiment(0.0, "neutral")
    else:
        if base is None:
            base = base_features(tokens, lexicon.signals(tokens))
        feats, dense = sentiment_features(base, parts, tokens, text, concern.flag)
        probs = model.softmax(model.scores(feats, dense))
        ranked = dict(zip(model.classes, probs))
        label = max(model.classes, key=ranked.__getitem__)
        polarity = ranked.get("positive", 0.0) - ranked.get("negative", 0.0)
        if label == "positive":
            polarity = max(polarity, NEUTRAL_BAND)
        elif label == "negative":
            polarity = min(polarity, -NEUTRAL_BAND)
        else:
            polarity = max(-NEUTRAL_BAND / 2, min(NEUTRAL_BAND / 2, polarity))
        sentiment = Sentiment(round(polarity, 4), label)
        distress = bool(model.options.get(DISTRESS_RULE))
    if distress and concern.flag and sentiment.polarity > -DISTRESS:
        # A possible disclosure reads as distress, whatever its words score: "he says not to tell
        # my mum, he is really nice to me" is not good news (TextBlob alone scores it positive).
        sentiment = Sentiment(-DISTRESS, "negative")
    return sentiment


def _normalise_uncached(text: str) -> str:
    # The pipeline caches whole results itself (AnalysisCache); going round
    # normalise's LRU cache keeps cache=False honest and long answers out of it.
    return normalise.__wrapped__(text)


class AnalysisCache:
    """Results by text for one (codebook, lexicon) pair.

    Keyed on both versions as well, so a cache kept between runs is never
    used with edited definitions.
    """

    def __init__(self, codebook: Codebook, lexicon: ConcernLexicon, max_size: int = 200_000):
        self.key = (codebook.version, lexicon.version)
        self.codebook = codebook
        self.lexicon = lexicon
        self.max_size = max_size
        self._results: dict[str, Analysis] = {}

    def get(self, text: str) -> Analysis:
        hit = self._results.get(text)
        if hit is None:
            hit = analyse(text, self.codebook, self.lexicon)
            if len(self._results) >= self.max_size:
                self._results.clear()  # simple and bounded; refilling is cheap
            self._results[text] = hit
        return hit

    def __len__(self) -> int:
        return len(self._results)


_caches: dict[tuple[str, str, int, int], AnalysisCache] = {}


def analyse_many(texts: Iterable[str], codebook: Codebook, lexicon: ConcernLexicon, *,
                 cache: bool | AnalysisCache = True) -> list[Analysis]:
    """Analyse many answers, in order. Identical answers are analysed once.

    cache=True keeps results between calls (per codebook/lexicon version), so
    re-running over unchanged answers is a dictionary lookup each; cache=False
    analyses every text afresh; or pass your own AnalysisCache.
    """
    if cache is False:
        return [analyse(t, codebook, lexicon) for t in texts]
    if isinstance(cache, AnalysisCache):
        store = cache
    else:
        key = (codebook.version, lexicon.version, id(codebook), id(lexicon))
        known = _caches.get(key)
        if known is None:
            if len(_caches) > 8:  # old definition versions are not needed again
                _caches.clear()
            known = _caches[key] = AnalysisCache(codebook, lexicon)
        store = known
    results = store._results
    get = store.get
    out = []
    for text in texts:
        hit = results.get(text)
        out.append(hit if hit is not None else get(text))
    return out
