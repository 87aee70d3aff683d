"""Show a chart (from voice.reports.charts) on a page: at the size it was drawn for, with its text alternative.

The chart says its own width and height (a fixed height per bar, room for its labels and its legend), so
the page shows it at exactly that size ("content"), never squeezed to a default height or stretched so its
labels run into each other; the same chart goes into the Word and PDF reports. The description is set as
the chart's accessible text and printed under it, as text.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from voice.ui.text import plain


def show_chart(chart: alt.LayerChart, description: str, key: str | None = None) -> None:
    # theme=None: Streamlit's theme would change fonts and spacing from what the reports print.
    st.altair_chart(chart, width="content", height="content", theme=None, alt=description, key=key)
    st.caption(plain("Chart description: " + description))


def show_table(rows: list[dict[str, str]] | list[tuple], columns: tuple[str, ...] | None = None) -> None:
    """A small table of figures as static text (st.table), every cell escaped so nothing in it is Markdown."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(columns) if columns else None)
    frame = frame.map(plain)
    frame.columns = [plain(c) for c in frame.columns]
    st.table(frame.style.hide(axis="index"))
