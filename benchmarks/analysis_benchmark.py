"""Speed and accuracy of the analysis engine.

    PYTHONPATH=src python benchmarks/analysis_benchmark.py [--answers 100000]

Speed: 100,000 answers made by recombining fixture lines with random variation
(a clause from another answer, a typo, text speak, emoji, case changes), plus
the short answers real surveys are full of ("idk", "no"). TextBlob sentiment
alone on the same texts is the floor. The pipeline is timed with its cache off
(the fair comparison: every answer analysed in full) and on (the realistic
case), then re-run over the unchanged answers (cache hits only).

Accuracy: every labelled fixture, with plain TextBlob beside the sentiment figures.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from textblob import TextBlob  # noqa: E402

from voice.analysis.codebook import load_codebook  # noqa: E402
from voice.analysis.concerns import load_lexicon  # noqa: E402
from voice.analysis.pipeline import AnalysisCache, analyse_many  # noqa: E402
from voice.analysis.sentiment import score_sentiment  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "analysis"
DEFINITIONS = ROOT / "surveys" / "analysis"
SHORT = ["idk", "no", "n/a", "nothing", "yes", "not sure", "no comment", "ok", "dunno", "nope"]
EXTRAS = ["lol", "tbh", "!!", "😭", "😊", "👍", "idk", "like", "ngl", "...", "x"]


def read_tsv(name: str) -> list[tuple[str, str]]:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        next(handle)
        return [tuple(line.rstrip("\n").split("\t", 1)) for line in handle if line.strip()]


def make_answers(n: int, seed: int = 2020) -> list[str]:
    rng = random.Random(seed)
    lines = [t for name in ("sentiment_labelled.tsv", "themes_labelled.tsv", "concerns_labelled.tsv",
                            "sentiment_heldout.tsv") for t, _ in read_tsv(name)]
    answers = []
    for _ in range(n):
        if rng.random() < 0.15:  # the repeated short answers caching is for
            answers.append(rng.choice(SHORT))
            continue
        text = rng.choice(lines)
        roll = rng.random()
        if roll < 0.35:
            text = f"{text} {rng.choice(['and', 'but', 'because', 'also', 'so'])} {rng.choice(lines).lower()}"
        elif roll < 0.5:
            words = text.split()
            i = rng.randrange(len(words))
            if len(words[i]) > 3:  # a typo: swap two letters
                w = words[i]
                j = rng.randrange(len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            text = " ".join(words)
        if rng.random() < 0.3:
            text = f"{text} {rng.choice(EXTRAS)}"
        if rng.random() < 0.1:
            text = text.upper() if rng.random() < 0.3 else text.lower()
        answers.append(text)
    return answers


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def speed(n: int) -> None:
    codebook = load_codebook(DEFINITIONS / "codebook.yaml")
    lexicon = load_lexicon(DEFINITIONS / "concern_lexicon.yaml")
    answers = make_answers(n)
    distinct = len(set(answers))
    analyse_many(answers[:200], codebook, lexicon, cache=False)  # warm imports and lexicon loading
    [TextBlob(t).sentiment for t in answers[:200]]

    textblob_s = timed(lambda: [TextBlob(t).sentiment for t in answers])
    fair_s = timed(lambda: analyse_many(answers, codebook, lexicon, cache=False))
    cache = AnalysisCache(codebook, lexicon)
    cached_s = timed(lambda: analyse_many(answers, codebook, lexicon, cache=cache))
    rerun_s = timed(lambda: analyse_many(answers, codebook, lexicon, cache=cache))

    print(f"answers: {n:,} ({distinct:,} distinct)")
    print(f"TextBlob sentiment alone      {n / textblob_s:>9,.0f} answers/s  {textblob_s:6.2f} s")
    print(f"pipeline, cache off (fair)    {n / fair_s:>9,.0f} answers/s  {fair_s:6.2f} s"
          f"  ratio {fair_s / textblob_s:.2f}x TextBlob (goal <= 1.5x)")
    print(f"pipeline, cache on (realistic){n / cached_s:>9,.0f} answers/s  {cached_s:6.2f} s"
          f"  ratio {cached_s / textblob_s:.2f}x TextBlob")
    print(f"re-run over unchanged answers  {rerun_s:6.3f} s (goal < 1 s)")


def accuracy() -> None:
    def label_tb(text: str) -> str:
        p = TextBlob(text).sentiment.polarity
        return "positive" if p >= 0.1 else "negative" if p <= -0.1 else "neutral"

    for name, title in (("sentiment_labelled.tsv", "sentiment (tuned on)"), ("sentiment_heldout.tsv",
                                                                            "sentiment (held out)")):
        rows = read_tsv(name)
        ours = sum(score_sentiment(t).label == l for t, l in rows) / len(rows)
        plain = sum(label_tb(t) == l for t, l in rows) / len(rows)
        print(f"{title:24} n={len(rows):3}  accuracy {ours:.3f}  (plain TextBlob {plain:.3f})")

    codebook = load_codebook(DEFINITIONS / "codebook.yaml")
    tp = fp = fn = 0
    rows = read_tsv("themes_labelled.tsv")
    for text, labels in rows:
        gold = {x for x in labels.split(",") if x}
        got = set(codebook.code(text))
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    p, r = tp / (tp + fp), tp / (tp + fn)
    print(f"{'themes':24} n={len(rows):3}  precision {p:.3f} recall {r:.3f} micro-F1 {2 * p * r / (p + r):.3f}"
          f"  (codebook {codebook.version})")

    lexicon = load_lexicon(DEFINITIONS / "concern_lexicon.yaml")
    rows = read_tsv("concerns_labelled.tsv")
    flagged = [(bool(l), lexicon.detect(t)) for t, l in rows]
    tp = sum(g and c.flag for g, c in flagged)
    fp = sum((not g) and c.flag for g, c in flagged)
    fn = sum(g and not c.flag for g, c in flagged)
    right_cat = sum(bool(set(l.split(",")) & set(lexicon.detect(t).categories)) for t, l in rows if l)
    print(f"{'concerns':24} n={len(rows):3}  recall {tp / (tp + fn):.3f} precision {tp / (tp + fp):.3f}"
          f"  category right {right_cat}/{tp + fn}  (lexicon {lexicon.version})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    accuracy()
    print()
    speed(args.answers)


if __name__ == "__main__":
    main()
