"""Charts for screens and reports alike: one palette, one bar chart, one PNG renderer, one caption.

Okabe-Ito colours stay distinct for the common kinds of colour blindness; every chart also gets a
sentence (its text alternative) and is always shown with its table of figures.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import altair as alt
import pandas as pd

from voice.stats import SUPPRESSED_TEXT, ResultRow
from voice.surveys.schema import PREFER_NOT_TO_SAY

# Okabe & Ito (2008), "Color Universal Design"; black left out for bars.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def _series_name(row: ResultRow, series_labels: Mapping[tuple, str] | None) -> str:
    key = (row.by, row.value)
    if series_labels and key in series_labels:
        return series_labels[key]
    return "Whole area" if row.by is None else str(row.value)


def chart_frame(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
                series_labels: Mapping[tuple, str] | None = None) -> pd.DataFrame:
    """The data behind a chart: one line per option and series; suppressed figures have no bar."""
    option_labels = option_labels or {}
    order = list(dict.fromkeys(r.option_id for r in rows))
    return pd.DataFrame([
        {"option": option_labels.get(r.option_id, r.option_id), "order": order.index(r.option_id),
         "series": _series_name(r, series_labels),
         "percent": None if r.suppressed else r.percent,
         "text_at": 0.0 if r.suppressed else r.percent,  # "fewer than 10" written where the bar would start
         "label": SUPPRESSED_TEXT if r.suppressed else f"{r.percent:.1f}% ({r.count:,} of {r.base:,})"}
        for r in rows if r.option_id != PREFER_NOT_TO_SAY
    ], columns=["option", "order", "series", "percent", "text_at", "label"])


def bar_chart(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
              series_labels: Mapping[tuple, str] | None = None, title: str = "", width: int = 360) -> alt.Chart:
    """Horizontal bars of percent by option, one colour per series (e.g. a school and the whole area).
    Prefer-not-to-say stays out of the chart: it is not part of the base (it is in the table)."""
    frame = chart_frame(rows, option_labels, series_labels)
    series = list(dict.fromkeys(frame["series"]))
    options = list(dict.fromkeys(frame.sort_values("order")["option"]))
    y = alt.Y("option:N", sort=options, title=None, axis=alt.Axis(labelLimit=220))
    color = alt.Color("series:N", title=None, sort=series,
                      scale=alt.Scale(domain=series, range=list(OKABE_ITO[:len(series)])),
                      legend=alt.Legend(orient="bottom") if len(series) > 1 else None)
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        x=alt.X("percent:Q", title="Percent", scale=alt.Scale(domain=[0, 100])), y=y, color=color,
        yOffset=alt.YOffset("series:N", sort=series), tooltip=["series", "option", "label"])
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(
        x=alt.X("text_at:Q", scale=alt.Scale(domain=[0, 100])), y=y,
        yOffset=alt.YOffset("series:N", sort=series), text="label:N")
    height = max(60, 22 * len(options) * len(series))
    chart = alt.layer(bars, text).properties(width=width, height=height)
    return chart.properties(title=title) if title else chart


def chart_png(chart: alt.Chart, scale: float = 1.5) -> bytes:
    """The chart as PNG, rendered offline by vl-convert (no browser, no network)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)


def caption(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
            series_labels: Mapping[tuple, str] | None = None) -> str:
    """The chart's text alternative, written from the figures themselves."""
    option_labels = option_labels or {}
    parts = []
    for series in dict.fromkeys((r.by, r.value) for r in rows):
        mine = [r for r in rows if (r.by, r.value) == series and r.option_id != PREFER_NOT_TO_SAY]
        if not mine:
            continue
        name = _series_name(mine[0], series_labels)
        shown = [r for r in mine if not r.suppressed]
        if not shown:
            parts.append(f"{name}: figures from {SUPPRESSED_TEXT} young people are not shown.")
            continue
        said = "; ".join(f"{r.percent:.1f}% {option_labels.get(r.option_id, r.option_id)}" for r in shown)
        base = next(r.base for r in shown)
        hidden = len(mine) - len(shown)
        tail = f" ({hidden} figure{'s' if hidden != 1 else ''} hidden: {SUPPRESSED_TEXT})" if hidden else ""
        parts.append(f"{name}, of {base:,} who answered: {said}{tail}.")
    return " ".join(parts)


def pdf_bar_chart(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
                  series_labels: Mapping[tuple, str] | None = None, width: float = 430.0):
    """The same chart as `bar_chart` (same data, order, colours and labels), drawn as vector shapes for
    PDFs: about a millisecond each, where rendering through vl-convert takes about 0.1 s, which matters
    for 128 school packs of a dozen charts. Returns a reportlab Drawing."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    frame = chart_frame(rows, option_labels, series_labels)
    series = list(dict.fromkeys(frame["series"]))
    options = list(dict.fromkeys(frame.sort_values("order")["option"]))
    bar, gap, label_width, legend = 11.0, 7.0, 150.0, 18.0 if len(series) > 1 else 0.0
    plot = width - label_width - 115.0  # room on the right for "100.0% (1,234 of 5,678)"
    height = legend + 14 + len(options) * (len(series) * bar + gap)
    drawing = Drawing(width, height)
    top = height - 4
    for k in range(0, 101, 25):  # light gridlines at 0, 25, 50, 75, 100%
        x = label_width + plot * k / 100
        drawing.add(Line(x, legend + 12, x, top, strokeColor=colors.HexColor("#DDDDDD"), strokeWidth=0.5))
        drawing.add(String(x, legend + 2, f"{k}%", fontSize=7, textAnchor="middle"))
    y = top
    lookup = {(r.option, r.series): r for r in frame.itertuples()}
    for option in options:
        label = option if len(option) <= 34 else option[:33] + "…"
        drawing.add(String(label_width - 4, y - len(series) * bar / 2 - 3, label, fontSize=8, textAnchor="end"))
        for s, name in enumerate(series):
            y -= bar
            item = lookup.get((option, name))
            if item is None:
                continue
            length = 0.0 if item.percent is None or item.percent != item.percent else plot * item.percent / 100
            if length > 0:
                drawing.add(Rect(label_width, y + 1, length, bar - 2, fillColor=colors.HexColor(OKABE_ITO[s]),
                                 strokeColor=None))
            drawing.add(String(label_width + length + 3, y + 2.5, item.label, fontSize=7))
        y -= gap
    if legend:
        x = label_width
        for s, name in enumerate(series):
            drawing.add(Rect(x, 3, 8, 8, fillColor=colors.HexColor(OKABE_ITO[s]), strokeColor=None))
            drawing.add(String(x + 11, 4, name, fontSize=8))
            x += 20 + 5 * len(name)
    return drawing
