"""Report benchmarks (issue 15 targets, medians on the 2-core machine).

* PDFs of the 26 city pages of the example cohort (one-sheet summaries, WeasyPrint): <= 15 s
  (before issue 15: 61 s for 27 PDFs of 27 pages each).
* The example cohort's site with rank intervals (300 replicates) and one comparison page, en.

Run alone with ``python benchmarks/bench_report.py``; ``make bench`` runs it after the rest.
Needs the ``pdf`` extra for the PDF case (skipped with a message without it).
"""

from __future__ import annotations

import os
import tempfile
from functools import partial
from pathlib import Path

from bench_robustness import median_s  # a sibling script: benchmarks run from this folder

import assessment
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


if __name__ == "__main__":
    main()
