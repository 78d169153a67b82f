"""Hypothesis properties of the scoring stages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import assessment
from assessment.scoring import assess, combine, normalise
from assessment.scoring.method import Normalise
from assessment.scoring.rank import rank_matrix

CAT = assessment.load_catalogue()
IDS = ["BI-WATER", "QE-PM25", "II-UNEMP", "HW-LIFEEXP", "CS-INTERNET"]
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
maybe = st.one_of(finite, st.just(np.nan))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(values, columns=IDS[: values.shape[1]],
                        index=pd.Index([f"u{i}" for i in range(values.shape[0])], name="unit"))


@SETTINGS
@given(arrays("float64", st.tuples(st.integers(2, 12), st.integers(1, 5)), elements=maybe),
       st.sampled_from(["goalposts", "minmax", "prank", "dist2max"]),
       st.tuples(st.floats(-10, 10), st.floats(0.5, 200)))
def test_bounded_normalisation_stays_in_range_and_keeps_missing(x, method, lo_width):
    lo, width = lo_width
    out = normalise(frame(x), CAT, Normalise(method=method, range=(lo, lo + width))).to_numpy()
    ok = np.isfinite(out)
    assert (out[ok] >= lo - 1e-9).all() and (out[ok] <= lo + width + 1e-9).all()
    assert not (ok & np.isnan(x)).any()  # never invents a value
    if method == "goalposts":
        assert (ok == np.isfinite(x)).all()  # and never loses one


@SETTINGS
@given(arrays("float64", st.tuples(st.integers(3, 15), st.just(1)),
              elements=st.integers(-10**6, 10**6).map(float), unique=True))
def test_flipping_direction_reverses_the_order(x):
    up = normalise(frame(x).set_axis(["BI-WATER"], axis=1), CAT, Normalise(method="minmax"))  # higher is better
    down = normalise(frame(x).set_axis(["QE-PM25"], axis=1), CAT, Normalise(method="minmax"))  # lower is better
    assert np.allclose(up.to_numpy() + down.to_numpy(), 100.0)
    u, d = up.to_numpy()[:, 0], down.to_numpy()[:, 0]
    assert (np.argsort(u) == np.argsort(-d)).all()


@SETTINGS
@given(arrays("float64", st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(0, 100)),
       st.data())
def test_improving_an_indicator_never_lowers_the_arithmetic_aggregate(v, data):
    w = np.asarray(data.draw(st.lists(st.floats(0, 5), min_size=v.shape[1], max_size=v.shape[1])))
    j = data.draw(st.integers(0, v.shape[1] - 1))
    bump = data.draw(st.floats(0, 50))
    better = v.copy()
    better[:, j] = np.minimum(better[:, j] + bump, 100.0)
    a, b = combine(v, w[:, None]), combine(better, w[:, None])
    ok = np.isfinite(a)
    assert (b[ok] >= a[ok] - 1e-9).all()


@SETTINGS
@given(arrays("float64", st.tuples(st.integers(1, 6), st.integers(2, 6)), elements=st.one_of(
    st.floats(1, 100), st.just(np.nan))), st.data())
def test_weights_are_renormalised_over_available_children(v, data):
    w = np.asarray(data.draw(st.lists(st.floats(0.1, 5), min_size=v.shape[1], max_size=v.shape[1])))
    for method in ("arithmetic", "geometric", "harmonic"):
        got = combine(v, w[:, None], method)[:, 0]
        for i, row in enumerate(v):
            keep = np.isfinite(row)
            if not keep.any():
                assert np.isnan(got[i])
                continue
            sub = combine(row[keep][None, :], w[keep][:, None], method)[0, 0]
            assert np.isclose(got[i], sub)


@SETTINGS
@given(arrays("float64", st.tuples(st.integers(1, 30), st.integers(1, 4)),
              elements=st.one_of(st.integers(0, 5).map(float), st.just(np.nan))),
       st.lists(st.sampled_from(["a", "b", None]), min_size=30, max_size=30))
def test_ranks_match_pandas_min_method(x, groups):
    df = pd.DataFrame(x)
    assert np.array_equal(rank_matrix(x), df.rank(method="min", ascending=False).to_numpy(), equal_nan=True)
    g = pd.Series(groups[: len(df)])
    codes = np.asarray(pd.factorize(g.to_numpy(dtype=object))[0], dtype=np.int64)
    expected = df.groupby(g).rank(method="min", ascending=False).reindex(df.index).to_numpy()
    assert np.array_equal(rank_matrix(x, codes), expected, equal_nan=True)


@pytest.mark.filterwarnings("ignore::assessment.errors.InputWarning")  # an empty or constant column warns
@settings(max_examples=15, deadline=None)
@given(arrays("float64", st.tuples(st.integers(3, 8), st.just(5)), elements=st.one_of(
    st.floats(0, 100), st.just(np.nan))))
def test_rerun_is_equal_and_deterministic(x):
    data = frame(x).reset_index()
    method = {"normalise": {"method": "minmax"}, "rank": {"peer_groups": []}}
    first = assess(data, method=method)
    again, rerun = assess(data, method=method), first.rerun()
    for other in (again, rerun):
        for lens, table in first.aggregated.items():
            pd.testing.assert_frame_equal(table, other.aggregated[lens])
        assert other.recipe == first.recipe


# -- one scale for levels and scores (issue 10) ------------------------------------------------
SCORED = [i.id for i in CAT.scored_indicators]


def _threshold_level(ind: assessment.Indicator, v: float) -> int:
    """Level by the catalogue's definition, written out independently of the engine."""
    assert ind.thresholds is not None
    if ind.direction == 1:
        return sum(v >= t for t in ind.thresholds.values)
    return sum(v <= t for t in ind.thresholds.values)


def _band(score: float) -> int:
    """The level a 0–100 score implies under the documented cut-offs 10/30/50/70/90."""
    return sum(score >= c for c in (10, 30, 50, 70, 90))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SCORED), st.lists(st.floats(-0.25, 1.25), min_size=1, max_size=20))
def test_anchored_score_and_level_agree_for_every_indicator(ind_id, shares):
    """Between (and beyond) its goalposts, every indicator's score lies in its level's band."""
    ind = CAT.indicator(ind_id)
    assert ind.goalposts is not None and ind.thresholds is not None
    lo, hi = ind.goalposts.worst, ind.goalposts.best
    knots = [lo, *ind.thresholds.values, hi]
    values = [lo + s * (hi - lo) for s in shares] + knots  # the thresholds themselves too
    units = [f"u{i:03d}" for i in range(len(values))]
    data = pd.DataFrame({"unit": units, ind_id: values})
    result = assess(data, method={"aggregate": {"lenses": ["ascf"]}, "rank": {"enabled": False},
                                  "compare": {"enabled": False}})
    scores = result.normalised.loc[units, ind_id].to_numpy()
    levels = result.indicator_levels.loc[units, ind_id].to_numpy()
    for v, score, level in zip(values, scores, levels, strict=True):
        assert 0 <= score <= 100
        assert level == _threshold_level(ind, v), (ind_id, v)
        assert _band(score) == level, (ind_id, v, score, level)


@SETTINGS
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30, unique=True))
def test_anchored_is_monotonic_and_fixed_at_the_thresholds(xs):
    th = {"a": (0.0, 10.0, 20.0, 40.0, 80.0)}
    x = pd.Series(sorted(xs), name="a")
    up = normalise_frame_anchored(x, th, (-5.0, 100.0))
    assert (np.diff(up.to_numpy()) >= 0).all()
    fixed = normalise_frame_anchored(pd.Series([-5.0, 0.0, 10.0, 20.0, 40.0, 80.0, 100.0], name="a"), th,
                                     (-5.0, 100.0))
    assert fixed.tolist() == [0, 10, 30, 50, 70, 90, 100]


def normalise_frame_anchored(x: pd.Series, th: dict, gp: tuple[float, float]) -> pd.Series:
    from assessment.scoring import normalise_frame

    out = normalise_frame(x, "anchored", goalposts={"a": gp}, thresholds=th)
    assert isinstance(out, pd.Series)
    return out
