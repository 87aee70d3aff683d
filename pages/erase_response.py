"""Erase one young person's answers when they ask, using the receipt code they were given."""

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.security.retention import NothingToErase, erase_response, preview_erasure
from voice.security.roles import ADMIN, FACILITATOR
from voice.ui.guard import require_page
from voice.ui.runtime import call

actor = require_page(ADMIN, FACILITATOR)


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


st.title("Erase a response")
st.write("When a young person asks for their answers to be removed, type the receipt code they were given. "
         "Their answers and any quotes made from them are deleted for good.")
if notice := st.session_state.pop("staff_erase_notice", None):
    st.success(notice)

with st.form("staff_erase_find"):
    code = st.text_input("Receipt code", placeholder="K7QF-M2XD")
    find = st.form_submit_button("Find")
if find and code.strip():
    try:
        st.session_state["staff_erase_preview"] = _db(preview_erasure, code)
    except NothingToErase as missing:
        st.session_state.pop("staff_erase_preview", None)
        st.error(str(missing))
    except DatabaseUnavailable:
        st.warning("We couldn't look that up just now. Please try again in a moment.")

preview = st.session_state.get("staff_erase_preview")
if preview is not None:
    with st.container(border=True):
        sent = preview.submitted_at.strftime("%d %B %Y") if preview.submitted_at else "not sent"
        st.write(f"Survey **{preview.survey_id}**, sent {sent}: {preview.answers} answers, {preview.quotes} quotes.")
        for question_id, text in preview.texts:
            st.caption(question_id)
            st.text(text)  # stored words are shown as plain text, never as HTML or Markdown
        if st.button("Erase these answers", type="primary", key="staff_erase_confirm"):
            report = _db(erase_response, preview.receipt_code)
            st.session_state.pop("staff_erase_preview", None)
            st.session_state["staff_erase_notice"] = (
                f"Erased: {report.answers} answers and {report.quotes} quotes deleted.")
            st.rerun()
