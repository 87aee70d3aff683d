"""How well the analysis does on labelled comments: one scorer for every labelled set.

The benchmark (tuning sets and the blind set), `voice analyse --evaluate` and the analysis-quality
page all score with `evaluate`, so a figure means the same thing wherever it is shown.

Only aggregate figures come out of here (counts, recall, precision, accuracy, F1): never a text,
so the blind set can be scored without anyone reading its items or misses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from voice.analysis.pipeline import Analysis

__all__ = ["Example", "Figures", "evaluate", "read_jsonl", "format_figures"]


@dataclass(frozen=True)
class Example:
    """A labelled comment. A field left as None was not labelled (a lead's decision has no themes)."""

    text: str
    concern: bool | None = None
    categories: tuple[str, ...] = ()
    sentiment: str | None = None
    themes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Figures:
    n: int = 0
    # concerns (over examples with a concern label)
    concern_n: int = 0
    concern_true: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    category_right: int = 0  # true positives whose categories share at least one with the label
    not_screened: int = 0  # examples the analysis could not read (another language or script)
    # sentiment (over examples with a sentiment label)
    sentiment_n: int = 0
    sentiment_right: int = 0
    # themes (over examples with a themes label, micro-averaged)
    themes_n: int = 0
    theme_tp: int = 0
    theme_fp: int = 0
    theme_fn: int = 0

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def sentiment_accuracy(self) -> float | None:
        return self.sentiment_right / self.sentiment_n if self.sentiment_n else None

    @property
    def theme_precision(self) -> float | None:
        return self.theme_tp / (self.theme_tp + self.theme_fp) if self.theme_tp + self.theme_fp else None

    @property
    def theme_recall(self) -> float | None:
        return self.theme_tp / (self.theme_tp + self.theme_fn) if self.theme_tp + self.theme_fn else None

    @property
    def theme_f1(self) -> float | None:
        p, r = self.theme_precision, self.theme_recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(examples: Iterable[Example], analyse: Callable[[str], Analysis]) -> Figures:
    """Score `analyse(text) -> Analysis` (themes, sentiment, concern) against labelled examples."""
    c: dict[str, int] = dict.fromkeys(Figures.__dataclass_fields__, 0)
    for ex in examples:
        result = analyse(ex.text)
        c["n"] += 1
        concern = result.concern
        if "not_screened" in concern.categories:
            c["not_screened"] += 1
        if ex.concern is not None:
            c["concern_n"] += 1
            c["concern_true"] += ex.concern
            if ex.concern and concern.flag:
                c["tp"] += 1
                if set(ex.categories) & set(concern.categories) or not ex.categories:
                    c["category_right"] += 1
            elif ex.concern:
                c["fn"] += 1
            elif concern.flag:
                c["fp"] += 1
        if ex.sentiment is not None:
            c["sentiment_n"] += 1
            c["sentiment_right"] += result.sentiment.label == ex.sentiment
        if ex.themes is not None:
            gold, got = set(ex.themes), set(result.themes)
            c["themes_n"] += 1
            c["theme_tp"] += len(gold & got)
            c["theme_fp"] += len(got - gold)
            c["theme_fn"] += len(gold - got)
    return Figures(**c)


def read_jsonl(path: str | Path) -> list[Example]:
    """Examples from a JSON-lines file with fields text, concern, categories, sentiment, themes."""
    out = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            out.append(Example(
                text=row["text"], concern=row.get("concern"), categories=tuple(row.get("categories") or ()),
                sentiment=row.get("sentiment"),
                themes=tuple(row["themes"]) if row.get("themes") is not None else None))
    return out


def _f(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_figures(title: str, f: Figures) -> list[str]:
    """Aggregate lines for a report; no text from the examples."""
    lines = [f"{title}  (n={f.n})"]
    if f.concern_n:
        lines.append(f"  concerns   recall {_f(f.recall)}  precision {_f(f.precision)}  "
                     f"({f.tp} found, {f.fn} missed, {f.fp} false alarms of {f.concern_n}; "
                     f"category right {f.category_right}/{f.tp}; not screened {f.not_screened})")
    if f.sentiment_n:
        lines.append(f"  sentiment  accuracy {_f(f.sentiment_accuracy)}  (n={f.sentiment_n})")
    if f.themes_n:
        lines.append(f"  themes     micro-F1 {_f(f.theme_f1)}  precision {_f(f.theme_precision)} "
                     f"recall {_f(f.theme_recall)}  (n={f.themes_n})")
    return lines
