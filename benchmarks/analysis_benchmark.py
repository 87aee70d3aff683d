"""Accuracy and speed of the analysis engine, on tuning data and on blind data kept apart.

    PYTHONPATH=src python benchmarks/analysis_benchmark.py [--blind PATH] [--answers 20000] [--no-speed]

Accuracy is printed in two blocks that must never be mixed up:

* TUNING DATA: sets the rules were written or tuned against (the project's own fixtures,
  our extra tuning files, and the independent tuning set written by an outside writer). High
  figures here say little about new comments.
* BLIND DATA: `benchmarks/data/analysis/blind_eval.jsonl` (or --blind PATH), written by another
  writer who never saw the rules. Only aggregate figures are printed, never an item or a miss:
  nobody tunes on it. Skipped with a message when the file is absent.

Speed: answers made by recombining labelled lines with random variation (a clause from another
answer, a typo, text speak, emoji, case changes), plus the short answers real surveys are full of.
TextBlob sentiment alone on the same texts is the floor; the pipeline is timed with its cache off
(the fair comparison) and on (the realistic case), then over the unchanged answers (cache hits).
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
from voice.analysis.evaluation import Example, evaluate, format_figures, read_jsonl  # noqa: E402
from voice.analysis.pipeline import AnalysisCache, analyse, analyse_many  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "analysis"
INDEPENDENT = FIXTURES / "independent" / "tuning.jsonl"
INDEPENDENT_SETS = sorted((FIXTURES / "independent").glob("*.jsonl")) if (FIXTURES / "independent").is_dir() else []
MODEL_FILES = ("concern_model.json", "theme_model.json", "sentiment_model.json")
OWN = sorted((FIXTURES / "own").glob("*.jsonl")) if (FIXTURES / "own").is_dir() else []
BLIND = ROOT / "benchmarks" / "data" / "analysis" / "blind_eval.jsonl"
DEFINITIONS = ROOT / "surveys" / "analysis"
SHORT = ["idk", "no", "n/a", "nothing", "yes", "not sure", "no comment", "ok", "dunno", "nope"]
EXTRAS = ["lol", "tbh", "!!", "😭", "😊", "👍", "idk", "like", "ngl", "...", "x"]


def read_tsv(name: str) -> list[tuple[str, str]]:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        next(handle)
        return [tuple((line.rstrip("\n") + "\t").split("\t")[:2]) for line in handle if line.strip()]


def fixture_examples() -> list[tuple[str, list[Example]]]:
    """The project's first fixtures, one labelled field each."""
    return [
        ("own fixtures: sentiment_labelled.tsv",
         [Example(t, sentiment=label) for t, label in read_tsv("sentiment_labelled.tsv")]),
        ("own fixtures: sentiment_heldout.tsv",
         [Example(t, sentiment=label) for t, label in read_tsv("sentiment_heldout.tsv")]),
        ("own fixtures: themes_labelled.tsv",
         [Example(t, themes=tuple(x for x in label.split(",") if x)) for t, label in read_tsv("themes_labelled.tsv")]),
        ("own fixtures: concerns_labelled.tsv",
         [Example(t, concern=bool(label), categories=tuple(x for x in label.split(",") if x))
          for t, label in read_tsv("concerns_labelled.tsv")]),
    ]


def accuracy(blind: Path) -> None:
    codebook = load_codebook(DEFINITIONS / "codebook.yaml")
    lexicon = load_lexicon(DEFINITIONS / "concern_lexicon.yaml")

    def run(text: str):
        return analyse(text, codebook, lexicon)

    print(f"codebook {codebook.version}, lexicon {lexicon.version}")
    print()
    print("TUNING DATA (the rules were written or tuned against these: expect them to flatter)")
    for title, examples in fixture_examples():
        print("\n".join(format_figures(title, evaluate(examples, run))))
    for path in OWN:
        print("\n".join(format_figures(f"our tuning file: {path.name}", evaluate(read_jsonl(path), run))))
    for path in INDEPENDENT_SETS:
        print("\n".join(format_figures(f"independent tuning set {path.name} (outside writer; tuned on)",
                                       evaluate(read_jsonl(path), run))))
    print()
    held_out()
    print()
    print("BLIND DATA (written by a writer who never saw the rules; never tuned on; aggregates only)")
    if blind.exists():
        print("\n".join(format_figures(f"blind set: {blind.name}", evaluate(read_jsonl(blind), run))))
    else:
        print(f"  skipped: {blind} is not here (the lead keeps it; pass --blind PATH)")


def held_out() -> None:
    """The figures the learned models' files carry: each tuning writer scored by models trained on the others."""
    import json

    print("HELD-OUT TUNING FIGURES (each writer scored by models trained on the other writers; from the model files)")
    for name in MODEL_FILES:
        path = DEFINITIONS / name
        if not path.exists():
            print(f"  {name}: not there (the rules alone run)")
            continue
        cv = json.loads(path.read_text(encoding="utf-8")).get("cross_validated", {})
        for writer, f in cv.items():
            if not isinstance(f, dict):
                continue
            if "precision_at_35pct" in f:
                print(f"  {name:22s} {writer:24s} recall {f['recall']:.3f}  "
                      f"precision@35% {f['precision_at_35pct']:.3f}")
            elif "model" in f and isinstance(f["model"], dict):
                print(f"  {name:22s} {writer:24s} micro-F1 {f['model']['micro_f1']:.3f}  "
                      f"(codebook alone {f['codebook_only']['micro_f1']:.3f})")
            elif "micro_f1" in f:
                print(f"  {name:22s} {writer:24s} micro-F1 {f['micro_f1']:.3f}")
            elif "model" in f:
                print(f"  {name:22s} {writer:24s} accuracy {f['model']:.3f}  (rules alone {f['rules']:.3f})")


def make_answers(n: int, seed: int = 2020) -> list[str]:
    rng = random.Random(seed)
    lines = [t for name in ("sentiment_labelled.tsv", "themes_labelled.tsv", "concerns_labelled.tsv",
                            "sentiment_heldout.tsv") for t, _ in read_tsv(name)]
    if INDEPENDENT.exists():
        lines += [e.text for e in read_jsonl(INDEPENDENT)]
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
    analyse_many(answers[:200], codebook, lexicon, cache=False)  # warm imports, models and lexicon loading
    [TextBlob(t).sentiment for t in answers[:200]]

    # Interleave the two timings (A B A B) and keep each one's best, so a burst of load from other
    # processes on a shared machine does not land on one side only.
    textblob_s = fair_s = float("inf")
    for _ in range(2):
        textblob_s = min(textblob_s, timed(lambda: [TextBlob(t).sentiment for t in answers]))
        fair_s = min(fair_s, timed(lambda: analyse_many(answers, codebook, lexicon, cache=False)))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blind", type=Path, default=BLIND, help=f"blind evaluation set (default {BLIND})")
    parser.add_argument("--answers", type=int, default=20_000, help="answers for the speed figures")
    parser.add_argument("--no-speed", action="store_true", help="accuracy only")
    args = parser.parse_args()
    accuracy(args.blind)
    if not args.no_speed:
        print()
        speed(args.answers)


if __name__ == "__main__":
    main()
