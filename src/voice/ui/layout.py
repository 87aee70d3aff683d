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
/* The day, month and year parts of a date box are separate targets: at least 24 px each (WCAG 2.5.8). */
.stApp [data-testid="stDateInput"] [role="spinbutton"] {
  display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px; text-align: center; }
/* Captions: Streamlit fades the text colour to 60 % opacity, under 4.5:1 on the sidebar's tinted
   background (WCAG 1.4.3). A solid grey instead: 6.5:1 on white, 5.9:1 on the tint. */
.stApp [data-testid="stCaptionContainer"] { color: #55585d; opacity: 1; }
/* Comments in code boxes (e.g. the codebook's YAML): Streamlit's grey is 3.5:1 on the box; this is 6:1. */
.stApp [data-testid="stCode"] .token.comment { color: #5c6070; }
/* A disabled control's label stays readable (Streamlit greys it to 2.5:1): people still need to know
   what the control is, and axe cannot tell the label belongs to something disabled. */
.stApp [data-testid="stElementContainer"]:has(:disabled) [data-testid="stWidgetLabel"] { color: #55585d; }
/* Young people's help bar (help_box.help_bar): pinned to the top, one line, above Streamlit's empty header.
   The page starts below it (.stMainBlockContainer padding), so it never covers a question. */
.stApp .st-key-help-bar { position: fixed; top: 0; left: 0; right: 0; z-index: 1000001; margin: 0;
  height: 44px; justify-content: center; gap: 0; padding: 0 0.5rem;
  background: #1d5b8f; box-shadow: 0 1px 3px rgba(0, 0, 0, .25); }
.stApp .st-key-help-bar [data-testid="stMarkdown"], .stApp .st-key-help-bar [data-testid="stMarkdownContainer"] {
  margin: 0; }
.stApp .st-key-help-bar [data-testid="stMarkdownContainer"] p { margin: 0; text-align: center;
  color: #ffffff; font-size: 0.95rem; line-height: 44px; white-space: nowrap; }
.stApp .st-key-help-bar a { color: #ffffff; font-weight: 700; text-decoration: underline;
  display: inline-block; min-height: 44px; min-width: 44px; line-height: 44px; text-align: center; }
.stApp .st-key-help-bar a:focus-visible { outline: 3px solid #ffd33d; outline-offset: -3px; }
.stApp:has(.st-key-help-bar) .stMainBlockContainer { padding-top: 3rem; }
/* Whatever the keyboard focuses is scrolled into view below the bar, never under it (WCAG 2.4.11). */
.stApp:has(.st-key-help-bar) [data-testid="stMain"] { scroll-padding-top: 52px; }
.stApp:has(.st-key-help-bar) [data-testid="stHeader"] { display: none; }
/* The help box's heading is where the bar's "Need help?" link lands: keep it clear of the bar. */
.stApp [id="need-help-now"] { scroll-margin-top: 4rem; }
.stApp .st-key-help-box h3 { font-size: 1.25rem; padding-top: 0; }
/* "Press Enter / Ctrl+Enter to apply" means nothing on a phone, and young people's answers are saved by
   Next anyway: hidden on touch screens, and always on young people's pages. */
@media (hover: none), (pointer: coarse) { [data-testid="InputInstructions"] { display: none; } }
.stApp:has(.st-key-help-bar) [data-testid="InputInstructions"] { display: none; }
/* Page links (e.g. "You said, we did") are tap targets like buttons. */
[data-testid="stPageLink"] a { min-height: 44px; align-items: center; }
[data-testid="stPageLink"] p { white-space: normal; }
/* A focus ring that keyboard users can see on every control (WCAG 2.4.7). Prefixed with .stApp so it
   outranks Streamlit's own `.st-emotion-cache-…:focus-visible { outline: none }` rules. */
.stApp button:focus-visible, .stApp a:focus-visible, .stApp input:focus-visible, .stApp textarea:focus-visible,
.stApp [role="radio"]:focus-visible, .stApp summary:focus-visible,
.stApp label:has(input:focus-visible) { outline: 3px solid #1d5b8f; outline-offset: 2px; }
</style>
"""


def apply_layout() -> None:
    st.markdown(_CSS, unsafe_allow_html=True)  # a fixed style sheet: nothing stored or typed goes in here
