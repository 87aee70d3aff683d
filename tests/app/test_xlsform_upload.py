"""The Campaigns page reads an uploaded XLSForm once: Streamlit reruns the page on every click."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xlsform"


def test_the_same_upload_is_parsed_once_in_the_page(monkeypatch):
    import streamlit as st

    from voice.ui import xlsform_import

    calls = []
    monkeypatch.setattr(xlsform_import, "read_xlsform", lambda *a, **k: calls.append(1) or "report")
    monkeypatch.setattr(st, "session_state", {}, raising=False)
    monkeypatch.setattr(xlsform_import, "S", st.session_state)
    data = (FIXTURES / "group.xlsx").read_bytes()
    assert xlsform_import.read_upload(data, "group.xlsx", False) == "report"
    assert xlsform_import.read_upload(data, "group.xlsx", False) == "report"
    assert len(calls) == 1
    xlsform_import.read_upload(data, "group.xlsx", True)  # a different choice reads again
    assert len(calls) == 2
