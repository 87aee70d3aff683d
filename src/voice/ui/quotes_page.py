"""Quotes: find a consenting answer (search, filters, pages), make a draft, adjust the redaction, approve;
withdraw an approved quote (seeing first where it is used), or put a withdrawn one back in drafts.

Every list is paged in SQL (voice.evidence.quotes.quote_candidates / quote_page). Cards name the question,
survey and campaign; no ids are shown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from voice.analysis.review import filter_choices
from voice.errors import VoiceError
from voice.evidence.quotes import (
    ANY, NOT_QUOTED, approve_quote, discard_quote, edit_quote_text, make_quote, quote_candidates,
    quote_counts, quote_page, quote_usage, reinstate_quote, still_identifying, withdraw_quote,
)
from voice.models.evidence import QUOTE_APPROVED, QUOTE_DRAFT, QUOTE_WITHDRAWN
from voice.security.access import Actor
from voice.ui import notice, paging
from voice.ui.answer_filters import answer_filters
from voice.ui.errors import show_error
from voice.ui.runtime import Services, services
from voice.ui.text import plain, short

S = st.session_state
STATE_WORDS = {NOT_QUOTED: "Not quoted yet", ANY: "All with consent", QUOTE_DRAFT: "With a draft quote",
               QUOTE_APPROVED: "With an approved quote", QUOTE_WITHDRAWN: "With a withdrawn quote"}


def _do(db: Services, fn, *args, done: str) -> None:
    """One action; on success its confirmation is kept for the next run and the page redraws."""
    try:
        db(fn, *args)
    except VoiceError as problem:
        show_error(problem)
        return
    notice.tell("staff_q_notice", done)
    st.rerun()


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("Quotes")
    st.write("Only answers whose writer said **yes** to us using their words can be quoted. Names, schools and "
             "contact details are taken out automatically; check the result, adjust it if needed, then approve. "
             "Only approved quotes reach reports and “you said, we did”.")
    notice.show("staff_q_notice")
    counts = db(quote_counts)
    choices = db(filter_choices)
    make_tab, drafts_tab, approved_tab, withdrawn_tab = st.tabs([
        "Make a quote", f"Drafts ({counts[QUOTE_DRAFT]:,})", f"Approved ({counts[QUOTE_APPROVED]:,})",
        f"Withdrawn ({counts[QUOTE_WITHDRAWN]:,})"], key="staff_q_tabs")
    themes = dict(choices["themes"])
    with make_tab:
        _candidates(db, choices)
    with drafts_tab:
        _drafts(db, themes)
    with approved_tab:
        _approved(db, themes)
    with withdrawn_tab:
        _withdrawn(db)


def _candidates(db: Services, choices: dict) -> None:
    key = "staff_q_page"
    filters, state = answer_filters(choices, "staff_q", key, STATE_WORDS, STATE_WORDS.get, "lessons")
    page = db(quote_candidates, filters, quoted=state, page=paging.requested(key), size=paging.size(key))
    paging.controls(page, key)
    if not page.items:
        st.info("No answers with consent match these filters. Answers appear here once they are analysed "
                "(open the Workspace).")
    for c in page.items:
        with st.container(border=True, key=f"staff_q_candidate_{c.answer_id}"):
            st.markdown(f"**{plain(c.question_text)}**")
            st.caption(plain(f"{c.survey_title} · {c.campaign_title} · tone: {c.sentiment}"
                             + (f" · already has a {c.quote_status} quote" if c.quote_status else "")))
            st.text(c.text)  # a young person's words: plain text only
            if c.quote_id is None and st.button("Make a quote", key=f"staff_q_make_{c.answer_id}"):
                _do(db, make_quote, c.answer_id,
                    done=f"Draft quote made from “{short(c.text, 50)}”: check it under Drafts, then approve it.")
    if page.items:
        paging.controls(page, key, bottom=True)


def _list(db: Services, status: str, key: str, noun: str, one: str):
    words = st.text_input("Words in the quote", key=f"{key}_search", on_change=paging.reset_page, args=(key,))
    page = db(quote_page, status, words, page=paging.requested(key), size=paging.size(key, 10))
    paging.controls(page, key, noun, one)
    return page


def _context(q) -> str:
    return " · ".join(p for p in (q.survey_title, q.campaign_title, q.question_text) if p)


def _drafts(db: Services, themes: dict[str, str]) -> None:
    page = _list(db, QUOTE_DRAFT, "staff_q_drafts", "draft quotes", "draft quote")
    if not page.items:
        st.info("No draft quotes.")
    for q in page.items:
        with st.container(border=True, key=f"staff_q_draft_{q.id}"):
            st.caption(plain(_context(q)))
            st.caption(plain(f"Attributed to: {q.attribution} · themes: "
                             f"{', '.join(themes.get(t, t) for t in q.theme_ids) or 'none'}"))
            with st.form(f"staff_q_form_{q.id}", border=False):
                text = st.text_area("Quote as it will be published", value=q.text, key=f"staff_q_text_{q.id}")
                c1, c2, c3 = st.columns(3)
                save = c1.form_submit_button("Save changes")
                approve = c2.form_submit_button("Approve", type="primary")
                discard = c3.form_submit_button("Discard")
            warnings = db.read(still_identifying, q.text)
            if warnings:
                st.warning("Automatic redaction would still remove: " + plain(", ".join(warnings)))
            if q.redactions:
                st.dataframe(pd.DataFrame([{
                    "Change": r.get("kind"), "By": r.get("by"), "At": r.get("at"),
                    "Replaced with": r.get("replacement", ""),
                    "Characters": r.get("original_length", r.get("after_length", "")),
                } for r in q.redactions]), hide_index=True, width="stretch")
            if save:
                _do(db, edit_quote_text, q.id, text, done=f"Saved your changes to “{short(text, 50)}”.")
            if approve:
                if text.strip() != q.text:
                    st.error("Save your changes first, then approve.")
                else:
                    _do(db, approve_quote, q.id, done=f"Approved “{short(q.text, 50)}”: it can now be used in "
                                                      "reports and “you said, we did”.")
            if discard:
                _do(db, discard_quote, q.id, done=f"Discarded the draft “{short(q.text, 50)}”.")
    if page.items:
        paging.controls(page, "staff_q_drafts", "draft quotes", "draft quote", bottom=True)


def _approved(db: Services, themes: dict[str, str]) -> None:
    page = _list(db, QUOTE_APPROVED, "staff_q_approved", "approved quotes", "approved quote")
    if not page.items:
        st.info("No approved quotes yet.")
    for q in page.items:
        with st.container(border=True, key=f"staff_q_approved_{q.id}"):
            st.text(q.text)  # shown exactly as published
            st.caption(plain(f"{q.attribution} · approved by {q.approved_by or 'unknown'}"
                             + (f" on {q.approved_at:%d %b %Y}" if q.approved_at else "")))
            st.caption(plain(_context(q) + " · themes: " + (", ".join(themes.get(t, t) for t in q.theme_ids)
                                                             or "none")))
            with st.expander("Withdraw this quote"):
                _withdraw(db, q)
    if page.items:
        paging.controls(page, "staff_q_approved", "approved quotes", "approved quote", bottom=True)


def _withdraw(db: Services, q) -> None:
    usage = db(quote_usage, q.id)
    if usage.items:
        st.write(f"Linked to {len(usage.items)} “you said, we did” item(s), {usage.published_items} published. "
                 "Once withdrawn, the quote disappears from them (the items stay):")
        for item in usage.items:
            st.text(f"• {short(item.you_said, 90)} ({'published' if item.published else 'not published'})")
    else:
        st.write("Not linked to any “you said, we did” item.")
    if usage.priorities:
        st.write("Shown in the board report and on the priority pages under:")
        for _, title in usage.priorities:
            st.text(f"• {title}")
    with st.form(f"staff_q_withdraw_{q.id}", border=False):
        reason = st.text_input("Why (for the record, optional)", key=f"staff_q_reason_{q.id}")
        sure = st.checkbox("Yes, withdraw it everywhere", key=f"staff_q_sure_{q.id}")
        go = st.form_submit_button("Withdraw quote")
    if go:
        if not sure:
            st.error("Tick “Yes, withdraw it everywhere” to confirm.")
            return
        _do(db, withdraw_quote, q.id, reason,
            done=f"Withdrawn “{short(q.text, 50)}”: it no longer shows in reports or “you said, we did”.")


def _withdrawn(db: Services) -> None:
    page = _list(db, QUOTE_WITHDRAWN, "staff_q_withdrawn", "withdrawn quotes", "withdrawn quote")
    if not page.items:
        st.info("No withdrawn quotes.")
    for q in page.items:
        with st.container(border=True, key=f"staff_q_withdrawn_{q.id}"):
            st.text(q.text)
            st.caption(plain(f"{q.attribution} · {_context(q)}"))
            if st.button("Put back in drafts", key=f"staff_q_reinstate_{q.id}"):
                _do(db, reinstate_quote, q.id,
                    done=f"“{short(q.text, 50)}” is back in Drafts: check it and approve it again to use it.")
    if page.items:
        paging.controls(page, "staff_q_withdrawn", "withdrawn quotes", "withdrawn quote", bottom=True)
