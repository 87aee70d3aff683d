"""Codebook: edit the themes as YAML, check, save as a new version; see and restore earlier versions."""

import pandas as pd
import streamlit as st

from voice.analysis import DefinitionError
from voice.analysis.store import NoChange, check_codebook, codebook_history, codebook_yaml, save_codebook
from voice.db import DatabaseUnavailable
from voice.security.roles import FACILITATOR
from voice.ui.guard import require_page
from voice.ui.runtime import call
from voice.ui.text import plain

actor = require_page(FACILITATOR)


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


def _problem(exc: DefinitionError) -> str:
    where = [f"line {exc.line}" if exc.line else "", f"field {exc.field}" if exc.field else ""]
    return plain(", ".join(w for w in where if w) + (": " if any(where) else "") + exc.message)


st.title("Codebook")
st.write("Themes group what young people write. Each theme lists **words** (a trailing * matches any ending), "
         "**phrases** and **exclusions**. Saving makes a new version; answers are re-coded only for the themes "
         "you changed. If your edit has a mistake, nothing is saved and the version in use stays in use.")
try:
    history = _db(codebook_history)
    current = _db(codebook_yaml)
except DatabaseUnavailable:
    st.warning("We couldn't reach the database just now. Please try again in a moment.")
    st.stop()

if notice := st.session_state.pop("staff_cb_notice", None):
    st.success(notice)

active = history[0]
st.caption(plain(f"In use: version {active.number}, {active.themes} themes, saved by {active.created_by} "
                 f"on {active.created_at:%d %b %Y %H:%M} UTC"))

edit_tab, history_tab = st.tabs(["Edit", "History"])
with edit_tab:
    # The text area keeps the facilitator's edit across reruns; a new active version resets it.
    key = f"staff_cb_text_{active.number}"
    with st.form("staff_cb_form"):
        text = st.text_area("Codebook (YAML)", value=current, height=480, key=key)
        note = st.text_input("What changed and why", key="staff_cb_note")
        col1, col2 = st.columns(2)
        check = col1.form_submit_button("Check")
        save = col2.form_submit_button("Save new version", type="primary")
    if check or save:
        try:
            checked = check_codebook(text)
        except DefinitionError as exc:
            st.error("Not saved. " + _problem(exc))
        else:
            if check:
                st.success(f"Looks good: {len(checked.themes)} themes.")
            else:
                try:
                    row = _db(save_codebook, text, note)
                    st.session_state["staff_cb_notice"] = (f"Saved as version {row.id}. Answers will be re-coded "
                                                           "for the changed themes when the workspace next opens.")
                    st.rerun()
                except NoChange as exc:
                    st.info(str(exc))
                except DefinitionError as exc:
                    st.error("Not saved. " + _problem(exc))

with history_tab:
    st.dataframe(pd.DataFrame([{
        "Version": h.number, "In use": "yes" if h.active else "", "Themes": h.themes, "Saved by": h.created_by,
        "Saved at (UTC)": h.created_at.strftime("%Y-%m-%d %H:%M"), "Note": h.note,
    } for h in history]), hide_index=True, width="stretch")
    numbers = [h.number for h in history]
    chosen = st.selectbox("Look at version", numbers, key="staff_cb_version")
    # st.code shows text as written; wrapped, since a sideways-scrolling box can't be scrolled by keyboard.
    st.code(_db(codebook_yaml, chosen), language="yaml", wrap_lines=True)
    if chosen != active.number and st.button(f"Use version {chosen} again", key="staff_cb_restore"):
        try:
            row = _db(save_codebook, _db(codebook_yaml, chosen), f"Restored version {chosen}")
            st.session_state["staff_cb_notice"] = f"Version {chosen} restored as version {row.id}."
            st.rerun()
        except (NoChange, DefinitionError) as exc:
            st.info(plain(str(exc)))
