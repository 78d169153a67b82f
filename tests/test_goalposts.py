"""Goalposts in the method (issue 22): fixed, observed, k-th smallest/largest and percentile bounds,
values beyond them capped; set in a method file (default or per indicator), changed by ``rerun``,
varied by a robustness assumption. Every expected score is worked by hand in the test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import assessment
from assessment.errors import AssessmentError

VALUES = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # indicator x, units U01..U10 (U05 has 5)


def framework() -> assessment.CoinrImport:
    """Ten units; x higher is better, y (the same values) lower is better."""
    idata = pd.DataFrame({"uCode": [f"U{k:02d}" for k in range(1, 11)], "x": VALUES, "y": VALUES})
    imeta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["x", "y", "Index"], "Parent": ["Index", "Index", None],
                          "Direction": [1, -1, 1], "Weight": 1.0, "Type": ["Indicator", "Indicator", "Aggregate"]})
    return assessment.from_coinr(idata, imeta, catalogue_id="gp")


def scores(bounds: object, col: str = "x") -> pd.Series:
    method = {"normalise": {"method": "goalposts", "bounds": bounds}, "levels": {"enabled": False}}
    return assessment.assess(framework(), method=method).normalised[col]


def test_kth_smallest_and_largest() -> None:
    """k = 2: low = 2 (2nd smallest), high = 9 (2nd largest); 5 scores (5 - 2) / (9 - 2) = 3/7 of 100;
    1 lies below the low bound and 10 above the high one: capped at 0 and 100."""
    s = scores({"kth": 2})
    assert s["U05"] == pytest.approx(300 / 7)
    assert s["U01"] == 0.0 and s["U02"] == 0.0 and s["U09"] == 100.0 and s["U10"] == 100.0


def test_kth_of_a_lower_is_better_indicator() -> None:
    """y is lower-is-better: the worst goalpost is the 2nd largest (9), the best the 2nd smallest (2);
    5 scores (5 - 9) / (2 - 9) = 4/7 of 100, and 1 (better than the best) is capped at 100."""
    s = scores({"kth": 2}, "y")
    assert s["U05"] == pytest.approx(400 / 7) and s["U01"] == 100.0 and s["U10"] == 0.0


def test_percentiles_with_linear_interpolation() -> None:
    """[10, 90] of 1..10: positions 0.1·9 = 0.9 and 0.9·9 = 8.1 between the sorted values, so 1.9 and 9.1;
    5 scores (5 - 1.9) / (9.1 - 1.9) = 3.1 / 7.2 of 100. The SDR's [2.5, 97.5]: 1.225 and 9.775."""
    s = scores({"percentile": [10, 90]})
    assert s["U05"] == pytest.approx(3.1 / 7.2 * 100)
    assert s["U01"] == 0.0 and s["U10"] == 100.0  # beyond the bounds: capped
    sdr = scores({"percentile": [2.5, 97.5]})
    assert sdr["U05"] == pytest.approx((5 - 1.225) / (9.775 - 1.225) * 100)


def test_observed_and_fixed() -> None:
    """observed: 1 and 10, so 5 scores 4/9 of 100 (as minmax). fixed [0, 20]: 5 scores 25, 10 scores 50."""
    assert scores("observed")["U05"] == pytest.approx(400 / 9)
    fixed = scores({"fixed": [0, 20]})
    assert fixed["U05"] == pytest.approx(25.0) and fixed["U10"] == pytest.approx(50.0)
    assert scores({"fixed": [0, 20]}, "y")["U05"] == pytest.approx(75.0)  # lower is better: 20 worst, 0 best


def test_too_few_values_for_k_give_no_score() -> None:
    """k = 6 of 10 values: the 6th smallest (6) lies above the 6th largest (5): no score."""
    assert scores({"kth": 6}).isna().all()


def test_per_indicator_override_rerun_and_fingerprint() -> None:
    result = assessment.assess(framework(), method={
        "normalise": {"method": "minmax", "overrides": {"x": {"method": "goalposts", "bounds": {"kth": 2}}}}})
    assert result.normalised.loc["U05", "x"] == pytest.approx(300 / 7)  # the override
    assert result.normalised.loc["U05", "y"] == pytest.approx(500 / 9)  # minmax: (10 - 5) / 9 of 100
    again = result.rerun(normalise={"overrides": {"x": {"method": "goalposts", "bounds": {"kth": 3}}}})
    assert again.normalised.loc["U05", "x"] == pytest.approx(200 / 5)  # bounds 3 and 8: (5 - 3) / 5
    plain = assessment.scoring.method.Method().with_(normalise={"method": "goalposts"})
    assert "bounds" not in plain.to_yaml()  # the default is not written: older fingerprints stand


@pytest.mark.parametrize("bad", [{"kth": 0}, {"percentile": [90, 10]}, {"percentile": [0, 120]},
                                 {"fixed": [5, 5]}, "trimmed"])
def test_bad_bounds_are_refused(bad: object) -> None:
    with pytest.raises(AssessmentError):
        scores(bad)


def test_a_robustness_assumption_varies_them() -> None:
    """Two alternatives of the goalposts (k = 1, k = 3) as one discrete assumption. z has an outlier (100):
    with k = 1 its scores are squeezed into the bottom tenth, with k = 3 they spread from 3 to 8, so the
    index (mean of x and z) ranks the units differently in the two kinds of variant."""
    idata = pd.DataFrame({"uCode": [f"U{k:02d}" for k in range(1, 11)], "x": VALUES,
                          "z": [9.0, 10, 8, 7, 6, 5, 4, 3, 2, 100]})
    imeta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["x", "z", "Index"], "Parent": ["Index", "Index", None],
                          "Direction": [1, 1, 1], "Weight": 1.0, "Type": ["Indicator", "Indicator", "Aggregate"]})
    result = assessment.assess(assessment.from_coinr(idata, imeta, catalogue_id="gp2"),
                               method={"normalise": {"method": "goalposts", "bounds": "observed"}})
    spec = assessment.robustness.spec_from_dict({"n": 16, "seed": 1, "assumptions": [
        {"name": "goalposts", "path": "normalise", "values": [{"bounds": {"kth": 1}}, {"bounds": {"kth": 3}}]}]})
    unc = assessment.uncertainty(result, spec)
    lens = next(iter(unc.summary))
    variants = {tuple(row) for row in unc.ranks[lens].tolist()}
    assert len(variants) == 2  # the two goalposts give two different rankings, and nothing else varies
    assert not math.isnan(unc.summary[lens]["median_rank"].iloc[0])


def test_no_goalposts_says_where_they_go() -> None:
    with pytest.raises(AssessmentError) as err:
        assessment.assess(framework(), method={"normalise": {"method": "goalposts"}})
    fixes = " ".join(p.fix_text() for p in err.value.problems)
    assert "goalpost_lower" in fixes and "kth" in fixes
