"""Small numbers: no count or percentage from fewer than 10 young people appears in any figure.

Everything that shows a figure (screens, CSV/JSON, school packs, the board report) uses
`percentage` to compute it and `SUPPRESSED_TEXT` to stand in for it.

Primary suppression
  * a breakdown value (a school, an area, "Year 9", or the whole area) whose base for a question is
    under MIN_BASE has that whole question hidden for it;
  * any other cell (an option's count, the prefer-not-to-say count) of 1 to MIN_BASE - 1 is hidden;
  * group disclosure: where the base is under GROUP_MIN_BASE, an option nobody chose (0%) or everybody
    chose (100%) is hidden too: "all 14 pupils at the school said yes" tells something about each of
    them. With a base of GROUP_MIN_BASE or more, 0% and 100% are shown (a statement about a group that
    large points at nobody). Prefer-not-to-say is left out of this rule: "nobody preferred not to say"
    says nothing about anyone's answer.

Secondary suppression
  A hidden cell must not be recoverable from the cells that are shown. The figures of one question
  are tied together by sums: within a row, options add up to the base (single-choice questions) and
  base + prefer-not-to-say = everyone who answered; down a column, schools add up to their area and
  areas (or the values of a breakdown question) add up to the whole area. `suppress` first applies the
  two rules of thumb (one hidden option in a row -> hide the next smallest; one hidden breakdown value
  -> hide the next smallest one as well), then audits the table with linear algebra and hides more
  until no hidden cell is pinned down by the figures shown.

The audit: a hidden cell is safe when the equations leave it free to move. With the hidden cells as
unknowns, a hidden cell with a positive true value is free when the null space of the equations
(restricted to the positive hidden cells) moves it, or when it does so with one hidden zero added (the
zero goes up while the cell goes down); a hidden zero is free when its column lies in the span of the
positive hidden cells' columns (it can go up while they go down). Zeros protect a cell only one at a
time, which errs on the side of hiding more. The tests check the result against an
attacker that solves the full linear programme for every hidden cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Sequence

import numpy as np

MIN_BASE = 10
SUPPRESSED_TEXT = f"fewer than {MIN_BASE}"  # what a hidden figure reads, everywhere
GROUP_MIN_BASE = 50  # below this base, 0% and 100% of an answer are hidden (group disclosure)

BASE = "__base__"  # respondents who answered, not counting prefer-not-to-say
PNTS = "__pnts__"  # respondents who only said prefer not to say
ANSWERED = "__answered__"  # everyone who answered (BASE + PNTS)
MARGIN_COLUMNS = (BASE, PNTS, ANSWERED)


def percentage(count: int, base: int) -> float | None:
    """THE percentage: count of base, to one decimal place. None when there is no base."""
    if base <= 0:
        return None
    return round(100.0 * count / base, 1)


def is_small(n: int | None) -> bool:
    """A count that must not be shown on its own (1 to 9). None (unknown) counts as small."""
    return n is None or 0 < n < MIN_BASE


def group_disclosure(count: int | None, base: int | None) -> bool:
    """True when `count` of `base` is everyone or no one in a group small enough to point at (see above)."""
    return count is not None and base is not None and 0 < base < GROUP_MIN_BASE and count in (0, base)


def figure_hidden(count: int | None, base: int | None) -> bool:
    """The primary rules for one figure on its own (a count of a base): a base under MIN_BASE, a count of
    1 to 9, or everyone / no one in a small group. A figure added up from table cells is also hidden when
    any of its cells is (the caller knows that)."""
    return base is None or base < MIN_BASE or is_small(count) or group_disclosure(count, base)


def free_text_allowed(respondents: int | None) -> bool:
    """Free text from a breakdown (a school, a year group) is shown only when at least MIN_BASE answered."""
    return respondents is not None and respondents >= MIN_BASE


def format_count(count: int | None, suppressed: bool) -> str:
    return SUPPRESSED_TEXT if suppressed or count is None else f"{count:,}"


def format_percent(percent: float | None, suppressed: bool) -> str:
    if suppressed or percent is None:
        return SUPPRESSED_TEXT
    return f"{percent:.1f}%"


# --- the table a question's figures make, and its suppression -----------------------------------------


@dataclass
class Table:
    """One question's counts for one breakdown: rows are breakdown values, row 0 is the whole area.

    parent[i] is the row that row i adds up into (None for row 0). When `additive` is False (a
    breakdown by a question where one may tick several answers) children do not add up to their parent.
    `options_sum_to_base` is True for single-choice questions (each respondent picks exactly one option).
    """

    rows: Sequence[Hashable]
    parent: list[int | None]
    columns: list[str]  # MARGIN_COLUMNS first, then the question's own options (without prefer-not-to-say)
    values: np.ndarray  # int, len(rows) x len(columns)
    additive: bool = True
    options_sum_to_base: bool = True
    constraints: list[list[tuple[int, int]]] = field(default_factory=list, repr=False)

    def cell(self, row: int, column: int) -> int:
        return row * len(self.columns) + column

    def build_constraints(self) -> list[list[tuple[int, int]]]:
        """Each constraint is a list of (cell, coefficient) summing to zero."""
        ncol = len(self.columns)
        b, p, a = (self.columns.index(c) for c in MARGIN_COLUMNS)
        option_cols = [j for j in range(ncol) if self.columns[j] not in MARGIN_COLUMNS]
        out: list[list[tuple[int, int]]] = []
        for r in range(len(self.rows)):
            out.append([(self.cell(r, a), 1), (self.cell(r, b), -1), (self.cell(r, p), -1)])
            if self.options_sum_to_base and option_cols:
                out.append([(self.cell(r, j), 1) for j in option_cols] + [(self.cell(r, b), -1)])
        if self.additive:
            children: dict[int, list[int]] = {}
            for r, parent in enumerate(self.parent):
                if parent is not None:
                    children.setdefault(parent, []).append(r)
            for parent, kids in children.items():
                for j in range(ncol):
                    out.append([(self.cell(k, j), 1) for k in kids] + [(self.cell(parent, j), -1)])
        self.constraints = out
        return out


def primary(table: Table) -> np.ndarray:
    """Cells hidden by the small-number rules alone (a boolean mask shaped like values)."""
    values = table.values
    b = table.columns.index(BASE)
    a = table.columns.index(ANSWERED)
    hidden = (values > 0) & (values < MIN_BASE)
    hidden[:, a] = False  # answered >= base; hidden with the row when the base is small
    options = [j for j, c in enumerate(table.columns) if c not in MARGIN_COLUMNS]
    if options:
        base = values[:, [b]]
        small_group = (base > 0) & (base < GROUP_MIN_BASE)
        cells = values[:, options]
        hidden[:, options] |= small_group & ((cells == 0) | (cells == base))
    small_base = values[:, b] < MIN_BASE
    hidden[small_base, :] = True
    return hidden


def _rule_of_thumb(table: Table, hidden: np.ndarray) -> None:
    """The quick rules: a lone hidden option in a row, a lone hidden breakdown value among its siblings."""
    b = table.columns.index(BASE)
    option_cols = [j for j, c in enumerate(table.columns) if c not in MARGIN_COLUMNS]
    if table.options_sum_to_base and option_cols:
        for r in range(len(table.rows)):
            shown = [j for j in option_cols if not hidden[r, j]]
            if len(shown) == len(option_cols) - 1 and shown:
                # The hidden one is base minus the others: hide the next smallest too.
                hidden[r, min(shown, key=lambda j: (table.values[r, j] == 0, table.values[r, j]))] = True
    if not table.additive:
        return
    children: dict[int, list[int]] = {}
    for r, parent in enumerate(table.parent):
        if parent is not None:
            children.setdefault(parent, []).append(r)
    for kids in children.values():
        whole = [k for k in kids if hidden[k, b]]
        rest = [k for k in kids if not hidden[k, b]]
        if len(whole) == 1 and rest:
            # The parent minus the other values would give it back: hide the smallest other value too.
            hidden[min(rest, key=lambda k: table.values[k, b]), :] = True


def _unsafe(table: Table, hidden_flat: np.ndarray, constraints) -> list[int]:
    """Hidden cells that the shown figures pin down (see the module docstring).

    The sums split into independent groups (cells linked through shared sums): each is audited on its
    own, which keeps the matrices small (a few schools' cells rather than the whole county's).
    """
    relevant = [c for c in constraints if any(hidden_flat[i] for i, _ in c)]
    if not relevant:
        return []
    root: dict[int, int] = {}

    def find(x: int) -> int:
        root.setdefault(x, x)
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for constraint in relevant:
        cells = [i for i, _ in constraint if hidden_flat[i]]
        first = find(cells[0])
        for other in cells[1:]:
            root[find(other)] = first
    groups: dict[int, list] = {}
    for constraint in relevant:
        groups.setdefault(find(next(i for i, _ in constraint if hidden_flat[i])), []).append(constraint)
    unsafe: list[int] = []
    for part in groups.values():
        unsafe.extend(_unsafe_in(table, hidden_flat, part))
    return unsafe


def _unsafe_in(table: Table, hidden_flat: np.ndarray, relevant) -> list[int]:
    values = table.values.ravel()
    hidden_cells = sorted({i for c in relevant for i, _ in c if hidden_flat[i]})
    positive = [i for i in hidden_cells if values[i] > 0]
    zeros = [i for i in hidden_cells if values[i] == 0]
    pos_index = {cell: k for k, cell in enumerate(positive)}
    matrix = np.zeros((len(relevant), len(positive)))
    zero_cols: dict[int, np.ndarray] = {z: np.zeros(len(relevant)) for z in zeros}
    for row, constraint in enumerate(relevant):
        for cell, coef in constraint:
            if cell in pos_index:
                matrix[row, pos_index[cell]] = coef
            elif cell in zero_cols:
                zero_cols[cell][row] = coef
    unsafe: list[int] = []
    ncol = len(table.columns)
    zero_matrix = np.column_stack([zero_cols[z] for z in zeros]) if zeros else np.zeros((len(relevant), 0))
    if positive:
        span, singular, rowspace = _row_space(matrix)
        pinned = (rowspace ** 2).sum(axis=1) > 1 - 1e-6
    else:
        span = np.zeros((len(relevant), 0))
        pinned = np.zeros(0, dtype=bool)
    # A hidden zero whose column lies in the span of the positive hidden cells' columns can rise while they fall.
    in_span = np.asarray(np.linalg.norm(zero_matrix - span @ (span.T @ zero_matrix), axis=0) <= 1e-9)
    stuck = np.flatnonzero(pinned)
    if stuck.size:
        # A positive cell pinned among the positive cells alone may still be freed by one hidden zero (the zero
        # goes up while the cell goes down). With zero z's column a added, cell x stays pinned unless a lies in
        # the positive cells' column space and a . y0 != 0, where y0 is the least-norm solution of
        # matrix^T y = e_x; then the null direction that moves x moves z too, and taking its sign so that z
        # rises keeps every count >= 0. All pinned cells and zeros at once: one matrix product.
        y0 = span @ (rowspace[stuck] / singular).T  # one column per pinned cell
        dots = np.abs(zero_matrix[:, in_span].T @ y0) > 1e-9 if in_span.any() else np.zeros((0, stuck.size), bool)
        freed = np.asarray(dots.any(axis=0), dtype=bool)
        unsafe.extend(positive[k] for k, free in zip(stuck, freed) if not free)
    for z, ok in zip(zeros, in_span):
        if not ok and not _under_a_shown_zero(table, hidden_flat, z // ncol, z % ncol):
            unsafe.append(z)
    return unsafe


def _row_space(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The thin singular value decomposition of the sums, from the small Gram matrix: (U, s, V) with
    matrix = U diag(s) V^T. A cell is pinned when its unit vector lies in the row space (no null direction
    moves it), i.e. when its row of V has length 1."""
    gram = matrix @ matrix.T
    eigenvalues, vectors = np.linalg.eigh(gram)
    keep = eigenvalues > 1e-8 * max(1.0, float(eigenvalues.max()))
    span = vectors[:, keep]
    singular = np.sqrt(eigenvalues[keep])
    return span, singular, (matrix.T @ span) / singular


def _under_a_shown_zero(table: Table, hidden_flat: np.ndarray, row: int, column: int) -> bool:
    """A zero under a shown zero (none in the whole area, none in this school) is common knowledge."""
    if not table.additive:
        return False
    ncol = len(table.columns)
    parent = table.parent[row]
    while parent is not None:
        if not hidden_flat[parent * ncol + column] and table.values[parent, column] == 0:
            return True
        parent = table.parent[parent]
    return False


def _partner(table: Table, cell: int, hidden_flat: np.ndarray, by_cell, forbidden: set[int]) -> int | None:
    """A shown cell to hide so that `cell` can move: from the sums it is in, the smallest positive one."""
    values = table.values.ravel()
    ncol = len(table.columns)
    options = sorted(by_cell.get(cell, []), key=lambda c: sum(hidden_flat[i] for i, _ in c))
    fallback = None
    for constraint in options:
        candidates = [i for i, _ in constraint if not hidden_flat[i] and i not in forbidden]
        positive = [i for i in candidates if values[i] > 0]
        if positive:
            # Prefer option/prefer-not-to-say cells over bases, then the smallest.
            return min(positive, key=lambda i: (_column_rank(table.columns[i % ncol]), values[i]))
        if candidates and fallback is None:
            fallback = candidates[0]
    return fallback


def _column_rank(column: str) -> int:
    # Hide option and prefer-not-to-say cells first, then "everyone who answered", the base last.
    return {ANSWERED: 1, BASE: 2}.get(column, 0)


def _settle(table: Table, hidden: np.ndarray, constraints, forbidden: set[int], max_rounds: int = 200) -> None:
    hidden_flat = hidden.ravel()  # a view: changes land in `hidden`
    by_cell: dict[int, list] = {}
    for constraint in constraints:
        for i, _ in constraint:
            by_cell.setdefault(i, []).append(constraint)
    for _ in range(max_rounds):
        unsafe = _unsafe(table, hidden_flat, constraints)
        added: set[int] = set()
        for cell in unsafe:
            partner = _partner(table, cell, hidden_flat, by_cell, forbidden | added)
            if partner is not None:
                added.add(partner)
        if not added:
            return
        hidden_flat[list(added)] = True


def suppress(table: Table) -> np.ndarray:
    """The hidden-cell mask for `table`: primary, then secondary suppression (see module docstring).

    Row 0 (the whole area) is settled on its own first and never gains hidden cells afterwards, so the
    whole-area figures are the same in every breakdown and in the whole-area table. A row that is the
    only child of its parent holds the same figures as its parent, so it is folded into it first.
    """
    same_as = _fold_only_children(table)
    kept = sorted(set(same_as))
    if len(kept) < len(table.rows):
        position = {r: k for k, r in enumerate(kept)}
        reduced = Table(rows=[table.rows[r] for r in kept],
                        parent=[None if (up := table.parent[r]) is None else position[same_as[up]] for r in kept],
                        columns=table.columns, values=table.values[kept], additive=table.additive,
                        options_sum_to_base=table.options_sum_to_base)
        hidden_reduced = suppress(reduced)
        return hidden_reduced[[position[same_as[r]] for r in range(len(table.rows))]]
    hidden = primary(table)
    _rule_of_thumb(table, hidden)
    constraints = table.build_constraints()
    ncol = len(table.columns)
    root_cells = set(range(ncol))
    root_constraints = [c for c in constraints if all(i in root_cells for i, _ in c)]
    non_root = set(range(ncol, table.values.size))
    _settle(table, hidden, root_constraints, forbidden=non_root)
    _settle(table, hidden, constraints, forbidden=root_cells)
    return hidden


def _fold_only_children(table: Table) -> list[int]:
    """For each row, the row it is identical to: itself, or (for an only child) its parent's row."""
    if not table.additive:
        return list(range(len(table.rows)))
    children: dict[int, list[int]] = {}
    for r, parent in enumerate(table.parent):
        if parent is not None:
            children.setdefault(parent, []).append(r)
    same_as = list(range(len(table.rows)))
    for r in range(len(table.rows)):  # parents come before their children
        parent = table.parent[r]
        if parent is not None and len(children[parent]) == 1:
            same_as[r] = same_as[parent]
    return same_as


def suppress_single_row(columns: Sequence[str], values: Sequence[int], options_sum_to_base: bool) -> np.ndarray:
    table = Table(rows=["all"], parent=[None], columns=list(columns), values=np.array([values], dtype=np.int64),
                  options_sum_to_base=options_sum_to_base)
    return suppress(table)[0]
