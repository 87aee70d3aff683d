"""Erase one young person's answers when they ask, by the receipt code they were given.

Refused while a safeguarding item on the response is open (a lead must close it first), and then the
page shows none of the response's words. Held words are never shown to anyone but a lead.
"""

from __future__ import annotations

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.security.access import Actor
from voice.responses.retention import HeldForSafeguarding, NothingToErase, erase_response, preview_erasure
from voice.security.roles import SAFEGUARDING
from voice.ui.errors import show_error
from voice.ui.runtime import call
from voice.ui.text import plain

BUSY = "We couldn't do that just now (the database is busy). Please try again in a moment."


def run(actor: Actor) -> None:
    st.title("Erase a response")
    st.write("When a young person asks for their answers to be removed, type the receipt code they were given. "
             "Their answers and any quotes made from them are deleted for good. If a safeguarding lead is still "
             "looking at the response, it can be erased only once the lead has closed their item.")
    if notice := st.session_state.pop("staff_erase_notice", None):
        st.success(notice)

    with st.form("staff_erase_find"):
        code = st.text_input("Receipt code", placeholder="K7QF-M2XD")
        find = st.form_submit_button("Find")
    if find and code.strip():
        try:
            st.session_state["staff_erase_preview"] = call(preview_erasure, actor, code)
        except NothingToErase as missing:
            st.session_state.pop("staff_erase_preview", None)
            show_error(missing)
        except DatabaseUnavailable:
            st.warning(BUSY)

    preview = st.session_state.get("staff_erase_preview")
    if preview is None:
        return
    with st.container(border=True, key="staff_erase_found"):
        sent = preview.submitted_at.strftime("%d %B %Y") if preview.submitted_at else "not sent"
        st.write(f"Survey **{plain(preview.survey_id)}**, sent {sent}: {preview.answers} answers, "
                 f"{preview.quotes} quotes.")
        if preview.held_by is not None:
            st.error(f"These answers cannot be erased yet: a safeguarding lead must first close safeguarding item "
                     f"#{preview.held_by}, which is about this response. Please tell a safeguarding lead that the "
                     "young person has asked for their answers to be erased.")
            if actor.has(SAFEGUARDING):
                st.caption(f"You are a safeguarding lead: close item #{preview.held_by} in the safeguarding queue, "
                           "then come back here.")
            return
        for question_id, text in preview.texts:
            st.caption(plain(question_id))
            st.text(text)  # stored words are shown as plain text, never as HTML or Markdown
        if preview.texts_held_back:
            st.caption(f"{preview.texts_held_back} written answer(s) are not shown here: they are for the "
                       "safeguarding leads. They are erased too.")
        if st.button("Erase these answers", type="primary", key="staff_erase_confirm"):
            try:
                report = call(erase_response, actor, preview.receipt_code)
            except HeldForSafeguarding as held:
                show_error(held)
                return
            except NothingToErase as missing:
                st.session_state.pop("staff_erase_preview", None)
                show_error(missing)
                return
            except DatabaseUnavailable:
                st.warning(BUSY)
                return
            st.session_state.pop("staff_erase_preview", None)
            kept = "".join(f" The safeguarding record #{i} stays, without the answers." for i in
                           report.safeguarding_records)
            st.session_state["staff_erase_notice"] = (
                f"Erased: {report.answers} answers and {report.quotes} quotes deleted.{kept}")
            st.rerun()
