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
from voice.analysis.concerns import NOT_SCREENED, Concern, ConcernLexicon
from voice.analysis.language import NOT_ANALYSED, readable
from voice.analysis.sentiment import Sentiment, _score
from voice.analysis.tokenize import normalise, tokenize

__all__ = ["Analysis", "analyse", "analyse_many", "AnalysisCache", "MAX_CHARS", "UNREADABLE_REASON"]

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
    text = _clean(text)
    norm = _normalise_uncached(text)
    tokens = tokenize(norm)
    concern = lexicon.detect_tokens(tokens)
    if not readable(text[:MAX_CHARS], tokens):
        # Not guessed: no themes, no sentiment, and the lead's queue gets it for a person to read
        # (with anything the English rules still found in it).
        concern = Concern(True, concern.categories + (NOT_SCREENED,), concern.matches + (UNREADABLE_REASON,))
        return Analysis((), Sentiment(0.0, NOT_ANALYSED), concern, analysed=False)
    if len(text) > MAX_CHARS:
        norm = norm[:MAX_CHARS]
        tokens = tokenize(norm)
        text = text[:MAX_CHARS]
    themes = tuple(codebook.code_tokens(tokens))
    sentiment = _score(text, norm, tokens) if tokens else Sentiment(0.0, "neutral")
    if concern.flag and sentiment.polarity > -DISTRESS:
        # A possible disclosure reads as distress, whatever its words score: "he says not to tell
        # my mum, he is really nice to me" is not good news (TextBlob alone scores it positive).
        sentiment = Sentiment(-DISTRESS, "negative")
    return Analysis(themes, sentiment, concern)


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
        store = _caches.get(key)
        if store is None:
            if len(_caches) > 8:  # old definition versions are not needed again
                _caches.clear()
            store = _caches[key] = AnalysisCache(codebook, lexicon)
    results = store._results
    get = store.get
    out = []
    for text in texts:
        hit = results.get(text)
        out.append(hit if hit is not None else get(text))
    return out
