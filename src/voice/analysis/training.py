"""Training the learned parts of the analysis, at development time only (numpy).

Nothing here runs when an answer is analysed: the models are written to plain JSON files beside
the lexicon (concern_model.json, theme_model.json, sentiment_model.json) and scored in pure Python
(voice.analysis.model). The scripts in scripts/train_*.py call this module.

Two rules keep the figures honest:

* **Tuning data only.** `tuning_items` reads the labelled tuning files in tests/fixtures/analysis
  (the project's fixtures, our own files in own/, the independent sets in independent/). The blind
  evaluation sets are never read here.
* **Everything is chosen on held-out writers.** Each writer's files are scored by models trained
  on the other writers only (`WRITERS`: the fixtures' engineer, issue 13's own files, and each
  independent set's writer), and thresholds are chosen on those held-out scores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

__all__ = ["Item", "Sparse", "fit_binary", "fit_softmax", "tuning_items", "writer_of", "FIXTURES"]

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "analysis"
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Item:
    """One labelled tuning comment; a label left as None was not given by its file."""

    source: str  # file name
    writer: str  # who wrote it: files by the same writer are held out together
    text: str
    concern: bool | None = None
    categories: tuple[str, ...] = ()
    sentiment: str | None = None
    themes: tuple[str, ...] | None = None
    language: str = "en"
    kind: str = ""


def writer_of(path: Path) -> str:
    """Files by one writer are held out together: the fixtures, each engineer's own files (named by the
    issue that wrote them: own/i13_*.jsonl, own/i13b_*.jsonl), each independent set."""
    if path.parent.name == "own":
        return "own:" + path.stem.split("_")[0]
    if path.parent.name == "independent":
        return "independent:" + path.stem
    return "fixtures"


def _tsv(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        next(handle)
        pairs = [(line.rstrip("\n") + "\t").split("\t")[:2] for line in handle if line.strip()]
    return [(text, label) for text, label in pairs]


def tuning_items(root: Path = FIXTURES) -> list[Item]:
    """Every labelled tuning comment, with its writer. Never the blind sets (they do not live here)."""
    items: list[Item] = []
    fixtures = {"concerns_labelled.tsv": "concern", "sentiment_labelled.tsv": "sentiment",
                "sentiment_heldout.tsv": "sentiment", "themes_labelled.tsv": "themes"}
    for name, field in fixtures.items():
        path = root / name
        if not path.exists():
            continue
        for text, label in _tsv(path):
            if field == "concern":
                cats = tuple(x for x in label.split(",") if x)
                items.append(Item(name, "fixtures", text, concern=bool(cats), categories=cats))
            elif field == "sentiment":
                items.append(Item(name, "fixtures", text, sentiment=label))
            else:
                items.append(Item(name, "fixtures", text, themes=tuple(x for x in label.split(",") if x)))
    for path in sorted((root / "own").glob("*.jsonl")) + sorted((root / "independent").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            items.append(Item(path.name, writer_of(path), row["text"], row.get("concern"),
                              tuple(row.get("categories") or ()), row.get("sentiment"),
                              tuple(row["themes"]) if row.get("themes") is not None else None,
                              row.get("language", "en"), row.get("kind", "")))
    return items


# ---------------------------------------------------------------- a small sparse matrix (numpy only)

class Sparse:
    """Rows of 0/1 features (plus optional extra dense columns), enough for logistic regression."""

    def __init__(self, rows: Sequence[Iterable[str]], vocab: dict[str, int]):
        indices: list[int] = []
        indptr = [0]
        for feats in rows:
            indices.extend(sorted({vocab[f] for f in feats if f in vocab}))
            indptr.append(len(indices))
        self.indices = np.array(indices, dtype=np.int64)
        self.indptr = np.array(indptr, dtype=np.int64)
        self.shape = (len(rows), len(vocab))
        lengths = np.diff(self.indptr)
        self._row_of = np.repeat(np.arange(len(rows)), lengths)

    def dot(self, w: np.ndarray) -> np.ndarray:
        """X @ w for w of shape (n_cols,) or (n_cols, k)."""
        if w.ndim == 1:
            return np.bincount(self._row_of, weights=w[self.indices], minlength=self.shape[0])
        return np.stack([self.dot(w[:, j]) for j in range(w.shape[1])], axis=1)

    def tdot(self, g: np.ndarray) -> np.ndarray:
        """X.T @ g for g of shape (n_rows,) or (n_rows, k)."""
        if g.ndim == 1:
            return np.bincount(self.indices, weights=g[self._row_of], minlength=self.shape[1])
        return np.stack([self.tdot(g[:, j]) for j in range(g.shape[1])], axis=1)


def vocabulary(rows: Sequence[Iterable[str]], min_count: int = 1) -> dict[str, int]:
    """Features seen in at least `min_count` rows, in a stable (sorted) order."""
    counts: dict[str, int] = {}
    for feats in rows:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    return {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}


def fit_binary(x: Sparse, y: np.ndarray, *, l2: float, epochs: int = 300, rate: float = 0.5,
               balanced: bool = True, sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Logistic regression by full-batch gradient descent (deterministic); returns (weights, bias)."""
    n = len(y)
    weight = np.ones(n) if sample_weight is None else sample_weight.astype(float)
    if balanced:
        share = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        weight = weight * np.where(y == 1, 0.5 / share, 0.5 / (1 - share))
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-np.clip(x.dot(w) + b, -30, 30)))
        g = (p - y) * weight
        w -= rate * (x.tdot(g) / n + l2 * w / n)
        b -= rate * float(g.mean())
    return w, b


def fit_softmax(x: Sparse, y: np.ndarray, k: int, *, l2: float, epochs: int = 300, rate: float = 0.5,
                dense: np.ndarray | None = None, balanced: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multinomial logistic regression; `dense` adds real-valued columns. Returns (W, W_dense, bias)."""
    n = len(y)
    onehot = np.eye(k)[y]
    weight = np.ones(n)
    if balanced:
        share = onehot.mean(axis=0)
        weight = (1.0 / (k * np.clip(share, 1e-6, None)))[y]
    w = np.zeros((x.shape[1], k))
    d = np.zeros((0 if dense is None else dense.shape[1], k))
    b = np.zeros(k)
    for _ in range(epochs):
        z = x.dot(w) + b
        if dense is not None:
            z = z + dense @ d
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight[:, None]
        w -= rate * (x.tdot(g) / n + l2 * w / n)
        if dense is not None:
            d -= rate * (dense.T @ g / n + l2 * d / n)
        b -= rate * g.mean(axis=0)
    return w, d, b


def by_writer(items: Sequence[Item]) -> dict[str, list[int]]:
    """Indices of the items each writer wrote, writers in a stable order."""
    out: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        out.setdefault(item.writer, []).append(i)
    return dict(sorted(out.items()))


def logistic(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def binary_model(rows: Sequence[set[str]], y: np.ndarray, *, l2: float, epochs: int = 300,
                 min_count: int = 1) -> tuple[dict[str, float], float]:
    """Fit a logistic regression on feature sets; returns ({feature: weight}, bias)."""
    vocab = vocabulary(rows, min_count)
    w, b = fit_binary(Sparse(rows, vocab), y, l2=l2, epochs=epochs)
    return {f: float(w[i]) for f, i in vocab.items()}, b


def score_binary(weights: dict[str, float], bias: float, rows: Sequence[set[str]]) -> np.ndarray:
    return logistic(np.array([bias + sum(weights.get(f, 0.0) for f in feats) for feats in rows]))


def held_out_binary(rows: Sequence[set[str]], y: np.ndarray, groups: dict[str, list[int]], train_mask: np.ndarray,
                    **fit) -> np.ndarray:
    """Each group's probabilities from a model trained on the other groups (rows outside train_mask never train)."""
    p = np.zeros(len(rows))
    for idx in groups.values():
        held = set(idx)
        train = [i for i in range(len(rows)) if i not in held and train_mask[i]]
        weights, bias = binary_model([rows[i] for i in train], y[train], **fit)
        p[idx] = score_binary(weights, bias, [rows[i] for i in idx])
    return p


def concern_figures(flag: np.ndarray, y: np.ndarray, prevalence: float = 0.35) -> dict:
    """Recall, false-alarm rate and precision at the goal's mix (about a third of comments concerning)."""
    tp = int((flag & (y == 1)).sum())
    fn = int((~flag & (y == 1)).sum())
    fp = int((flag & (y == 0)).sum())
    neg = int((y == 0).sum())
    recall = tp / (tp + fn) if tp + fn else 0.0
    fpr = fp / neg if neg else 0.0
    adjusted = recall * prevalence / (recall * prevalence + fpr * (1 - prevalence)) if recall or fpr else 0.0
    return {"n": len(y), "recall": round(recall, 3), "false_alarm_rate": round(fpr, 3),
            "precision_at_35pct": round(adjusted, 3), "found": tp, "missed": fn, "false_alarms": fp}


def choose_concern_threshold(p: np.ndarray, rules: np.ndarray, eligible: np.ndarray, y: np.ndarray,
                             groups: dict[str, list[int]], *, min_precision: float, target_recall: float) -> float:
    """Recall first, within a precision floor.

    The lowest threshold whose pooled held-out precision (at the goal's mix) stays at or above
    `min_precision`, stopping early once every writer's held-out recall reaches `target_recall`.
    The model only flags `eligible` answers (see concerns.model_may_flag).
    """
    threshold = 0.9
    for candidate in [round(0.9 - 0.005 * i, 3) for i in range(171)]:
        flag = rules | (eligible & (p >= candidate))
        if concern_figures(flag, y)["precision_at_35pct"] < min_precision:
            break
        threshold = candidate
        if min(concern_figures(flag[idx], y[idx])["recall"] for idx in groups.values()) >= target_recall:
            break
    return threshold


# ---------------------------------------------------------------- what every model reads, for every tuning item

@dataclass
class Prepared:
    """An item as the pipeline sees it (see voice.analysis.pipeline): tokens, lexicon signals, rule scores."""

    tokens: list[str]
    text: str
    readable: bool
    base: set[str]  # voice.analysis.model.features
    rule_flag: bool
    eligible: bool  # the concern model may be asked (concerns.model_may_flag)
    rule_categories: tuple[str, ...]
    parts: object  # sentiment.RuleParts
    matched: dict[str, tuple[int, int]]  # codebook matches
    vetoed: set[str]
    n_words: int
    concern_p: float = 0.0  # the concern model's probability, from a model that never saw this writer
    concern_flag: bool = False  # rules OR (held-out) model, as the pipeline would decide


def prepare(items: Sequence[Item], lexicon, codebook) -> list[Prepared]:
    """What the pipeline computes for each item, with the lexicon's rules only (no learned model)."""
    from voice.analysis.concerns import model_may_flag
    from voice.analysis.language import readable
    from voice.analysis.model import features
    from voice.analysis.sentiment import rule_parts
    from voice.analysis.tokenize import normalise, tokenize

    out = []
    for item in items:
        norm = normalise(item.text)
        tokens = tokenize(norm)
        sig = lexicon.signals(tokens)
        matched, vetoed = codebook.matches(tokens)
        out.append(Prepared(tokens, item.text, readable(item.text, tokens),
                            features(tokens, sig.hits, sig.concern.flag, sig.dropped), sig.concern.flag,
                            model_may_flag(tokens, sig.dropped), sig.concern.categories,
                            rule_parts(item.text, norm, tokens), matched, vetoed,
                            sum(1 for t in tokens if t[:1].isalnum())))
    return out


def cross_fit_concerns(items: Sequence[Item], prepared: Sequence[Prepared], threshold: float, **fit) -> None:
    """Give every item the concern decision a model that never saw its writer would make (in place).

    The theme and sentiment models read the concern decision; training them on decisions the concern
    model made about its own training data would teach them a flag more reliable than it is.
    """
    labelled = np.array([i.concern is not None and i.language == "en" for i in items])
    y = np.array([1.0 if i.concern else 0.0 for i in items])
    rows = [p.base for p in prepared]
    p = held_out_binary(rows, y, by_writer(items), labelled, **fit)
    for prep, prob in zip(prepared, p):
        prep.concern_p = float(prob)
        prep.concern_flag = prep.rule_flag or (prep.eligible and prob >= threshold)


def theme_rows(prepared: Sequence[Prepared], theme: str) -> list[set[str]]:
    """One theme's feature sets (the shared features plus what the codebook matched for that theme)."""
    from voice.analysis.model import codebook_features, theme_features

    rows = []
    for p in prepared:
        by_model = p.concern_flag and not p.rule_flag
        feats = set(theme_features(p.base, p.n_words, () if by_model else p.rule_categories, by_model))
        hit = p.matched.get(theme)
        if hit:
            feats.update(codebook_features(hit[0], hit[1], p.n_words))
        rows.append(feats)
    return rows


def micro_f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


THRESHOLDS = tuple(round(0.05 + 0.025 * i, 3) for i in range(37))  # 0.05 .. 0.95


def theme_decisions(mode: str, hit: float, add: float, matched: np.ndarray, p: np.ndarray) -> np.ndarray:
    if mode == "codebook":
        return matched.copy()
    if mode == "or":
        return matched | (p >= add)
    return np.where(matched, p >= hit, p >= add)


def choose_theme_rules(themes: Sequence[str], gold: dict[str, np.ndarray], matched: dict[str, np.ndarray],
                       p: dict[str, np.ndarray], mask: np.ndarray, *, min_precision: float = 0.5,
                       sweeps: int = 3) -> dict[str, tuple[str, float, float]]:
    """Per theme, how to decide (codebook / or / model, with thresholds) to maximise micro-F1 over `mask`.

    Coordinate ascent: each theme in turn takes the option that maximises the pooled micro-F1 given the
    others. An option using the model must keep that theme's precision at or above `min_precision`.
    """
    options = [("codebook", 1.0, 1.0)]
    options += [("or", 1.0, a) for a in THRESHOLDS]
    options += [("model", h, a) for h in THRESHOLDS for a in THRESHOLDS if a >= h]
    counts = {}
    chosen = {}
    for t in themes:
        g = gold[t][mask]
        d = matched[t][mask]
        counts[t] = (int((g & d).sum()), int((~g & d).sum()), int((g & ~d).sum()))
        chosen[t] = options[0]
    for _ in range(sweeps):
        changed = False
        for t in themes:
            g, m, pt = gold[t][mask], matched[t][mask], p[t][mask]
            rest = [sum(counts[o][k] for o in themes if o != t) for k in range(3)]
            best, best_f1 = chosen[t], -1.0
            for option in options:
                d = theme_decisions(option[0], option[1], option[2], m, pt)
                tp, fp, fn = int((g & d).sum()), int((~g & d).sum()), int((g & ~d).sum())
                if option[0] != "codebook" and tp + fp and tp / (tp + fp) < min_precision:
                    continue
                f1 = micro_f1(rest[0] + tp, rest[1] + fp, rest[2] + fn)
                if f1 > best_f1 + 1e-9:
                    best, best_f1, best_counts = option, f1, (tp, fp, fn)
            if best != chosen[t]:
                changed = True
            chosen[t], counts[t] = best, best_counts
        if not changed:
            break
    return chosen


def write_or_check(out: Path, payload: str, check: bool) -> int:
    """Write a model file and its .sha256 pin, or (check) say whether the committed file is this rebuild.

    Returns the script's exit code: 1 when --check finds the committed file differs.
    """
    import hashlib

    if check:
        same = out.exists() and out.read_text(encoding="utf-8") == payload
        print("model file is up to date" if same else "model file differs from a rebuild: run this script")
        return 0 if same else 1
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    out.write_text(payload, encoding="utf-8")
    out.with_name(out.name + ".sha256").write_text(f"{digest}  {out.name}\n", encoding="utf-8")
    print(f"wrote {out.name} ({len(payload) // 1024} kB, sha256 {digest[:12]}…)")
    return 0
