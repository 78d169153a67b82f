"""The paths the default pipeline takes on a large cohort, against plain implementations of the same thing.

Ranks of a long table are taken column by column (:data:`assessment.scoring.rank.COLUMNWISE_FROM`), coverage
is counted up the lens tree, enabler medians are counted instead of sorted. Each must give exactly (bit for
bit) what the plain way gives: pandas' ``rank(method="min")`` within year and peer group, the share of each
node's indicators reported, pandas' row medians. The thresholds are lowered here so small tables take the
large-table paths.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.scoring import assess
from assessment.scoring.coverage import columns_reported, coverage_table, node_indicators
from assessment.scoring.levels import counted_medians
from assessment.scoring.rank import population_class, rank_matrices

rank_module = importlib.import_module("assessment.scoring.rank")


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
