"""Issue 10 on the example cohort: outcomes that are not copies of focus areas, levels that agree
with scores, and no rank without data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import load_script

import assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"


@pytest.fixture(scope="module")
def example_result() -> assessment.Assessment:
    return assessment.assess(assessment.read_submissions(EXAMPLES).without_error_files())


def test_example_cohort_levels_agree_with_scores(example_result):
    gap, outside = load_script("benchmarks/level_agreement.py").measure(example_result)
    assert gap.size > 2000  # the comparison covers the cohort
    assert int((gap >= 2).sum()) == 0 and int((gap >= 1).sum()) == 0
    assert outside == 0


def test_outcomes_are_not_copies_of_focus_areas(example_result):
    ascf, areas = example_result.aggregated["ascf"], example_result.aggregated["ascf-focus-areas"]
    for outcome in ("competitive-economy", "sustainable-environment", "quality-of-life"):
        for area in areas.columns:
            assert not np.allclose(ascf[outcome], areas[area], equal_nan=True), (outcome, area)
    # the overall is the unweighted mean of the three outcomes
    three = ascf[["competitive-economy", "sustainable-environment", "quality-of-life"]]
    np.testing.assert_allclose(ascf["overall"], three.mean(axis=1))
