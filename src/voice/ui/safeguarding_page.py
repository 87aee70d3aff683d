"""The safeguarding queue page: the open queue refreshing itself, filters, and one item in full.

The list is a fragment that re-runs every REFRESH_SECONDS, so a new item appears without a reload; a
look at the queue is audited only when something new is on it (voice.analysis.safeguarding.list_queue).
Opening an item shows it in place of the list (easier on a phone), with the whole response, the history,
who has seen it, and the lead's actions. Every time is Europe/London. Young people's words are shown with
st.text / st.table only; anything else that came from outside goes through `plain`.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from voice.analysis.safeguarding import (
    STATUS_FILTERS, STATUS_LABELS, ItemDetail, QueueItem, add_note, filter_choices, list_queue,
    mark_reviewed, open_item, record_outcome,
)
from voice.analysis.safeguarding import OVERDUE_WORDS
from voice.db import DatabaseUnavailable, utcnow
from voice.errors import NotFound, VoiceError
from voice.localtime import local, when
from voice.safeguarding.categories import label
from voice.security.access import Actor
from voice.ui.errors import show_error
from voice.ui.runtime import call
from voice.ui.text import plain, short

log = logging.getLogger(__name__)

REFRESH_SECONDS = 15
PAGE_SIZE = 30
BUSY = "We couldn't reach the database just now. Please try again in a moment."
STATUS_BADGES = {"new": ":red-badge[New]", "reviewed": ":orange-badge[Reviewed]",
                 "action_taken": ":green-badge[Action taken]", "no_action": ":gray-badge[No action needed]"}
FILTER_WORDS = {"open": "Open (new and reviewed)", "all": "All, closed too"}


def _status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, f":gray-badge[{plain(status)}]")


def _category_badges(categories) -> str:
    return " ".join(f":violet-badge[{plain(label(c))}]" for c in categories)


def _catch_up() -> None:
    """Answers that arrived without the submit hook (imports, a failed hook) are checked now."""
    from voice.analysis.store import analyse_new_answers
    from voice.safeguarding.notify import kick
    from voice.ui.runtime import engine

    try:
        call(analyse_new_answers)
        kick(engine())  # send any notification still waiting (after a crash, or a mail server that was down)
    except DatabaseUnavailable:
        st.warning(BUSY)
    except Exception:  # the queue itself must still open: what is stored is what matters
        log.exception("catching up the analysis on the safeguarding page failed")


def run(actor: Actor) -> None:
    _catch_up()
    st.title("Safeguarding queue")
    if notice := st.session_state.pop("staff_sg_notice", None):
        st.success(notice)
    opened = st.session_state.get("staff_sg_opened")
    if opened is not None:
        _detail(actor, int(opened))
        return
    st.write("Responses where something suggests a young person may be at risk. Nothing has been done about "
             "them automatically: read each one and decide. Times are UK time.")
    _filters(actor)
    _queue(actor)


def _filters(actor: Actor) -> None:
    try:
        choices = call(filter_choices, actor)
    except DatabaseUnavailable:
        choices = {"campaigns": [], "categories": []}
    status = st.session_state.get("staff_sg_status") or "open"
    category = st.session_state.get("staff_sg_category") or ""
    campaign = st.session_state.get("staff_sg_campaign") or ""
    showing = [FILTER_WORDS.get(status, STATUS_LABELS.get(status, status)),
               label(category) if category else "every category", campaign or "every campaign"]
    # Folded away (a phone's first screen is for the items), with what it shows now in its title.
    with st.expander("Showing: " + plain(" · ".join(showing)), expanded=status != "open" or bool(category or campaign)):
        with st.container(horizontal=True, key="staff_sg_filters"):
            st.selectbox("Status", STATUS_FILTERS, key="staff_sg_status",
                         format_func=lambda s: FILTER_WORDS.get(s, STATUS_LABELS.get(s, s)))
            st.selectbox("Category", ["", *choices["categories"]], key="staff_sg_category",
                         format_func=lambda c: label(c) if c else "Every category")
            st.selectbox("Campaign", ["", *choices["campaigns"]], key="staff_sg_campaign",
                         format_func=lambda c: c or "Every campaign")
        # Straight to an item someone named ("item #254"), open or closed.
        with st.form("staff_sg_find", border=False):
            number = st.number_input("Item number", min_value=1, step=1, value=None, key="staff_sg_find_number",
                                     placeholder="e.g. 254")
            if st.form_submit_button("Open this item") and number:
                st.session_state["staff_sg_opened"] = int(number)
                st.session_state.pop("staff_sg_looked", None)
                st.rerun()


@st.fragment(run_every=REFRESH_SECONDS)
def _queue(actor: Actor) -> None:
    # The refresh is not activity: a fragment run does not touch the server session, and
    # session.watch_session signs an idle lead out.
    seen = set(st.session_state.get("staff_sg_seen", ()))
    try:
        items = call(list_queue, actor, st.session_state.get("staff_sg_status") or "open",
                     category=st.session_state.get("staff_sg_category") or None,
                     campaign=st.session_state.get("staff_sg_campaign") or None, already_seen=seen)
    except DatabaseUnavailable:
        st.warning(BUSY)
        return
    st.session_state["staff_sg_seen"] = sorted(seen | {i.id for i in items})
    new = sum(i.status == "new" for i in items)
    overdue = [i for i in items if i.overdue]
    st.caption(plain(f"{len(items)} item(s) shown, {new} new · checked at {local(utcnow()):%H:%M:%S %Z} · "
                     f"this list refreshes itself every {REFRESH_SECONDS} seconds"))
    if overdue:
        st.error(f"{len(overdue)} item(s) have been new for more than {OVERDUE_WORDS}: "
                 + ", ".join(f"#{i.id}" for i in overdue))
    if not items:
        st.info("Nothing in the queue.")
        return
    limit = st.session_state.get("staff_sg_limit", PAGE_SIZE)
    with st.container(key="staff_sg_list"):
        for item in items[:limit]:
            _row(item)
    if len(items) > limit:
        if st.button(f"Show more ({len(items) - limit} more)", key="staff_sg_more"):
            st.session_state["staff_sg_limit"] = limit + PAGE_SIZE
            st.rerun(scope="fragment")


def _row(item: QueueItem) -> None:
    with st.container(border=True, key=f"staff_sg_row_{item.id}"):
        content, action = st.columns([5, 1], vertical_alignment="center")
        with content:
            flags = [f"**#{item.id}**", _status_badge(item.status)]
            if item.overdue:
                flags.append(f":red-badge[Over {OVERDUE_WORDS}]")
            flags.append(_category_badges(item.categories))
            st.markdown(" ".join(flags) + " " + plain(when(item.updated_at)))
            st.text(short(item.summary, 240) or "(nothing to show)")  # the young person's words, as written
            details = [item.group, item.survey_title, item.campaign,
                       f"{item.indicators} things raised it" if item.indicators > 1 else ""]
            st.caption(plain(" · ".join(d for d in details if d)))
        with action:
            if st.button(f"Open #{item.id}", key=f"staff_sg_open_{item.id}", width="stretch"):
                st.session_state["staff_sg_opened"] = item.id
                st.session_state.pop("staff_sg_looked", None)
                st.rerun()


def _back() -> None:
    st.session_state.pop("staff_sg_opened", None)
    st.session_state.pop("staff_sg_looked", None)


def _detail(actor: Actor, item_id: int) -> None:
    st.button("← Back to the queue", key="staff_sg_back", on_click=_back)
    first_look = st.session_state.get("staff_sg_looked") != item_id
    try:
        item = call(open_item, actor, item_id, audit=first_look)
    except NotFound as problem:
        _back()
        show_error(problem)
        return
    except DatabaseUnavailable:
        st.warning(BUSY)
        return
    st.session_state["staff_sg_looked"] = item_id
    with st.container(key="staff_sg_detail"):
        st.subheader(f"Item #{item.id}")
        st.markdown(_status_badge(item.status) + " " + _category_badges(item.categories))
        if item.overdue:
            st.error(f"New for more than {OVERDUE_WORDS}.")
        where = [f"{item.survey_title} ({item.survey_id})", f"campaign {item.campaign}" if item.campaign else "",
                 item.group,
                 f"sent {when(item.submitted_at)}" if item.submitted_at else "", f"raised {when(item.created_at)}"]
        if item.updated_at != item.created_at:
            where.append(f"last added to {when(item.updated_at)}")
        st.caption(plain(" · ".join(w for w in where if w)))
        if item.answers_erased_at:
            st.info(f"The young person's answers were erased ({plain(when(item.answers_erased_at))}). This record "
                    "keeps where it came from, what raised it, the decisions and the notes.")
        _indicators(item)
        _whole_response(item)
        _seen_and_history(item)
        _actions(actor, item)


def _indicators(item: ItemDetail) -> None:
    st.markdown("#### What raised it")
    for n, ind in enumerate(item.indicators):
        with st.container(border=True, key=f"staff_sg_indicator_{n}"):
            st.markdown(_category_badges(ind.categories))
            st.markdown(plain(ind.why or ind.kind))
            if ind.text is not None:
                st.text(ind.text)  # the young person's words, as written: never Markdown or HTML
            elif ind.kind == "text":
                st.caption("The answer itself has been erased.")
            if ind.matches:
                st.caption(plain("Words that raised it: " + "; ".join(ind.matches)))


def _whole_response(item: ItemDetail) -> None:
    st.markdown("#### Their whole response")
    if not item.answers:
        st.caption("Not available: the answers have been erased." if item.answers_erased_at else "No answers.")
        return
    st.caption("Every answer this young person gave, in the order they were asked. ⚑ marks what raised the item.")
    st.table(pd.DataFrame([{"": "⚑" if a.raised else "", "Question": a.question, "Answer": a.answer}
                           for a in item.answers]).set_index(""))


def _seen_and_history(item: ItemDetail) -> None:
    st.markdown("#### Who has seen it")
    st.caption(plain("; ".join(f"{who}, last {when(at)}" + (f" ({n} times)" if n > 1 else "")
                               for who, at, n in item.seen_by) or "Nobody yet."))
    st.markdown("#### History and notes")
    for entry in item.history:
        st.markdown(plain(" · ".join(x for x in (when(entry.at), entry.by, entry.what) if x)))
        if entry.note:
            st.text(entry.note)


def _act(fn, *args, done: str) -> None:
    try:
        call(fn, *args)
        st.session_state["staff_sg_notice"] = done
        st.rerun()
    except VoiceError as problem:  # a status the lifecycle does not allow, a note left empty, an item gone
        show_error(problem)
    except DatabaseUnavailable:
        st.warning(BUSY)


def _actions(actor: Actor, item: ItemDetail) -> None:
    st.markdown("#### What you did")
    if item.status == "new":
        with st.form("staff_sg_review"):
            note = st.text_area("Note (optional)", key="staff_sg_review_note")
            if st.form_submit_button("Mark as reviewed", type="primary"):
                _act(mark_reviewed, actor, item.id, note, done=f"Item #{item.id} marked as reviewed.")
    elif item.status == "reviewed":
        with st.form("staff_sg_outcome"):
            outcome = st.radio("Outcome", ["action_taken", "no_action"], key="staff_sg_outcome_choice",
                               format_func=lambda s: STATUS_LABELS[s])
            note = st.text_area("What was done (needed for 'Action taken')", key="staff_sg_outcome_note")
            release = st.checkbox("No action needed and not a concern: let facilitators use these answers",
                                  key="staff_sg_release")
            if st.form_submit_button("Record outcome", type="primary"):
                _act(record_outcome, actor, item.id, outcome, note, release,
                     done=f"Outcome recorded for item #{item.id}.")
    with st.form("staff_sg_add_note", clear_on_submit=True):
        note = st.text_area("Add a note to the record", key="staff_sg_note_text")
        if st.form_submit_button("Add note"):
            _act(add_note, actor, item.id, note, done=f"Note added to item #{item.id}.")
    if item.open:
        st.caption("While this item is open, nobody but a safeguarding lead can read this response, and it cannot "
                   "be erased. To erase it when the young person asks, close the item first.")
    elif not item.answers_erased_at:
        st.caption("If the young person asks for their answers to be erased, use 'Erase a response' with their "
                   "receipt code: this record stays, without the answers.")
