"""The scoring engine on the built-in catalogue: every method, the result object, exports, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import assessment
from assessment.errors import InputError
from assessment.scoring import Method, assess, impute
from assessment.scoring.method import AGGREGATE_METHODS, IMPUTE_METHODS, NORMALISE_METHODS, method_from_dict
from assessment.scoring.normalisers import NORMALISERS
from assessment.scoring.specs import impute_spec

#: The methods whose scores lie within their range, and those scored against a reference unit: declared by
#: their classes, so a new method is checked here without a word in this file.
BOUNDED = {name for name, cls in NORMALISERS.items() if cls.bounded}
REFERENCED = {name for name, cls in NORMALISERS.items() if "reference unit" in cls.needs}


def test_the_declared_sets_hold_the_known_methods():
    """The derived sets are not empty by accident: the methods known to bound and to need a reference do."""
    assert {"anchored", "goalposts", "minmax", "prank", "dist2max"} <= BOUNDED
    assert {"zscore", "rank", "none"}.isdisjoint(BOUNDED) and {"dist2ref"} == REFERENCED


@pytest.fixture(scope="module")
def cohort(synthetic) -> pd.DataFrame:
    return synthetic.cohort(40, n_indicators=100, years=1, seed=7)


@pytest.fixture(scope="module")
def panel(synthetic) -> pd.DataFrame:
    return synthetic.cohort(12, n_indicators=30, years=3, seed=3)


@pytest.fixture(scope="module")
def default(cohort) -> assessment.Assessment:
    return assess(cohort)


@pytest.mark.parametrize("norm", NORMALISE_METHODS)
@pytest.mark.parametrize("agg", AGGREGATE_METHODS)
def test_every_normalise_and_aggregate_method(cohort, norm, agg):
    spec: dict[str, object] = {"method": norm}
    if "range" in NORMALISERS[norm].model_fields:  # typed parameters: only where the method has one
        spec["range"] = [1, 100]
    if norm in REFERENCED:
        spec["reference_unit"] = "city-00003"
    method = {"normalise": spec, "aggregate": {"method": agg}}
    if agg in ("geometric", "harmonic"):
        # scores the mean cannot take (geometric: zero or negative, harmonic: zero) are refused with a clear
        # message, and only then; a bounded method on [1, 100] never gives them
        scores = assess(cohort, method={"normalise": spec}).normalised.to_numpy()
        if np.nanmin(scores) <= 0 if agg == "geometric" else (scores == 0).any():
            assert norm not in BOUNDED
            with pytest.raises(InputError, match="cannot take"):
                assess(cohort, method=method)
            return
    result = assess(cohort, method=method)
    n, treated = result.normalised.isna().to_numpy(), result.treated.isna().to_numpy()
    # missing stays missing; dist2ref also gives NaN where the reference value is missing or the minimum
    assert (n == treated).all() if norm not in REFERENCED else (n >= treated).all()
    if norm in BOUNDED:
        n = result.normalised
        assert np.nanmin(n.to_numpy()) >= 1 - 1e-9 and np.nanmax(n.to_numpy()) <= 100 + 1e-9
    for lens, table in result.aggregated.items():
        assert table.shape[0] == 40
        root = result.catalogue.lens(lens).root.id
        assert table[root].notna().all() or norm in REFERENCED


def test_default_method_outputs(default, catalogue):
    assert set(default.aggregated) == {"ascf", "ascf-focus-areas", "oecd-wellbeing"}
    ascf = default.aggregated["ascf"]
    assert list(ascf.columns)[-1] == "overall"
    assert list(ascf.columns) == ["competitive-economy", "sustainable-environment", "quality-of-life", "overall"]
    assert len(default.aggregated["ascf-focus-areas"].columns) == 7  # 6 focus areas + their grouping root
    assert len(default.aggregated["oecd-wellbeing"].columns) == 12  # 11 dimensions + overall
    assert ((ascf >= 0) & (ascf <= 100)).all().all()
    lv = default.indicator_levels
    assert set(np.unique(lv.to_numpy()[np.isfinite(lv.to_numpy())])) <= {0, 1, 2, 3, 4, 5}
    assert set(default.aggregate_levels["ascf"].stack().unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert "ascf-enablers:overall" in default.enabler_levels.columns
    assert set(default.ranks["ascf"]) == {"cohort", "population-class", "country"}
    # context indicators are kept in the raw table but never scored
    assert "II-TOURISM" in default.raw.columns and "II-TOURISM" not in default.normalised.columns
    pd.testing.assert_frame_equal(default.indicator_ranks,
                                  default.normalised.rank(method="min", ascending=False, na_option="keep"))
    sw = default.strengths
    assert set(sw["kind"]) == {"strength", "weakness"} and (sw.groupby(["unit", "kind"]).size() <= 3).all()
    assert (sw.loc[sw["kind"] == "strength", "gap"] > 0).all()
    assert (sw.loc[sw["kind"] == "weakness", "gap"] < 0).all()


def test_threshold_levels_follow_the_catalogue(catalogue):
    ind = catalogue.indicator("QE-PM25")
    assert ind.thresholds is not None and ind.direction == -1
    t = ind.thresholds.values
    values = [t[0] + 1, t[0], t[2], t[4], t[4] - 0.001]
    data = pd.DataFrame({"unit": [f"u{i}" for i in range(5)], "QE-PM25": values})
    result = assess(data, method={"aggregate": {"lenses": ["ascf"]}, "rank": {"peer_groups": []}})
    assert result.indicator_levels["QE-PM25"].tolist() == [0, 1, 3, 5, 5]
    assert result.catalogue.maturity_level_name(5, "vi") == "Tối ưu hóa"


def test_target_bands(catalogue):
    ind = catalogue.indicator("BI-WATER")  # % with safe water, higher is better, best = 100
    assert ind.goalposts is not None and ind.goalposts.best == 100
    data = pd.DataFrame({"unit": ["a", "b", "c", "d"], "BI-WATER": [20, 50, 80, 96]})
    result = assess(data, method={"levels": {"indicators": "target-bands"}, "rank": {"peer_groups": []}})
    assert result.indicator_levels["BI-WATER"].tolist() == [1, 2, 3, 4]


def test_peer_groups_and_population_classes():
    from assessment.scoring.rank import population_class

    pop = pd.Series([150_000, 200_000, 1_999_999, 2_000_000, 12_000_000, np.nan])
    assert population_class(pop).tolist() == ["small", "middleweight", "middleweight", "large", "megacity", None]


@pytest.mark.parametrize("name", IMPUTE_METHODS)
def test_impute_methods_known_answers(name):
    idx = pd.MultiIndex.from_product([["a", "b", "c"], [2020, 2021, 2022]], names=["unit", "year"])
    x = pd.DataFrame({"v": [1.0, np.nan, 3.0, 10.0, 20.0, np.nan, np.nan, 6.0, 9.0]}, index=idx)
    profiles = pd.DataFrame({"g": ["p", "p", "p", "p", "p", "p", "q", "q", "q"]}, index=idx)
    out, flags = impute(x, profiles, impute_spec(name, **({"group": "g"} if name.endswith("group") else {})))
    got = out["v"].tolist()
    expected = {
        "none": [1, np.nan, 3, 10, 20, np.nan, np.nan, 6, 9],
        "mean": [1, 13, 3, 10, 20, 6, 5.5, 6, 9],          # per year: 2020 (1,10), 2021 (20,6), 2022 (3,9)
        "median": [1, 13, 3, 10, 20, 6, 5.5, 6, 9],
        "mean-group": [1, 20, 3, 10, 20, 3, np.nan, 6, 9],  # group q has no 2020 value
        "median-group": [1, 20, 3, 10, 20, 3, np.nan, 6, 9],
        "latest": [1, 1, 3, 10, 20, 20, np.nan, 6, 9],      # never carried backward
        "linear": [1, 2, 3, 10, 20, np.nan, np.nan, 6, 9],  # never extrapolated
    }[name]
    np.testing.assert_allclose(got, expected, equal_nan=True)
    assert (flags["v"] == (x["v"].isna() & out["v"].notna())).all()


def test_panel_change_and_pooled_normalisation(panel):
    # the synthetic panel has 30 of the catalogue's indicators: coverage rules off for this test
    result = assess(panel, method={"normalise": {"method": "minmax"}, "aggregate": {"min_reported": 0},
                                   "rank": {"min_coverage": 0}})
    assert result.normalised.index.names == ["unit", "year"]
    ch = result.change["ascf"]
    first = ch.xs(2016, level="year")
    assert first.isna().all().all()
    later = result.aggregated["ascf"].xs(2017, level="year") - result.aggregated["ascf"].xs(2016, level="year")
    np.testing.assert_allclose(ch.xs(2017, level="year").to_numpy(), later.to_numpy(), equal_nan=True)
    # pooled min-max: 0 and 100 are reached once over the whole panel, not in every year
    n = result.normalised
    assert (n.min() == 0).all() and (n.max() == 100).all()
    assert result.ranks["ascf"]["cohort"].xs(2016, level="year")["overall"].min() == 1


def test_result_rerun_exports_and_determinism(default, cohort, tmp_path):
    before = cohort.copy()
    again = default.rerun()
    pd.testing.assert_frame_equal(again.aggregated["ascf"], default.aggregated["ascf"])
    other = default.rerun(Method(normalise={"method": "minmax"}))
    assert not other.aggregated["ascf"].equals(default.aggregated["ascf"])
    assert other.recipe.input_hash == default.recipe.input_hash
    assert other.recipe.method.fingerprint != default.recipe.method.fingerprint
    pd.testing.assert_frame_equal(cohort, before)  # inputs never mutated
    a, b = default.to_csv(tmp_path / "a"), assess(cohort).to_csv(tmp_path / "b")
    for f in sorted(a.iterdir()):
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name
    assert {"raw.csv", "normalised.csv", "aggregated-ascf.csv", "method.yaml", "recipe.json"} <= {
        f.name for f in a.iterdir()}
    x1, x2 = default.to_excel(tmp_path / "r1.xlsx"), assess(cohort).to_excel(tmp_path / "r2.xlsx")
    assert x1.read_bytes() == x2.read_bytes()
    import openpyxl

    wb = openpyxl.load_workbook(x1, read_only=True)
    assert wb.sheetnames[:2] == ["Contents", "method"] and "aggregated-oecd-wellbeing" in wb.sheetnames
    # the contents sheet names every other sheet, with its shape; in Vietnamese the sheet names (ids for
    # scripts) stay, the contents sheet and its descriptions are Vietnamese
    vi = openpyxl.load_workbook(default.to_excel(tmp_path / "vi.xlsx", lang="vi"), read_only=True)
    assert vi.sheetnames[0] == "Mục lục" and vi.sheetnames[1:] == wb.sheetnames[1:]
    rows = list(vi["Mục lục"].iter_rows(values_only=True))
    assert rows[0] == ("Trang tính", "Nội dung", "Số dòng", "Số cột")
    assert [r[0] for r in rows[1:]] == wb.sheetnames[1:]
    tables = default.tables()
    assert all((r[2], r[3]) == tables[r[0]].shape for r in rows[2:])
    described = dict((r[0], r[1]) for r in rows[1:])
    assert "ASEAN" in described["ranks-ascf-country"] and "từng quốc gia" in described["ranks-ascf-country"]
    long = default.to_frame()
    assert {"stage", "unit", "code", "value"} <= set(long.columns)
    assert method_from_dict(default.recipe.as_dict()["method"]) == default.method


def test_long_input_equals_wide_input(cohort):
    ids = [c for c in cohort.columns if "-" in c and c[:2] in {"BI", "CS", "HW", "II", "QE", "SS"}]
    long = cohort.melt(id_vars=["unit"], value_vars=ids, var_name="indicator", value_name="value")
    wide_result = assess(cohort[["unit", *ids]], method={"rank": {"peer_groups": []}})
    long_result = assess(long, method={"rank": {"peer_groups": []}})
    pd.testing.assert_frame_equal(wide_result.aggregated["ascf"], long_result.aggregated["ascf"])


def test_errors_are_collected_and_clear(cohort):
    bad = pd.DataFrame({"unit": ["a", "a", "b"], "indicator": ["XX-NOPE", "BI-WATER", "BI-WATER"],
                        "value": [1, 2, 3]})
    bad = pd.concat([bad, bad.iloc[[1]]])
    with pytest.raises(InputError) as err:
        assess(bad)
    codes = {p.code for p in err.value.problems}
    assert codes == {"unknown-indicator", "duplicate-row"}
    with pytest.raises(InputError, match="no indicator lens of this id"):
        assess(cohort, method={"aggregate": {"lenses": ["nope"]}})
    with pytest.raises(InputError, match="values must be numbers"):
        assess(pd.DataFrame({"unit": ["a"], "BI-WATER": ["lots"]}))
    with pytest.raises(InputError) as err:
        method_from_dict({"normalise": {"method": "magic"}, "impute": {"method": "mean-group"}, "extra": 1})
    assert len(err.value.problems) == 3


def test_min_coverage_per_node(cohort, default, catalogue):
    result = assess(cohort, method={"aggregate": {"nodes": {"civic-social": {"min_coverage": 1.0}}}})
    members = [i for i, leaf in catalogue.membership("ascf-focus-areas").items()
               if leaf == "civic-social" and i in result.normalised.columns]
    incomplete = result.normalised[members].isna().any(axis=1)
    assert incomplete.any() and not incomplete.all()
    fa = result.aggregated["ascf-focus-areas"]["civic-social"]
    assert (fa.isna() == incomplete).all()
    pd.testing.assert_series_equal(fa[~incomplete], default.aggregated["ascf-focus-areas"]["civic-social"][~incomplete])
    pd.testing.assert_series_equal(result.aggregated["ascf-focus-areas"]["health-wellbeing"],
                                   default.aggregated["ascf-focus-areas"]["health-wellbeing"])


def test_one_level_down_without_a_catalogue(catalogue):
    from assessment.scoring import level_names, normalise_frame

    x = pd.Series([1.0, 2.0, np.nan, 5.0], name="speed")
    assert normalise_frame(x).tolist()[:2] == [0.0, 25.0]
    assert normalise_frame(x, directions=-1).iloc[0] == 100.0
    assert np.isnan(normalise_frame(x, "prank", range=(0, 1)).iloc[2])
    np.testing.assert_allclose(normalise_frame(x, "dist2target", targets={"speed": 4.0}, range=(0, 1), cap=True),
                               [0, 1 / 3, np.nan, 1])
    table = pd.DataFrame({"a": [0.0, 5.0, np.nan]})
    assert level_names(table, catalogue, "vi")["a"].tolist()[:2] == ["Chưa bắt đầu", "Tối ưu hóa"]


def test_saved_result_round_trip_and_tamper_check(default, tmp_path):
    from assessment.scoring import load_result

    folder = default.to_csv(tmp_path / "saved")
    again = load_result(folder)
    assert again.recipe == default.recipe
    for lens, table in default.aggregated.items():
        pd.testing.assert_frame_equal(table, again.aggregated[lens])
    inputs = (folder / "inputs.json").read_text(encoding="utf-8")
    (folder / "inputs.json").write_text(inputs.replace("city-00001", "city-99999"), encoding="utf-8")
    with pytest.raises(InputError, match="the recipe's input hash no longer matches the saved inputs"):
        load_result(folder)
    (folder / "inputs.json").write_text(inputs, encoding="utf-8")
    method = (folder / "method.yaml").read_text(encoding="utf-8")
    (folder / "method.yaml").write_text(method.replace("method: arithmetic", "method: geometric"), encoding="utf-8")
    catalogue = (folder / "catalogue.json").read_text(encoding="utf-8")
    (folder / "catalogue.json").write_text(catalogue.replace('"weight": 1.0', '"weight": 2.0', 1), encoding="utf-8")
    with pytest.raises(InputError) as drift:  # an edited method or catalogue is refused, each named
        load_result(folder)
    assert {p.code for p in drift.value.problems} == {"changed-method", "changed-catalogue"}
