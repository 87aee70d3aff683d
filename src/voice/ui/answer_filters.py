"""The filters above a list of young people's answers (workspace, "Make a quote"): one layout, one meaning.

Survey, campaign, theme, tone, a "Show" choice the page supplies, and words in the answer. Changing any of
them goes back to page 1 of the list (`page_key`).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import streamlit as st

from voice.analysis.review import SENTIMENTS, AnswerFilter
from voice.ui import paging


def answer_filters(choices: dict, prefix: str, page_key: str, show: Iterable, show_words: Callable,
                   example: str) -> tuple[AnswerFilter, Any]:
    """Draw the filters; returns the AnswerFilter and the "Show" option chosen (the page applies it)."""
    themes = dict(choices["themes"])
    surveys = dict(choices["surveys"])
    titles = choices.get("campaign_titles", {})
    reset: dict[str, Any] = {"on_change": paging.reset_page, "args": (page_key,)}
    c1, c2, c3 = st.columns(3)
    survey = c1.selectbox("Survey", [""] + list(surveys), key=f"{prefix}_survey", **reset,
                          format_func=lambda s: surveys.get(s, s) if s else "All surveys")
    campaign = c2.selectbox("Campaign", [""] + choices["campaigns"], key=f"{prefix}_campaign", **reset,
                            format_func=lambda c: titles.get(c, c) if c else "All campaigns")
    theme = c3.selectbox("Theme", [""] + list(themes), key=f"{prefix}_theme", **reset,
                         format_func=lambda t: themes.get(t, t) if t else "All themes")
    d1, d2, d3 = st.columns(3)
    tone = d1.selectbox("Tone", [""] + list(SENTIMENTS), key=f"{prefix}_tone", **reset,
                        format_func=lambda s: s.capitalize() if s else "Any tone")
    shown = d2.selectbox("Show", list(show), key=f"{prefix}_show", format_func=show_words, **reset)
    words = d3.text_input("Words in the answer", key=f"{prefix}_search", placeholder=f"e.g. {example}", **reset)
    return AnswerFilter(survey_id=survey or None, campaign=campaign or None, theme_id=theme or None,
                        sentiment=tone or None, search=words.strip()), shown
