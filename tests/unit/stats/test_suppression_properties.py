"""Property tests: for random tables, no shown figure lets anyone work out a hidden cell.

The attacker knows every shown cell and every sum that ties the table together (options to the base,
base + prefer-not-to-say to everyone who answered, schools to their area, areas to the whole area) and
solves the linear programme for each hidden cell's smallest and largest possible value.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from voice.stats.suppression import (ANSWERED, BASE, MIN_BASE, PNTS, Table, percentage,  # noqa: E402
                                     primary, suppress)

from .attacker import pinned_cells  # noqa: E402

SIZES = st.sampled_from([0, 1, 2, 3, 4, 6, 9, 10, 11, 14, 20, 35, 80])


@st.composite
def tables(draw):
    options = draw(st.integers(2, 4))
    single = draw(st.booleans())
    additive = draw(st.booleans()) or single
    areas = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))  # schools per area
    rows, parent, leaves = [("whole",)], [None], []
    for a, schools in enumerate(areas):
        rows.append(("area", a)), parent.append(0)
        area_row = len(rows) - 1
        for s in range(schools):
            rows.append(("school", a, s)), parent.append(area_row), leaves.append(len(rows) - 1)
    columns = [BASE, PNTS, ANSWERED] + [f"o{j}" for j in range(options)]
    values = np.zeros((len(rows), len(columns)), dtype=np.int64)
    for r in leaves:
        answered = draw(SIZES)
        pnts = draw(st.integers(0, min(answered, 12)))
        base = answered - pnts
        if single:
            cuts = sorted(draw(st.lists(st.integers(0, base), min_size=options - 1, max_size=options - 1)))
            parts = np.diff([0, *cuts, base])
        else:
            parts = [draw(st.integers(0, base)) for _ in range(options)]
        values[r] = [base, pnts, answered, *parts]
    for r in reversed(range(1, len(rows))):
        values[parent[r]] += values[r]
    return Table(rows=rows, parent=parent, columns=columns, values=values, options_sum_to_base=single,
                 additive=additive)


def _known_zero(table: Table, hidden: np.ndarray, row: int, col: int) -> bool:
    """A zero for the whole area (or an area) is a zero for every part of it: no hiding can change that."""
    parent = table.parent[row] if table.additive else None
    while parent is not None:
        if not hidden[parent, col] and table.values[parent, col] == 0:
            return True
        parent = table.parent[parent]
    return False


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_can_be_worked_out(table):
    hidden = suppress(table)
    leaks = [(r, c, v) for r, c, v in pinned_cells(table, hidden) if not _known_zero(table, hidden, r, c)]
    assert not leaks, f"worked out {leaks}\n{table.values}\n{hidden.astype(int)}"


@settings(max_examples=150, deadline=None)
@given(tables())
def test_primary_rules(table):
    hidden = suppress(table)
    b = table.columns.index(BASE)
    assert (hidden >= primary(table)).all()  # secondary only ever adds
    for r in range(len(table.rows)):
        if table.values[r, b] < MIN_BASE:
            assert hidden[r].all(), "a base under 10 hides the whole question for that value"
        shown = table.values[r][~hidden[r]]
        assert not ((shown > 0) & (shown < MIN_BASE)).any(), "no count of 1-9 is ever shown"


@settings(max_examples=100, deadline=None)
@given(tables())
def test_whole_area_figures_do_not_depend_on_the_breakdown(table):
    # Row 0 is hidden the same way in a breakdown table as in the whole-area table alone.
    alone = Table(rows=table.rows[:1], parent=[None], columns=table.columns, values=table.values[:1],
                  options_sum_to_base=table.options_sum_to_base)
    assert (suppress(table)[0] == suppress(alone)[0]).all()


def test_percentage_is_rounded_to_one_place():
    assert percentage(3, 14) == 21.4
    assert percentage(0, 0) is None
