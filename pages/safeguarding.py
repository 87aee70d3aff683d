"""Safeguarding queue: answers that may show a young person at risk. Designated safeguarding leads only.

Every look at the queue and at an item is written to the audit trail (by the service).
"""

import pandas as pd
import streamlit as st

from voice.analysis.safeguarding import (
    STATUS_LABELS, InvalidTransition, list_queue, mark_reviewed, open_item, record_outcome,
)
from voice.db import DatabaseUnavailable, with_retry
from voice.security.roles import SAFEGUARDING
from voice.ui.guard import require_page
from voice.ui.runtime import call, db_session
from voice.ui.text import plain

actor = require_page(SAFEGUARDING)


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


def _catch_up() -> None:
    from voice.analysis.store import analyse_new_answers

    with db_session() as session:
        analyse_new_answers(session)


def _when(at) -> str:
    return at.strftime("%d %b %Y %H:%M") + " UTC" if at else ""


# Catch up first: answers that arrived without passing the submit hook (imports) are checked now.
with_retry(lambda: _catch_up())
st.title("Safeguarding queue")
st.write("Answers the concern check flagged. Nothing has been done about any of them automatically: "
         "read each one and decide. Items still new after 24 hours are marked.")
if notice := st.session_state.pop("staff_sg_notice", None):
    st.success(notice)

show = st.selectbox("Show", ["open", "new", "reviewed", "action_taken", "no_action", "all"], key="staff_sg_show",
                    format_func=lambda s: {"open": "Open (new and reviewed)", "all": "All"}.get(s, STATUS_LABELS.get(s, s)))
try:
    items = _db(list_queue, show)
except DatabaseUnavailable:
    st.warning("We couldn't reach the database just now. Please try again in a moment.")
    st.stop()

overdue = [i for i in items if i.overdue]
if overdue:
    st.error(f"{len(overdue)} item(s) have been new for more than 24 hours: "
             + ", ".join(f"#{i.id}" for i in overdue))
if not items:
    st.info("Nothing in the queue.")
else:
    table = pd.DataFrame([{
        "Item": i.id, "Over 24 hours": "⚠ yes" if i.overdue else "", "Status": STATUS_LABELS[i.status],
        "Categories": ", ".join(c.replace("_", " ") for c in i.categories), "Survey": i.survey_id,
        "Group": i.group, "Flagged (UTC)": i.created_at.strftime("%Y-%m-%d %H:%M"), "Hours": i.age_hours,
    } for i in items])

    def _highlight(row):
        return ["background-color: #fde2e1; color: #5c0a06" if row["Over 24 hours"] else "" for _ in row]

    st.dataframe(table.style.apply(_highlight, axis=1), hide_index=True, width="stretch")

    ids = [i.id for i in items]
    chosen = st.selectbox("Open item", ids, key="staff_sg_item",
                          format_func=lambda i: f"#{i}" + (" (over 24 hours)" if i in {o.id for o in overdue} else ""))
    if st.button("Open", key="staff_sg_open", type="primary"):
        st.session_state["staff_sg_opened"] = chosen

opened = st.session_state.get("staff_sg_opened")
if opened is not None:
    try:
        item = _db(open_item, opened)
    except LookupError as problem:
        st.session_state.pop("staff_sg_opened", None)
        st.error(str(problem))
        st.stop()
    with st.container(border=True, key="staff_sg_detail"):
        st.subheader(f"Item #{item.id}: {STATUS_LABELS[item.status]}")
        if item.overdue:
            st.error("New for more than 24 hours.")
        st.caption(plain(f"{item.survey_title} ({item.survey_id}) · question {item.question_id} · "
                         f"campaign {item.campaign} · group {item.group} · sent {_when(item.submitted_at)}"))
        st.text(item.text)  # the young person's words, as written: never Markdown or HTML
        st.caption(plain("Categories: " + ", ".join(c.replace("_", " ") for c in item.categories)))
        st.caption(plain("Words that raised the flag: " + "; ".join(item.matches)))
        history = [f"Flagged {_when(item.created_at)}"]
        if item.reviewed_by:
            history.append(f"reviewed by {item.reviewed_by}, {_when(item.reviewed_at)}")
        if item.outcome_by:
            history.append(f"{STATUS_LABELS[item.status].lower()} by {item.outcome_by}, {_when(item.outcome_at)}")
        st.caption(plain(" · ".join(history)))
        if item.note:
            st.text(item.note)

        def _act(fn, *args, done: str):
            try:
                _db(fn, item.id, *args)
                st.session_state["staff_sg_notice"] = done
                st.rerun()
            except (InvalidTransition, ValueError) as problem:
                st.error(plain(str(problem)))

        if item.status == "new":
            with st.form("staff_sg_review"):
                note = st.text_area("Note (optional)", key="staff_sg_review_note")
                if st.form_submit_button("Mark as reviewed", type="primary"):
                    _act(mark_reviewed, note, done=f"Item #{item.id} marked as reviewed.")
        elif item.status == "reviewed":
            with st.form("staff_sg_outcome"):
                outcome = st.radio("Outcome", ["action_taken", "no_action"], key="staff_sg_outcome_choice",
                                   format_func=lambda s: STATUS_LABELS[s])
                note = st.text_area("What was done (needed for 'Action taken')", key="staff_sg_outcome_note")
                release = st.checkbox("No action needed and not a concern: let facilitators use this answer",
                                      key="staff_sg_release")
                if st.form_submit_button("Record outcome", type="primary"):
                    _act(record_outcome, outcome, note, release, done=f"Outcome recorded for item #{item.id}.")
