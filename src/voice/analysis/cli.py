"""`voice classify`: analyse answers from standard input, one JSON object per line out.

    echo "i feel so alone sumtimes" | voice classify
    {"text": "i feel so alone sumtimes", "themes": ["mental_health"], "sentiment": {...}, "concern": {...},
     "analysed": true}

Every input line gets exactly one output line, whatever it holds (empty, emoji only, very long).
`concern.reasons` says why a flag was raised; `analysed` is false for an answer in a language or
script the analysis does not read (sentiment "not analysed", no themes, concern "not_screened").

Heavy imports (TextBlob, YAML) happen inside `run`, so `voice --help` stays fast.
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="themes, sentiment and concern flags for answers on standard input",
        description="Read one answer per line on standard input; write one JSON object per line.",
    )
    parser.add_argument("--codebook", metavar="PATH",
                        help="codebook YAML (default: surveys/analysis/codebook.yaml)")
    parser.add_argument("--lexicon", metavar="PATH",
                        help="concern lexicon YAML (default: surveys/analysis/concern_lexicon.yaml)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from voice.analysis import DefinitionError, default_definitions_dir
    from voice.analysis.codebook import load_codebook
    from voice.analysis.concerns import load_lexicon
    from voice.analysis.pipeline import analyse_many

    folder = default_definitions_dir()
    try:
        codebook = load_codebook(args.codebook or folder / "codebook.yaml")
        lexicon = load_lexicon(args.lexicon or folder / "concern_lexicon.yaml")
    except DefinitionError as exc:
        print(f"voice classify: {exc}", file=sys.stderr)
        return 2

    # Read in batches so a long stream is answered as it arrives, with the cache shared.
    out = sys.stdout
    batch: list[str] = []

    def flush() -> None:
        for text, result in zip(batch, analyse_many(batch, codebook, lexicon)):
            record = {
                "text": text,
                "themes": list(result.themes),
                "sentiment": {"polarity": result.sentiment.polarity, "label": result.sentiment.label},
                "concern": {"flag": result.concern.flag, "categories": list(result.concern.categories),
                            "reasons": list(result.concern.matches)},
                "analysed": result.analysed,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        batch.clear()

    for line in sys.stdin:
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= 1000:
            flush()
    flush()
    return 0
