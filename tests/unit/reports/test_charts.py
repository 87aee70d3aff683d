"""Charts that read: sized to what they hold, one label per bar, legends never cut, a stacked bar for tone, and a
text alternative for each. (The rendered pages are looked at too: docs/screenshots/board-report-*.png.)"""

from __future__ import annotations

import re

from voice.reports.charts import (BAR, GAP, bar_chart, pdf_bar_chart, tone_caption, tone_chart, tone_frame)
from voice.stats import ResultRow
from voice.stats.themes import SentimentShare, ThemeFigure

LONG = ["Demo Castle Rise High School", "Demo Meadowbank College", "A group with a rather long name indeed",
        "Whole area"]


def _rows(series=LONG, options=("always", "mostly", "sometimes")):
    out = []
    for k, o in enumerate(options):
        for s in series:
            hidden = k == 2 and s == series[0]
            out.append(ResultRow("q", o, "group", s, None if hidden else 100, 100, None if hidden else 100.0, hidden))
    return out


def test_a_chart_is_as_tall_as_its_bars_and_each_label_has_its_own_bar():
    spec = bar_chart(_rows()).to_dict()
    assert spec["height"] == 3 * (len(LONG) * BAR + GAP)
    bars, text = spec["layer"]
    # Labels sit on their bar's row (same band and offset), so two labels never share a line.
    assert text["encoding"]["y"] == bars["encoding"]["y"] and text["encoding"]["yOffset"] == bars["encoding"]["yOffset"]
    assert spec["padding"]["right"] >= 140  # room for "100.0% (1,234 of 5,678)" past a full bar


def test_the_legend_is_never_cut():
    import vl_convert

    spec = bar_chart(_rows()).to_dict()
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert legend["labelLimit"] == 0 and legend["direction"] == "vertical"
    svg = vl_convert.vegalite_to_svg(spec)
    for name in LONG:
        assert f">{name}<" in svg  # whole, not ending in "…"
    width = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
    assert width >= 300 + 140


def test_the_pdf_legend_wraps_inside_the_drawing():
    from reportlab.graphics.shapes import Rect, String

    drawing = pdf_bar_chart(_rows(), width=300)
    legend = [s for s in drawing.contents if isinstance(s, String) and s.text in LONG]
    assert sorted(s.text for s in legend) == sorted(LONG)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert all(s.x + stringWidth(s.text, "Helvetica", 8) <= drawing.width for s in legend)
    assert len({s.y for s in legend}) > 1  # more than one line was needed
    assert any(isinstance(s, Rect) for s in drawing.contents)


def _theme(name, shares, hidden=False):
    return ThemeFigure(name.lower(), name, None if hidden else 40, 100, None if hidden else 40.0, hidden, 40,
                       tuple(SentimentShare(label, None if v is None else 1, v, v is None)
                             for label, v in zip(("negative", "neutral", "positive"), shares)))


def test_tone_is_a_stacked_bar_with_hidden_shares_together():
    themes = [_theme("Online safety", (57.0, 43.0, 0.0)), _theme("School", (None, 60.5, None)),
              _theme("Hidden", (None, None, None), hidden=True)]
    frame = tone_frame(themes)
    assert set(frame["theme"]) == {"Online safety", "School"}
    for _theme_name, part in frame.groupby("theme"):
        assert abs(part["value"].sum() - 100) < 0.11 and part["start"].iloc[0] == 0
    school = frame[frame["theme"] == "School"]
    assert list(school["tone"]) == ["neutral", "not shown"] and list(school["text"]) == ["60%", ""]
    assert tone_chart(themes).to_dict()["layer"][0]["mark"]["type"] == "bar"
    described = tone_caption(themes)
    assert "Online safety: 57.0% negative, 43.0% neutral, 0.0% positive." in described
    assert "School: 60.5% neutral (negative and positive: fewer than 10 comments, not shown)." in described
