"""Large-cohort budgets of the scorecards (issue 22), on seeded synthetic cities (benchmarks/synthetic.py).

Budgets at 2,000 units: ``index.html`` <= 1 MB, every unit page <= 150 kB, the whole site (every page,
its CSVs and ``results.xlsx``) in <= 30 s, the median of ``--runs`` builds. Prints the measured sizes and
times; ``--screenshots DIR`` also saves Chromium screenshots of the cohort page, one unit page and (with
``--robustness N``, an uncertainty analysis of N variants) the robustness page.

    python benchmarks/bench_large_site.py [--units 2000] [--runs 3] [--robustness 50] [--screenshots DIR]
                                          [--workers N]

The machine may be shared: the CPU time (this process and its workers) is printed beside the wall time.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from synthetic import cohort  # a sibling script: benchmarks run from this folder

import assessment
from assessment.report import render_report

INDEX_BUDGET, UNIT_BUDGET, TIME_BUDGET = 1_000_000, 150_000, 30.0


def _cpu() -> float:
    """CPU seconds (user and system) of this process and of its finished worker processes."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def screenshots(site: Path, out: Path) -> None:
    """Screenshots (the first 1280 x 900 screen) of the cohort page, the first unit page and the robustness page."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    pages = [site / "index.html", sorted((site / "cities").glob("*.html"))[0], site / "robustness.html"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in (x for x in pages if x.is_file()):
            page.goto(path.as_uri(), timeout=120_000)
            # the first screen only: a full-page shot of a 2,000-row page outlasts Chromium's limits
            page.screenshot(path=str(out / f"{path.stem}.png"), timeout=120_000)
        browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--robustness", type=int, default=0, help="variants of an uncertainty analysis (0: none)")
    ap.add_argument("--screenshots", type=Path)
    ap.add_argument("--workers", type=int, default=None,
                    help="worker processes for the unit pages (default: one per CPU, as the command line; 1: none)")
    args = ap.parse_args()
    result = assessment.assess(cohort(args.units, 100, seed=5))
    unc = None
    if args.robustness:
        spec = assessment.robustness.spec_from_dict({"n": args.robustness, "assumptions": [
            {"name": "weights", "kind": "weights", "levels": [1], "share": 0.2}]})
        unc = assessment.uncertainty(result, spec)
    times: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.runs):
            site = Path(tmp) / f"site-{k}"
            t0, c0 = time.perf_counter(), _cpu()
            render_report(result, site, uncertainty=unc, workers=args.workers)
            times.append(time.perf_counter() - t0)
            cpus.append(_cpu() - c0)
        index = (site / "index.html").stat().st_size
        unit = max(p.stat().st_size for p in (site / "cities").glob("*.html"))
        rob = (site / "robustness.html").stat().st_size if (site / "robustness.html").is_file() else 0
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        median = statistics.median(times)
        print(f"{args.units} units: index.html {index / 1e6:.2f} MB (budget 1 MB), largest unit page "
              f"{unit / 1e3:.0f} kB (150 kB), robustness.html {rob / 1e6:.2f} MB, site {total / 1e6:.0f} MB in "
              f"{median:.1f} s "
              f"(median of {args.runs}; budget 30 s; runs {', '.join(f'{t:.1f}' for t in times)}); CPU of this "
              f"process and its workers {statistics.median(cpus):.1f} s (runs {', '.join(f'{c:.1f}' for c in cpus)})")
        if args.screenshots:
            screenshots(site, args.screenshots)
    ok = index <= INDEX_BUDGET and unit <= UNIT_BUDGET and median <= TIME_BUDGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
