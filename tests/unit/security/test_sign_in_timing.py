"""Timing tells nothing: the four sign-in paths take the same time, shown statistically.

Known name and right password, wrong password, unknown name, paused account: 25 rounds, each path once per
round in a random order, timed by the server's CPU time (its work; the machine running the suite is
shared, so wall-clock time mostly measures other processes). Each path's median difference from "wrong
password" within rounds must have its 90% confidence interval (distribution-free) inside +-5 ms, or 5%
of a sign-in: two one-sided tests at 5%, i.e. the paths are shown equivalent, not merely "not shown
different".
benchmarks/sign_in_timing_benchmark.py prints the same figures, and wall-clock times too.
"""

from __future__ import annotations

import pytest

from benchmarks.sign_in_timing_benchmark import PATHS, compare, measure, prepare, report

pytestmark = pytest.mark.slow


def test_the_four_sign_in_paths_take_the_same_time(clean_db):
    prepare(clean_db)
    _, cpu = measure(clean_db, rounds=25)
    rows = compare(cpu)
    print("\n" + report(rows))
    assert [r.path for r in rows] == list(PATHS)
    assert all(r.equivalent for r in rows), report(rows)
