"""Admins: the audit trail, filtered, with CSV/Excel downloads (written through safe_csv)."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import streamlit as st

from voice.security.access import Actor
from voice.security.audit import AuditFilter, export_events, list_actions, list_events
from voice.ui.runtime import services

S = st.session_state
SHOWN = 500


def run(actor: Actor) -> None:
    db = services(actor)
    st.title("Audit trail")
    st.caption("Who did what, and when (times in UTC). It holds counts and codes' hashes, never what young people "
               "wrote.")
    actions = db(list_actions)
    col1, col2 = st.columns(2)
    who = col1.text_input("Person (username, 'system' or 'anonymous')", key="admin_audit_actor")
    what = col2.selectbox("Action", ["(all)", *actions], key="admin_audit_action")
    col3, col4 = st.columns(2)
    since = col3.date_input("From", value=date.today() - timedelta(days=30), key="admin_audit_since",
                            format="DD/MM/YYYY")
    until = col4.date_input("To", value=date.today(), key="admin_audit_until", format="DD/MM/YYYY")
    filters = AuditFilter(actor=who.strip(), action="" if what == "(all)" else what,
                          since=datetime.combine(since, time.min),
                          until=datetime.combine(until + timedelta(days=1), time.min), limit=SHOWN)
    rows = db(list_events, filters)
    if rows:
        # st.dataframe shows values as text: nothing here is ever rendered as HTML.
        st.dataframe([{"At (UTC)": r.at.strftime("%Y-%m-%d %H:%M:%S"), "Who": r.actor, "Action": r.action,
                       "Target": f"{r.target_type} {r.target_id}".strip(), "Detail": r.detail_text()} for r in rows],
                     hide_index=True, width="stretch")
        if len(rows) == SHOWN:
            st.caption(f"Showing the newest {SHOWN}. Download for all of them.")
    else:
        st.info("No events match these filters.")

    def export(suffix: str) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"audit{suffix}"
            db(export_events, path, filters)
            return path.read_bytes()

    st.subheader("Download")
    col_csv, col_xlsx = st.columns(2)
    if col_csv.button("Prepare CSV", key="admin_audit_csv"):
        S["admin_audit_file"] = ("audit.csv", export(".csv"), "text/csv")
    if col_xlsx.button("Prepare Excel", key="admin_audit_xlsx"):
        S["admin_audit_file"] = (
            "audit.xlsx", export(".xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if prepared := S.get("admin_audit_file"):
        name, data, mime = prepared
        st.download_button(f"Download {name}", data, file_name=name, mime=mime, key="admin_audit_download")
