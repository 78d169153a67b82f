"""The paths the default pipeline takes on a large cohort, against plain implementations of the same thing.

Ranks of a long table are taken column by column (:data:`assessment.scoring.rank.COLUMNWISE_FROM`), coverage
is counted up the lens tree, enabler medians are counted instead of sorted. Each must give exactly (bit for
bit) what the plain way gives: pandas' ``rank(method="min")`` within year and peer group, the share of each
node's indicators reported, pandas' row medians. The thresholds are lowered here so small tables take the
large-table paths.
"""

from __future__ import annotations

import importlib
import itertools
import math
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import assess
from assessment.scoring.coverage import columns_reported, coverage_table, node_indicators
from assessment.scoring.levels import counted_medians, level_count
from assessment.scoring.normalisers import Anchored, Columns
from assessment.scoring.rank import population_class, rank_matrices

rank_module = importlib.import_module("assessment.scoring.rank")
base_module = importlib.import_module("assessment.scoring.normalisers.base")
levels_module = importlib.import_module("assessment.scoring.levels")
anchored_module = importlib.import_module("assessment.scoring.normalisers.anchored")


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal cell by cell, NaN where NaN, and the same sign on zeros."""
    return bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)))


pools = st.lists(st.sampled_from([-1, 0, 1, 2]), min_size=1, max_size=40)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([np.nan, -0.0, 0.0, 1.0, 2.5, -3.0, np.inf, -np.inf]), min_size=1, max_size=40),
       pools, pools)
def test_columnwise_ranks_equal_pandas_ranks_per_pool(values: list[float], first: list[int], second: list[int]) -> None:
    """Ties share the lowest rank, a missing or infinite value has none, nor has a row in no pool (code < 0)."""
    n = len(values)
    x = np.asfortranarray(np.column_stack([values, values[::-1], np.full(n, np.nan)]))
    codes = [np.resize(np.array(first), n), np.resize(np.array(second), n)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rank_module, "COLUMNWISE_FROM", 1)
        got = rank_matrices(x, [None, *codes])
    frame = pd.DataFrame(np.where(np.isfinite(x), x, np.nan))
    assert same_bits(got[0], frame.rank(method="min", ascending=False).to_numpy())
    for code, ranks in zip(codes, got[1:], strict=True):
        plain = frame.groupby(np.where(code < 0, np.nan, code)).rank(method="min", ascending=False).to_numpy()
        assert same_bits(ranks, plain)


def holed_cohort(synthetic: ModuleType) -> pd.DataFrame:
    """A panel of 3 years with units of no population class and no country, and many missing values."""
    data = synthetic.cohort(150, 100, years=3, seed=11, missing=0.2)
    data.loc[::7, "population"] = np.nan
    data.loc[::5, "country"] = None
    return data


def test_pipeline_ranks_are_plain_ranks_of_the_ranked_units(synthetic: ModuleType,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Each lens ranked per year, in the cohort and per peer group, as pandas ranks the units with enough data."""
    monkeypatch.setattr(rank_module, "COLUMNWISE_FROM", 2)  # every year's block ranked column by column
    result = assess(holed_cohort(synthetic))
    profiles = result.profiles
    year = pd.Series(result.normalised.index.get_level_values("year"), index=result.normalised.index)
    groups = {"cohort": None, "population-class": population_class(profiles["population"]),
              "country": profiles["country"].astype("object")}
    for lens, scores in result.aggregated.items():
        root = result.catalogue.lens(lens).root.id
        enough = result.coverage[lens][root] >= result.method.rank.min_coverage - 1e-12
        ranked = scores.where(enough, np.nan)
        assert enough.any() and not enough.all()  # both kinds of unit are in the test
        assert set(result.ranks[lens]) == set(groups)
        for name, group in groups.items():
            keys = [year] if group is None else [year, group]
            plain = ranked.groupby(keys, dropna=True).rank(method="min", ascending=False).reindex(ranked.index)
            pd.testing.assert_frame_equal(result.ranks[lens][name], plain, check_exact=True)
            if group is not None:
                assert result.ranks[lens][name][group.isna()].isna().all().all()  # no group: no rank


def test_coverage_is_the_share_of_each_nodes_indicators_reported(synthetic: ModuleType) -> None:
    """Counted up the lens tree: the same shares as counting each node's indicators at once, per unit."""
    result = assess(holed_cohort(synthetic))
    cat = result.catalogue
    scored = [i.id for i in cat.scored_indicators]
    values = result.denominated
    reported = columns_reported(values, scored)
    pd.testing.assert_frame_equal(reported, values[[i for i in scored if i in values.columns]].notna())
    for lens in result.aggregated:
        table = coverage_table(reported, cat, lens)
        for node, ids in node_indicators(cat, lens).items():
            present = [i for i in ids if i in values.columns]
            plain = values[present].notna().sum(axis=1) / len(ids) if ids else pd.Series(np.nan, values.index)
            assert same_bits(table[node].to_numpy(), plain.to_numpy()), (lens, node)
        pd.testing.assert_frame_equal(table, result.coverage[lens], check_exact=True)


def test_columns_reported_is_pandas_notna_in_the_order_asked() -> None:
    """Floats (read in place) and a table that is not all floats (pandas' own path): the same booleans."""
    floats = pd.DataFrame({"a": [1.0, np.nan, 0.0], "b": [np.nan, np.nan, 3.0], "c": [np.nan, 2.0, -1.0]})
    pd.testing.assert_frame_equal(columns_reported(floats, ["c", "a", "zz"]), floats[["c", "a"]].notna())
    mixed = floats.assign(b=pd.array([1, None, 2], dtype="Int64"))
    pd.testing.assert_frame_equal(columns_reported(mixed, ["c", "a", "b"]), mixed[["c", "a", "b"]].notna())


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 15).flatmap(lambda top: st.tuples(st.just(top), st.lists(
    st.lists(st.sampled_from([np.nan, *map(float, range(top + 1))]), min_size=4, max_size=4),
    min_size=1, max_size=25))), st.integers(1, 4))
def test_counted_medians_equal_pandas_medians(case: tuple[int, list[list[float]]], width: int) -> None:
    """Whole numbers from 0 to ``top``: the two middle values' mean, NaN for a row with none, as pandas gives."""
    top, rows = case
    x = np.array(rows)[:, :width]
    got = counted_medians([x[:, j] for j in range(width)], top)
    assert same_bits(got, pd.DataFrame(x).median(axis=1).to_numpy())


def test_treated_is_the_scored_columns_without_a_copy(synthetic: ModuleType) -> None:
    """No treatment: the treated table is the imputed table's scored columns, read from its memory, and a
    write to either stays apart (pandas copies on write)."""
    result = assess(synthetic.cohort(40, 100, seed=12))
    scored = [i.id for i in result.catalogue.scored_indicators if i.id in result.imputed.columns]
    assert scored != result.imputed.columns.tolist()  # context indicators among them: columns picked out
    pd.testing.assert_frame_equal(result.treated, result.imputed[scored], check_exact=True)
    assert np.shares_memory(result.treated[scored[0]].to_numpy(), result.imputed.to_numpy())
    assert not result.treated_flags.to_numpy().any() and result.treated_flags.shape == result.treated.shape
    before = result.imputed.copy()
    result.treated.iloc[0, 0] = -1.0
    pd.testing.assert_frame_equal(result.imputed, before, check_exact=True)


def plain_anchored(value: float, knots: list[float], anchors: list[float]) -> float:
    """One cell of ``anchored`` worked alone, in Python floats (the same IEEE arithmetic as numpy's float64).

    ``value`` and ``knots`` (worst, thresholds 1–5, best) already in the direction's terms. Level ``l`` is the
    number of thresholds reached; the share of band ``l`` is ``(v - knot l) / (knot l+1 - knot l)``, or 0 (level 0)
    or 1 (level 5) when the band has no width; capped to [0, 1]; then ``anchor l + share · step``, kept below the
    next anchor (one float below it), level 5 not kept. A missing or infinite value scores NaN.
    """
    if not math.isfinite(value):
        return math.nan
    level = sum(value >= t for t in knots[1:6])
    lo, hi = knots[level], knots[level + 1]
    share = (value - lo) / (hi - lo) if math.isfinite(lo) and math.isfinite(hi) and hi > lo else float(level == 5)
    share = min(max(share, 0.0), 1.0)
    y = anchors[level] + share * (anchors[level + 1] - anchors[level])
    return y if level == 5 else min(y, math.nextafter(anchors[level + 1], -math.inf))


def plain_goalposts(value: float, worst: float, best: float, scale: tuple[float, float]) -> float:
    """One cell of ``anchored`` on a column without its five thresholds: ``goalposts``, worked alone. The share
    ``(x - worst) / (best - worst)`` in the catalogue's own terms, capped to [0, 1] (an infinite value lies beyond
    one goalpost: 0 or 1), onto ``scale``; NaN for a missing value or missing goalposts, carried through the
    arithmetic as numpy carries it (a NaN keeps its sign), so worked in numpy scalars."""
    lo, hi = scale
    with np.errstate(all="ignore"):  # x / 0 is inf here, not an error
        share = np.clip((np.float64(value) - worst) / (np.float64(best) - worst), 0.0, 1.0)
        return float(share * (hi - lo) + lo)


def plain_levels(value: float, cuts: list[float]) -> float:
    """One cell of ``level_count``: the cut-offs reached, NaN for a missing or infinite value or no cut-offs."""
    if not math.isfinite(value) or all(math.isnan(c) for c in cuts):
        return math.nan
    return float(sum(value >= c for c in cuts))


@st.composite
def anchored_tables(draw: st.DrawFn) -> tuple[np.ndarray, Columns, bool]:
    """A small table whose values sit on, between and beyond each column's goalposts and thresholds (also
    ±inf, NaN, -0.0), columns of either direction, some with goalposts at their outer thresholds (bands
    without width) or no goalposts, laid out by row or by column."""
    n_cols = draw(st.integers(1, 6))
    direction = np.array(draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=n_cols, max_size=n_cols)))
    th = np.empty((n_cols, 5))
    worst, best = np.empty(n_cols), np.empty(n_cols)
    points: list[float] = [np.nan, np.inf, -np.inf, -0.0, 0.0]
    for j in range(n_cols):
        steps = draw(st.lists(st.sampled_from([0.5, 1.0, 3.0, 10.0, 0.1]), min_size=5, max_size=5))
        up = draw(st.sampled_from([-20.0, 0.0, 7.0])) + np.cumsum(steps)
        edges = [draw(st.sampled_from([0.0, 1.0, 2.5, np.nan])) for _ in range(2)]
        lo_post, hi_post = up[0] - edges[0], up[4] + edges[1]
        if direction[j] < 0:  # the catalogue's numbers: falling towards better
            up, lo_post, hi_post = -up[::-1], -hi_post, -lo_post
            th[j] = up[::-1]
            worst[j], best[j] = hi_post, lo_post
        else:
            th[j] = up
            worst[j], best[j] = lo_post, hi_post
        points += [*th[j], worst[j], best[j], *(np.nextafter(th[j], np.inf)), *(np.nextafter(th[j], -np.inf))]
        lacking = draw(st.sampled_from([None, None, None, "all", "one"]))  # no thresholds: scored as goalposts
        if lacking is not None:
            th[j, slice(None) if lacking == "all" else draw(st.integers(0, 4))] = np.nan
    finite = sorted(p for p in points if np.isfinite(p))
    points += [(a + b) / 2 for a, b in itertools.pairwise(finite)] + [min(finite) - 5, max(finite) + 5]
    n_rows = draw(st.integers(1, 30))
    cells = draw(st.lists(st.sampled_from(points), min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    x = np.array(cells, dtype="float64").reshape(n_rows, n_cols)
    by_column = draw(st.booleans())
    cols = Columns(direction, worst, best, np.full(n_cols, np.nan), th)
    return (np.asfortranarray(x) if by_column else np.ascontiguousarray(x)), cols, by_column


@settings(max_examples=150, deadline=None)
@given(anchored_tables(), st.sampled_from([(0.0, 100.0), (1.0, 10.0), (-5.0, 5.0)]))
def test_anchored_and_levels_equal_the_plain_cell_by_cell_rule(case: tuple[np.ndarray, Columns, bool],
                                                               scale: tuple[float, float]) -> None:
    """``Anchored.compute`` and ``level_count`` work in blocks over whole columns; each cell must have the bits
    the cell-by-cell rule gives it (also on the goalposts and thresholds, one float either side, beyond them,
    on bands without width, on ±inf and NaN, for both directions and both memory orders, and on columns
    without their five thresholds, scored as goalposts in the same pass)."""
    x, cols, _ = case
    spec = Anchored(range=scale)
    anchors = spec.anchor_points().tolist()
    got = spec.compute(x, cols)
    d = cols.direction
    cuts = cols.thresholds * d[:, None] if cols.thresholds is not None else None
    assert cuts is not None
    levels = level_count(x, cuts, d)
    for j in range(x.shape[1]):
        if not np.isfinite(cols.thresholds[j]).all():
            for i in range(x.shape[0]):
                plain = plain_goalposts(float(x[i, j]), cols.worst[j], cols.best[j], scale)
                assert same_bits(np.array(got[i, j]), np.array(plain)), (i, j, x[i, j], got[i, j], plain)
                assert same_bits(np.array(levels[i, j]), np.array(plain_levels(float(x[i, j] * d[j]), list(cuts[j]))))
            continue
        knots = [cols.worst[j] * d[j], *(cuts[j]), cols.best[j] * d[j]]
        for i in range(x.shape[0]):
            v = float(x[i, j] * d[j])
            assert same_bits(np.array(got[i, j]), np.array(plain_anchored(v, knots, anchors))), (i, j, x[i, j])
            assert same_bits(np.array(levels[i, j]), np.array(plain_levels(v, list(cuts[j])))), (i, j, x[i, j])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_anchored_over_many_blocks_equals_the_plain_rule(synthetic: ModuleType, seed: int) -> None:
    """A synthetic cohort with missing values, in blocks of a few rows (as a large table is worked): the same
    bits as the cell-by-cell rule, and the same whatever the block size; so for the levels counted, column by
    column in short runs and by blocks of rows."""
    from assessment import load_catalogue
    from assessment.scoring.normalise import _columns

    cat = load_catalogue()
    data = synthetic.cohort(300, 100, seed=seed, missing=0.1)
    ids = [i.id for i in cat.indicators if i.id in data.columns and i.thresholds is not None]
    x = np.asfortranarray(data[ids].to_numpy(dtype="float64"))
    spec = Anchored()
    cols = _columns(cat, ids, spec, [])
    whole = spec.compute(x, cols)
    d = cols.direction
    cuts = cols.thresholds * d[:, None]
    levels = level_count(x, cuts, d)  # column by column (x is laid out so)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base_module, "CELLS_PER_BLOCK", 7 * len(ids))
        mp.setattr(levels_module, "ROWS_PER_RUN", 7)
        mp.setattr(anchored_module, "ROWS_PER_RUN", 7)
        assert len(base_module.blocks(x)[1]) > 40
        small = spec.compute(x, cols)  # column by column, in runs of 7 rows
        assert same_bits(whole, spec.compute(np.ascontiguousarray(x), cols))  # blocks of 7 rows across the columns
        assert same_bits(levels, level_count(x, cuts, d))  # runs of 7 rows
        assert same_bits(levels, level_count(np.ascontiguousarray(x), cuts, d))  # blocks of rows
    assert same_bits(whole, small)
    for j in range(len(ids)):
        assert same_bits(levels[:, j], np.array([plain_levels(float(v * d[j]), list(cuts[j])) for v in x[:, j]]))
    anchors = spec.anchor_points().tolist()
    for j in range(len(ids)):
        knots = [cols.worst[j] * d[j], *(cols.thresholds[j] * d[j]), cols.best[j] * d[j]]
        plain = [plain_anchored(float(v * d[j]), knots, anchors) for v in x[:, j]]
        assert same_bits(whole[:, j], np.array(plain)), ids[j]
