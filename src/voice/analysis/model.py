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

log = logging.getLogger(__name__)

__all__ = ["ConcernModel", "ModelError", "features", "load_model", "model_payload"]

_PREFIX = {"set": "s:", "disclosure": "d:", "topic": "t:", "frame": "f:", "stance": "c:"}


class ModelError(ValueError):
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
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    pinned_file = path.with_name(path.name + ".sha256")
    pinned = pinned_file.read_text(encoding="utf-8").split()[0] if pinned_file.exists() else ""
    if pinned != digest:
        raise ModelError(f"{path}: SHA-256 {digest[:12]}… does not match {pinned_file.name} "
                         "(rebuild with scripts/train_concern_model.py)")
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
