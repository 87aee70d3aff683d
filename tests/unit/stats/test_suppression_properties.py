"""Property tests: for random tables, no shown figure lets anyone work out a hidden cell.

The attacker knows every shown cell and every sum that ties the table together (options to the base,
base + prefer-not-to-say to everyone who answered, schools to their area, areas to the whole area) and
solves the linear programme for each hidden cell's smallest and largest possible value.

Also here: group disclosure (0% / 100% of a small base), and head counts beside their total (totals under
10). Release in steps for open campaigns is attacked in test_release.py (it needs the database).
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import need_module

need_module("scipy", "the attacker solves linear programmes with scipy")

from voice.stats.suppression import (ANSWERED, BASE, GROUP_MIN_BASE, MIN_BASE, PNTS, Table,  # noqa: E402
                                     percentage, primary, suppress)

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


@settings(max_examples=150, deadline=None)
@given(tables())
def test_no_shown_figure_says_everyone_or_no_one_in_a_small_group(table):
    """Group disclosure: with a base under GROUP_MIN_BASE, no option is shown at 0% or 100%."""
    hidden = suppress(table)
    b = table.columns.index(BASE)
    for r in range(len(table.rows)):
        base = table.values[r, b]
        for j, column in enumerate(table.columns):
            if column in (BASE, PNTS, ANSWERED) or hidden[r, j] or not 0 < base < GROUP_MIN_BASE:
                continue
            assert 0 < table.values[r, j] < base, (table.rows[r], column, table.values[r, j], base)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, GROUP_MIN_BASE - 1), st.data())
def test_a_small_group_answering_alike_cannot_be_worked_out(options, base, data):
    """Everyone (or no one) in a small group chose an option: hidden, and the attacker cannot pin it."""
    chosen = data.draw(st.integers(0, options - 1))
    parts = [base if j == chosen else 0 for j in range(options)]
    table = Table(rows=[("whole",)], parent=[None], columns=[BASE, PNTS, ANSWERED] + [f"o{j}" for j in range(options)],
                  values=np.array([[base, 0, base, *parts]], dtype=np.int64), options_sum_to_base=True)
    hidden = suppress(table)
    if base >= MIN_BASE:
        assert hidden[0, 3:].all() and not hidden[0, 0], "every option hidden, the base still shown"
    assert not pinned_cells(table, hidden)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 3, 5, 9, 10, 11, 12, 20, 45, 300]), min_size=1, max_size=6))
def test_head_counts_under_ten_are_hidden_and_cannot_be_worked_out(parts):
    """Totals under 10 are suppressed like any cell: "1 young people answered" never appears, and a total shown
    beside its parts never gives a hidden part back (the attacker solves the sum for each hidden count)."""
    from scipy.optimize import linprog

    from voice.stats.headcounts import headcounts

    total, each = headcounts(parts)
    shown = [total] + each
    for count, true in zip(shown, [sum(parts)] + parts):
        if not count.suppressed:
            assert count.count == true and not 0 < true < MIN_BASE
        assert not re.match(r"[1-9] young people", count.sentence())
    unknown = [k for k, c in enumerate(each) if c.suppressed]
    if not unknown:
        return
    # sum(parts) = total; unknowns are the hidden parts (and the total, when hidden too).
    total_known = not total.suppressed
    n = len(unknown) + (0 if total_known else 1)
    coefs = np.array([[1.0] * len(unknown) + ([] if total_known else [-1.0])])
    rhs = np.array([(total.count if total_known else 0) - sum(c.count for c in each if not c.suppressed)])
    for k in range(len(unknown)):
        objective = np.zeros(n)
        objective[k] = 1.0
        low = linprog(objective, A_eq=coefs, b_eq=rhs, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=coefs, b_eq=rhs, bounds=(0, None), method="highs")
        top = np.inf if high.status == 3 else -high.fun
        assert top - low.fun >= 0.5, f"hidden part {unknown[k]} of {parts} worked out"
