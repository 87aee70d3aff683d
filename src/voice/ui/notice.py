"""What the last action did, kept across reruns: "Saved …", "Published …".

An action stores its confirmation with `tell` and reruns; the page shows it with `show` at the top (a green
box, and a toast the first time). It stays for a few seconds rather than exactly one run: a second click
that arrives before the redraw (an impatient double press) starts another run, and the confirmation must
not vanish in it.
"""

from __future__ import annotations

import time

import streamlit as st

from voice.ui.text import plain

SHOWN_FOR = 10.0  # seconds a confirmation stays


def tell(key: str, message: str) -> None:
    st.session_state[key] = {"text": message, "at": time.monotonic(), "toasted": False}


def show(key: str) -> None:
    value = st.session_state.get(key)
    if not isinstance(value, dict):
        return
    if time.monotonic() - value["at"] > SHOWN_FOR:
        st.session_state.pop(key, None)
        return
    st.success(plain(value["text"]))  # it may quote what someone typed: text, never Markdown
    if not value["toasted"]:
        st.toast(plain(value["text"]))
        value["toasted"] = True
