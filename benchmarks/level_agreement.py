"""Level/score agreement on the example cohort (issue 10).

For every scored indicator cell of ``examples/ascn-2025`` (the 26 city workbooks), compare
the maturity level the catalogue thresholds give the value with the level its score implies
under the method's level cut-offs (``Method.level_cutoffs``), and count cells two or more
levels apart. Also counts aggregate levels outside the range of their children's levels.

    python benchmarks/level_agreement.py [METHOD.yaml]

Before issue 10 (goalposts normalisation, cut-offs 0/30/50/70/90) it printed 341 of 2,393
cells two or more levels apart; with the ``anchored`` default it prints 0.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

import assessment
from assessment.scoring import levels as lev

ROOT = Path(__file__).resolve().parent.parent


def measure(result: assessment.Assessment) -> tuple[np.ndarray, int]:
    """Gaps |threshold level − score level| over every indicator cell with both, and the number of
    aggregate cells whose level lies outside their children's levels."""
    implied = lev.score_levels(result.normalised, result.method.level_cutoffs)
    given = result.indicator_levels[implied.columns]
    both = np.isfinite(implied.to_numpy()) & np.isfinite(given.to_numpy())
    gap = np.abs(implied.to_numpy() - given.to_numpy())[both]
    outside = 0
    cat = result.catalogue
    for lens_id, table in result.aggregate_levels.items():
        lens = cat.lens(lens_id)
        kids = {n.id: [c.id for c in lens.children(n.id)] for n in lens.nodes}
        for item, leaf in cat.membership(lens_id).items():
            if item in given.columns:
                kids[leaf].append(item)
        for node, children in kids.items():
            child_levels = np.column_stack([table[c] if c in table else given[c] for c in children])
            mine = table[node].to_numpy()
            with warnings.catch_warnings():  # a unit without any child level: NaN, as intended
                warnings.simplefilter("ignore", RuntimeWarning)
                lo, hi = np.nanmin(child_levels, axis=1), np.nanmax(child_levels, axis=1)
            ok = ~np.isfinite(mine) | ((mine >= lo) & (mine <= hi))
            outside += int((~ok).sum())
    return gap, outside


def main(method: str | None = None) -> int:
    intake = assessment.read_submissions(ROOT / "examples" / "ascn-2025")
    result = assessment.assess(intake.without_error_files(), method=method)
    gap, outside = measure(result)
    print(f"method: {result.method.name} (normalise: {result.method.normalise.method}, "
          f"cut-offs {list(result.method.level_cutoffs)})")
    print(f"indicator cells with both a level and a score: {gap.size}")
    for k in range(6):
        print(f"  {k} level(s) apart: {int((gap == k).sum())}")
    print(f"cells two or more levels apart: {int((gap >= 2).sum())}")
    print(f"aggregate levels outside their children's range: {outside}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else None))
