"""The aggregate stage's prepared values (issue 26): the same bits as the plain route, fewer copies.

The stage lays the children out once (:func:`laid_out`: row-major, 0 for a missing value, with the
mask) instead of stacking them, masking a copy and clearing another. Every matrix product's bits depend
on its operands and their layout, so these tests compare bit patterns (``view("u8")``), never with a
tolerance: the prepared route must give exactly what ``np.where(mask, np.column_stack(...), 0.0)``
handed the means before.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import assessment
from assessment.errors import InputError
from assessment.scoring import aggregate, hashing, prepare
from assessment.scoring.aggregate import COUNT_FROM, combine, laid_out
from assessment.scoring.hashing import input_digest
from assessment.scoring.inputs import prepare_inputs
from assessment.scoring.means import MEANS
from assessment.scoring.normalisers import cohort
from assessment.scoring.normalisers.base import Columns


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view("u8")


def columns(n: int, c: int, seed: int) -> list[np.ndarray]:
    """``c`` columns of ``n`` values in [1, 100), a tenth missing, as the aggregate stage's table holds them."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, c)) * 99 + 1
    x[rng.random((n, c)) < 0.1] = np.nan
    table = np.asfortranarray(x)  # a DataFrame's values: each column contiguous
    return [table[:, k] for k in range(c)]


@pytest.mark.parametrize("source", ["columns", "consecutive columns of a table", "columns of a table"])
def test_laid_out_is_the_masked_stack_bit_for_bit(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    table = np.column_stack(columns(1003, 9, seed=1)).copy(order="F")  # as the normalised table lies
    table[[0, 5, 1002], 4] = [np.inf, -np.inf, -0.0]  # not finite: missing; a negative zero is a value, kept
    at = {"columns": np.arange(2, 9), "consecutive columns of a table": np.arange(2, 9),
          "columns of a table": np.array([8, 2, 4, 3, 7, 5, 6])}[source]
    cols = [table[:, j] for j in at]
    monkeypatch.setattr(aggregate, "LAYOUT_CELLS", 7 * 100)  # blocks of 100 rows, the last one of 3
    v, mask = laid_out(cols) if source == "columns" else laid_out(cols, table, at)
    stacked = np.column_stack(cols)
    expected_mask = np.isfinite(stacked)
    assert np.array_equal(mask, expected_mask)
    assert np.array_equal(bits(v), bits(np.where(expected_mask, stacked, 0.0)))
    assert v.flags.c_contiguous  # the layout of the stacked copy: the products see the same operands
    k = list(at).index(4)
    assert not mask[0, k] and not mask[5, k] and mask[1002, k] and np.signbit(v[1002, k])


@pytest.mark.parametrize("name", list(MEANS))
def test_cleared_values_give_the_bits_of_the_weighted_mean(name: str) -> None:
    x = np.column_stack(columns(50, 6, seed=2))
    mask = np.isfinite(x)
    w = np.array([[1.0, np.nan], [2.0, np.nan], [0.5, np.nan], [np.nan, 3.0], [np.nan, 1.0], [np.nan, 1.0]])
    w = np.where(np.isnan(w), 0.0, w)
    wsum = mask.astype("float64") @ w
    mean = MEANS[name]()
    with np.errstate(all="ignore"):
        plain = mean.weighted(x, mask, w, wsum, 2.5)
        cleared = mean.cleared(np.where(mask, x, 0.0), mask, w, wsum, 2.5)
    assert np.array_equal(bits(plain), bits(cleared))


@pytest.mark.parametrize("n", [COUNT_FROM - 1, COUNT_FROM + 500])  # products for the sums, then counts
@pytest.mark.parametrize("weights", ["whole", "fractional"])
@pytest.mark.parametrize("name", list(MEANS))
def test_combine_on_laid_out_values_is_combine_on_the_stack(name: str, weights: str, n: int) -> None:
    cols = columns(n, 9, seed=3)
    w = np.full((9, 3), np.nan)
    w[:3, 0], w[3:7, 1], w[7:, 2] = [1, 2, 3], [1, 1, 2, 4], [2, 1]
    if weights == "fractional":
        w = w * 0.7
    plain = combine(np.column_stack(cols), w, name, 0.5, 0.6)
    v, mask = laid_out(cols)
    prepared = combine(v, w, name, 0.5, 0.6, mask=mask)
    assert np.array_equal(bits(plain), bits(prepared))
    assert np.isnan(plain).any() and not np.isnan(plain).all()  # coverage 0.6 leaves some parents out


def test_a_domain_is_checked_on_available_values_only() -> None:
    # 0 is outside the geometric mean's domain when it is a value, not when the 0 stands for a missing one
    v, mask = laid_out([np.array([1.0, np.nan, 4.0]), np.array([2.0, 3.0, np.nan])])
    w = np.array([[1.0], [1.0]])
    got = combine(v, w, "geometric", mask=mask)
    assert np.allclose(got[:, 0], [np.sqrt(2.0), 3.0, 4.0], rtol=1e-15)  # (1·2)^(1/2); 3 alone; 4 alone
    with pytest.raises(InputError, match="geometric mean cannot take zero"):
        combine(np.array([[0.0, 2.0]]), w, "geometric", where="lens: node")
    v0, mask0 = laid_out([np.array([0.0]), np.array([2.0])])
    with pytest.raises(InputError, match="geometric mean cannot take zero"):
        combine(v0, w, "geometric", mask=mask0)
    assert combine(np.array([[-5.0, 2.0]]), w, "arithmetic")[0, 0] == -1.5  # no domain: any value


def test_counted_sums_in_blocks_are_the_exact_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    # whole weights: every sum of available weights is a whole number, exact in float64 whatever the
    # order, so the product of the 0/1 mask is the known answer
    rng = np.random.default_rng(6)
    mask = rng.random((1003, 9)) > 0.3
    w = np.full((9, 3), np.nan)
    w[:3, 0], w[3:7, 1], w[7:, 2] = [1, 2, 3], [1, 1, 2, 4], [2, 0]
    member = ~np.isnan(w)
    w = np.where(member, w, 0.0)
    monkeypatch.setattr(aggregate, "COUNT_CELLS", 9 * 100)  # blocks of 100 rows, the last one of 3
    wsum, counts = aggregate.counted_sums(mask, w, member)
    m = mask.astype("float64")
    assert np.array_equal(wsum, m @ w) and np.array_equal(counts, m @ member.astype("float64"))
    assert counts[:, 2].max() == 2 and wsum[:, 2].max() == 2  # a weight of 0 counts as a child, adds nothing


@pytest.mark.skipif(int(pd.__version__.split(".")[0]) < 3, reason="pandas < 3 does not copy on write: a copy")
def test_a_coinr_import_shares_the_callers_table_and_later_writes_do_not_reach_it() -> None:
    idata = pd.DataFrame({"uCode": ["A", "B", "C"], "x1": [1.0, 2.0, 3.0], "x2": [4.0, np.nan, 6.0]})
    imeta = pd.DataFrame({"iCode": ["x1", "x2", "Index"], "Level": [1, 1, 2], "Parent": ["Index", "Index", None],
                          "Direction": [1, -1, 1], "Weight": [1.0, 2.0, 1.0],
                          "Type": ["Indicator", "Indicator", "Aggregate"]})
    imported = assessment.from_coinr(idata, imeta)
    # no copy of the values: the import reads the caller's memory
    assert np.shares_memory(imported.data["x1"].to_numpy(), idata["x1"].to_numpy())
    before = assessment.assess(imported, method={"normalise": {"method": "minmax", "range": [0, 100]},
                                                 "levels": {"enabled": False}})
    idata.loc[0, "x1"] = 100.0  # every way of writing to the caller's table after the import
    idata["x2"] *= 2
    idata.iloc[2, 1] = -5.0
    assert imported.data["x1"].tolist() == [1.0, 2.0, 3.0]
    assert imported.data["x2"].tolist()[::2] == [4.0, 6.0] and np.isnan(imported.data["x2"].iloc[1])
    after = assessment.assess(imported, method={"normalise": {"method": "minmax", "range": [0, 100]},
                                                "levels": {"enabled": False}})
    assert after.recipe.input_hash == before.recipe.input_hash
    # x1 min-max 0, 50, 100; x2 (direction -1) 100, missing, 0; Index (1·x1 + 2·x2) / available weight
    assert np.allclose(after.aggregated["coinr"]["Index"].to_numpy(), [200 / 3, 50.0, 100 / 3], rtol=1e-15)


@pytest.mark.parametrize("thread_from", [0, hashing.THREAD_FROM])  # on a thread; small tables at once
def test_the_hash_computed_while_scoring_is_the_input_hash(synthetic: ModuleType, thread_from: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # assess() hashes on a thread while the stages run; the result records the same hash as the inputs
    # hashed alone (which tests/test_fast_paths.py checks against a plain sha256 of every table)
    monkeypatch.setattr(hashing, "THREAD_FROM", thread_from)
    panel = synthetic.cohort(40, 20, years=2, seed=4)  # text profiles, enablers, a (unit, year) index
    idata = pd.DataFrame({"uCode": ["A", "B", "C"], "x1": [1.0, 2.0, 3.0], "x2": [4.0, np.nan, 6.0]})
    imeta = pd.DataFrame({"iCode": ["x1", "x2", "Index"], "Level": [1, 1, 2], "Parent": ["Index", "Index", None],
                          "Direction": [1, 1, 1], "Weight": [1.0, 1.0, 1.0],
                          "Type": ["Indicator", "Indicator", "Aggregate"]})
    for data in (panel, assessment.from_coinr(idata, imeta)):
        result = assessment.assess(data, method={"levels": {"enabled": False}, "normalise": {"method": "minmax"}})
        inputs = result.inputs
        expected = input_digest(inputs.values, inputs.profiles, inputs.enablers, None)
        assert result.recipe.input_hash == inputs.digest == expected == prepare_inputs(data).digest
        assert len(expected) == 64


@pytest.mark.parametrize("thread_from", [0, hashing.THREAD_FROM])
def test_a_failure_while_hashing_is_raised_where_the_hash_is_asked_for(thread_from: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(parts: object) -> str:
        raise MemoryError("no room to hash")

    monkeypatch.setattr(hashing, "_hashed", broken)
    monkeypatch.setattr(hashing, "THREAD_FROM", thread_from)
    with pytest.raises(MemoryError, match="no room to hash"):
        prepare_inputs(pd.DataFrame({"unit": ["a", "b"], "BI-WATER": [1.0, 2.0]}))


def test_screen_coverage_counts_the_missing_values_of_a_float_table() -> None:
    rng = np.random.default_rng(8)
    x = rng.random((500, 7))
    x[rng.random(x.shape) < 0.3] = np.nan
    x[0] = np.nan  # a unit without any value
    table = pd.DataFrame(x, index=pd.Index([f"u{i}" for i in range(500)], name="unit"))
    got = prepare.coverage(table).to_numpy()
    assert np.array_equal(bits(got), bits(table.notna().to_numpy().mean(axis=1)))
    assert got[0] == 0.0 and np.array_equal(got * 7, np.sum(~np.isnan(x), axis=1).astype(float))
    mixed = table.astype({0: "Float64"})  # not float64: the flags' mean, as before
    assert np.array_equal(prepare.coverage(mixed).to_numpy(), got)


def test_a_coinr_import_refuses_repeated_unit_codes_unless_there_is_a_time_column() -> None:
    imeta = pd.DataFrame({"iCode": ["x1", "Index"], "Level": [1, 2], "Parent": ["Index", None], "Direction": [1, 1],
                          "Weight": [1.0, 1.0], "Type": ["Indicator", "Aggregate"]})
    idata = pd.DataFrame({"uCode": ["B", "A", "B", np.nan, np.nan, "C"], "x1": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    with pytest.raises(InputError) as caught:
        assessment.from_coinr(idata, imeta)
    (problem,) = [p for p in caught.value.problems if p.code == "duplicate-id"]
    assert problem.field == "uCode" and problem.found == "B, nan"  # every repeated code, missing ones too
    unique = idata.assign(uCode=["B", "A", "D", "E", "F", "C"])
    assert len(assessment.from_coinr(unique, imeta).data) == 6
    assessment.from_coinr(idata.iloc[:3].assign(Time=[2020, 2020, 2021]), imeta)  # B in two years: no problem


@pytest.mark.parametrize("order", ["C", "F"])
def test_minmax_in_pieces_is_the_whole_table_formula_bit_for_bit(order: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    x = rng.lognormal(3.0, 0.6, size=(1001, 5))
    x[rng.random(x.shape) < 0.1] = np.nan
    x[:, 3] = 7.0  # a constant indicator: no spread, no score
    x[[0, 9], 4] = [0.0, -0.0]
    x = np.asarray(x, order=order)
    d = np.array([1.0, -1.0, 1.0, -1.0, 1.0])
    monkeypatch.setattr(cohort, "CHUNK", 64)  # pieces of 64 values (rows of a row-major table), the last of 41
    got = cohort.MinMax(range=(1.0, 100.0)).compute(x, Columns(d, *(np.full(5, np.nan) for _ in range(3))))
    xd = x * d
    lo, hi = np.nanmin(xd, axis=0), np.nanmax(xd, axis=0)  # no infinite values: what nanstats gives
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = (xd - lo) / (hi - lo)
    expected[~np.isfinite(expected)] = np.nan
    expected = expected * 99.0 + 1.0
    assert np.array_equal(bits(got), bits(expected))
    assert np.isnan(got[:, 3]).all() and np.isnan(got).sum() == np.isnan(x[:, [0, 1, 2, 4]]).sum() + len(x)
