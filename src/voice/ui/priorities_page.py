"""The Priorities page: read widgets, call voice.evidence, show results. Stored text is shown as text."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from voice.evidence import impact, priorities as svc
from voice.evidence.errors import EvidenceRefused
from voice.evidence.priority_evidence import priority_evidence
from voice.models.priorities import POLARITIES, RAG_STATUSES
from voice.security.access import Actor
from voice.ui.errors import show_error
from voice.ui.runtime import call
from voice.ui.text import named, plain

ACTION_LABELS = {"what": "What are we going to do?", "how": "How are we going to do it?",
                 "who": "Who is responsible?", "when": "When is it going to be done by?",
                 "impact": "Impact / what difference has it made?", "progress": "Progress made"}


_db = call  # a service call in its own transaction, retried when the database is busy


def _periods(session):
    return [(p.id, p.title, p.is_current) for p in svc.list_periods(session)]


def _priorities(session, period_id):
    return [(p.id, p.key, p.title, p.owner, list(p.outcomes)) for p in svc.priorities_of(session, period_id)]


def _actions(session, priority_id):
    return [{"id": a.id, **{c: getattr(a, c) for c in ACTION_LABELS}}
            for a in svc.get_priority(session, priority_id).actions]


def _measure_rows(session, priority_id):
    """The measures as the board sees them (voice.evidence.impact: same figures, waves and words)."""
    priority = svc.get_priority(session, priority_id)
    return impact.measure_table(impact.priority_trends(session, priority_id, priority.period.ends))


def run(actor: Actor) -> None:
    """The services check the actor's role, sign actions and RAG judgements with it, and audit."""
    st.title("Priorities")
    periods = _db(_periods)
    if not periods:
        st.info("No plan is loaded yet. "
                "Load one with `voice priorities import surveys/analysis/priorities_2020-21.yaml`.")
        return
    labels = {pid: f"{pid}{' (current)' if current else ''}" for pid, _, current in periods}
    period_id = st.selectbox("Plan period", list(labels), format_func=named(labels), key="pri_period")
    rows = _db(_priorities, period_id)
    # A selectbox shows option labels as plain text (radio labels would read Markdown).
    chosen = st.selectbox("Priority", [r[0] for r in rows], format_func=named({r[0]: r[2] for r in rows}),
                          key="pri_choice")
    pid, key, title, owner, outcomes = next(r for r in rows if r[0] == chosen)
    st.header(plain(title))
    st.caption(plain(f"Key: {key} · Owner: {owner or 'not set'}"))
    st.markdown("**Outcomes**")
    for outcome in outcomes:
        st.text(f"• {outcome}")

    evidence = _db(priority_evidence, pid)
    st.markdown("**Evidence linked**")
    cols = st.columns(len(evidence.counts))
    for col, (name, n) in zip(cols, evidence.counts.items()):
        col.metric(name.capitalize(), n)

    tabs = st.tabs(["Actions", "RAG status", "Measures", "Linked evidence"])
    with tabs[0]:
        _actions_tab(actor, pid)
    with tabs[1]:
        _rag_tab(actor, pid)
    with tabs[2]:
        _measures_tab(actor, pid)
    with tabs[3]:
        st.dataframe(pd.DataFrame([{"Survey": q.survey_id, "Question": q.text} for q in evidence.questions]),
                     hide_index=True)
        st.dataframe(pd.DataFrame([{"Quote": q.text, "From": q.attribution, "Linked": q.via} for q in evidence.quotes]),
                     hide_index=True)
        st.dataframe(pd.DataFrame([{"You said": i.you_said, "We did": i.we_did, "Status": i.status_words,
                                    "Waiting": i.waiting_words} for i in evidence.items]), hide_index=True)


def _actions_tab(actor: Actor, pid: int) -> None:
    actions = _db(_actions, pid)
    if actions:
        table = pd.DataFrame(actions).drop(columns="id").rename(columns=ACTION_LABELS)
        st.dataframe(table, hide_index=True)
    choice = st.selectbox("Edit an action", [None] + [a["id"] for a in actions], key=f"pri_action_{pid}",
                          format_func=lambda i: "Add a new action" if i is None else
                          next(a["what"] for a in actions if a["id"] == i)[:80])
    current: dict = next((a for a in actions if a["id"] == choice), {})
    with st.form(f"action-form-{pid}-{choice}"):
        values = {c: st.text_area(label, value=current.get(c, ""), height=68) for c, label in ACTION_LABELS.items()}
        if st.form_submit_button("Save action", type="primary"):
            try:
                if choice is None:
                    _db(svc.add_action, actor, pid, **values)
                else:
                    _db(svc.update_action, actor, choice, **values)
            except EvidenceRefused as refused:
                show_error(refused)
            else:
                st.success("Saved.")
                st.rerun()


def _rag_tab(actor: Actor, pid: int) -> None:
    history = _db(svc.rag_history, pid)
    if history:
        st.markdown(f"**Now: {history[0].status.upper()}** "
                    + plain(f"(set by {history[0].set_by}, {history[0].set_at:%d %b %Y})"))
        st.text(history[0].rationale)
    with st.form(f"rag-form-{pid}"):
        status = st.radio("RAG status", RAG_STATUSES, horizontal=True, format_func=str.capitalize)
        rationale = st.text_area("Why? (the board will read this)")
        if st.form_submit_button("Set status", type="primary"):
            try:
                _db(svc.set_rag, actor, pid, status, rationale)
            except EvidenceRefused as refused:
                show_error(refused)
            else:
                st.rerun()
    if history:
        st.dataframe(pd.DataFrame([{"Status": h.status, "Why": h.rationale, "By": h.set_by, "When": h.set_at}
                                   for h in history]), hide_index=True)


def _measures_tab(actor: Actor, pid: int) -> None:
    rows = _db(_measure_rows, pid)
    if rows:
        from voice.ui.charts import show_table

        show_table(rows, impact.MEASURE_COLUMNS)
    else:
        st.caption("No measures yet.")
    with st.expander("Add a measure"):
        with st.form(f"measure-form-{pid}"):
            label = st.text_input("Label", placeholder="% who felt unsafe online")
            survey_id = st.text_input("Survey id", placeholder="esafety_year6")
            question_id = st.text_input("Question id", placeholder="felt_unsafe_online")
            options = st.text_input("Answer(s) counted, comma separated", placeholder="yes")
            polarity = st.radio("Which way is good?", POLARITIES, format_func=lambda p: p.replace("_", " "),
                                horizontal=True)
            if st.form_submit_button("Add measure"):
                try:
                    _db(svc.add_measure, actor, pid, survey_id=survey_id.strip(), question_id=question_id.strip(),
                        option_ids=[o.strip() for o in options.split(",")], label=label, polarity=polarity)
                except EvidenceRefused as refused:
                    show_error(refused)
                else:
                    st.rerun()
