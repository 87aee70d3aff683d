"""voice.ui.browser_store through AppTest (no browser connected: the value stays in session state).
The cookie round trip itself is in tests/unit/web/test_routes_and_headers.py."""

from __future__ import annotations


def test_browser_store_without_a_browser_keeps_the_value_in_session_state():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from voice.ui import browser_store

        if st.button("keep"):
            browser_store.keep("survey", "K7QF-M2XD")
        if st.button("forget"):
            browser_store.forget("survey")
        st.write(f"value: {browser_store.read('survey')}")

    at = AppTest.from_function(script).run()
    assert at.markdown[0].value == "value: None"
    at.button[0].click().run()
    assert at.markdown[0].value == "value: K7QF-M2XD"
    at.button[1].click().run()
    assert at.markdown[0].value == "value: None"
