"""Codebook: edit the themes as YAML, check, save as a new version; see and restore earlier versions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from voice.analysis import DefinitionError
from voice.analysis.store import NoChange, check_codebook, codebook_history, codebook_yaml, save_codebook
from voice.security.access import Actor
from voice.ui import notice
from voice.ui.errors import show_error
from voice.ui.runtime import Services, services
from voice.ui.text import plain

S = st.session_state


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("Codebook")
    st.write("Themes group what young people write. Each theme lists **words** (a trailing * matches any ending), "
             "**phrases** and **exclusions**. Saving makes a new version; answers are re-coded only for the themes "
             "you changed. If your edit has a mistake, nothing is saved and the version in use stays in use.")
    history = db(codebook_history)
    current = db(codebook_yaml)
    notice.show("staff_cb_notice")
    active = history[0]
    st.caption(plain(f"In use: version {active.number}, {active.themes} themes, saved by {active.created_by} "
                     f"on {active.created_at:%d %b %Y %H:%M} UTC"))
    edit_tab, history_tab = st.tabs(["Edit", "History"], key="staff_cb_tabs")
    with edit_tab:
        _edit(db, active, current)
    with history_tab:
        _history(db, history, active)


def _edit(db: Services, active, current: str) -> None:
    # Keys carry the version in use: a new version starts from its own text and an empty note; after a
    # refused edit the same keys keep what was typed.
    with st.form("staff_cb_form"):
        text = st.text_area("Codebook (YAML)", value=current, height=480, key=f"staff_cb_text_{active.number}")
        note = st.text_input("What changed and why", key=f"staff_cb_note_{active.number}")
        col1, col2 = st.columns(2)
        check = col1.form_submit_button("Check")
        save = col2.form_submit_button("Save new version", type="primary")
    if not (check or save):
        return
    try:
        checked = check_codebook(text)
    except DefinitionError as exc:
        show_error(exc, "Not saved.")
        return
    if check:
        st.success(f"Looks good: {len(checked.themes)} themes.")
        return
    try:
        row = db(save_codebook, text, note)
    except NoChange as exc:
        show_error(exc, info=True)  # a second press of Save: the same text is already in use
    except DefinitionError as exc:
        show_error(exc, "Not saved.")
    else:
        notice.tell("staff_cb_notice", f"Saved as version {row.id}. Answers will be re-coded for the changed themes "
                    "when the workspace next opens.")
        st.rerun()


def _history(db: Services, history, active) -> None:
    st.dataframe(pd.DataFrame([{
        "Version": h.number, "In use": "yes" if h.active else "", "Themes": h.themes, "Saved by": h.created_by,
        "Saved at (UTC)": h.created_at.strftime("%Y-%m-%d %H:%M"), "Note": h.note,
    } for h in history]), hide_index=True, width="stretch")
    chosen = st.selectbox("Look at version", [h.number for h in history], key="staff_cb_version")
    text = db(codebook_yaml, chosen)
    # st.code shows text as written; wrapped, since a sideways-scrolling box can't be scrolled by keyboard.
    st.code(text, language="yaml", wrap_lines=True)
    if chosen != active.number and st.button(f"Use version {chosen} again", key="staff_cb_restore"):
        try:
            row = db(save_codebook, text, f"Restored version {chosen}")
        except (NoChange, DefinitionError) as exc:
            show_error(exc, info=True)
        else:
            notice.tell("staff_cb_notice", f"Version {chosen} restored as version {row.id}.")
            st.rerun()
