"""Show an Altair chart with its text alternative, at the height its own spec asks for.

Streamlit sizes a chart from its `height` argument, not from the spec, so a layered bar chart
would otherwise be squeezed into a few pixels: pass the spec's height on (plus room for the axis).
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from voice.ui.text import plain

AXIS_ROOM = 70  # the x axis, its title and the legend sit below the plotting area


def show_chart(chart: alt.TopLevelMixin, description: str) -> None:
    height = chart.to_dict().get("height")
    height = int(height) + AXIS_ROOM if isinstance(height, (int, float)) else "content"
    st.altair_chart(chart, width="stretch", height=height, alt=description)
    st.caption("Chart description: " + plain(description))  # group, option and campaign names: text
