"""The analysis-quality page: the figures `voice analyse --evaluate` prints, for leads and facilitators.

Only counts and rates are shown, never an answer. Concern figures come from safeguarding decisions,
so the service gives them to leads only.
"""

from __future__ import annotations

import streamlit as st

from voice.analysis.evaluation import Figures
from voice.analysis.examples import quality_figures
from voice.db import DatabaseUnavailable
from voice.security.access import Actor
from voice.ui.runtime import call
from voice.ui.text import plain


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})" if whole else "no examples yet"


def _concerns(f: Figures) -> None:
    st.subheader("Safeguarding flags")
    st.write("From your outcomes: an item closed with *Action taken* counts as a concern; one closed with "
             "*No action needed* and released to facilitators counts as not a concern.")
    positives, negatives = f.concern_true, f.concern_n - f.concern_true
    left, right = st.columns(2)
    left.metric("Concerns the checks still flag", _share(f.tp, positives),
                help="If this is ever below 100%, a rule change has stopped flagging something a lead acted on.")
    right.metric("Not-a-concern answers still flagged", _share(f.fp, negatives),
                 help="False alarms: extra reading for leads, never a missed disclosure.")


def _sentiment(f: Figures) -> None:
    st.subheader("Sentiment")
    st.metric("Automatic sentiment agrees with facilitators", _share(f.sentiment_right, f.sentiment_n))


def _themes(f: Figures) -> None:
    st.subheader("Themes")
    st.write(f"Answers a facilitator has reviewed: {f.themes_n}.")
    if f.themes_n and f.theme_f1 is not None:
        cols = st.columns(3)
        cols[0].metric("Automatic themes confirmed (precision)", f"{f.theme_precision:.0%}")
        cols[1].metric("Reviewed themes found (recall)", f"{f.theme_recall:.0%}")
        cols[2].metric("Overall (F1)", f"{f.theme_f1:.0%}")


def run(actor: Actor) -> None:
    st.title("How well the analysis reads answers")
    st.write("Every decision you make (an outcome on a flagged answer, a theme or sentiment correction) is kept "
             "as an example. These figures show how the automatic checks in use today do on all of them, so a "
             "change to the concern lexicon or the codebook can be checked against real decisions.")
    try:
        report = call(quality_figures, actor)
    except DatabaseUnavailable:
        st.warning("We couldn't reach the database just now. Please try again in a moment.")
        return
    if report.concerns is not None:
        _concerns(report.concerns)
    _sentiment(report.sentiment)
    _themes(report.themes)
    lexicon = plain(str(report.lexicon_version))  # from a file an operator edits
    st.caption(f"Codebook version {report.codebook_version} · concern lexicon version {lexicon}. "
               "Figures on test sets written by people who never saw the rules are in docs/analysis.md.")
