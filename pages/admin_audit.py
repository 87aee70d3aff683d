"""Admins: the audit trail, filtered, with CSV/Excel downloads (written through safe_csv)."""

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import streamlit as st

from voice.db import DatabaseUnavailable
from voice.security.audit import AuditFilter, export_events, list_actions, list_events
from voice.security.roles import ADMIN
from voice.ui.guard import require_page
from voice.ui.runtime import call

actor = require_page(ADMIN)


def _db(fn, *args, **kwargs):
    return call(fn, actor, *args, **kwargs)  # every service here checks the actor's role


st.title("Audit trail")
st.caption("Who did what, and when (times in UTC). It holds counts and codes' hashes, never what young people wrote.")

try:
    actions = _db(list_actions)
except DatabaseUnavailable:
    st.warning("We couldn't load the audit trail just now. Please try again in a moment.")
    st.stop()

col1, col2 = st.columns(2)
who = col1.text_input("Person (username, 'system' or 'anonymous')", key="admin_audit_actor")
what = col2.selectbox("Action", ["(all)", *actions], key="admin_audit_action")
col3, col4 = st.columns(2)
since = col3.date_input("From", value=date.today() - timedelta(days=30), key="admin_audit_since")
until = col4.date_input("To", value=date.today(), key="admin_audit_until")

filters = AuditFilter(actor=who.strip(), action="" if what == "(all)" else what,
                      since=datetime.combine(since, time.min), until=datetime.combine(until + timedelta(days=1), time.min),
                      limit=500)
rows = _db(list_events, filters)
if rows:
    # st.dataframe shows values as text: nothing here is ever rendered as HTML.
    st.dataframe([{"At (UTC)": r.at.strftime("%Y-%m-%d %H:%M:%S"), "Who": r.actor, "Action": r.action,
                   "Target": f"{r.target_type} {r.target_id}".strip(), "Detail": r.detail_text()} for r in rows],
                 hide_index=True, width="stretch")
    if len(rows) == filters.limit:
        st.caption(f"Showing the newest {filters.limit}. Download for all of them.")
else:
    st.info("No events match these filters.")


def _export(suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"audit{suffix}"
        _db(export_events, path, filters)
        return path.read_bytes()


st.subheader("Download")
col_csv, col_xlsx = st.columns(2)
if col_csv.button("Prepare CSV", key="admin_audit_csv"):
    st.session_state["admin_audit_file"] = ("audit.csv", _export(".csv"), "text/csv")
if col_xlsx.button("Prepare Excel", key="admin_audit_xlsx"):
    st.session_state["admin_audit_file"] = (
        "audit.xlsx", _export(".xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
if prepared := st.session_state.get("admin_audit_file"):
    name, data, mime = prepared
    st.download_button(f"Download {name}", data, file_name=name, mime=mime, key="admin_audit_download")
