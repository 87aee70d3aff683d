"""Quotes: make a draft from a consenting answer, adjust the redaction, approve."""

import pandas as pd
import streamlit as st

from voice.db import DatabaseUnavailable, with_retry
from voice.evidence.quotes import (
    QuoteRefused, approve_quote, consenting_answers, discard_quote, edit_quote_text, list_quotes, make_quote,
    still_identifying,
)
from voice.security.roles import FACILITATOR
from voice.ui.guard import require_page
from voice.ui.runtime import call, db_session
from voice.ui.text import plain

actor = require_page(FACILITATOR)
SHOWN = 30


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


def _session_only(fn, *args):
    def action():
        with db_session() as session:
            return fn(session, *args)

    return with_retry(action)


def _do(fn, *args, done: str) -> None:
    try:
        _db(fn, *args)
        st.session_state["staff_q_notice"] = done
        st.rerun()
    except (QuoteRefused, LookupError) as problem:
        st.error(plain(str(problem)))


st.title("Quotes")
st.write("Only answers whose writer said **yes** to us using their words can be quoted. Names, schools and "
         "contact details are taken out automatically; check the result, adjust it if needed, then approve. "
         "Only approved quotes reach reports.")
if notice := st.session_state.pop("staff_q_notice", None):
    st.success(notice)

try:
    drafts = _db(list_quotes, "draft")
    approved = _db(list_quotes, "approved")
    candidates = _db(consenting_answers, limit=SHOWN)
except DatabaseUnavailable:
    st.warning("We couldn't reach the database just now. Please try again in a moment.")
    st.stop()

make_tab, drafts_tab, approved_tab = st.tabs(["Make a quote", f"Drafts ({len(drafts)})",
                                              f"Approved ({len(approved)})"])

with make_tab:
    quoted = {q.answer_id for q in drafts + approved}
    fresh = [c for c in candidates if c[0] not in quoted]
    if not fresh:
        st.info("No answers with consent are waiting. Answers appear here once they are analysed in the workspace.")
    for answer_id, survey_id, question_id, text in fresh:
        with st.container(border=True, key=f"staff_q_candidate_{answer_id}"):
            st.caption(plain(f"Answer {answer_id} · {survey_id} · {question_id}"))
            st.text(text)  # a young person's words: plain text only
            if st.button("Make a quote", key=f"staff_q_make_{answer_id}"):
                _do(make_quote, answer_id, done=f"Draft quote made from answer {answer_id}: check it under Drafts.")

with drafts_tab:
    if not drafts:
        st.info("No draft quotes.")
    for q in drafts:
        with st.container(border=True, key=f"staff_q_draft_{q.id}"):
            st.caption(plain(f"Quote {q.id} · attributed to: {q.attribution} · themes: {', '.join(q.theme_ids) or 'none'}"))
            with st.form(f"staff_q_form_{q.id}", border=False):
                text = st.text_area("Quote as it will be published", value=q.text, key=f"staff_q_text_{q.id}")
                c1, c2, c3 = st.columns(3)
                save = c1.form_submit_button("Save changes")
                approve = c2.form_submit_button("Approve", type="primary")
                discard = c3.form_submit_button("Discard")
            warnings = _session_only(still_identifying, q.text)
            if warnings:
                st.warning("Automatic redaction would still remove: " + plain(", ".join(warnings)))
            if q.redactions:
                st.dataframe(pd.DataFrame([{
                    "Change": r.get("kind"), "By": r.get("by"), "At": r.get("at"),
                    "Replaced with": r.get("replacement", ""),
                    "Characters": r.get("original_length", r.get("after_length", "")),
                } for r in q.redactions]), hide_index=True, width="stretch")
            if save:
                _do(edit_quote_text, q.id, text, done=f"Quote {q.id} saved.")
            if approve:
                if text.strip() != q.text:
                    st.error("Save your changes first, then approve.")
                else:
                    _do(approve_quote, q.id, done=f"Quote {q.id} approved.")
            if discard:
                _do(discard_quote, q.id, done=f"Quote {q.id} discarded.")

with approved_tab:
    if approved:
        st.dataframe(pd.DataFrame([{
            "Quote": q.text, "Attribution": q.attribution, "Themes": ", ".join(q.theme_ids),
            "Priorities": ", ".join(q.priority_ids), "Approved by": q.approved_by,
            "Approved (UTC)": q.approved_at.strftime("%Y-%m-%d %H:%M") if q.approved_at else "",
        } for q in approved]), hide_index=True, width="stretch")
    else:
        st.info("No approved quotes yet.")
