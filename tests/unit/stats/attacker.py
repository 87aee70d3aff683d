"""An attacker for the suppression tests: given the shown cells and the sums that tie a table together,
solve the linear programme min/max of every hidden cell (cells are counts >= 0). A hidden cell whose
minimum equals its maximum has been worked out."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from voice.stats.suppression import Table


def pinned_cells(table: Table, hidden: np.ndarray) -> list[tuple[int, int, float]]:
    """(row, column, value) of every hidden cell the shown figures pin down."""
    constraints = table.build_constraints()
    values = table.values.ravel().astype(float)
    hidden_flat = hidden.ravel()
    unknown = list(np.flatnonzero(hidden_flat))
    if not unknown:
        return []
    index = {cell: k for k, cell in enumerate(unknown)}
    rows, rhs = [], []
    for constraint in constraints:
        coefs = np.zeros(len(unknown))
        known = 0.0
        for cell, coef in constraint:
            if cell in index:
                coefs[index[cell]] += coef
            else:
                known += coef * values[cell]
        if coefs.any():
            rows.append(coefs)
            rhs.append(-known)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    ncol = len(table.columns)
    pinned = []
    for k, cell in enumerate(unknown):
        objective = np.zeros(len(unknown))
        objective[k] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, low.message  # the true table is always a solution
        top = np.inf if high.status == 3 else -high.fun  # unbounded: certainly not pinned
        if top - low.fun < 0.5:
            pinned.append((cell // ncol, cell % ncol, low.fun))
    return pinned
