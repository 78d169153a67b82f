"""The scoring engine's two scale targets, alone (``make bench`` runs them among the rest).

* 10,000 cities x 100 indicators, default pipeline <= 250 ms;
* 10,000 cities x 100 indicators x 10 years, default pipeline <= 2.5 s.

Run with ``python benchmarks/bench_scoring.py`` for medians (11 and 3 runs, after a warm-up);
``--stages`` prints instead the median time of each pipeline stage (``prepare`` is
:func:`~assessment.scoring.inputs.prepare_inputs`, before the first stage), timed through the
pipeline's ``on_stage`` hook. On a shared machine, compare two builds run alternately, in the
same minutes.
"""

from __future__ import annotations

import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

import assessment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import cohort  # the benchmarks' own helper, next to this file


def stage_medians(data: object, runs: int) -> dict[str, float]:
    """Median milliseconds of each stage over ``runs`` runs, after one warm-up run."""
    times: dict[str, list[float]] = {}
    for k in range(runs + 1):
        marks: list[tuple[str, float]] = [("prepare", time.perf_counter())]

        def mark(name: str, marks: list[tuple[str, float]] = marks) -> None:
            marks.append((name, time.perf_counter()))

        assessment.assess(data, on_stage=mark)
        marks.append(("end", time.perf_counter()))
        for (name, start), (_, stop) in pairwise(marks):
            if k:
                times.setdefault(name, []).append((stop - start) * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def main(argv: list[str]) -> None:
    """Print the two targets' medians, or with ``--stages`` their stage medians."""
    cases = {"10,000 cities x 100 indicators, default pipeline": (cohort(10_000, 100, years=1, seed=1), 11),
             "10,000 cities x 100 indicators x 10 years, default pipeline": (cohort(10_000, 100, years=10, seed=1), 3)}
    for name, (data, runs) in cases.items():
        if "--stages" in argv:
            stages = stage_medians(data, runs)
            print(f"{name}: " + ", ".join(f"{s} {ms:.0f}" for s, ms in stages.items()) + f" ms (median of {runs})")
            continue
        assessment.assess(data)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            assessment.assess(data)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{name}: {statistics.median(times):.0f} ms (median of {runs})")


if __name__ == "__main__":
    main(sys.argv[1:])
