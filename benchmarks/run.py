"""Benchmarks (``make bench``): medians over repeated runs, after import and one warm-up.

Stage benchmarks are added as stages land; each prints one line ``name: median ms (n runs)``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import assessment
from assessment.catalogue_io import _load_path  # uncached loader: measures real parsing
from assessment.catalogue_views import catalogue_markdown, indicator_table
from assessment.resources import indicators_dir

REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reference"


def median_ms(fn: Callable[[], object], runs: int = 20) -> float:
    """Median wall time of ``fn`` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    """Run every benchmark and print the medians."""
    cat = assessment.load_catalogue()
    cases: dict[str, Callable[[], object]] = {
        "load built-in catalogue (strict, uncached)": lambda: _load_path(indicators_dir() / "catalogue.yaml", True),
        "indicator table (vi)": lambda: indicator_table(cat, "vi"),
        "catalogue reference markdown (vi)": lambda: catalogue_markdown(cat, "vi"),
    }
    if (REFERENCE / "coinr_ASEM_iData.csv").is_file():
        cases["from_coinr ASEM (CSV paths)"] = lambda: assessment.from_coinr(
            REFERENCE / "coinr_ASEM_iData.csv", REFERENCE / "coinr_ASEM_iMeta.csv")
    print(f"python {sys.version.split()[0]}, smartcity-assessment {assessment.__version__}")
    for name, fn in cases.items():
        print(f"{name}: {median_ms(fn):.1f} ms (median of 20)")


if __name__ == "__main__":
    main()
