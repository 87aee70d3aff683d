"""Rebuild surveys/analysis/theme_model.json (and its .sha256) from the labelled TUNING data.

    PYTHONPATH=src python scripts/train_theme_model.py [--check] [--nested]

One logistic regression per codebook theme (numpy only, deterministic), over the answer's words,
word pairs, the concern lexicon's signals, the concern decision (a self-harm disclosure is evidence
for the self-harm theme) and how the codebook matched that theme (at all, twice, near the start).
Trained on tuning data only (`voice.analysis.training.tuning_items`); the blind sets are never read.

How each theme is decided is chosen on held-out writers (each writer's items scored by models trained
on the other writers): the codebook alone, the codebook OR the model, or the model reading the
codebook's match, whichever gives the best pooled held-out micro-F1 (the fixtures the codebook was
written from are left out of that choice), with each theme's held-out precision at least MIN_PRECISION
where the model is used. --nested also prints each writer's figures with the choice itself made
without that writer (slower). --check fails if the committed file differs from a rebuild.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voice.analysis.codebook import load_codebook  # noqa: E402
from voice.analysis.concerns import load_lexicon  # noqa: E402
from voice.analysis.model import THEME_KIND, linear_payload  # noqa: E402
from voice.analysis.training import (  # noqa: E402
    binary_model, by_writer, choose_theme_rules, cross_fit_concerns, held_out_binary, micro_f1, prepare,
    score_binary, theme_decisions, theme_rows, tuning_items, write_or_check,
)

DEFINITIONS = ROOT / "surveys" / "analysis"
OUT = DEFINITIONS / "theme_model.json"
FIT = {"l2": 3.0, "epochs": 1000, "min_count": 2}
CONCERN_FIT = {"l2": 3.0, "epochs": 300}  # as scripts/train_concern_model.py
MIN_PRECISION = 0.5
MIN_WEIGHT = 0.01  # smaller weights are dropped from the file
NOT_CHOSEN_ON = ("fixtures",)  # the codebook was written from these: they would always vote for it


def theme_data():
    lexicon = load_lexicon(DEFINITIONS / "concern_lexicon.yaml", with_model=False)
    codebook = load_codebook(DEFINITIONS / "codebook.yaml")
    concern_threshold = json.loads((DEFINITIONS / "concern_model.json").read_text(encoding="utf-8"))["threshold"]
    items = tuning_items()
    prepared = prepare(items, lexicon, codebook)
    cross_fit_concerns(items, prepared, concern_threshold, **CONCERN_FIT)
    keep = [i for i, item in enumerate(items) if item.themes is not None]
    items = [items[i] for i in keep]
    prepared = [prepared[i] for i in keep]
    themes = [t.id for t in codebook.themes]
    gold = {t: np.array([t in item.themes for item in items]) for t in themes}
    matched = {t: np.array([p.readable and t in p.matched for p in prepared]) for t in themes}
    rows = {t: theme_rows(prepared, t) for t in themes}
    readable = np.array([p.readable for p in prepared])
    words_only = np.array([p.parts.non_answer for p in prepared])  # "idk": the pipeline uses the words alone
    return items, themes, gold, matched, rows, readable, words_only


def held_out(themes, gold, rows, groups, train_mask):
    return {t: held_out_binary(rows[t], gold[t].astype(float), groups, train_mask, **FIT) for t in themes}


def figures(themes, gold, decisions, mask) -> dict:
    tp = sum(int((gold[t] & decisions[t] & mask).sum()) for t in themes)
    fp = sum(int((~gold[t] & decisions[t] & mask).sum()) for t in themes)
    fn = sum(int((gold[t] & ~decisions[t] & mask).sum()) for t in themes)
    return {"n": int(mask.sum()), "micro_f1": round(micro_f1(tp, fp, fn), 3),
            "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0}


def decide(themes, rules, matched, p, readable, words_only):
    """As voice.analysis.pipeline.code_themes: each theme by its rule; non-answers by their words alone."""
    return {t: np.where(words_only, matched[t], theme_decisions(*rules[t], matched[t], p[t])) & readable
            for t in themes}


def build(nested: bool = False) -> tuple[str, dict]:
    items, themes, gold, matched, rows, readable, words_only = theme_data()
    groups = by_writer(items)
    writers = np.array([item.writer for item in items])
    p = held_out(themes, gold, rows, groups, readable)
    choose_on = readable & ~np.isin(writers, NOT_CHOSEN_ON)
    rules = choose_theme_rules(themes, gold, matched, p, choose_on, min_precision=MIN_PRECISION)
    decisions = decide(themes, rules, matched, p, readable, words_only)
    codebook_only = {t: matched[t] for t in themes}
    cv = {"chosen_on": "held-out writers (not " + ", ".join(NOT_CHOSEN_ON) + ")",
          "pooled": figures(themes, gold, decisions, choose_on),
          "pooled_codebook_only": figures(themes, gold, codebook_only, choose_on)}
    for name, idx in groups.items():
        mask = np.zeros(len(items), dtype=bool)
        mask[idx] = True
        cv[name] = {"model": figures(themes, gold, decisions, mask),
                    "codebook_only": figures(themes, gold, codebook_only, mask)}
    if nested:
        cv["nested"] = nested_figures(items, themes, gold, matched, rows, readable, words_only, groups, writers)
    weights: dict[str, dict[str, float]] = {}
    bias = []
    for t in themes:
        train = [i for i in range(len(items)) if readable[i]]
        w, b = binary_model([rows[t][i] for i in train], gold[t][train].astype(float), **FIT)
        bias.append(b)
        if rules[t][0] == "codebook":
            continue  # the model is not used for this theme: keep its bias only
        for f, v in w.items():
            if abs(v) >= MIN_WEIGHT:
                weights.setdefault(f, {})[t] = v
    rule_json = {t: ({"mode": m} if m == "codebook" else {"mode": m, "add": a} if m == "or"
                     else {"mode": m, "hit": h, "add": a})
                 for t, (m, h, a) in rules.items()}
    trained_on = {name: len(idx) for name, idx in groups.items()}
    return linear_payload(THEME_KIND, themes, bias, weights, rules=rule_json, trained_on=trained_on, figures=cv), cv


def nested_figures(items, themes, gold, matched, rows, readable, words_only, groups, writers) -> dict:
    """Each writer scored with models AND rules chosen without it (the honest held-out figure)."""
    out = {}
    for name, idx in groups.items():
        if name in NOT_CHOSEN_ON:
            continue
        others = {k: v for k, v in groups.items() if k != name}
        inside = ~np.isin(writers, [name])
        p_inner = {t: np.zeros(len(items)) for t in themes}
        for t in themes:
            p_inner[t][inside] = held_out_binary([rows[t][i] for i in np.where(inside)[0]],
                                                 gold[t][inside].astype(float),
                                                 _reindex(others, inside), readable[inside], **FIT)
        rules = choose_theme_rules(themes, gold, matched, p_inner, inside & readable & ~np.isin(writers, NOT_CHOSEN_ON),
                                   min_precision=MIN_PRECISION)
        p_out = {}
        train = [i for i in np.where(inside)[0] if readable[i]]
        for t in themes:
            w, b = binary_model([rows[t][i] for i in train], gold[t][train].astype(float), **FIT)
            p_out[t] = np.zeros(len(items))
            p_out[t][idx] = score_binary(w, b, [rows[t][i] for i in idx])
        mask = np.zeros(len(items), dtype=bool)
        mask[idx] = True
        out[name] = {"model": figures(themes, gold, decide(themes, rules, matched, p_out, readable, words_only), mask),
                     "codebook_only": figures(themes, gold, {t: matched[t] for t in themes}, mask)}
    return out


def _reindex(groups, inside):
    position = {old: new for new, old in enumerate(np.where(inside)[0])}
    return {k: [position[i] for i in v] for k, v in groups.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed model differs from a rebuild")
    parser.add_argument("--nested", action="store_true",
                        help="also print figures with the choice made without each writer")
    args = parser.parse_args()
    payload, cv = build(args.nested and not args.check)
    print(json.dumps(cv, indent=1))
    print(json.dumps(json.loads(payload)["rules"]))
    if args.nested and not args.check:
        return 0  # figures only: the committed file carries the plain held-out figures
    return write_or_check(OUT, payload, args.check)


if __name__ == "__main__":
    raise SystemExit(main())
