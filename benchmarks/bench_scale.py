"""Scale benchmarks (issue 26): COINr-style builds beside the NaN-aware numpy limit measured in the same run.

* COINr-style build, 3 levels (100 indicators → 10 pillars → index), min-max onto [0, 100] + weighted
  arithmetic mean, no levels, ranks or comparisons: ``assess(from_coinr(iData, iMeta), method)`` with both
  tables in memory. 10,000 × 100: ≤ 3 × the limit. 1,000,000 × 100 (``--million``, opt-in: about a
  minute and a few GB): ≤ 2 s warm, ≤ 3 s on the first call in a process, peak ≤ 2.5 GB; the default
  pipeline (levels, ranks, every lens) on a 1,000,000 × 100 wide table ≤ 8 s and ≤ 4 GB.
* The limit: what plain numpy needs for the same arithmetic on the same matrix — NaN-aware column
  min and max, the min-max map, then per pillar and for the index the weighted mean of what is
  present (``nansum(w·x) / sum(w where present)``). No input checks, no hash, no tables.

Each size runs in its own process, so that the first call is a first call and the peak memory
(``ru_maxrss``) is the build's own: the peak is printed beside the peak of making the input
tables alone (``input`` below). Run with ``python benchmarks/bench_scale.py`` (10,000 × 100) or
``--million``; ``--profile`` prints a cProfile of one first call instead (``--profile --default``: of one
warm call of the default pipeline). The machine is shared:
read the ratio to the limit, which moves with the load, beside the times.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

PILLARS = 10
COINR_METHOD = {"normalise": {"method": "minmax", "range": [0, 100]},
                "aggregate": {"lenses": ["coinr"], "method": "arithmetic", "min_reported": 0},
                "levels": {"enabled": False}, "rank": {"enabled": False}, "compare": {"enabled": False}}


def coinr_pair(n: int, m: int = 100, seed: int = 0, missing: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded COINr-style ``iData`` (n units × m indicators, ``missing`` of the cells empty) and ``iMeta``
    (indicators → ``PILLARS`` pillars → ``Index``; weights 1 to 3, a fifth of the indicators direction -1)."""
    rng = np.random.default_rng(seed)
    codes = [f"i{j:03d}" for j in range(m)]
    x = rng.lognormal(3.0, 0.6, size=(n, m))
    x[rng.random((n, m)) < missing] = np.nan
    idata = pd.DataFrame(x, columns=codes)  # pandas' own layout, as read_csv gives (each column contiguous)
    idata.insert(0, "uCode", [f"U{u:07d}" for u in range(n)])
    rows = [{"iCode": c, "Level": 1, "Parent": f"P{j % PILLARS}", "Direction": -1 if j % 5 == 4 else 1,
             "Weight": 1 + j % 3, "Type": "Indicator"} for j, c in enumerate(codes)]
    rows += [{"iCode": f"P{p}", "Level": 2, "Parent": "Index", "Direction": 1, "Weight": 1 + p % 2,
              "Type": "Aggregate"} for p in range(PILLARS)]
    rows.append({"iCode": "Index", "Level": 3, "Parent": None, "Direction": 1, "Weight": 1, "Type": "Aggregate"})
    return idata, pd.DataFrame(rows)


def numpy_limit(x: np.ndarray, imeta: pd.DataFrame) -> np.ndarray:
    """The same build in plain numpy: NaN-aware min-max onto [0, 100], then weighted means of what is present."""
    ind = imeta[imeta["Level"] == 1]
    d = ind["Direction"].to_numpy(dtype="float64")
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    y = (x - lo) / (hi - lo) * 100.0
    y[:, d < 0] = 100.0 - y[:, d < 0]
    w = ind["Weight"].to_numpy(dtype="float64")
    parent = ind["Parent"].to_numpy()
    pillars = imeta[imeta["Level"] == 2]
    present = ~np.isnan(y)
    yw = np.where(present, y, 0.0) * w
    wp = present * w
    p = np.stack([yw[:, parent == code].sum(axis=1) / wp[:, parent == code].sum(axis=1)
                  for code in pillars["iCode"]], axis=1)
    pw = pillars["Weight"].to_numpy(dtype="float64")
    ok = ~np.isnan(p)
    return np.where(ok, p, 0.0) @ pw / (ok @ pw)


def median_s(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in seconds, of ``runs`` calls (the caller warms up
    first). On a machine other processes load, CPU time moves less than wall time."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        gc.collect()
    return statistics.median(wall), statistics.median(cpu)


def peak_mb() -> float:
    """Peak resident memory of this process since :func:`reset_peak` (Linux), else since it started, in MB."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """Resident memory of this process now, in MB (Linux; 0 elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def reset_peak() -> None:
    """Start the peak anew from what is resident now (Linux ``clear_refs`` 5), so a peak is the build's own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def one_size(n: int, runs: int, default: bool) -> None:
    """Print the COINr-style build (first call, warm median, peak) and the numpy limit for ``n`` units."""
    idata, imeta = coinr_pair(n)
    x = idata.iloc[:, 1:].to_numpy(dtype="float64")  # a view of idata's block: no second copy
    gc.collect()
    held = resident_mb()
    reset_peak()
    t0 = time.perf_counter()
    import assessment

    def build() -> object:
        return assessment.assess(assessment.from_coinr(idata, imeta), method=COINR_METHOD)

    result = build()
    first = time.perf_counter() - t0
    first_peak = peak_mb()
    limit = np.asarray(numpy_limit(x, imeta))
    ours = result.aggregated["coinr"]["Index"].to_numpy()  # type: ignore[attr-defined]
    order = np.argsort(idata["uCode"].to_numpy(), kind="stable")  # ours are sorted by unit code
    assert np.allclose(ours, limit[order], rtol=1e-12, atol=1e-9, equal_nan=True), "not the same build"
    del result
    gc.collect()
    limit_s, limit_cpu = median_s(lambda: numpy_limit(x, imeta), runs)
    warm, warm_cpu = median_s(build, runs)
    label = f"{n:,} units x 100 indicators"
    print(f"COINr-style build, {label}: {warm * 1000:.0f} ms warm (CPU {warm_cpu * 1000:.0f} ms; medians of "
          f"{runs}), first call in the process (with imports) {first * 1000:.0f} ms; numpy limit "
          f"{limit_s * 1000:.0f} ms (CPU {limit_cpu * 1000:.0f} ms): {warm / limit_s:.1f}x the limit, "
          f"{warm_cpu / limit_cpu:.1f}x in CPU time (target <= 3x at 10k; 1M: <= 2 s warm, <= 3 s first); peak RSS "
          f"{first_peak:.0f} MB in the first call, {peak_mb():.0f} MB over all calls (target 1M: <= 2.5 GB; "
          f"{held:.0f} MB resident before, holding the input)")
    if default:
        del idata, x
        gc.collect()
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from synthetic import cohort

        data = cohort(n, 100, years=1, seed=1)
        gc.collect()
        held = resident_mb()
        reset_peak()
        calls = 3  # each call's result let go before the next, so the peak is one call's
        wall, cpu = median_s(lambda: assessment.assess(data), calls)
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"default pipeline (levels, ranks, every lens), {label} wide table: {wall * 1000:.0f} ms (CPU "
              f"{cpu * 1000:.0f} ms; medians of {calls} warm calls; target 1M: <= 8 s); peak RSS {peak_mb():.0f} MB "
              f"(target 1M: <= 4 GB; {held:.0f} MB resident before, holding the input); load average {load} "
              f"(1/5/15 min, {os.cpu_count()} cores)")


def profile(n: int) -> None:
    """cProfile of one first call (imports excluded), top 30 by cumulative time."""
    import cProfile
    import pstats

    import assessment

    idata, imeta = coinr_pair(n)
    prof = cProfile.Profile()
    prof.enable()
    assessment.assess(assessment.from_coinr(idata, imeta), method=COINR_METHOD)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def profile_default(n: int) -> None:
    """cProfile of one warm call of the default pipeline on an ``n``-unit wide table, top 30 by cumulative time."""
    import cProfile
    import pstats

    import assessment

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import cohort

    assessment.assess(cohort(200, 100, years=1, seed=2))  # imports and first-call work out of the profile
    data = cohort(n, 100, years=1, seed=1)
    prof = cProfile.Profile()
    prof.enable()
    assessment.assess(data)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def main(argv: list[str]) -> None:
    """Each size in a fresh process (see the module docstring)."""
    if "--one" in argv:
        n = int(argv[argv.index("--one") + 1])
        one_size(n, runs=5 if n >= 1_000_000 else 11, default="--default" in argv)
        return
    n = 1_000_000 if "--million" in argv else 10_000
    if "--profile" in argv:
        (profile_default if "--default" in argv else profile)(n)
        return
    subprocess.run([sys.executable, __file__, "--one", str(n), *(["--default"] if n >= 1_000_000 else [])],
                   check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
