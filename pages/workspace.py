"""Facilitator workspace: answers with their themes and sentiment, review, agreement, uncovered terms."""

import pandas as pd
import streamlit as st

from voice.analysis import DefinitionError
from voice.analysis.review import (
    agreement, filter_choices, list_answers, review_answer, review_counts, uncovered,
)
from voice.analysis.store import add_theme, analyse_new_answers
from voice.db import DatabaseUnavailable, with_retry
from voice.security.roles import FACILITATOR
from voice.ui.guard import require_page
from voice.ui.runtime import call, db_session
from voice.ui.text import plain

actor = require_page(FACILITATOR)
PAGE_SIZE = 20


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


def _catch_up() -> None:
    """Code anything that arrived (or any theme that changed) since the last visit, with a progress bar."""
    bar = None

    def progress(fraction: float, message: str) -> None:
        nonlocal bar
        if bar is None and fraction < 1.0:
            bar = st.progress(0.0, text=message)
        if bar is not None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    def action():
        with db_session() as session:
            return analyse_new_answers(session, progress=progress)

    counts = with_retry(action)
    if bar is not None:
        bar.empty()
    if counts.analysed or counts.reused or counts.recoded:
        st.toast(f"Coded {counts.analysed + counts.reused} new answers; {counts.recoded} re-coded.")


st.title("Workspace")
try:
    _catch_up()
    choices = _db(filter_choices)
    counts = _db(review_counts)
except DatabaseUnavailable:
    st.warning("We couldn't reach the database just now. Please try again in a moment.")
    st.stop()

theme_names = dict(choices["themes"])
c1, c2, c3 = st.columns(3)
c1.metric("Answers", counts["answers"])
c2.metric("Reviewed", counts["reviewed"])
c3.metric("To review", counts["to_review"])
st.caption("Answers a safeguarding lead needs to see first are not shown here.")
if notice := st.session_state.pop("staff_ws_notice", None):
    st.success(notice)

review_tab, agreement_tab, uncovered_tab = st.tabs(["Review answers", "Agreement", "Uncovered words"])

with review_tab:
    f1, f2, f3, f4 = st.columns(4)
    survey_ids = [""] + [sid for sid, _ in choices["surveys"]]
    survey_titles = dict(choices["surveys"])
    survey = f1.selectbox("Survey", survey_ids, key="staff_ws_survey",
                          format_func=lambda s: "All surveys" if not s else f"{survey_titles.get(s, s)} ({s})")
    campaign = f2.selectbox("Campaign", [""] + choices["campaigns"], key="staff_ws_campaign",
                            format_func=lambda c: c or "All campaigns")
    theme = f3.selectbox("Theme", [""] + list(theme_names), key="staff_ws_theme",
                         format_func=lambda t: theme_names.get(t, "All themes") if t else "All themes")
    show = f4.selectbox("Show", ["To review", "Reviewed", "All"], key="staff_ws_show")
    page = st.number_input("Page", min_value=1, value=1, step=1, key="staff_ws_page")
    reviewed = {"To review": False, "Reviewed": True, "All": None}[show]
    answers = _db(list_answers, survey_id=survey or None, campaign=campaign or None, theme_id=theme or None,
                  reviewed=reviewed, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if not answers:
        st.info("No answers match these filters.")
    for answer in answers:
        with st.container(border=True, key=f"staff_ws_answer_{answer.answer_id}"):
            st.caption(plain(f"Answer {answer.answer_id} · {answer.survey_id} · {answer.question_id} · "
                             f"{answer.campaign} · sentiment {answer.sentiment} ({answer.polarity:+.2f})"
                             + (" · reviewed" if answer.reviewed else "")))
            st.text(answer.text)  # a young person's words: plain text, never Markdown or HTML
            auto = ", ".join(theme_names.get(t, t) for t in answer.auto_themes) or "none"
            st.caption(plain(f"Automatic themes: {auto}"))
            with st.form(f"staff_ws_form_{answer.answer_id}", border=False):
                chosen = st.multiselect("Themes", list(theme_names), default=list(answer.themes),
                                        format_func=lambda t: theme_names.get(t, t),
                                        key=f"staff_ws_themes_{answer.answer_id}")
                if st.form_submit_button("Save themes", key=f"staff_ws_save_{answer.answer_id}"):
                    try:
                        _db(review_answer, answer.answer_id, chosen)
                        st.session_state["staff_ws_notice"] = f"Saved the themes for answer {answer.answer_id}."
                        st.rerun()
                    except (LookupError, ValueError) as problem:
                        st.error(str(problem))

with agreement_tab:
    st.write("How often the automatic codes match facilitators' reviews, per theme. "
             "Precision: of the answers the codebook gave this theme, the share a facilitator kept. "
             "Recall: of the answers a facilitator gave this theme, the share the codebook found.")
    rows = _db(agreement)
    table = pd.DataFrame([{
        "Theme": r.name, "Kept": r.true_positives, "Rejected": r.false_positives, "Missed": r.false_negatives,
        "Precision": None if r.precision is None else round(r.precision, 2),
        "Recall": None if r.recall is None else round(r.recall, 2),
    } for r in rows])
    st.dataframe(table, hide_index=True, width="stretch")

with uncovered_tab:
    st.write("Frequent words and phrases in answers that no theme covers (number of answers using each).")
    terms = _db(uncovered, survey_id=survey or None)
    if not terms:
        st.info("Every answer has at least one theme.")
    else:
        st.dataframe(pd.DataFrame(terms, columns=["Word or phrase", "Answers"]), hide_index=True,
                     width="stretch")
        with st.form("staff_ws_new_theme"):
            st.write("**Make a theme from them**")
            picked = st.multiselect("Words and phrases", [t for t, _ in terms], key="staff_ws_terms")
            new_id = st.text_input("Theme id (lower case, e.g. climate)", key="staff_ws_new_id")
            new_name = st.text_input("Theme name", key="staff_ws_new_name")
            if st.form_submit_button("Make theme"):
                try:
                    row = _db(add_theme, new_id, new_name, picked)
                    st.session_state["staff_ws_notice"] = f"Codebook version {row.id} saved with the new theme."
                    st.rerun()
                except DefinitionError as problem:
                    st.error(plain(problem.message if problem.field is None else f"{problem.field}: {problem.message}"))
                except ValueError as problem:
                    st.error(plain(str(problem)))
