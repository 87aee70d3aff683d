"""Does the time a sign-in takes tell anything? The four paths of issue 18, timed against each other.

    python benchmarks/sign_in_timing_benchmark.py [--rounds 40] [--database-url URL]

Paths: a known name with the right password, a known name with a wrong password, an unknown name, and a
paused (locked) account. Each round signs in once on every path, in a random order, through
`accounts.sign_in` and a commit (what the sign-in page does). Times are compared within each round, so a
busy machine slowing a whole round does not count as a difference. Both CPU time (the server's work) and
wall-clock time are printed; the equivalence test (tests/unit/security/test_sign_in_timing.py) uses CPU time.
For each path the script prints the median, and the median difference from "wrong password" within rounds with
its 90% confidence interval (distribution-free, from the sign test): when that interval lies inside +-TOLERANCE
the two paths are equivalent (two one-sided tests at 5%), i.e. there is no usable difference.

Before issue 18, a paused account answered in about 48 ms and an unknown name in about 194 ms.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PASSWORD = "correct horse battery"
REFERENCE = "wrong password"
PATHS = ("right password", "wrong password", "unknown name", "paused account")
# A difference below 5 ms, or 5% of the median sign-in, whichever is larger, is lost in the noise of any
# network and of argon2 itself: it is not a usable signal.
TOLERANCE_MS = 5.0
TOLERANCE_SHARE = 0.05


@dataclass(frozen=True)
class Comparison:
    path: str
    median_ms: float
    diff_ms: float  # median of (this path - wrong password) within rounds
    low_ms: float  # 90% confidence interval of that median
    high_ms: float
    tolerance_ms: float

    @property
    def equivalent(self) -> bool:
        return -self.tolerance_ms < self.low_ms and self.high_ms < self.tolerance_ms


def prepare(engine) -> None:
    """Accounts for the four paths (one argon2 hash, made once)."""
    from sqlalchemy import select

    from voice.db import session_scope, utcnow
    from voice.models import User
    from voice.security import accounts
    from voice.security.access import SYSTEM

    password_hash = accounts.hash_password(PASSWORD)
    with session_scope(engine) as session:
        for name in ("timing_known", "timing_paused"):
            accounts.create_user(session, SYSTEM, name, ["facilitator"], None)
            session.scalar(select(User).where(User.username == name)).password_hash = password_hash
        session.scalar(select(User).where(User.username == "timing_paused")).locked_until = \
            utcnow() + timedelta(days=1)
    accounts._dummy_hash()  # made once per process, as in the app


def _attempt(engine, path: str, round_no: int) -> tuple[float, float]:
    from sqlalchemy import select

    from voice.db import session_scope
    from voice.models import User
    from voice.security.accounts import sign_in

    username, password = {
        "right password": ("timing_known", PASSWORD),
        "wrong password": ("timing_known", "not the password"),
        "unknown name": (f"timing-nobody-{round_no}", "not the password"),  # fresh: never paused itself
        "paused account": ("timing_paused", PASSWORD),
    }[path]
    start, start_cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        sign_in(session, username, password)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if path == "wrong password":  # keep the known account from being paused by the test's own failures
        with session_scope(engine) as session:
            user = session.scalar(select(User).where(User.username == "timing_known"))
            user.failed_attempts, user.locked_until = 0, None
    return elapsed * 1000, cpu * 1000


def measure(engine, rounds: int, seed: int = 18) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(wall-clock ms, CPU ms) per path, index = round. Two warm-up rounds are not kept.

    CPU time is the work the server does for the attempt: on a machine shared with other busy processes
    (as this one is) it is what wall-clock time would be on an idle server, without their noise."""
    order = list(PATHS)
    rng = random.Random(seed)
    wall: dict[str, list[float]] = {p: [] for p in PATHS}
    cpu: dict[str, list[float]] = {p: [] for p in PATHS}
    for round_no in range(rounds + 2):
        rng.shuffle(order)
        this_round = {path: _attempt(engine, path, round_no) for path in order}
        if round_no >= 2:
            for path, (wall_ms, cpu_ms) in this_round.items():
                wall[path].append(wall_ms)
                cpu[path].append(cpu_ms)
    return wall, cpu


def _median_interval(diffs: list[float], confidence: float = 0.90) -> tuple[float, float]:
    """A distribution-free confidence interval for the median of paired differences (from the sign test):
    [d(k), d(n+1-k)] of the sorted differences, with k the largest for which the coverage is still at
    least `confidence`. Robust to the odd attempt another process slowed down."""
    n, ordered = len(diffs), sorted(diffs)
    tail = (1 - confidence) / 2
    k, cumulative = 0, 0.0
    while True:
        cumulative += math.comb(n, k) / 2 ** n  # P(Binomial(n, 1/2) <= k)
        if cumulative > tail:
            break
        k += 1
    k = max(k, 1)
    return ordered[k - 1], ordered[n - k]


def compare(times: dict[str, list[float]]) -> list[Comparison]:
    """For each path, the median difference from "wrong password" within rounds, with its 90% interval."""
    overall = statistics.median(ms for values in times.values() for ms in values)
    tolerance = max(TOLERANCE_MS, TOLERANCE_SHARE * overall)
    rows = []
    for path in PATHS:
        diffs = [a - b for a, b in zip(times[path], times[REFERENCE])]
        low, high = _median_interval(diffs)
        rows.append(Comparison(path, statistics.median(times[path]), statistics.median(diffs), low, high, tolerance))
    return rows


def report(rows: list[Comparison]) -> str:
    lines = [f"{'path':<16} {'median ms':>10} {'diff ms':>9} {'90% CI':>19}  within +-{rows[0].tolerance_ms:.1f} ms?"]
    for row in rows:
        lines.append(f"{row.path:<16} {row.median_ms:>10.1f} {row.diff_ms:>+9.2f} "
                     f"[{row.low_ms:>+7.2f}, {row.high_ms:>+7.2f}]  {'yes' if row.equivalent else 'NO'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from voice.db import dispose_engine, get_engine, upgrade

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='signin-timing-')}/voice.db"
    engine = get_engine(url)
    upgrade(engine)
    prepare(engine)
    wall, cpu = measure(engine, args.rounds)
    print(f"{args.rounds} rounds of the four sign-in paths on {engine.dialect.name}, in random order per round")
    print("\nCPU time of the server (the work done; what an idle server's answer time follows):")
    print(report(compare(cpu)))
    print("\nWall-clock time (includes whatever else this machine is doing):")
    print(report(compare(wall)))
    dispose_engine(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
