"""Facilitator workspace: answers with their themes and sentiment, review (one by one or a page at a time,
with undo), agreement, uncovered words.

Cards name the question, the survey and the campaign; answer ids stay out of sight. Filters, search and
paging run in SQL (voice.analysis.review.answer_page), so thousands of answers load one page at a time.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from voice.analysis.examples import SENTIMENT_LABELS, correct_sentiment, sentiment_corrections
from voice.analysis.review import (
    AnswerFilter, accept_suggested, agreement, answer_page, filter_choices, review_answer,
    review_counts, uncovered, undo_accept,
)
from voice.analysis.store import add_theme, analyse_new_answers
from voice.errors import VoiceError
from voice.security.access import Actor
from voice.ui import notice, paging
from voice.ui.answer_filters import answer_filters
from voice.ui.errors import show_error
from voice.ui.runtime import Services, services
from voice.ui.text import plain, short

S = st.session_state
PAGE = "staff_ws_page"
SHOW = {"To review": False, "Reviewed": True, "All": None}


def _notice(message: str) -> None:
    notice.tell("staff_ws_notice", message)


def _catch_up(db: Services) -> None:
    """Code anything that arrived (or any theme that changed) since the last visit, with a progress bar."""
    bar = None

    def progress(fraction: float, message: str) -> None:
        nonlocal bar
        if bar is None and fraction < 1.0:
            bar = st.progress(0.0, text=message)
        if bar is not None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    counts = db.read(analyse_new_answers, progress=progress)
    if bar is not None:
        bar.empty()
    if counts.analysed or counts.reused or counts.recoded:
        st.toast(f"Coded {counts.analysed + counts.reused} new answers; {counts.recoded} re-coded.")


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("Workspace")
    _catch_up(db)
    choices = db(filter_choices)
    counts = db(review_counts)
    c1, c2, c3 = st.columns(3)
    c1.metric("Answers", f"{counts['answers']:,}")
    c2.metric("Reviewed", f"{counts['reviewed']:,}")
    c3.metric("To review", f"{counts['to_review']:,}")
    st.caption("Answers a safeguarding lead needs to see first are not shown here.")
    notice.show("staff_ws_notice")

    filters = _filters(choices)  # above the tabs: they stay as set whichever tab is open
    # Only the open tab runs (on_change="rerun"): agreement and uncovered words read every reviewed answer.
    review_tab, agreement_tab, uncovered_tab = st.tabs(["Review answers", "Agreement", "Uncovered words"],
                                                       key="staff_ws_tabs", on_change="rerun")
    with review_tab:
        if review_tab.open:
            _review(db, filters, dict(choices["themes"]))
    with agreement_tab:
        if agreement_tab.open:
            _agreement(db)
    with uncovered_tab:
        if uncovered_tab.open:
            _uncovered(db, filters.survey_id)


def _filters(choices: dict) -> AnswerFilter:
    filters, show = answer_filters(choices, "staff_ws", PAGE, SHOW, str, "bus")
    return replace(filters, reviewed=SHOW[show])


def _review(db: Services, filters: AnswerFilter, theme_names: dict[str, str]) -> None:
    page = db(answer_page, filters, page=paging.requested(PAGE), size=paging.size(PAGE))
    paging.controls(page, PAGE)
    _bulk(db, page, theme_names)
    if not page.items:
        st.info("No answers match these filters.")
    corrected = db(sentiment_corrections, [a.answer_id for a in page.items]) if page.items else {}
    for answer in page.items:
        _card(db, answer, theme_names, corrected.get(answer.answer_id))
    if page.items:
        paging.controls(page, PAGE, bottom=True)


def _bulk(db: Services, page, theme_names: dict[str, str]) -> None:
    """Accept the suggested themes of every answer on this page still to review; undo the last batch."""
    if batch := S.get("staff_ws_undo"):
        cols = st.columns([3, 1])
        cols[0].info(f"Accepted the suggested themes for {len(batch.accepted)} answers. Changed your mind?")
        if cols[1].button("Undo", key="staff_ws_undo_button"):
            back = db(undo_accept, batch)
            S.pop("staff_ws_undo", None)
            _notice(f"Undone: {back} answers are back in “To review”.")
            st.rerun()
    waiting = [a for a in page.items if not a.reviewed and a.auto_themes]
    if not waiting:
        return
    label = (f"Accept the suggested themes for the {len(waiting)} answers on this page still to review"
             if len(waiting) > 1 else "Accept the suggested theme for the answer on this page still to review")
    if st.button(label, key="staff_ws_bulk_accept"):
        batch = db(accept_suggested, [a.answer_id for a in waiting])
        S["staff_ws_undo"] = batch
        extra = []
        if batch.already_reviewed:
            extra.append(f"{batch.already_reviewed} had been reviewed already and were left as they were")
        if batch.no_suggestion:
            extra.append(f"{batch.no_suggestion} have no suggested theme: review those one by one")
        _notice(f"Accepted the suggested themes for {len(batch.accepted)} answers."
                + (" " + "; ".join(extra).capitalize() + "." if extra else ""))
        st.rerun()


def _card(db: Services, answer, theme_names: dict[str, str], corrected_tone: str | None) -> None:
    tone = corrected_tone or answer.sentiment
    with st.container(border=True, key=f"staff_ws_answer_{answer.answer_id}"):
        st.markdown(f"**{plain(answer.question_text)}**")
        st.caption(plain(f"{answer.survey_title} · {answer.campaign_title} · tone: {tone}"
                         + (" (corrected)" if corrected_tone else "") + (" · reviewed" if answer.reviewed else "")))
        st.text(answer.text)  # a young person's words: plain text, never Markdown or HTML
        auto = ", ".join(theme_names.get(t, t) for t in answer.auto_themes) or "none"
        st.caption(plain(f"Suggested themes: {auto}"))
        with st.form(f"staff_ws_form_{answer.answer_id}", border=False):
            chosen = st.multiselect("Themes", list(theme_names), default=list(answer.themes),
                                    format_func=lambda t: theme_names.get(t, t),
                                    key=f"staff_ws_themes_{answer.answer_id}")
            # A facilitator's tone is kept as a labelled example (voice.analysis.examples): the Analysis
            # quality page compares the automatic tone with these. Answers the analysis could not read
            # ("not analysed") get a tone only from a person.
            options = list(SENTIMENT_LABELS)
            chosen_tone = st.segmented_control("Tone", options, default=tone if tone in options else None,
                                               key=f"staff_ws_tone_{answer.answer_id}")
            if st.form_submit_button("Save themes and tone", key=f"staff_ws_save_{answer.answer_id}"):
                try:
                    saved = db(review_answer, answer.answer_id, chosen)
                    if chosen_tone and chosen_tone != tone:
                        db(correct_sentiment, answer.answer_id, chosen_tone)
                except VoiceError as problem:
                    show_error(problem)
                else:
                    names = ", ".join(theme_names.get(t, t) for t in saved) or "no theme"
                    toned = f"; tone {chosen_tone}" if chosen_tone and chosen_tone != tone else ""
                    _notice(f"Saved the themes for “{short(answer.text, 50)}”: {names}{toned}.")
                    st.rerun()


def _agreement(db: Services) -> None:
    st.write("How often the automatic codes match facilitators' reviews, per theme. "
             "Precision: of the answers the codebook gave this theme, the share a facilitator kept. "
             "Recall: of the answers a facilitator gave this theme, the share the codebook found.")
    rows = db(agreement)
    table = pd.DataFrame([{
        "Theme": r.name, "Kept": r.true_positives, "Rejected": r.false_positives, "Missed": r.false_negatives,
        "Precision": None if r.precision is None else round(r.precision, 2),
        "Recall": None if r.recall is None else round(r.recall, 2),
    } for r in rows])
    st.dataframe(table, hide_index=True, width="stretch")


def _uncovered(db: Services, survey_id: str | None) -> None:
    st.write("Frequent words and phrases in answers that no theme covers (number of answers using each). "
             "Filler words (“actually”, “stuff”, “something”…) are left out.")
    terms = db(uncovered, survey_id=survey_id)
    if not terms:
        st.info("Every answer has at least one theme.")
        return
    st.dataframe(pd.DataFrame(terms, columns=["Word or phrase", "Answers"]), hide_index=True, width="stretch")
    version = S.get("staff_ws_theme_form", 0)
    with st.form(f"staff_ws_new_theme_{version}"):
        st.write("**Make a theme from them**")
        picked = st.multiselect("Words and phrases", [t for t, _ in terms])
        new_id = st.text_input("Theme id (lower case, e.g. climate)")
        new_name = st.text_input("Theme name")
        made = st.form_submit_button("Make theme")
    if made:
        try:
            row = db(add_theme, new_id, new_name, picked)
        except VoiceError as problem:
            show_error(problem)
        else:
            S["staff_ws_theme_form"] = version + 1  # an empty form next time; after an error it keeps the typing
            _notice(f"Saved codebook version {row.id} with the new theme “{new_name.strip()}”.")
            st.rerun()
