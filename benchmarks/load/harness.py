"""Run N simulated young people at once against one or more running apps, and summarise."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from benchmarks.load.person import Gate, PersonResult, YoungPerson

ROOT = Path(__file__).resolve().parents[2]
SURVEY_FILE = ROOT / "surveys" / "esafety_year9.yaml"


def load_survey(path: Path = SURVEY_FILE):
    from voice.surveys.loader import load_survey_file

    return load_survey_file(path)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class RunSummary:
    people: int
    mode: str
    wall_seconds: float
    next_times: list[float]
    answer_times: list[float]
    results: list[PersonResult]

    @property
    def p50(self) -> float:
        return statistics.median(self.next_times) if self.next_times else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.next_times, 95)

    def line(self) -> str:
        return (f"N={self.people:<4} {self.mode:<8} Next presses={len(self.next_times):<4} "
                f"p50={self.p50 * 1000:7.0f} ms  p95={self.p95 * 1000:7.0f} ms  "
                f"max={max(self.next_times, default=0) * 1000:7.0f} ms  "
                f"answer-change p95={percentile(self.answer_times, 95) * 1000:6.0f} ms  "
                f"wall={self.wall_seconds:5.0f} s")


async def run_people(urls: list[str], people: int, *, mode: str = "reading",
                     step_pause: tuple[float, float] = (3.0, 15.0), arrival: float = 5.0, seed: int = 1,
                     switch_after: dict[int, int] | None = None, deadline: float = 900.0,
                     on_confirmed: Callable[[PersonResult], None] | None = None, survey=None) -> RunSummary:
    """mode "reading": each person pauses `step_pause` before each Next; "go": everyone presses Next
    within the same second (a class told "go"). People arrive spread over `arrival` seconds."""
    survey = survey or load_survey()
    gate = Gate(people) if mode == "go" else None
    rng = random.Random(seed)
    persons = [
        YoungPerson(i, survey, urls, random.Random(rng.random()), step_pause=step_pause, gate=gate,
                    switch_after=(switch_after or {}).get(i), on_confirmed=on_confirmed)
        for i in range(people)
    ]

    async def arrive(person: YoungPerson, delay: float) -> PersonResult:
        await asyncio.sleep(delay)
        return await person.run()

    started = time.perf_counter()
    tasks = [asyncio.create_task(arrive(p, rng.uniform(0, arrival))) for p in persons]
    done, pending = await asyncio.wait(tasks, timeout=deadline)  # the whole run stops by itself
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for person, task in zip(persons, tasks):
        if task in pending:
            person.result.error = person.result.error or f"still running after {deadline} s"
    results = [p.result for p in persons]
    return RunSummary(people, mode, time.perf_counter() - started,
                      [t for r in results for t in r.next_times], [t for r in results for t in r.answer_times],
                      results)
