"""Page-wide style for phones: room to tap, visible focus, less empty space at the top.

The CSS below is a fixed string written here, never built from stored text: it is the only
HTML this app injects (stored text always goes through text elements).
"""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
/* Less blank space above the first line on a phone. */
.stMainBlockContainer, [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
/* Touch targets of at least 44 px for every choice and button (WCAG 2.5.5 / 2.5.8). */
[data-testid="stRadioOption"], [data-testid="stRadio"] label,
[data-testid="stCheckbox"] label { min-height: 44px; min-width: 44px; align-items: center; }
.stButton button, .stFormSubmitButton button, .stDownloadButton button { min-height: 44px; min-width: 44px; }
[data-testid="stMarkdownContainer"] a[href^="tel:"] {
  display: inline-block; min-height: 44px; min-width: 44px; line-height: 44px; }
/* A focus ring that keyboard users can see on every control (WCAG 2.4.7). Prefixed with .stApp so it
   outranks Streamlit's own `.st-emotion-cache-…:focus-visible { outline: none }` rules. */
.stApp button:focus-visible, .stApp a:focus-visible, .stApp input:focus-visible, .stApp textarea:focus-visible,
.stApp [role="radio"]:focus-visible, .stApp summary:focus-visible,
.stApp label:has(input:focus-visible) { outline: 3px solid #1d5b8f; outline-offset: 2px; }
</style>
"""


def apply_layout() -> None:
    st.markdown(_CSS, unsafe_allow_html=True)
