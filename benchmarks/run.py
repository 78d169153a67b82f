"""Benchmarks (``make bench``): medians over repeated runs, after import and one warm-up.

Stage benchmarks are added as stages land; each prints one line ``name: median ms (n runs)``.
``python benchmarks/run.py --million`` adds the 1,000,000 × 100 scale case (``bench_scale.py``, a few
minutes and about 5 GB); ``python benchmarks/bench_robustness.py --cluster`` times robustness on 1 and
2 worker processes.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import assessment
from assessment.catalogue.load import read_catalogue  # uncached loader: measures real parsing
from assessment.catalogue.views import catalogue_markdown, indicator_table
from assessment.resources import indicators_dir

REFERENCE = Path(__file__).resolve().parent.parent / "examples" / "data"  # COINr's ASEM example, shipped


def median_ms(fn: Callable[[], object], runs: int = 20) -> float:
    """Median wall time of ``fn`` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def wall_cpu_s(fn: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn`` after one warm-up call; the CPU counts this process and the child
    processes it waited for (the intake's readers), so a shared machine's wait for a core shows as wall only."""
    import resource

    fn()
    wall, cpu = [], []
    for _ in range(runs):
        before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        t0 = time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
        after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        cpu.append(sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True)))
    return statistics.median(wall), statistics.median(cpu)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux ru_maxrss is in KB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scoring_cases() -> dict[str, Callable[[], object]]:
    """Scoring-engine benchmarks (issue targets: ASEM <= 20 ms, 10k x 100 <= 0.25 s, 10 years <= 2.5 s)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import cohort

    cases: dict[str, Callable[[], object]] = {}
    asem = assessment.from_coinr(REFERENCE / "coinr_ASEM_iData.csv", REFERENCE / "coinr_ASEM_iMeta.csv")
    method = assessment.load_method(Path(__file__).resolve().parent.parent / "examples/methods/coinr-asem.yaml")
    cases["COINr ASEM example build (assess, coinr-asem.yaml)"] = lambda: assessment.assess(asem, method=method)
    one = cohort(10_000, 100, years=1, seed=1)
    cases["10,000 cities x 100 indicators, default pipeline"] = lambda: assessment.assess(one)

    def with_comparisons() -> object:
        result = assessment.assess(one)
        return result.indicator_ranks, result.strengths  # computed on first use

    cases["  same, plus indicator ranks and strengths (forced)"] = with_comparisons
    return cases


def workbook_cases(tmp: Path) -> dict[str, Callable[[], object]]:
    """Workbook benchmarks (issue targets: 500 workbooks read <= 7 s on both cores (issue 26; was 10 s), one
    template written <= 0.5 s)."""
    import shutil

    from assessment.intake import read_submissions, write_template

    examples = sorted((Path(__file__).resolve().parent.parent / "examples" / "ascn-2025").glob("[!z]*.xlsx"))
    folder = tmp / "cohort-500"
    folder.mkdir()
    for i in range(500):
        shutil.copy(examples[i % len(examples)], folder / f"{i:03d}-{examples[i % len(examples)].name}")
    return {
        "write one template (xlsx, vi)": lambda: write_template(tmp / "t.xlsx", city="Da Nang", country="VN",
                                                                year=2025, lang="vi"),
        "read and validate 500 filled workbooks": lambda: read_submissions([folder]),
    }


def scorecard_case(tmp: Path) -> Callable[[], object]:
    """Render 500 city pages plus the cohort page (issue target: <= 10 s)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import cohort

    from assessment.report import render_report

    result = assessment.assess(cohort(500, 103, years=1, seed=5))
    return lambda: render_report(result, tmp / "site", lang="vi")


def main() -> None:
    """Run every benchmark and print the medians."""
    cat = assessment.load_catalogue()
    cases: dict[str, Callable[[], object]] = {
        "load built-in catalogue (strict, uncached)":
            lambda: read_catalogue(indicators_dir() / "catalogue.yaml", strict=True),
        "indicator table (vi)": lambda: indicator_table(cat, "vi"),
        "catalogue reference markdown (vi)": lambda: catalogue_markdown(cat, "vi"),
    }
    cases["from_coinr ASEM (CSV paths)"] = lambda: assessment.from_coinr(
        REFERENCE / "coinr_ASEM_iData.csv", REFERENCE / "coinr_ASEM_iMeta.csv")
    print(f"python {sys.version.split()[0]}, smartcity-assessment {assessment.__version__}")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from cold_start import main as cold_start

    cold_start([])  # new processes: the command's start-up, before this process warms anything else
    for name, fn in cases.items():
        print(f"{name}: {median_ms(fn):.1f} ms (median of 20)")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in workbook_cases(Path(tmp)).items():
            if name.startswith("read and validate"):  # worker processes: their CPU too, and the load beside
                wall, cpu = wall_cpu_s(fn, runs=3)
                load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU of this process and its reader processes "
                      f"(medians of 3; target 7 s wall on 2 cores; load {load})")
            else:
                print(f"{name}: {median_ms(fn, runs=5):.0f} ms (median of 5)")
        render = scorecard_case(Path(tmp))
        print(f"render 500 city pages + the cohort page (vi): {median_ms(render, runs=3):.0f} ms (median of 3)")
    for name, fn in scoring_cases().items():
        print(f"{name}: {median_ms(fn, runs=11):.1f} ms (median of 11)")
    from synthetic import cohort

    panel = cohort(10_000, 100, years=10, seed=1)
    ten = median_ms(lambda: assessment.assess(panel), runs=3)
    print(f"10,000 cities x 100 indicators x 10 years, default pipeline: {ten:.0f} ms (median of 3); "
          f"peak RSS of the benchmark process {peak_rss_mb():.0f} MB")
    from bench_scale import main as scale_benchmarks

    scale_benchmarks(sys.argv[1:])  # 10,000 x 100 beside the numpy limit; with --million the 1M case (minutes)
    from bench_robustness import main as robustness_benchmarks

    robustness_benchmarks()
    from bench_report import main as report_benchmarks

    report_benchmarks()


if __name__ == "__main__":
    main()
