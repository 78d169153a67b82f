"""The library refuses what the intake refuses (issue 24, points 12–13).

Every entry point that takes values without a workbook (``assess`` on a table or a COINr import,
``run``, ``rerun``, the verbs on plain tables) applies the intake's rules to values (finite, within
range, typed) and the method's rules to weights, and lists every problem in one ``InputError``.
The robustness functions take a spec as a mapping, a path or a spec, and say what they refuse.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import assessment
from assessment.errors import InputError, InputWarning
from assessment.scoring.accept import LIMIT
from assessment.scoring.inputs import prepare_inputs
from assessment.scoring.result import run

IDS = ["BI-WATER", "QE-PM25", "II-UNEMP"]  # three scored indicators of the built-in catalogue
MINMAX = {"normalise": {"method": "minmax"}, "aggregate": {"lenses": ["ascf"]}, "rank": {"enabled": False}}


def table(x: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(x, columns=IDS[: x.shape[1]], index=pd.Index([f"u{i}" for i in range(len(x))], name="unit"))


def codes(err: pytest.ExceptionInfo[InputError]) -> set[tuple[str, str]]:
    return {(p.code, p.item or p.field) for p in err.value.problems}


# -- values: finite, within range, typed ------------------------------------------------------------
def test_assess_lists_every_infinite_overflowing_and_text_value_at_once() -> None:
    data = table(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]))
    data = data.astype({"II-UNEMP": object})
    data.loc["u0", "BI-WATER"] = np.inf  # kept in raw and turned into a silent NaN before
    data.loc["u1", "QE-PM25"], data.loc["u2", "QE-PM25"] = 1e308, -1e308  # overflowed: every score 0
    data.loc["u1", "II-UNEMP"] = "n/a"
    with pytest.raises(InputError) as err:
        assessment.assess(data, method=MINMAX)
    assert codes(err) == {("not-finite", "BI-WATER"), ("out-of-range", "QE-PM25"), ("not-a-number", "II-UNEMP")}
    found = {p.code: p.found for p in err.value.problems}
    assert found["not-finite"] == "u0=inf" and found["out-of-range"] == "u1=1e+308, u2=-1e+308"
    assert all(p.text("vi") != p.text("en") for p in err.value.problems)  # translated


cell = st.one_of(st.floats(-1e6, 1e6), st.just(np.nan), st.sampled_from(
    [np.inf, -np.inf, 1e308, -1e308, 2 * LIMIT, -2 * LIMIT, LIMIT]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays("float64", st.tuples(st.integers(2, 6), st.just(3)), elements=cell))
def test_a_table_is_scored_on_0_100_or_refused_naming_each_bad_column(x: np.ndarray) -> None:
    """Property: values beyond ±LIMIT (infinity included) are refused, column by column; anything
    else scores within the method's range 0–100, whatever the magnitudes (LIMIT itself included)."""
    bad = {IDS[j] for j in range(3) if (np.abs(x[:, j]) > LIMIT).any()}
    if bad:
        with pytest.raises(InputError) as err:
            assessment.assess(table(x), method=MINMAX)
        assert {p.item for p in err.value.problems if p.severity == "error"} == bad
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # empty or constant columns: warned, tested below
        scores = assessment.assess(table(x), method=MINMAX).normalised[IDS].to_numpy()
    ok = np.isfinite(scores)
    assert ((scores[ok] >= 0) & (scores[ok] <= 100)).all()
    assert not (ok & np.isnan(x)).any()


def test_a_year_column_mixing_numbers_and_text_is_one_problem_not_a_type_error() -> None:
    long = pd.DataFrame({"unit": ["A", "A", "B", "B"], "year": [2024, "2025", 2024, 2025.5],
                         "indicator": "BI-WATER", "value": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(InputError) as err:  # TypeError ('<' between str and int) before
        assessment.assess(long, method=MINMAX)
    (problem,) = err.value.problems
    assert (problem.code, problem.field) == ("bad-year", "year")
    assert problem.found == "1='2025', 3=2025.5"  # rows 1 and 3 of the table; whole-number years pass
    wide = table(np.ones((2, 1)) * [[1.0], [2.0]]).reset_index().assign(year=[2024, True])
    with pytest.raises(InputError, match="years must be whole numbers"):
        assessment.assess(wide, method=MINMAX)


def test_a_coinr_import_with_an_infinite_value_is_refused(reference_dir: Path, tmp_path: Path) -> None:
    idata = pd.read_csv(reference_dir / "coinr_ASEM_iData.csv")
    idata["LPI"] = idata["LPI"].astype(object)
    idata.loc[3, "LPI"] = "Inf"  # pandas reads COINr's R spelling as infinity
    idata.to_csv(tmp_path / "iData.csv", index=False)
    coin = assessment.from_coinr(tmp_path / "iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    with pytest.raises(InputError) as err:
        assessment.assess(coin)
    assert codes(err) == {("not-finite", "LPI")}
    assert err.value.problems[0].found == f"{idata.loc[3, 'uCode']}=inf"


def test_run_refuses_inputs_built_by_hand() -> None:
    inputs = prepare_inputs(table(np.array([[1.0, 2.0], [3.0, 5.0]])))
    broken = dataclasses.replace(inputs, values=inputs.values.where(inputs.values < 4, np.inf))
    with pytest.raises(InputError) as err:
        run(broken, assessment.Method.model_validate(MINMAX))
    assert codes(err) == {("not-finite", "QE-PM25")}


# -- the verbs on plain tables --------------------------------------------------------------------
VERBS = {
    "impute_frame": lambda x: assessment.impute_frame(x, "mean"),
    "treat_frame": lambda x: assessment.treat_frame(x),
    "normalise_frame": lambda x: assessment.normalise_frame(x, "minmax"),
    "aggregate_frame": lambda x: assessment.aggregate_frame(x),
}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_applies_the_same_value_rules(verb: str) -> None:
    x = pd.DataFrame({"a": [1.0, np.inf, 3.0, 4.0], "b": [1e308, 2.0, 3.0, 5.0], "c": ["1", "x", "3", "4"]})
    with pytest.raises(InputError) as err:
        VERBS[verb](x[["a", "b"]])
    assert codes(err) == {("not-finite", "a"), ("out-of-range", "b")}
    with pytest.raises(InputError) as err:
        VERBS[verb](x)
    assert codes(err) == {("not-a-number", "c")}
    assert err.value.problems[0].found == "1='x'"


@pytest.mark.parametrize(("call", "field", "fix"), [
    (lambda x: assessment.normalise_frame(x, "minmx"), "normalise.method", "did you mean 'minmax'?"),
    (lambda x: assessment.normalise_frame(x, "minmax", mean_sd=(0, 1)), "normalise.mean_sd", ""),
    (lambda x: assessment.aggregate_frame(x, method="geometrik"), "aggregate.method", "did you mean 'geometric'?"),
    (lambda x: assessment.aggregate_frame(x, min_coverage=2), "aggregate.min_coverage", ""),
    (lambda x: assessment.impute_frame(x, "meen"), "impute.method", "did you mean 'mean'?"),
    (lambda x: assessment.treat_frame(x, winmax=-1), "treat.winmax", ""),
])
def test_a_verbs_parameters_follow_the_methods_rules(call, field: str, fix: str) -> None:
    """A pydantic ValidationError (a traceback, no suggestion) before; now the method's own problem."""
    with pytest.raises(InputError) as err:
        call(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]}))
    (problem,) = err.value.problems
    assert (problem.field, problem.fix_text()) == (field, fix)
    assert problem.text("vi") != problem.text("en")


def test_aggregate_frame_takes_the_methods_rules_for_weights() -> None:
    x = pd.DataFrame({"a": [100.0, 0.0, 50.0], "b": [0.0, 100.0, 50.0], "c": [100.0, 100.0, 50.0]})
    with pytest.raises(InputError) as err:  # returned 100.74 on a 0–100 scale before
        assessment.aggregate_frame(x, weights=[1, -1, 1])
    assert codes(err) == {("negative-weight", "")}
    with pytest.raises(InputError) as err:  # NaN for every row before
        assessment.aggregate_frame(x, weights=[0, 0, 0])
    assert codes(err) == {("zero-weights", "")}
    with pytest.raises(InputError) as err:
        assessment.aggregate_frame(x, weights=[1, math.nan, math.inf])
    assert codes(err) == {("not-finite", "")}
    with pytest.raises(InputError) as err:
        assessment.aggregate_frame(x, weights={"a": 2, "bb": 1})
    assert codes(err) == {("unknown-id", "bb")}
    assert err.value.problems[0].fix_text() == "did you mean b?"
    # by name, the columns not named weighing 1: row 0 is (3·100 + 1·0 + 1·100) / 5 = 80
    assert assessment.aggregate_frame(x, weights={"a": 3}).tolist() == [80.0, 40.0, 50.0]


@settings(max_examples=60, deadline=None)
@given(arrays("float64", st.tuples(st.integers(1, 5), st.integers(1, 4)), elements=st.floats(0, 100)), st.data())
def test_aggregate_frame_stays_on_the_scale_of_its_columns_or_refuses_the_weights(x: np.ndarray, data) -> None:
    """Property: with weights ≥ 0, not all 0, every score lies between the row's least and greatest
    value (a weighted mean); any negative weight, or all weights 0, is refused instead."""
    w = data.draw(st.lists(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 3.0]), min_size=x.shape[1], max_size=x.shape[1]))
    frame = pd.DataFrame(x)
    if min(w) < 0 or max(w) == 0:
        with pytest.raises(InputError):
            assessment.aggregate_frame(frame, weights=w)
        return
    y = assessment.aggregate_frame(frame, weights=w).to_numpy()
    used = x[:, np.asarray(w) > 0]
    assert (y >= used.min(axis=1) - 1e-9).all() and (y <= used.max(axis=1) + 1e-9).all()


def test_normalise_frame_refuses_columns_it_does_not_have_and_directions_other_than_1_or_minus_1() -> None:
    x = pd.DataFrame({"cost": [1.0, 2.0, 3.0], "gain": [3.0, 1.0, 2.0]})
    with pytest.raises(InputError) as err:  # the unknown column was ignored, silently, before
        assessment.normalise_frame(x, "goalposts", directions={"cots": -1, "gain": 2},
                                   goalposts={"cost": (3, 1), "gian": (0, 5)})
    assert codes(err) == {("unknown-id", "cots"), ("unknown-id", "gian"), ("bad-direction", "directions")}
    fixes = {p.item: p.fix_text() for p in err.value.problems}
    assert fixes["cots"] == "did you mean cost?" and fixes["gian"] == "did you mean gain?"
    # lower is better for cost: (3 - x) / (3 - 1) on 0–100
    assert assessment.normalise_frame(x, "minmax", directions={"cost": -1})["cost"].tolist() == [100.0, 50.0, 0.0]
    # options still reach the method: dist2ref against row 1, 1 - (x_ref - x) / (x_ref - min) = [0, 1, ...] on 0-100
    ref = assessment.normalise_frame(pd.DataFrame({"a": [1.0, 2.0, 4.0]}), "dist2ref", reference_unit="Q",
                                     reference_row=1)
    assert ref["a"].tolist() == [0.0, 100.0, 300.0]  # uncapped, as COINr's n_dist2ref: (1 - (2 - 4) / 1) * 100


def test_treat_frame_refuses_a_skip_name_it_does_not_have() -> None:
    x = pd.DataFrame({"skewed": [1.0, 2.0, 3.0, 100.0], "flat": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(InputError) as err:
        assessment.treat_frame(x, skip=("skewd",))
    assert codes(err) == {("unknown-id", "skewd")}


def test_a_node_whose_children_all_weigh_0_is_refused_before_the_run(reference_dir: Path) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    result = assessment.assess(coin, method={"normalise": {"method": "minmax"}})
    physical = [i for i, leaf in coin.catalogue.membership("coinr").items() if leaf == "Physical"]
    with pytest.raises(InputError) as err:  # Physical was NaN for every unit, silently, before
        result.rerun(aggregate={"weights": dict.fromkeys(physical, 0)})
    assert codes(err) == {("zero-weights", "Physical")}
    kept = result.rerun(aggregate={"weights": dict.fromkeys(physical[1:], 0)})  # LPI alone still counts
    score, lpi = kept.aggregated["coinr"]["Physical"], kept.normalised["LPI"]
    assert score.notna().any() and score.dropna().equals(lpi[score.notna()])  # the mean of one child is that child


# -- warnings: an indicator no unit reported, or the same value everywhere -------------------------
def test_an_empty_or_constant_indicator_warns_what_it_does_to_coverage_and_scores() -> None:
    data = table(np.array([[np.nan, 5.0, 1.0], [np.nan, 5.0, 2.0], [np.nan, np.nan, 3.0]]))
    with pytest.warns(InputWarning) as caught:
        result = assessment.assess(data, method=MINMAX)
    (warning,) = caught
    problems = warning.message.problems  # type: ignore[union-attr]
    assert {(p.code, p.item, p.severity) for p in problems} == {("no-values", "BI-WATER", "warning"),
                                                                 ("constant", "QE-PM25", "warning")}
    assert "coverage" in problems[0].text() and "no score" in problems[1].text()
    assert result.normalised["QE-PM25"].isna().all()  # what the warning says: min-max gives no score
    with pytest.warns(InputWarning, match="same value"):
        assessment.normalise_frame(data, "minmax")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # two values, or one (min-max has nothing to compare it with, but that is the cohort's size): no warning
        assessment.assess(data.iloc[[0, 2]].assign(**{"BI-WATER": [1.0, 2.0]}), method=MINMAX)


# -- robustness: a spec as a mapping, a path or a spec; suggestions; mixed scales (point 13) ---------
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def asem(reference_dir: Path) -> assessment.Assessment:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    return assessment.assess(coin, method=ROOT / "examples" / "methods" / "coinr-asem.yaml")


SPEC = {"n": 6, "seed": 2, "assumptions": [{"name": "win", "path": "treat.winmax", "values": [1, 5]},
                                           {"name": "impute", "path": "impute.method", "values": ["none", "mean"]}]}


def test_uncertainty_and_sensitivity_take_a_mapping_a_path_or_a_spec(asem: assessment.Assessment,
                                                                     tmp_path: Path) -> None:
    import yaml

    from assessment.robustness import spec_from_dict

    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    spec = assessment.load_robustness_spec(SPEC)  # a mapping: TypeError before
    assert spec == spec_from_dict(SPEC) == assessment.load_robustness_spec(path)
    assert assessment.load_robustness_spec(spec) is spec
    runs = [assessment.uncertainty(asem, given) for given in (SPEC, str(path), spec)]  # AttributeError on a dict
    for other in runs[1:]:
        pd.testing.assert_frame_equal(other.summary["coinr"], runs[0].summary["coinr"])
    grids = [assessment.sensitivity(asem, given) for given in (SPEC, path, spec)]
    assert all(g.design == "exact grid" and g.runs == 4 for g in grids)
    for other in grids[1:]:
        pd.testing.assert_frame_equal(other.indices, grids[0].indices)
    with pytest.raises(InputError) as err:
        assessment.uncertainty(asem, 42)  # type: ignore[arg-type]
    assert codes(err) == {("unknown-input", "")}


@pytest.mark.parametrize(("path", "fix"), [
    ("treat.winmx", "did you mean 'treat.winmax'?"),
    ("aggregate.nodes.Socail.method", "did you mean 'aggregate.nodes.Social.method'?"),
    ("aggregate.weights.LPl", "did you mean 'aggregate.weights.LPI'?"),
    ("normalize.method", "did you mean 'normalise.method'?"),
])
def test_a_misspelt_assumption_path_gets_a_suggestion_as_rerun_does(asem: assessment.Assessment, path: str,
                                                                     fix: str) -> None:
    from assessment.robustness import spec_from_dict

    spec = spec_from_dict({"n": 4, "assumptions": [{"name": "a", "path": path, "values": [1]}]})
    with pytest.raises(InputError) as err:
        assessment.uncertainty(asem, spec)
    (problem,) = err.value.problems
    assert (problem.code, problem.field, problem.fix_text()) == ("unknown-path", path, fix)
    assert problem.fix_text("vi") != fix  # translated


def test_a_misspelt_spec_key_gets_a_suggestion_too() -> None:
    raw = {"n": 4, "sead": 3, "assumptions": [{"name": "a", "pth": "treat.winmax", "values": [1]},
                                              {"kind": "weights", "levls": [1], "share": 0.2}]}
    with pytest.raises(InputError) as err:
        assessment.load_robustness_spec(raw)
    fixes = {p.field: p.fix_text() for p in err.value.problems if p.code == "extra_forbidden"}
    assert fixes == {"sead": "did you mean 'seed'?", "assumptions.0.discrete.pth": "did you mean 'path'?",
                     "assumptions.1.weights.levls": "did you mean 'levels'?"}


def test_uncertainty_warns_when_its_alternatives_put_scores_on_different_scales(asem: assessment.Assessment) -> None:
    """COINr's ASEM reference spec varies min-max on [1, 100] against z-scores (mean 10, sd 2)."""
    spec = assessment.load_robustness_spec(ROOT / "examples" / "robustness" / "asem-reference.yaml")
    with pytest.warns(InputWarning) as caught:
        u = assessment.uncertainty(asem, spec, n=16)
    (problem,) = caught[0].message.problems  # type: ignore[union-attr]
    assert (problem.code, problem.item, problem.severity) == ("mixed-scales", "normalisation", "warning")
    assert "(1–100, zscore 10±2)" in problem.text()
    # what it warns of: z-scores of mean 10 sit far below min-max scores on [1, 100] for the same units
    normalise = [u.replicate(i)[0].normalise.method for i in range(16)]
    s = u.scores["coinr"]
    z = np.array([m == "zscore" for m in normalise])
    assert z.any() and (~z).any()
    assert np.nanmax(s[z]) < np.nanmedian(s[~z])
    same = {"n": 4, "assumptions": [{"name": "norm", "path": "normalise", "values": [
        {"method": "minmax", "range": [1, 100]}, {"method": "prank", "range": [1, 100]}]}]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one scale (1–100), whatever the method: no warning
        assessment.uncertainty(asem, same)


def test_enabler_levels_from_a_table_follow_the_rubric(catalogue: assessment.Catalogue) -> None:
    """As the intake's ``enabler-level`` rule: whole numbers from 0 to 5, missing = not answered."""
    first, second = (e.id for e in catalogue.enablers[:2])
    data = pd.DataFrame({"unit": ["a", "b", "c"], "BI-WATER": [1.0, 2.0, 3.0],
                         first: [1, 7, 2.5], second: [0, 5, None]})
    with pytest.raises(InputError) as err:  # level 7 and level 2.5 were scored as given before
        assessment.assess(data, method=MINMAX)
    assert codes(err) == {("enabler-level", first)}
    assert err.value.problems[0].found == "b=7.0, c=2.5"


def test_booleans_and_dates_are_not_numbers() -> None:
    """True/False were read as 1/0 and a date as nanoseconds since 1970, silently, before: no value a person typed."""
    data = pd.DataFrame({"unit": ["a", "b", "c"], "BI-WATER": [True, False, True],
                         "QE-PM25": [1.0, True, "3"], "II-UNEMP": pd.to_datetime(["2024-01-01", None, "2024-02-01"])})
    with pytest.raises(InputError) as err:
        assessment.assess(data, method=MINMAX)
    assert {p.item: p.found for p in err.value.problems} == {
        "BI-WATER": "a=True, b=False, c=True", "QE-PM25": "b=True",  # '3' is text a person may type: read as 3
        "II-UNEMP": "a=Timestamp('2024-01-01 00:00:00'), c=Timestamp('2024-02-01 00:00:00')"}
    assert {p.code for p in err.value.problems} == {"not-a-number"}
    with pytest.raises(InputError, match="must be numbers"):
        assessment.normalise_frame(data.set_index("unit")[["BI-WATER"]])


def test_a_coinr_import_with_a_year_column_is_checked_as_a_table_is(reference_dir: Path) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    years = pd.Series([2020] * len(coin.data), index=coin.data.index, dtype=object)
    years.iloc[:2] = [2021, "2021"]
    mixed = dataclasses.replace(coin, data=coin.data.assign(year=years))
    with pytest.raises(InputError) as err:  # TypeError ('<' between str and int) before
        assessment.assess(mixed)
    assert codes(err) == {("bad-year", "year")}
    assert err.value.problems[0].found == f"{coin.data.index[1]}='2021'"
