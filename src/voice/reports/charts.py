"""Charts for screens and reports alike: one palette, one bar chart, one tone chart, one PNG renderer, one caption.

The same Altair chart is drawn on the screen (through voice.ui.charts) and, rendered by vl-convert, in the
Word and PDF board reports. Charts are sized to what they hold: a fixed height per bar and a fixed plotting
width, with room kept on the right for the longest label ("100.0% (1,234 of 5,678)"), so labels never sit
on each other or on the next bar, and the legend lists one series per line, never cut. Okabe-Ito colours
stay distinct for the common kinds of colour blindness; every chart also gets a sentence (its text
alternative) and is always shown with its table of figures.
"""

from __future__ import annotations

import functools
import json
from typing import Mapping, Sequence

import altair as alt
import pandas as pd

from voice.stats import SUPPRESSED_TEXT, ResultRow
from voice.surveys.schema import PREFER_NOT_TO_SAY

# Okabe & Ito (2008), "Color Universal Design"; black left out for bars.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
# Tone: negative and positive in colours told apart by everyone, neutral grey, hidden shares pale.
TONE_COLOURS = {"negative": "#D55E00", "neutral": "#A6A6A6", "positive": "#009E73", "not shown": "#E8E8E8"}
NOT_SHOWN = "not shown"

BAR = 18  # px per bar
GAP = 12  # px between one answer's bars and the next
PLOT_WIDTH = 300  # px of the 0-100% axis
LABEL_ROOM = 150  # px right of the axis for the bar's label
AXIS_LABEL_LIMIT = 230  # px for an answer's name left of the bars (longer names end in "…"; the table has them whole)
FONT = 12
# Axes, labels, legend and padding are added around the plot (Vega-Lite's default): said explicitly, because a
# page would otherwise squeeze everything into the chart's width ("fit") and leave no room for the bars.
NATURAL_SIZE = {"type": "pad"}


def _series_name(row: ResultRow, series_labels: Mapping[tuple, str] | None) -> str:
    key = (row.by, row.value)
    if series_labels and key in series_labels:
        return series_labels[key]
    return "Whole area" if row.by is None else str(row.value)


def bar_label(row: ResultRow) -> str:
    """What a bar says: "72.6% (119 of 164)", or "fewer than 10" where there is no bar."""
    if row.suppressed or row.percent is None:
        return SUPPRESSED_TEXT
    return f"{row.percent:.1f}% ({row.count:,} of {row.base:,})"


def chart_frame(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
                series_labels: Mapping[tuple, str] | None = None) -> pd.DataFrame:
    """The data behind a chart: one line per option and series; suppressed figures have no bar."""
    option_labels = option_labels or {}
    order = list(dict.fromkeys(r.option_id for r in rows))
    return pd.DataFrame([
        {"option": option_labels.get(r.option_id, r.option_id), "order": order.index(r.option_id),
         "series": _series_name(r, series_labels),
         "percent": None if r.suppressed else r.percent,
         "text_at": 0.0 if r.suppressed or r.percent is None else r.percent,  # "fewer than 10" where a bar would start
         "label": bar_label(r)}
        for r in rows if r.option_id != PREFER_NOT_TO_SAY
    ], columns=["option", "order", "series", "percent", "text_at", "label"])


def _percent_axis(title: str = "Percent") -> alt.X:
    return alt.X("percent:Q", title=title, scale=alt.Scale(domain=[0, 100], nice=False),
                 axis=alt.Axis(values=[0, 25, 50, 75, 100], labelExpr="datum.value + '%'", grid=True))


def _legend(series: Sequence[str]) -> alt.Legend | None:
    if len(series) < 2:
        return None
    # One series per line, whole names: a legend is never cut off at the chart's edge.
    return alt.Legend(orient="bottom", direction="vertical", title=None, labelLimit=0, symbolType="square",
                      labelFontSize=FONT)


def bar_chart(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
              series_labels: Mapping[tuple, str] | None = None, title: str = "",
              width: int = PLOT_WIDTH) -> alt.LayerChart:
    """Horizontal bars of percent by option, one colour per series (e.g. a school and the whole area), each
    labelled with its figure. Prefer-not-to-say stays out (it is not part of the base; it is in the table)."""
    frame = chart_frame(rows, option_labels, series_labels)
    series = list(dict.fromkeys(frame["series"]))
    options = list(dict.fromkeys(frame.sort_values("order")["option"]))
    step = BAR * len(series) + GAP
    y = alt.Y("option:N", sort=options, title=None,
              scale=alt.Scale(paddingInner=GAP / step, paddingOuter=GAP / step / 2),
              axis=alt.Axis(labelLimit=AXIS_LABEL_LIMIT, labelFontSize=FONT, ticks=False, domain=False))
    offset = alt.YOffset("series:N", sort=series)
    color = alt.Color("series:N", title=None, sort=series,
                      scale=alt.Scale(domain=series, range=list(OKABE_ITO[:len(series)])), legend=_legend(series))
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(x=_percent_axis(), y=y, yOffset=offset, color=color,
                                  tooltip=[alt.Tooltip("series:N", title="Who"),
                                           alt.Tooltip("option:N", title="Answer"),
                                           alt.Tooltip("label:N", title="Figure")])
    text = base.mark_text(align="left", baseline="middle", dx=4, fontSize=FONT, color="#222222").encode(
        x=alt.X("text_at:Q", scale=alt.Scale(domain=[0, 100], nice=False)), y=y, yOffset=offset, text="label:N")
    chart = alt.layer(bars, text).properties(width=width, height=step * max(1, len(options)))
    chart = chart.configure_view(stroke=None).properties(padding={"left": 4, "top": 4, "bottom": 4,
                                                                  "right": LABEL_ROOM}, autosize=NATURAL_SIZE)
    return chart.properties(title=_title(title)) if title else chart


def _title(text: str) -> alt.TitleParams:
    # Left-aligned over the labels, whole (no limit): a chart's title is its question or measure.
    return alt.TitleParams(text, anchor="start", fontSize=FONT + 1, frame="group")


# --- tone: a stacked bar per theme ----------------------------------------------------------------------------


def tone_frame(themes) -> pd.DataFrame:
    """Segments of the stacked tone bars: per theme, its shown tone shares and (together) the hidden ones."""
    out = []
    for order, t in enumerate(themes):
        if t.suppressed:
            continue
        start = 0.0
        hidden = 100.0
        parts = []
        for share in t.sentiment:
            if not share.suppressed and share.percent:
                parts.append((share.label, share.percent))
                hidden -= share.percent
        if any(s.suppressed for s in t.sentiment) and hidden > 0.05:
            parts.append((NOT_SHOWN, round(hidden, 1)))
        for label, value in parts:
            out.append({"theme": t.name, "order": order, "tone": label, "start": start, "end": start + value,
                        "mid": start + value / 2, "value": value,
                        "text": f"{value:.0f}%" if value >= 12 and label != NOT_SHOWN else ""})
            start += value
    return pd.DataFrame(out, columns=["theme", "order", "tone", "start", "end", "mid", "value", "text"])


def tone_chart(themes, width: int = PLOT_WIDTH, title: str = "") -> alt.LayerChart:
    """The tone of each theme's comments as one stacked bar (negative, neutral, positive; the shares hidden
    because they are from fewer than 10 comments in pale grey, together)."""
    frame = tone_frame(themes)
    names = list(dict.fromkeys(frame.sort_values("order")["theme"]))
    tones = [t for t in TONE_COLOURS if t in set(frame["tone"])]
    y = alt.Y("theme:N", sort=names, title=None, scale=alt.Scale(paddingInner=0.35, paddingOuter=0.2),
              axis=alt.Axis(labelLimit=AXIS_LABEL_LIMIT, labelFontSize=FONT, ticks=False, domain=False))
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        x=alt.X("start:Q", title="Percent of the theme's comments", scale=alt.Scale(domain=[0, 100], nice=False),
                axis=alt.Axis(values=[0, 25, 50, 75, 100], labelExpr="datum.value + '%'")),
        x2="end:Q", y=y,
        color=alt.Color("tone:N", title=None, sort=tones,
                        scale=alt.Scale(domain=tones, range=[TONE_COLOURS[t] for t in tones]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", title=None, labelLimit=0,
                                          symbolType="square", labelFontSize=FONT)),
        tooltip=[alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("tone:N", title="Tone"),
                 alt.Tooltip("value:Q", title="Percent", format=".1f")])
    # Black on every tone colour reads at 4.5:1 or better (white would not on the orange or the green).
    text = base.mark_text(baseline="middle", fontSize=FONT - 1, color="#000000").encode(
        x="mid:Q", y=y, text="text:N")
    chart = alt.layer(bars, text).properties(width=width, height=(BAR + 10) * max(1, len(names)))
    chart = chart.configure_view(stroke=None).properties(padding={"left": 4, "top": 4, "bottom": 4, "right": 24},
                                                         autosize=NATURAL_SIZE)
    return chart.properties(title=_title(title)) if title else chart


def tone_caption(themes) -> str:
    """The tone chart's text alternative, from the figures."""
    parts = []
    for t in themes:
        if t.suppressed:
            continue
        shown = [f"{s.percent:.1f}% {s.label}" for s in t.sentiment if not s.suppressed]
        hidden = [s.label for s in t.sentiment if s.suppressed]
        said = ", ".join(shown) if shown else "no share shown"
        tail = f" ({' and '.join(hidden)}: {SUPPRESSED_TEXT} comments, not shown)" if hidden else ""
        parts.append(f"{t.name}: {said}{tail}.")
    return "Tone of the comments, by theme. " + " ".join(parts)


# --- rendering and describing -----------------------------------------------------------------------------------


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as PNG, rendered offline by vl-convert (no browser, no network). The same chart renders
    once per report however many formats are written."""
    return _png(json.dumps(chart.to_dict(), sort_keys=True), scale)


@functools.lru_cache(maxsize=128)
def _png(spec: str, scale: float) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(json.loads(spec), scale=scale)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


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
        shown = [r for r in mine if not r.suppressed and r.percent is not None]
        if not shown:
            parts.append(f"{name}: figures from {SUPPRESSED_TEXT} young people are not shown.")
            continue
        said = "; ".join(f"{r.percent:.1f}% {option_labels.get(r.option_id, r.option_id)}" for r in shown)
        bases = list(dict.fromkeys(r.base for r in shown))
        of = f", of {bases[0]:,} who answered" if len(bases) == 1 else ""
        hidden = len(mine) - len(shown)
        tail = f" ({hidden} figure{'s' if hidden != 1 else ''} hidden: {SUPPRESSED_TEXT})" if hidden else ""
        parts.append(f"{name}{of}: {said}{tail}.")
    return " ".join(parts)


def measure_chart(trend) -> tuple[alt.LayerChart, str] | None:
    """A measure as one bar per wave, and its description; None when no wave's figure is shown."""
    from voice.evidence.impact import chart_rows

    rows = chart_rows(trend)
    if not any(not r.suppressed for r in rows):
        return None
    series = {(None, None): trend.label}
    described = " ".join(f"{f.wave}: {f.text}." for f in trend.figures)
    return bar_chart(rows, None, series, title=trend.label), f"{trend.label}, by wave. {described} {trend.change_text}."


def pdf_bar_chart(rows: Sequence[ResultRow], option_labels: Mapping[str, str] | None = None,
                  series_labels: Mapping[tuple, str] | None = None, width: float = 430.0):
    """The same chart as `bar_chart` (same data, order, colours and labels), drawn as vector shapes for
    PDFs: about a millisecond each, where rendering through vl-convert takes about 0.1 s, which matters
    for 128 school packs of a dozen charts. Returns a reportlab Drawing; the legend wraps onto as many
    lines as its names need, inside the drawing's width."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    frame = chart_frame(rows, option_labels, series_labels)
    series = list(dict.fromkeys(frame["series"]))
    options = list(dict.fromkeys(frame.sort_values("order")["option"]))
    bar, gap, label_width = 11.0, 7.0, 150.0
    plot = width - label_width - 115.0  # room on the right for "100.0% (1,234 of 5,678)"
    # Legend entries laid out left to right from the left edge, a new line when the next would pass the right
    # edge; a name wider than the whole drawing is shortened ("…"), the only way it could not fit.
    places, names, x, line = [], [], 0.0, 0
    for name in series if len(series) > 1 else []:
        while len(name) > 4 and 11 + stringWidth(name, "Helvetica", 8) > width:
            name = name[:-2] + "…"
        entry = 11 + stringWidth(name, "Helvetica", 8) + 12
        if x + entry - 12 > width and x > 0:
            x, line = 0.0, line + 1
        places.append((x, line))
        names.append(name)
        x += entry
    legend = (line + 1) * 12.0 + 4 if places else 0.0
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
    for s, (name, (x, line)) in enumerate(zip(names, places)):
        base = legend - 12 * (line + 1)
        drawing.add(Rect(x, base + 3, 8, 8, fillColor=colors.HexColor(OKABE_ITO[s]), strokeColor=None))
        drawing.add(String(x + 11, base + 4, name, fontSize=8))
    return drawing
