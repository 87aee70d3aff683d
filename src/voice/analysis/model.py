"""A small learned backstop for the concern lexicon: logistic regression over words and lexicon signals.

The lexicon's rules say *why* they fire; they also miss disclosures worded in ways nobody listed.
This model, trained by us at development time on the labelled tuning sets (never on the blind set),
scores an answer from its words, word pairs and what the lexicon saw in it (sets, frames, stance).
It is only ever combined as "rules OR model": it can add a flag, never remove one, so it cannot lower
recall. When it flags, the lead is shown the words that weighed most ("model: 'owe', 'olders'").

The weights live in surveys/analysis/concern_model.json (plain JSON, a few hundred kB), rebuilt by
`python scripts/train_concern_model.py`, which also prints the cross-validated figures. The file's
SHA-256 must match concern_model.json.sha256 beside it: a changed or damaged file is refused on load
(the lexicon then works without it, and says so in the log). Nothing is downloaded, ever.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from voice.errors import Invalid

log = logging.getLogger(__name__)

__all__ = ["ConcernModel", "LinearModel", "ModelError", "ThemeRule", "codebook_features", "features", "linear_payload",
           "load_linear", "load_model", "model_payload", "sentiment_features", "theme_features"]

_PREFIX = {"set": "s:", "disclosure": "d:", "topic": "t:", "frame": "f:", "stance": "c:"}


class ModelError(Invalid):
    """The model file is missing a field, does not match its hash, or is not a model."""


def features(tokens: list[str], hits: Iterable, rule_flag: bool, dropped: bool) -> set[str]:
    """Feature names for one answer: words, word pairs and the lexicon's hits."""
    words = [t for t in tokens if t[:1].isalnum()]
    out = {"w:" + w for w in words}
    out.update("b:" + a + " " + b for a, b in zip(words, words[1:]))
    out.update(_PREFIX[h.kind] + h.name for h in hits)
    if rule_flag:
        out.add("rule")
    if dropped:
        out.add("dropped")
    return out


@dataclass(frozen=True)
class ConcernModel:
    weights: dict[str, float]
    bias: float
    threshold: float  # flag when the probability is at least this
    version: str  # the file's SHA-256 (first 12 hex)
    categories: dict[str, str]  # feature -> the concern category its flag is filed under

    def probability(self, feats: set[str]) -> float:
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def explain(self, feats: set[str], top: int = 4) -> tuple[str, tuple[str, ...]]:
        """(category, the strongest features, as words a lead can read)."""
        w = self.weights
        ranked = sorted((f for f in feats if w.get(f, 0.0) > 0 and f not in ("rule", "dropped")),
                        key=lambda f: -w[f])[:top]
        category = next((self.categories[f] for f in ranked if f in self.categories), "other")
        return category, tuple(_readable(f) for f in ranked)


def _readable(feature: str) -> str:
    kind, _, name = feature.partition(":")
    if kind in ("w", "b"):
        return f"'{name}'"
    return name.replace("_", " ")


def model_payload(weights: dict[str, float], bias: float, threshold: float, categories: dict[str, str],
                  trained_on: dict[str, int], figures: dict) -> str:
    """The JSON text written to concern_model.json (sorted, so the hash is stable)."""
    return json.dumps({"kind": "voice-concern-model", "format": 1, "bias": round(bias, 6),
                       "threshold": threshold, "trained_on": trained_on, "cross_validated": figures,
                       "categories": dict(sorted(categories.items())),
                       "weights": {k: round(v, 5) for k, v in sorted(weights.items())}},
                      ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def load_model(path: str | Path) -> ConcernModel:
    """Read and check a model file; raises ModelError (or OSError) when it cannot be used."""
    path = Path(path)
    data = _checked_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    try:
        raw = json.loads(data.decode("utf-8"))
        if raw.get("kind") != "voice-concern-model" or raw.get("format") != 1:
            raise ModelError(f"{path}: not a concern model file")
        return ConcernModel({str(k): float(v) for k, v in raw["weights"].items()}, float(raw["bias"]),
                            float(raw["threshold"]), digest[:12],
                            {str(k): str(v) for k, v in raw.get("categories", {}).items()})
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(f"{path}: {exc}") from None


# ---------------------------------------------------------------- themes and sentiment

THEME_KIND = "voice-theme-model"
SENTIMENT_KIND = "voice-sentiment-model"
SENTIMENTS = ("negative", "neutral", "positive")
# What the codebook's matching adds to a theme's features (only for themes the codebook matched).
_LENGTHS = ((3, "1"), (8, "2"), (16, "3"), (32, "4"))


def length_feature(n_words: int) -> str:
    return "len:" + next((name for limit, name in _LENGTHS if n_words <= limit), "5")


def theme_features(base: set[str], n_words: int, concern_categories: Iterable[str],
                   concern_by_model: bool) -> list[str]:
    """Features every theme's model reads: the answer's words and lexicon signals (`features`), its length,
    and what the concern checks decided (a self-harm disclosure is evidence for the self-harm theme).

    Nothing here depends on another theme's codebook entry, so editing one theme changes no other theme's
    verdict (answers are re-coded for the themes a facilitator changed, and only those)."""
    out = list(base)
    out.append(length_feature(n_words))
    out.extend("cc:" + c for c in concern_categories)
    if concern_by_model:
        out.append("cc:model")
    return out


def codebook_features(hits: int, first: int, n_words: int) -> tuple[str, ...]:
    """Features of one theme the codebook matched: matched at all, more than once, near the start, and
    the match crossed with the answer's length (a passing mention in a long answer is weaker)."""
    out: tuple[str, ...] = ("cb", "cb" + length_feature(n_words))
    if hits >= 2:
        out += ("cb2",)
    if first < 4:
        out += ("cbfirst",)
    return out


def sentiment_features(base: set[str], parts, tokens: list[str], text: str, concern_flag: bool
                       ) -> tuple[list[str], tuple[float, ...]]:
    """What the sentiment model reads: the answer's words and lexicon signals, the rules' verdict and its
    pieces (`sentiment.RuleParts`), question and contrast forms, and whether the concern checks flagged it."""
    out = list(base)
    out.append("r:" + ("pos" if parts.polarity >= 0.1 else "neg" if parts.polarity <= -0.1 else "neu"))
    if parts.suggestion:
        out.append("sugg")
    if parts.shout:
        out.append("shout")
    out.extend({("yn:" if negated else "y:") + term for term, negated in parts.terms})
    if "?" in text:
        out.append("q")
    if "but" in tokens:
        out.append("but")
    if concern_flag:
        out.append("cflag")
    return out, (parts.polarity, parts.base, parts.youth, parts.emoji)


@dataclass(frozen=True)
class ThemeRule:
    """How a theme is decided: the codebook alone, codebook OR model, or the model reading the codebook's match."""

    mode: str  # "codebook" | "or" | "model"
    hit: float = 1.0  # "model": threshold when the codebook matched
    add: float = 1.0  # "or" and "model": threshold when it did not


@dataclass(frozen=True)
class LinearModel:
    """Logistic outputs over shared sparse features: one per theme (each its own yes/no) or one per
    sentiment class (softmax). An answer costs one dictionary lookup per feature and one small numpy sum."""

    kind: str
    classes: tuple[str, ...]
    bias: "np.ndarray"  # (classes,)
    vocab: dict[str, int]  # feature -> row of `weights`
    weights: "np.ndarray"  # (features, classes)
    dense: "np.ndarray"  # (DENSE_INPUTS, classes): sentiment's rule scores
    version: str
    rules: dict[str, ThemeRule]  # themes only
    options: dict  # anything else the file says (e.g. sentiment's distress rule)

    @property
    def position(self) -> dict[str, int]:
        """Class name -> index (computed once)."""
        cached = self.__dict__.get("_position")
        if cached is None:
            cached = {c: i for i, c in enumerate(self.classes)}
            object.__setattr__(self, "_position", cached)
        return cached

    def scores(self, feats: Iterable[str], dense: Iterable[float] = ()) -> "np.ndarray":
        rows = [r for r in map(self.vocab.get, feats) if r is not None]
        z = self.bias + self.weights[rows].sum(axis=0) if rows else self.bias.copy()
        values = tuple(dense)
        if values:
            z = z + np.asarray(values) @ self.dense[:len(values)]
        return z

    def weight(self, feature: str, cls: int) -> float:
        row = self.vocab.get(feature)
        return 0.0 if row is None else float(self.weights[row, cls])

    @staticmethod
    def probability(z: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @staticmethod
    def softmax(z: "np.ndarray") -> list[float]:
        e = np.exp(z - z.max())
        return (e / e.sum()).tolist()


def linear_payload(kind: str, classes: Iterable[str], bias: Iterable[float], weights: dict[str, dict[str, float]],
                   *, dense: dict[str, dict[str, float]] | None = None, rules: dict[str, dict] | None = None,
                   options: dict | None = None, trained_on: dict | None = None, figures: dict | None = None) -> str:
    """The JSON text of a theme or sentiment model file (sorted and rounded, so the hash is stable)."""
    return json.dumps({"kind": kind, "format": 1, "classes": list(classes), "bias": [round(b, 6) for b in bias],
                       "weights": {f: {c: round(w, 5) for c, w in sorted(ws.items())}
                                   for f, ws in sorted(weights.items())},
                       "dense": {k: {c: round(w, 6) for c, w in sorted(v.items())}
                                 for k, v in sorted((dense or {}).items())},
                       "rules": rules or {}, "options": options or {}, "trained_on": trained_on or {},
                       "cross_validated": figures or {}},
                      ensure_ascii=False, indent=0, sort_keys=True) + "\n"


DENSE_INPUTS = ("polarity", "base", "youth", "emoji")  # sentiment's rule scores, in this order


def load_linear(path: str | Path, kind: str) -> LinearModel:
    """Read and check a theme or sentiment model file; raises ModelError (or OSError) when it cannot be used."""
    path = Path(path)
    data = _checked_bytes(path)
    try:
        raw = json.loads(data.decode("utf-8"))
        if raw.get("kind") != kind or raw.get("format") != 1:
            raise ModelError(f"{path}: not a {kind} file")
        classes = tuple(str(c) for c in raw["classes"])
        position = {c: i for i, c in enumerate(classes)}
        vocab = {str(f): i for i, f in enumerate(raw["weights"])}
        weights = np.zeros((len(vocab), len(classes)))
        for f, ws in raw["weights"].items():
            for c, w in ws.items():
                if c in position:
                    weights[vocab[f], position[c]] = float(w)
        dense_raw = raw.get("dense", {})
        dense = np.array([[float(dense_raw.get(name, {}).get(c, 0.0)) for c in classes] for name in DENSE_INPUTS])
        rules = {str(t): ThemeRule(str(r["mode"]), float(r.get("hit", 1.0)), float(r.get("add", 1.0)))
                 for t, r in raw.get("rules", {}).items()}
        bias = np.array([float(b) for b in raw["bias"]])
        if len(bias) != len(classes) or any(r.mode not in ("codebook", "or", "model") for r in rules.values()):
            raise ModelError(f"{path}: classes, bias and rules do not fit together")
        return LinearModel(kind, classes, bias, vocab, weights, dense, hashlib.sha256(data).hexdigest()[:12], rules,
                           dict(raw.get("options", {})))
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(f"{path}: {exc}") from None


def _checked_bytes(path: Path) -> bytes:
    """The file's bytes, if its SHA-256 matches the pinned one in <file>.sha256."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    pinned_file = path.with_name(path.name + ".sha256")
    pinned = pinned_file.read_text(encoding="utf-8").split()[0] if pinned_file.exists() else ""
    if pinned != digest:
        raise ModelError(f"{path}: SHA-256 {digest[:12]}… does not match {pinned_file.name} "
                         "(rebuild with scripts/train_*.py)")
    return data
