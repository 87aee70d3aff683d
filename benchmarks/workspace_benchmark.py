"""How fast are the facilitator's lists with many comments? esafety_year9 responses (the stats benchmark's data).

Prints: set-up (load, code every comment), then one page of the workspace and of "Make a quote" with their
totals, for the first and the last page, filtered by a theme, by tone and by words; the review counts;
the uncovered words; and a bulk accept of one page with its undo. Goal: every page under 0.5 s, so a
click feels immediate, however many answers there are (pages are counted and sliced in SQL).

    python benchmarks/workspace_benchmark.py [--responses 20000]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/voice_ws]   (default: a fresh SQLite file)
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("stats_benchmark", ROOT / "benchmarks" / "stats_benchmark.py")
stats_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stats_benchmark)  # puts src/ on the path; its `load` builds the responses

from voice.db import dispose_engine, get_engine, session_scope  # noqa: E402
from voice.security.access import Actor  # noqa: E402

FACILITATOR = Actor("bench", frozenset({"facilitator"}))
timed = stats_benchmark.timed


def main() -> int:
    from voice.analysis.review import (
        AnswerFilter, accept_suggested, answer_page, review_counts, uncovered, undo_accept,
    )
    from voice.analysis.store import analyse_new_answers
    from voice.evidence.quotes import quote_candidates

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='ws-bench-')) / 'bench.db'}"
    stats_benchmark.reset(url)
    timed("load (bulk insert)", lambda: stats_benchmark.load(url, args.responses, 128))
    engine = get_engine(url)

    def code():
        with session_scope(engine) as session:
            return analyse_new_answers(session)

    counts, _ = timed("code every comment (set-up)", code)
    print(f"  {counts.total:,} comments coded")

    def run(label, fn, *a, **kw):
        with session_scope(engine) as session:
            return timed(label, lambda: fn(session, FACILITATOR, *a, **kw))[0]

    first = run("workspace: page 1 of all, with total", answer_page, AnswerFilter(), page=1, size=20)
    print(f"  {first.words()}")
    last = run("workspace: the last page", answer_page, AnswerFilter(), page=first.pages, size=20)
    print(f"  {last.words()}")
    theme = run("workspace: theme online_safety, page 3", answer_page, AnswerFilter(theme_id="online_safety"),
                page=3, size=20)
    print(f"  {theme.words()}")
    run("workspace: negative tone, to review", answer_page, AnswerFilter(sentiment="negative", reviewed=False))
    words = run("workspace: words 'school'", answer_page, AnswerFilter(search="school"))
    print(f"  {words.words()}")
    run("workspace: review counts", review_counts)
    quotes = run("quotes: make-a-quote page 1, with total", quote_candidates, AnswerFilter())
    print(f"  {quotes.words()}")
    run("quotes: theme bullying, page 2", quote_candidates, AnswerFilter(theme_id="bullying"), page=2)
    run("uncovered words (reads every comment)", uncovered)
    batch = run("bulk accept one page (20)", accept_suggested, [a.answer_id for a in first.items])
    run("undo that bulk accept", undo_accept, batch)
    dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
