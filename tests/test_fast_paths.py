"""The fast paths of the scoring engine against plain, obvious implementations of the same thing.

Each fast path must give exactly (bit for bit) what the plain one gives: the group means of the
imputation against Python sums in row order, the input hash against a column-by-column hash,
input preparation against ``set_index``/``astype``/``sort_index``, the treatment table against
a table built from records, the COINr import's remembered catalogues against a fresh validation,
the row order of the inputs against ``sort_index``.
"""

from __future__ import annotations

import hashlib
import importlib
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import assessment
from assessment import CatalogueError
from assessment.catalogue import coinr
from assessment.scoring import Method, assess
from assessment.scoring.aggregate import aggregate_lens, combine, counted_sums, whole_weights
from assessment.scoring.coverage import coverage_table
from assessment.scoring.impute import impute
from assessment.scoring.inputs import digest, prepare_inputs, sort_order
from assessment.scoring.levels import enabler_levels, level_count, row_medians, whole_levels
from assessment.scoring.method import Levels, Treat
from assessment.scoring.normalisers import Anchored, Columns
from assessment.scoring.rank import rank_matrices
from assessment.scoring.specs import impute_spec, normalise_spec
from assessment.scoring.treat import skew_kurt, winsorise


def plain_digest(*frames: pd.DataFrame) -> str:
    """The input hash as first written: every table hashed on its own, columns picked one by one."""
    h = hashlib.sha256()
    for frame in frames:
        h.update(repr((list(frame.columns), list(frame.index.names), [str(t) for t in frame.dtypes])).encode())
        h.update(pd.util.hash_pandas_object(frame.index.to_frame(index=False), index=False).to_numpy().tobytes())
        numeric = [c for c in frame.columns if frame[c].dtype == "float64"]
        h.update(np.ascontiguousarray(frame[numeric].to_numpy(dtype="float64")).tobytes())
        others = [c for c in frame.columns if c not in numeric]
        if others:
            h.update(pd.util.hash_pandas_object(frame[others].astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


def plain_group_means(x: np.ndarray, pools: list[object]) -> np.ndarray:
    """Each missing cell filled with the mean of its column over its pool: Python sums in row order."""
    out = x.copy()
    for j in range(x.shape[1]):
        for i in range(x.shape[0]):
            if np.isnan(x[i, j]) and pools[i] is not None:
                peers = [x[k, j] for k in range(x.shape[0]) if pools[k] == pools[i] and np.isfinite(x[k, j])]
                out[i, j] = sum(peers) / len(peers) if peers else np.nan
    return out


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("panel", [False, True])
def test_group_means_equal_plain_sums(seed: int, panel: bool) -> None:
    rng = np.random.default_rng(seed)
    n, m = 40, 7
    x = rng.normal(0, 10 ** rng.uniform(-3, 6, m), (n, m)) + rng.uniform(-1e5, 1e5, m)
    x[rng.random(x.shape) < 0.3] = np.nan
    x[:, 0] = np.nan  # a column nobody reported
    groups = rng.choice(np.array(["a", "b", "c", None], dtype=object), n)
    units = [f"u{k:02d}" for k in range(n)]
    if panel:
        years = rng.choice([2020, 2021], n)
        index = pd.MultiIndex.from_arrays([units, years], names=["unit", "year"])
        pools = [None if g is None else (g, y) for g, y in zip(groups, years, strict=True)]
    else:
        index = pd.Index(units, name="unit")
        pools = list(groups)
    values = pd.DataFrame(x, index=index, columns=[f"i{j}" for j in range(m)])
    profiles = pd.DataFrame({"grp": pd.Series(groups, index=index, dtype="str")})
    filled, flags = impute(values, profiles, impute_spec("mean-group", group="grp"))
    expected = plain_group_means(x, pools)
    assert np.array_equal(filled.to_numpy(), expected, equal_nan=True)
    assert np.array_equal(flags.to_numpy(), np.isnan(x) & ~np.isnan(expected))
    # the same groups given as object or integer codes: the same pools
    for other in (profiles.astype(object), pd.DataFrame({"grp": pd.Series(groups, index=index).map(
            {"a": 1, "b": 2, "c": 3, None: None}).astype("Int64")})):
        again, _ = impute(values, other, impute_spec("mean-group", group="grp"))
        assert np.array_equal(again.to_numpy(), expected, equal_nan=True)


def test_digest_equals_the_plain_hash(synthetic: ModuleType) -> None:
    one = synthetic.cohort(60, 30, years=1, seed=2)
    panel = synthetic.cohort(30, 20, years=3, seed=3)
    for data in (one, one.sample(frac=1, random_state=0), panel):
        inputs = prepare_inputs(data)
        frames = (inputs.values, inputs.profiles, inputs.enablers)
        assert inputs.digest == digest(*frames) == plain_digest(*frames)
    mixed = pd.DataFrame({"f": [1.5, np.nan, 3.0], "i": [1, 2, 3], "o": ["x", None, 2], "s": ["a", "b", np.nan],
                          "b": [True, False, True]}, index=pd.Index(["p", "q", "r"], name="unit"))
    mixed["s"] = mixed["s"].astype("str")
    assert digest(mixed, mixed.iloc[:, :1], pd.DataFrame(index=mixed.index)) == \
        plain_digest(mixed, mixed.iloc[:, :1], pd.DataFrame(index=mixed.index))
    assert digest(mixed.iloc[:, 2:]) == plain_digest(mixed.iloc[:, 2:])  # text only


def plain_inputs(frame: pd.DataFrame, ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and profiles of a wide table with a unit column, the obvious way."""
    wide = frame.assign(unit=frame["unit"].astype(str))
    keys = ["unit", "year"] if "year" in wide.columns and wide["year"].nunique() > 1 else ["unit"]
    wide = wide.set_index(keys).sort_index(kind="stable")
    values = wide[[c for c in wide.columns if c in ids]].astype("float64")
    profiles = wide[[c for c in wide.columns if c not in ids and c != "year"]]
    if "year" in wide.columns:
        profiles = profiles.assign(year=wide["year"])
    return values, profiles


@pytest.mark.parametrize("years", [1, 3])
def test_prepared_inputs_equal_the_plain_reshaping(years: int, synthetic: ModuleType) -> None:
    data = synthetic.cohort(50, 40, years=years, seed=7).sample(frac=1, random_state=years)  # unsorted units
    cat = assessment.load_catalogue()
    ids = {i.id for i in cat.indicators}
    inputs = prepare_inputs(data)
    values, profiles = plain_inputs(data, ids)
    enablers = [e.id for e in cat.enablers]
    pd.testing.assert_frame_equal(inputs.values, values, check_exact=True)
    pd.testing.assert_frame_equal(inputs.enablers, profiles[enablers].astype("float64"), check_exact=True)
    pd.testing.assert_frame_equal(inputs.profiles, profiles.drop(columns=enablers), check_exact=True)
    assert inputs.values.index is inputs.profiles.index is inputs.enablers.index  # hashed once


def test_coinr_inputs_equal_the_wide_table_path(reference_dir: Path) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    fast = prepare_inputs(coin)
    wide = prepare_inputs(coin.data.reset_index().rename(columns={"uCode": "unit"}), coin.catalogue)
    for name in ("values", "profiles"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(wide, name), check_exact=True)
    assert fast.enablers.shape == (len(fast.values), 0) and fast.enablers.index.equals(fast.values.index)
    assert fast.digest == wide.digest
    values, profiles = plain_inputs(coin.data.reset_index().rename(columns={"uCode": "unit"}),
                                    {i.id for i in coin.catalogue.indicators})
    pd.testing.assert_frame_equal(fast.values, values, check_exact=True)
    pd.testing.assert_frame_equal(fast.profiles, profiles, check_exact=True)
    # from tables in memory: the same import as from the files
    tables = assessment.from_coinr(pd.read_csv(reference_dir / "coinr_ASEM_iData.csv"),
                                   pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv"))
    pd.testing.assert_frame_equal(tables.data, coin.data, check_exact=True)
    assert tables.catalogue.content_hash == coin.catalogue.content_hash


def test_treatment_table_as_built_from_records(reference_dir: Path, synthetic: ModuleType) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    method = assessment.load_method(Path(__file__).resolve().parent.parent / "examples/methods/coinr-asem.yaml")
    for changes in ({}, {"treat": {"winmax": 1}}, {"treat": {"fallback": "none", "winmax": 1}}):
        table = assess(coin, method=method.with_(**changes) if changes else method).treatment
        plain = pd.DataFrame(table.to_dict("records"))
        pd.testing.assert_frame_equal(table, plain, check_exact=True)
        assert table["winsorised_high"].sum() > 0
    panel = assess(synthetic.cohort(40, 20, years=2, seed=1), method=Method(treat={"method": "winsorise"})).treatment
    pd.testing.assert_frame_equal(panel, pd.DataFrame(panel.to_dict("records")), check_exact=True)
    assert list(panel.columns)[:2] == ["indicator", "year"]


def plain_winsorise(x: np.ndarray, spec: Treat) -> tuple[np.ndarray, int, int, bool | None]:
    """The winsorising loop on the whole column, every statistic recomputed at every step."""
    def verdict(y: np.ndarray) -> bool | None:
        sk, ku = skew_kurt(y)
        return None if np.isnan(sk) or np.isnan(ku) else bool(abs(sk) < spec.skew or ku < spec.kurtosis)

    passing, y, finite = verdict(x), x.copy(), np.isfinite(x)
    at_max = at_min = np.zeros(y.size, dtype=bool)
    nwin = 0
    while passing is False and nwin < spec.winmax:
        sk, _ = skew_kurt(y)
        extreme = np.nanmax(y) if sk >= 0 else np.nanmin(y)
        hit = finite & (y == extreme)
        rest = y[finite & ~hit]
        if rest.size == 0:
            break
        y[hit] = rest.max() if sk >= 0 else rest.min()
        at_max, at_min = (hit, at_min) if sk >= 0 else (at_max, hit)
        nwin = int(at_max.sum() + at_min.sum())
        passing = bool(verdict(y))
    return y, int((y > x)[finite].sum()), int((y < x)[finite].sum()), passing


@pytest.mark.parametrize("seed", range(40))
def test_winsorise_equals_the_plain_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 60))
    x = rng.lognormal(0, rng.uniform(0.5, 3), n) * rng.choice([-1, 1])
    x[rng.random(n) < 0.2] = np.nan
    x[rng.random(n) < 0.2] = x[int(rng.integers(n))]  # ties (or more missing values)
    spec = Treat(method="winsorise", winmax=int(rng.integers(1, 8)), fallback="none")
    t = winsorise(x, spec)
    y, low, high, passing = plain_winsorise(x, spec)
    assert np.array_equal(t.values, y, equal_nan=True)
    assert (t.winsorised_low, t.winsorised_high, t.passes) == (low, high, passing)


def test_an_infinite_value_is_left_as_it_is() -> None:
    x = np.array([1.0, 1.1, 0.9, 1.0, 1.2, 1.05, 0.95, 1.0, 1.1, 0.9, 1.0, 1.2, 50.0, 60.0, np.inf, np.nan])
    t = winsorise(x, Treat(method="winsorise", winmax=5, fallback="none"))
    assert t.values[-2] == np.inf and np.isnan(t.values[-1]) and t.winsorised_high == 2


def fresh_import(idata: pd.DataFrame, imeta: pd.DataFrame, monkeypatch: pytest.MonkeyPatch,
                 **identity: str) -> assessment.CoinrImport:
    """``from_coinr`` with nothing remembered: every catalogue validated anew."""
    with monkeypatch.context() as patch:
        patch.setattr(coinr, "_BUILT", {})
        return assessment.from_coinr(idata, imeta, **identity)


def test_remembered_coinr_catalogues_equal_a_fresh_validation(reference_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    idata = pd.read_csv(reference_dir / "coinr_ASEM_iData.csv")
    imeta = pd.read_csv(reference_dir / "coinr_ASEM_iMeta.csv")
    rng = np.random.default_rng(5)
    variants = [imeta]
    for _ in range(12):  # small changes a key must tell apart: weights by one ulp, names, directions, parents
        meta = imeta.copy()
        row = int(rng.choice(np.flatnonzero(meta["Type"].eq("Indicator").to_numpy())))
        change = rng.integers(4)
        if change == 0:
            meta.loc[row, "Weight"] = np.nextafter(float(meta.loc[row, "Weight"]), np.inf)
        elif change == 1:
            meta.loc[row, "iName"] = str(meta.loc[row, "iName"]) + " "
        elif change == 2:
            meta.loc[row, "Direction"] = -int(meta.loc[row, "Direction"])
        else:
            meta.loc[row, "Parent"] = str(rng.choice(meta.loc[meta["Level"].eq(2), "iCode"].to_numpy()))
        variants.append(meta)
    variants += [imeta.rename(columns={"Unit": "Units"}),  # the same cells under another name: no unit
                 imeta.astype({"Level": "float64"})]
    for meta in variants * 2:  # the second round from what was remembered
        remembered = assessment.from_coinr(idata, meta).catalogue
        fresh = fresh_import(idata, meta, monkeypatch).catalogue
        assert remembered == fresh and remembered.content_hash == fresh.content_hash
        assert remembered.content_hash == type(fresh).content_hash.func(fresh)  # computed, not remembered
    ulp = imeta.copy()
    ulp.loc[ulp["iCode"] == "LPI", "Weight"] = np.nextafter(1.0, 2.0)
    assert assessment.from_coinr(idata, ulp).catalogue.indicator("LPI").weight == np.nextafter(1.0, 2.0)
    assert assessment.from_coinr(idata, ulp).catalogue.content_hash != \
        assessment.from_coinr(idata, imeta).catalogue.content_hash
    assert assessment.from_coinr(idata, imeta).catalogue is assessment.from_coinr(idata, imeta).catalogue
    # the import's identity is part of what is remembered
    for identity in ({"language": "vi"}, {"catalogue_id": "asem-2"}, {"version": "2.0"}):
        named = assessment.from_coinr(idata, imeta, **identity).catalogue
        assert named == fresh_import(idata, imeta, monkeypatch, **identity).catalogue
        assert named != assessment.from_coinr(idata, imeta).catalogue
    # cells that are not plain text or numbers (here numpy scalars): validated every time, same catalogue
    boxed = imeta.assign(Weight=pd.Series([np.float64(w) for w in imeta["Weight"]], dtype=object))
    assert type(boxed["Weight"].tolist()[0]) is np.float64
    first, second = (assessment.from_coinr(idata, boxed).catalogue for _ in range(2))
    assert first is not second and first == second == fresh_import(idata, boxed, monkeypatch).catalogue
    # a refused hierarchy is never remembered: each call checks it again and lists every problem
    bad = imeta.copy()
    bad.loc[bad["iCode"] == "LPI", "Parent"] = "Nowhere"
    bad.loc[bad["iCode"] == "Flights", "Direction"] = 2
    refusals = []
    for _ in range(2):
        with pytest.raises(CatalogueError) as info:
            assessment.from_coinr(idata, bad)
        refusals.append([(p.code, p.item, p.field) for p in info.value.problems])
    with pytest.raises(CatalogueError) as info:
        fresh_import(idata, bad, monkeypatch)
    assert refusals[0] == refusals[1] == [(p.code, p.item, p.field) for p in info.value.problems]
    assert len(refusals[0]) >= 2


labels = st.lists(st.one_of(st.text(max_size=4), st.sampled_from(["a", "B", "b", "Đà Nẵng", "", "10", "9"])),
                  min_size=1, max_size=30)


@given(labels, st.sampled_from(["str", "object"]), st.booleans(), st.booleans())
def test_sort_order_equals_sort_index(units: list[str], dtype: str, missing: bool, panel: bool) -> None:
    values: list[object] = list(units)
    if missing:  # a missing label (sorted last by sort_index) takes the other path
        values[len(values) // 2] = np.nan
    index = pd.Index(pd.array(values, dtype=dtype) if dtype == "str" else values, dtype=dtype, name="unit")
    if panel:
        index = pd.MultiIndex.from_arrays([index, [2020 + k % 3 for k in range(len(index))]], names=["unit", "year"])
    plain = pd.Series(np.arange(len(index)), index=index).sort_index(kind="stable").to_numpy()
    assert np.array_equal(sort_order(index), plain)


# --- the scoring stages worked in blocks and by counting, against cell-by-cell and pandas definitions ---


blocks_module = importlib.import_module("assessment.scoring.normalisers.base")  # where the block size is read
aggregate_module = importlib.import_module("assessment.scoring.aggregate")


def plain_anchored(x: np.ndarray, d: np.ndarray, worst: np.ndarray, best: np.ndarray, th: np.ndarray,
                   anchors: np.ndarray) -> np.ndarray:
    """``anchored`` one cell at a time in Python floats, straight from the docstring's definition."""
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        knots = [float(worst[j] * d[j]), *(float(t * d[j]) for t in th[j]), float(best[j] * d[j])]
        for i in range(x.shape[0]):
            xd = float(x[i, j] * d[j])
            if not math.isfinite(xd):
                continue
            level = sum(xd >= knots[k] for k in range(1, 6))
            lo, hi = knots[level], knots[level + 1]
            if math.isfinite(lo) and math.isfinite(hi) and hi > lo:
                frac = (xd - lo) / (hi - lo)
            else:
                frac = 1.0 if level == 5 else 0.0
            frac = min(max(frac, 0.0), 1.0)
            y = float(anchors[level]) + frac * (float(anchors[level + 1]) - float(anchors[level]))
            out[i, j] = min(y, math.nextafter(float(anchors[level + 1]), -math.inf)) if level < 5 else y
    return out


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal cell by cell, NaN where NaN, and the same sign on zeros."""
    return bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)))


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def anchored_cases(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Columns with sorted thresholds (ties allowed), goalposts beyond or at the outer ones, values on knots."""
    m, n = draw(st.integers(1, 5)), draw(st.integers(1, 30))
    th = np.sort(np.array(draw(st.lists(st.lists(finite, min_size=5, max_size=5), min_size=m, max_size=m))), axis=1)
    d = np.array(draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=m, max_size=m)))
    th = np.where(d[:, None] < 0, th[:, ::-1], th)  # in the direction of improvement
    gap = np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 250.0]), min_size=2 * m, max_size=2 * m))).reshape(2, m)
    worst, best = th[:, 0] - d * gap[0], th[:, 4] + d * gap[1]
    pool = [np.nan, np.inf, -np.inf, 0.0, -0.0, *th.ravel(), *worst, *best]
    cells = draw(st.lists(st.one_of(finite, st.sampled_from(pool)), min_size=n * m, max_size=n * m))
    return np.array(cells).reshape(n, m), d, worst, best, th


@given(anchored_cases(), st.sampled_from([(0.0, 100.0), (0.0, 1.0), (1.0, 100.0)]), st.sampled_from([7, 40, 1 << 17]),
       st.booleans())
def test_anchored_blocks_equal_the_plain_cells(case: tuple[np.ndarray, ...], scale: tuple[float, float], cells: int,
                                               by_column: bool) -> None:
    x, d, worst, best, th = case
    spec = Anchored(range=scale)
    columns = Columns(d, worst, best, np.full(len(d), np.nan), th)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(blocks_module, "CELLS_PER_BLOCK", cells)  # many blocks, or one
        got = spec.compute(np.asfortranarray(x) if by_column else np.ascontiguousarray(x), columns)
    assert same_bits(got, plain_anchored(x, d, worst, best, th, spec.anchor_points()))


@given(anchored_cases(), st.sampled_from([7, 1 << 17]), st.booleans())
def test_level_counts_equal_the_plain_cells(case: tuple[np.ndarray, ...], cells: int, by_column: bool) -> None:
    x, d, _, _, th = case
    th[0] = np.nan  # a column without thresholds has no level
    plain = np.full(x.shape, np.nan)
    for i, j in np.ndindex(x.shape):
        if np.isfinite(x[i, j] * d[j]) and not np.isnan(th[j]).all():
            plain[i, j] = sum(float(x[i, j] * d[j]) >= float(t * d[j]) for t in th[j])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(blocks_module, "CELLS_PER_BLOCK", cells)
        got = level_count(np.asfortranarray(x) if by_column else np.ascontiguousarray(x), th * d[:, None], d)
    assert same_bits(got, plain)


@given(st.lists(st.lists(st.sampled_from([np.nan, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0]), min_size=1, max_size=6),
                min_size=1, max_size=25).filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_row_medians_equal_pandas_medians(rows: list[list[float]]) -> None:
    x = np.array(rows)
    assert whole_levels(x)
    assert same_bits(row_medians(x), pd.DataFrame(x).median(axis=1).to_numpy())


def test_enabler_levels_equal_the_pandas_path(synthetic: ModuleType) -> None:
    cat = assessment.load_catalogue()
    answers = prepare_inputs(synthetic.cohort(80, 20, years=2, seed=4)).enablers
    answers.iloc[::7, 2] = np.nan
    fast = enabler_levels(answers, cat, Levels())
    odd = answers.copy()
    odd.iloc[0, 0] = 0.5  # no longer whole numbers: the pandas path
    assert not whole_levels(odd.to_numpy())
    plain = enabler_levels(odd, cat, Levels())
    pd.testing.assert_frame_equal(fast.iloc[1:], plain.iloc[1:], check_exact=True)  # the one row changed aside
    assert fast.columns.equals(plain.columns) and len(fast.columns) > answers.shape[1]


@given(st.integers(0, 10**6), st.integers(1, 40), st.sampled_from([1.0, 0.0, 3.0, 2.0**40]))
def test_counted_sums_equal_the_matrix_products(seed: int, n: int, big: float) -> None:
    rng = np.random.default_rng(seed)
    c, p = int(rng.integers(1, 12)), int(rng.integers(1, 5))
    weights = np.full((c, p), np.nan)
    weights[np.arange(c), rng.integers(0, p, c)] = rng.choice([1.0, 2.0, 0.0, big], c)
    mask = rng.random((n, c)) < 0.7
    member = ~np.isnan(weights)
    w = np.where(member, weights, 0.0)
    assert whole_weights(w)
    wsum, counts = counted_sums(mask, w, member)
    m = mask.astype("float64")
    assert same_bits(wsum, m @ w) and same_bits(counts, m @ member.astype("float64"))
    assert not whole_weights(w + 0.5) and not whole_weights(-w - 1)


@pytest.mark.parametrize("seed", range(3))
def test_combine_counting_equals_the_matrix_products(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    v = rng.uniform(1, 100, (300, 9))
    v[rng.random(v.shape) < 0.3] = np.nan
    w = np.full((9, 3), np.nan)
    w[np.arange(9), np.arange(9) % 3] = rng.choice([1.0, 2.0, 0.0], 9)
    for method in ("arithmetic", "geometric", "harmonic", "generalised"):
        monkeypatch.setattr(aggregate_module, "COUNT_FROM", 1)
        counted = combine(v, w, method, 2.0, 0.5)
        monkeypatch.setattr(aggregate_module, "COUNT_FROM", 10**9)
        assert same_bits(counted, combine(v, w, method, 2.0, 0.5))


pools = st.lists(st.sampled_from([-1, 0, 1, 2]), min_size=1, max_size=40)


@given(st.lists(st.sampled_from([np.nan, -0.0, 0.0, 1.0, 2.5, -3.0, np.inf]), min_size=1, max_size=40), pools, pools)
def test_rank_matrices_equal_pandas_ranks_per_pool(values: list[float], first: list[int], second: list[int]) -> None:
    n = len(values)
    x = np.column_stack([values, values[::-1]])
    codes = [np.resize(np.array(first), n), np.resize(np.array(second), n)]
    got = rank_matrices(x, [None, *codes])
    frame = pd.DataFrame(np.where(np.isfinite(x), x, np.nan))
    assert same_bits(got[0], frame.rank(method="min", ascending=False).to_numpy())
    for code, ranks in zip(codes, got[1:], strict=True):
        plain = frame.groupby(np.where(code < 0, np.nan, code)).rank(method="min", ascending=False).to_numpy()
        assert same_bits(ranks, plain)


def test_shared_parts_equal_a_run_of_their_own(synthetic: ModuleType) -> None:
    """Coverage counted from booleans and the lenses' shared layout give what each gives alone."""
    result = assess(synthetic.cohort(300, 100, years=2, seed=6))
    cat = result.catalogue
    reported = result.denominated.notna()
    stacked: dict[tuple[str, ...], np.ndarray] = {}
    for lens in result.aggregated:
        pd.testing.assert_frame_equal(coverage_table(reported, cat, lens),
                                      coverage_table(reported.astype("float64"), cat, lens), check_exact=True)
        alone = aggregate_lens(result.normalised, cat, lens, result.method.aggregate, result.coverage[lens])
        shared = aggregate_lens(result.normalised, cat, lens, result.method.aggregate, result.coverage[lens], stacked)
        pd.testing.assert_frame_equal(alone, shared, check_exact=True)
        pd.testing.assert_frame_equal(shared, result.aggregated[lens], check_exact=True)
    assert stacked  # the first level was laid out once, for every lens


def plain_minmax(x: np.ndarray, direction: np.ndarray, lo_hi: tuple[float, float]) -> np.ndarray:
    """Min-max as first written: masked copies for the statistics, a new table for every step."""
    xd = x * direction
    with np.errstate(all="ignore"):
        has = np.isfinite(xd).any(axis=0)
        lo = np.where(has, np.nanmin(np.where(np.isfinite(xd), xd, np.inf), axis=0), np.nan)
        hi = np.where(has, np.nanmax(np.where(np.isfinite(xd), xd, -np.inf), axis=0), np.nan)
        y = (xd - lo) / (hi - lo)
    y[~np.isfinite(y)] = np.nan
    return y * (lo_hi[1] - lo_hi[0]) + lo_hi[0]


@pytest.mark.parametrize("seed", range(6))
def test_minmax_in_place_equals_the_plain_steps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 50, 9
    x = rng.normal(0, 10 ** rng.uniform(-3, 6, m), (n, m))
    x[rng.random(x.shape) < 0.2] = np.nan
    x[:, 0] = np.nan  # nobody reported it
    x[:, 1] = 7.0  # constant: no spread
    x[:, 2] = np.abs(x[:, 2])
    x[:4, 2] = [0.0, -0.0, 0.0, -0.0]  # the minimum is a tie of signed zeros: which one is kept
    if seed % 2:  # infinite values take the masked path
        x[rng.integers(0, n), 3], x[rng.integers(0, n), 4] = np.inf, -np.inf
    direction = np.where(rng.random(m) < 0.3, -1.0, 1.0)
    nan = np.full(m, np.nan)
    for lo_hi in ((0.0, 100.0), (1.0, 100.0), (0.0, 1.0)):
        columns = Columns(direction=direction, worst=nan, best=nan, target=nan)
        spec = normalise_spec("minmax", range=lo_hi)
        for table in (x, np.asfortranarray(x)):  # row-major, and pandas' own layout
            got, want = spec.compute(table, columns), plain_minmax(table, direction, lo_hi)
            assert got.tobytes() == want.tobytes()  # bit for bit, signed zeros and NaN included
            assert got.flags.f_contiguous == want.flags.f_contiguous


def test_a_one_shot_build_loads_no_workbook_library(reference_dir: Path) -> None:
    """``assess(from_coinr(...))`` in a fresh process: the review stage, the workbook writer and the workbook
    reader stay unloaded (a script that only scores pays none of their start-up)."""
    import subprocess
    import sys

    script = ("import sys, assessment; from pathlib import Path; R = Path(sys.argv[1]); "
              "assessment.assess(assessment.from_coinr(R / 'coinr_ASEM_iData.csv', R / 'coinr_ASEM_iMeta.csv')); "
              "print(' '.join(sorted(m for m in ('xlsxwriter', 'python_calamine', 'assessment.review') "
              "if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script, str(reference_dir)], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
