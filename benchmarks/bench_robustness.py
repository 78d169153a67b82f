"""Robustness benchmarks (issue 14 targets, medians on the 2-core machine).

* ASEM, the 4 assumptions of COINr's reference run: sensitivity N = 100 (600 runs) <= 1.0 s;
  uncertainty N = 500 <= 0.8 s (COINr 1.1.14: about 56 s and 47 s, robustness.md).
* One nominal ASEM build <= 8 ms (COINr's ``Regen``: 75-79 ms): ``from_coinr`` on iData/iMeta already in
  memory (as COINr's rebuild starts from its stored tables) plus ``assess`` with the loaded method, the
  fixed cost a loop of plain builds pays per replicate. Reading the two CSV files is timed apart, and so
  is a build whose iMeta was never imported before (``from_coinr`` validates and hashes a catalogue once
  per distinct iMeta; a new catalogue id each time makes every build a first one).
* 10,000 units x 100 indicators, 3 levels (indicators, outcomes, overall), 1,000 replicates
  (weights of both weighted levels +-25 %, two normalisations, two aggregations): uncertainty
  <= 15 s at <= 2 GB peak. Run in a fresh process so that its peak memory is its own.

* Workers (issue 26; opt-in, ``--cluster [N]``, a few minutes): the same cohort and spec with N = 2,000
  replicates, serially and on 1 and 2 local worker processes (``executor=k``), one run each, with the
  bytes a task carries (the setup once per worker, then design rows; before: the whole setup with every
  task) and the load average beside: on a shared 2-core machine the speed-up is bounded by what the
  other processes leave.

Run alone with ``python benchmarks/bench_robustness.py`` (``--nominal``: the nominal build only);
``make bench`` runs it after the rest.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import assessment

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "examples" / "data"  # COINr's ASEM example, shipped with the project
SPEC = HERE.parent / "examples" / "robustness" / "asem-reference.yaml"
BIG_SPEC = {"n": 1000, "seed": 1, "assumptions": [
    {"name": "weights", "kind": "weights", "levels": [1, 2], "share": 0.25},
    {"name": "normalisation", "path": "normalise", "values": [{"method": "goalposts"}, {"method": "minmax"}]},
    {"name": "aggregation", "path": "aggregate.method", "values": ["arithmetic", "geometric"]}]}


def median_s(fn: Callable[[], object], runs: int) -> float:
    """Median wall time in seconds after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def nominal_cases() -> dict[str, Callable[[], object]]:
    """One nominal ASEM build, from the tables in memory and from the CSV files."""
    import pandas as pd

    idata = pd.read_csv(REFERENCE / "coinr_ASEM_iData.csv", encoding="utf-8-sig")
    imeta = pd.read_csv(REFERENCE / "coinr_ASEM_iMeta.csv", encoding="utf-8-sig")
    method = assessment.load_method(HERE.parent / "examples" / "methods" / "coinr-asem.yaml")
    fresh = iter(range(1 << 30))
    return {
        "ASEM nominal build (from_coinr on the tables + assess)":
            lambda: assessment.assess(assessment.from_coinr(idata, imeta), method=method),
        "  same, from_coinr reading the two CSV files": lambda: assessment.assess(
            assessment.from_coinr(REFERENCE / "coinr_ASEM_iData.csv", REFERENCE / "coinr_ASEM_iMeta.csv"),
            method=method),
        "  same, the catalogue validated anew (a new catalogue id each build)": lambda: assessment.assess(
            assessment.from_coinr(idata, imeta, catalogue_id=f"asem-{next(fresh)}"), method=method),
    }


def asem_cases() -> dict[str, Callable[[], object]]:
    """The ASEM reference-spec runs."""
    coin = assessment.from_coinr(REFERENCE / "coinr_ASEM_iData.csv", REFERENCE / "coinr_ASEM_iMeta.csv")
    result = assessment.assess(coin, method=HERE.parent / "examples" / "methods" / "coinr-asem.yaml")
    spec = assessment.load_robustness_spec(SPEC)
    return {
        "ASEM sensitivity, reference spec, N = 100 (600 runs, 100 bootstrap)":
            lambda: assessment.sensitivity(result, spec, n=100),
        "ASEM uncertainty, reference spec, N = 500": lambda: assessment.uncertainty(result, spec, n=500),
        "ASEM remove-one (59 elements)": lambda: assessment.remove_one(result),
        "ASEM audit (200 bootstrap resamples per group)": lambda: assessment.audit(result),
    }


def big() -> None:
    """10,000 units x 100 indicators, 1,000 replicates; prints the median of 3 and this process's peak RSS."""
    sys.path.insert(0, str(HERE))
    from synthetic import cohort

    from assessment.robustness import spec_from_dict

    data = cohort(10_000, 100, years=1, seed=1)
    result = assessment.assess(data, method={"aggregate": {"lenses": ["ascf"]}, "normalise": {"range": [1, 100]},
                                             "compare": {"enabled": False}})
    spec = spec_from_dict(BIG_SPEC)
    seconds = median_s(lambda: assessment.uncertainty(result, spec), runs=3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"10,000 units x 100 indicators, 1,000 replicates (weights +-25 %, 2 normalisations, 2 aggregations): "
          f"{seconds:.1f} s (median of 3); peak RSS {peak:.0f} MB")


def on_workers(n: int) -> None:
    """10,000 units x 100 indicators, ``n`` replicates: serial, 1 and 2 worker processes (one run each)."""
    import os
    import pickle

    sys.path.insert(0, str(HERE))
    from synthetic import cohort

    from assessment.robustness import spec_from_dict
    from assessment.robustness.design import UA_STREAM, n_dims, uniforms
    from assessment.robustness.executors import TASKS_PER_SLOT
    from assessment.robustness.setup import make_setup

    data = cohort(10_000, 100, years=1, seed=1)
    result = assessment.assess(data, method={"aggregate": {"lenses": ["ascf"]}, "normalise": {"range": [1, 100]},
                                             "compare": {"enabled": False}})
    spec = spec_from_dict(BIG_SPEC | {"n": n})
    setup = make_setup(result, spec)
    blocks = -(-n // spec.block)
    per_task = -(-blocks // (2 * TASKS_PER_SLOT))  # on 2 workers
    rows = uniforms(spec, min(n, per_task * spec.block), n_dims(setup.factors), UA_STREAM)
    whole, task = len(pickle.dumps(setup)), len(pickle.dumps((setup.token, rows)))
    print(f"10,000 units x 100 indicators, {n:,} replicates in {blocks} blocks of {spec.block}: on 2 workers a "
          f"task ({per_task} blocks) carries {task / 1e3:.0f} kB, its design rows; the {whole / 1e6:.1f} MB "
          f"setup goes once to each worker (before: with every block)")
    serial = None
    for workers in (None, 1, 2):
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        assessment.uncertainty(result, spec, executor=workers)
        seconds = time.perf_counter() - t0
        serial = serial or seconds
        label = "serial" if workers is None else f"{workers} worker process{'es' if workers > 1 else ''}"
        print(f"  {label}: {seconds:.1f} s (one run; speed-up {serial / seconds:.2f}x; load average "
              f"{load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    """Run every robustness benchmark and print the medians."""
    for name, fn in nominal_cases().items():
        print(f"{name}: {median_s(fn, runs=101) * 1000:.1f} ms (median of 101)")
    for name, fn in asem_cases().items():
        print(f"{name}: {median_s(fn, runs=5) * 1000:.0f} ms (median of 5)")
    subprocess.run([sys.executable, __file__, "--big"], check=True)


if __name__ == "__main__":
    if "--big" in sys.argv:
        big()
    elif "--cluster" in sys.argv:
        at = sys.argv.index("--cluster") + 1
        on_workers(int(sys.argv[at]) if at < len(sys.argv) else 2000)
    elif "--nominal" in sys.argv:
        for label, case in nominal_cases().items():
            print(f"{label}: {median_s(case, runs=101) * 1000:.1f} ms (median of 101)")
    else:
        main()
