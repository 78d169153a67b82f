"""Report benchmarks (issue 15 targets, medians on the 2-core machine).

* PDFs of the 26 city pages of the example cohort (one-sheet summaries, WeasyPrint): <= 15 s
  (before issue 15: 61 s for 27 PDFs of 27 pages each).
* The example cohort's site with rank intervals (300 replicates) and one comparison page, en.

Run alone with ``python benchmarks/bench_report.py``; ``make bench`` runs it after the rest.
Needs the ``pdf`` extra for the PDF case (skipped with a message without it).

``python benchmarks/bench_report.py --stages`` times the stages of ``run.py``'s scorecard case (500
synthetic cities, vi; target <= 10 s): the city page models, each template's rendering, the CSV
downloads, the cohort page and ``results.xlsx`` (medians of 3 after a warm-up; ``--profile`` adds a
cProfile listing of the last run).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from bench_robustness import median_s  # a sibling script: benchmarks run from this folder

import assessment
from assessment.report import render as render_module
from assessment.report import render_pdf, render_report

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"


def main() -> None:
    """Print the medians."""
    result = assessment.assess(assessment.read_submissions(EXAMPLES / "ascn-2025").without_error_files())
    spec = assessment.load_robustness_spec(EXAMPLES / "robustness" / "ascn-demo.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"

        def build() -> object:
            unc = assessment.uncertainty(result, spec)
            return render_report(result, site, uncertainty=unc, compare=[["Da Nang", "Ha Noi", "Ho Chi Minh City"]])

        print(f"example site with rank intervals and a comparison (en): {median_s(build, 3):.2f} s (median of 3)")
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):
            print("26 city PDFs: skipped (pip install 'smartcity-assessment[pdf]')")
            return
        cities = sorted((site / "cities").glob("*.html"))
        for workers in sorted({1, os.cpu_count() or 1}):
            t = median_s(partial(render_pdf, cities, workers=workers), 3)
            print(f"26 city PDFs, {workers} worker process(es): {t:.1f} s (median of 3)")


def _timed(spent: dict[str, float], label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0
    return timed


def stages(profile: bool = False, runs: int = 3) -> None:
    """Print the median time of each stage of the 500-city site (see the module docstring)."""
    from synthetic import cohort  # a sibling script

    result = assessment.assess(cohort(500, 103, years=1, seed=5))
    spent: dict[str, float] = {}
    for name, label in (("city_page", "city page models"), ("cohort_page", "cohort page model"),
                        ("compare_page", "comparison page models"), ("city_table", "city CSV tables"),
                        ("write_csv", "CSV files written (every page)")):
        setattr(render_module, name, _timed(spent, label, getattr(render_module, name)))
    to_excel = type(result).to_excel
    type(result).to_excel = _timed(spent, "results.xlsx", to_excel)  # type: ignore[method-assign]
    render = jinja2.Template.render

    def render_timed(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        return str(_timed(spent, f"template {self.name}", render)(self, *args, **kwargs))

    jinja2.Template.render = render_timed  # type: ignore[method-assign]
    samples: list[dict[str, float]] = []
    prof = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(runs + 1):  # the first is a warm-up
            spent.clear()
            if profile and k == runs:
                prof.enable()
            t0 = time.perf_counter()
            render_report(result, Path(tmp) / "site", lang="vi")
            spent["total"] = time.perf_counter() - t0
            prof.disable()
            if k:
                samples.append(dict(spent))
    for label in samples[0]:
        print(f"{label}: {statistics.median(s.get(label, 0.0) for s in samples):.2f} s (median of {runs})")
    if profile:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    if "--stages" in sys.argv:
        stages(profile="--profile" in sys.argv)
    else:
        main()
