"""Downloaded result tables: a cell from outside never runs as a spreadsheet formula."""

from __future__ import annotations

from voice.stats.tables import table_bytes


def test_a_download_cell_never_runs_as_a_formula():
    row = {"Question": "=HYPERLINK(\"http://x\")", "Breakdown": "+1", "Answer": "-2", "n": "@a", "Base": "10",
           "%": "50.0%"}
    text = table_bytes([row], "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'-2" in text and "'@a" in text
