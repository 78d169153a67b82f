"""Robustness stage: known answers for the estimators and the audit, exactness against plain runs,
determinism across executors, every assumption kind applied, bad specs refused before running.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assessment
from assessment.errors import InputError
from assessment.robustness import load_robustness_spec, remove_one, sensitivity, spec_from_dict, uncertainty
from assessment.robustness.audit import audit, cronbach_alpha, pca
from assessment.robustness.design import build_factors, saltelli
from assessment.robustness.sensitivity import bootstrap_sobol, exact_indices, sobol_indices
from assessment.scoring.result import run

ROOT = Path(__file__).resolve().parent.parent
ASEM_SPEC = ROOT / "examples" / "robustness" / "asem-reference.yaml"
#: COINr's reference spec varies min-max on [1, 100] against z-scores: uncertainty() warns that its score
#: intervals mix scales (tested in test_library_inputs.py); these tests are about everything else.
pytestmark = pytest.mark.filterwarnings("ignore:(?s).*different scales:assessment.errors.InputWarning")


@pytest.fixture(scope="module")
def coin(reference_dir: Path) -> assessment.CoinrImport:
    return assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")


@pytest.fixture(scope="module")
def asem(coin) -> assessment.Assessment:
    return assessment.assess(coin, method=ROOT / "examples" / "methods" / "coinr-asem.yaml")


@pytest.fixture(scope="module")
def flagged(synthetic) -> assessment.Assessment:
    """40 synthetic cities × 30 indicators with U4SSC quality flags 1–6 on every value (some unflagged)."""
    data = synthetic.cohort(40, 30, years=1, seed=11)
    base = assessment.assess(data, method=SYNTHETIC_METHOD)
    rng = np.random.default_rng(3)
    long = base.inputs.values.stack().rename("value").reset_index()
    long.columns = ["unit", "indicator", "value"]
    details = long.assign(year=2016, data_year=2016, source="", notes="",
                          quality=pd.array(rng.integers(1, 7, len(long)), dtype="Int64"))
    details.loc[details.index % 7 == 0, "quality"] = pd.NA
    inputs = replace(base.inputs, details=details)
    return run(inputs, base.method)


#: The synthetic cohorts carry 25–30 of the catalogue's 98 indicators: the coverage rules are off for them
#: (the example cohort below keeps the default method, coverage rules included).
SYNTHETIC_METHOD = {"rank": {"min_coverage": 0.0}, "aggregate": {"min_reported": 0.0}}


@pytest.fixture(scope="module")
def cohort() -> assessment.Assessment:
    """The example cohort with the default method; one city keeps only 10 values (too few to rank)."""
    intake = assessment.read_submissions([ROOT / "examples" / "ascn-2025"]).without_error_files()
    base = assessment.assess(intake)
    values = base.inputs.values.copy()
    sparse = values.index[3]
    values.loc[sparse, values.columns[10:]] = np.nan
    return run(replace(base.inputs, values=values), base.method)


def _spec(**raw: object) -> assessment.RobustnessSpec:
    return spec_from_dict({"n": 24, "seed": 5, "block": 8, **raw})


# --- estimators: known answers -------------------------------------------------------------------


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.mark.parametrize("design", ["montecarlo", "sobol"])
def test_ishigami_indices_within_bootstrap_intervals(design: str) -> None:
    """Analytic values (a = 7, b = 0.1) inside the 99 % bootstrap intervals at N = 8192."""
    n = 8192
    spec = spec_from_dict({"seed": 2024, "design": design, "assumptions": [
        {"name": f"x{i}", "path": "treat.winmax", "values": [1]} for i in (1, 2, 3)]})
    factors = build_factors(spec, {})
    rows = saltelli(spec, factors, n) * 2 * np.pi - np.pi
    y = ishigami(rows)
    y_a, y_b, y_ab = y[:n], y[n:2 * n], y[2 * n:].reshape(3, n)
    first, total = sobol_indices(y_a, y_b, y_ab)
    f_lo, f_hi, t_lo, t_hi = bootstrap_sobol(y_a, y_b, y_ab, 200, (0.005, 0.995), np.random.default_rng(1))
    s1 = np.array([0.3139, 0.4424, 0.0])
    st = np.array([0.5576, 0.4424, 0.2437])
    assert np.all((f_lo <= s1) & (s1 <= f_hi)), (first, f_lo, f_hi)
    assert np.all((t_lo <= st) & (st <= t_hi)), (total, t_lo, t_hi)
    np.testing.assert_allclose(total, st, atol=0.03)


def test_estimators_agree_with_salib() -> None:
    """Cross-check against SALib's analyze.sobol (test-time only): the same estimators (both centre
    the output on its mean); SALib's V has ddof 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from SALib.analyze import sobol as sobol_analyze  # a dev dependency: the cross-check always runs
    n, d = 512, 3
    rng = np.random.default_rng(7)
    a, b = rng.random((n, d)) * 2 * np.pi - np.pi, rng.random((n, d)) * 2 * np.pi - np.pi
    ab = np.stack([np.where(np.arange(d) == i, b, a) for i in range(d)])
    y_a, y_b, y_ab = ishigami(a), ishigami(b), np.stack([ishigami(m) for m in ab])
    interleaved = np.column_stack([y_a, *y_ab, y_b]).ravel()  # SALib's order: A, AB_1 … AB_d, B per base row
    first, total = sobol_indices(y_a, y_b, y_ab)
    problem = {"num_vars": d, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sobol_analyze.analyze(problem, interleaved, calc_second_order=False, num_resamples=10, seed=1)
    ddof = (2 * n - 1) / (2 * n)
    np.testing.assert_allclose(first, np.asarray(theirs["S1"]) * ddof, rtol=1e-10)
    np.testing.assert_allclose(total, np.asarray(theirs["ST"]) * ddof, rtol=1e-10)


def test_exact_grid_indices_known_answers() -> None:
    grid = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float64")  # last factor fastest
    first, total = exact_indices(grid[:, 0] + grid[:, 1], (2, 2))
    np.testing.assert_allclose(first, [0.5, 0.5])
    np.testing.assert_allclose(total, [0.5, 0.5])
    first, total = exact_indices(grid[:, 0] * grid[:, 1], (2, 2))  # Var 3/16; Var E[Y|Xi] 1/16; E Var 1/8
    np.testing.assert_allclose(first, [1 / 3, 1 / 3])
    np.testing.assert_allclose(total, [2 / 3, 2 / 3])


# --- audit: hand-computed cases --------------------------------------------------------------------


def test_cronbach_alpha_hand_computed() -> None:
    x = np.array([[1, 2, 3], [2, 3, 3], [3, 3, 5], [4, 5, 5]], dtype="float64")
    # variances 5/3, 19/12, 4/3; variance of the row sums 12.25: alpha = 3/2 (1 - (55/12) / 12.25) = 46/49
    assert cronbach_alpha(x) == pytest.approx(46 / 49, abs=1e-12)
    # items 1 and 2 only: covariance 1.5, total variance 6.25: alpha = 2 (1 - (39/12) / 6.25) = 0.96
    assert cronbach_alpha(x[:, :2]) == pytest.approx(0.96, abs=1e-12)


def test_pca_hand_computed_and_sign_fixed() -> None:
    x = np.array([[1, 2], [2, 1], [3, 4], [4, 3]], dtype="float64")  # r = 3 / 5 = 0.6
    vals, load = pca(x)
    np.testing.assert_allclose(vals, [1.6, 0.4], atol=1e-12)
    np.testing.assert_allclose(load, [np.sqrt(0.8), np.sqrt(0.8)], atol=1e-12)
    _, flipped = pca(-x)
    np.testing.assert_allclose(flipped, load, atol=1e-12)


def test_audit_tables_on_asem(asem) -> None:
    au = audit(asem, bootstrap=20)
    within = au.correlations[au.correlations["kind"] == "within"]
    assert {"redundant", "negative"} >= set(within["flag"]) - {""}
    assert (within.loc[within["flag"] == "negative", "pearson"] < 0).all()
    assert len(au.cronbach) == 11 and (au.cronbach["alpha_lo"] <= au.cronbach["alpha_hi"]).all()
    assert au.importance["nominal_weight"].sum() == pytest.approx(1.0)
    first = au.pca[au.pca["component"] == 1]
    assert (first["explained"] > 0).all()
    assert (au.loadings.groupby("parent")["loading"].sum() > 0).all()


# --- exactness --------------------------------------------------------------------------------------


def _assert_replicate_exact(u, i: int, plain: assessment.Assessment | None = None) -> None:
    """Replicate ``i`` against a plain run of its method and data: node scores to 1e-9, ranks exactly."""
    method, inputs = u.replicate(i)
    plain = plain or run(inputs, method)
    for lens in u.scores:
        want = plain.aggregated[lens].reindex(u.units)[u.node_ids[lens]].to_numpy()
        got = u.node_scores[lens][i]
        assert np.array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got, want, atol=1e-9, rtol=0)
        ranks = plain.ranks[lens]["cohort"].reindex(u.units)[u.node_ids[lens]].to_numpy()
        assert np.array_equal(u.node_ranks[lens][i].astype("float64"), ranks, equal_nan=True)
        assert np.array_equal(u.ranks[lens][i].astype("float64"), ranks[:, -1], equal_nan=True)


def test_every_replicate_drawn_equals_a_plain_assess_asem(coin, asem) -> None:
    spec = load_robustness_spec(ASEM_SPEC)
    u = uncertainty(asem, spec, n=64, seed=9)
    for i in np.random.default_rng(0).choice(64, 6, replace=False):
        _assert_replicate_exact(u, int(i), assessment.assess(coin, method=u.replicate(int(i))[0]))


def test_every_assumption_kind_applied_and_exact(flagged) -> None:
    node = flagged.catalogue.lens("ascf").leaves()[0].id
    spec = _spec(n=48, assumptions=[
        {"name": "winsorise", "path": "treat.winmax", "values": [1, 3]},  # the nominal method does not treat
        {"name": "impute", "path": "impute.method", "values": ["none", "mean"]},
        {"name": "coverage", "path": "aggregate.min_coverage", "values": [0.0, 0.8]},
        {"name": "screen", "path": "screen.min_coverage", "values": [0.0, 0.97]},
        {"name": "normalise", "path": "normalise", "values": [{"method": "minmax", "range": [1, 100]},
                                                              {"method": "goalposts"}]},
        {"name": "node", "path": f"aggregate.nodes.{node}.method", "values": ["arithmetic", "generalised"]},
        {"name": "weights", "kind": "weights", "levels": [1, 2], "share": 0.25},
        {"name": "data", "kind": "data", "draws": 4},
    ])
    u = uncertainty(flagged, spec)
    methods = [u.replicate(i)[0] for i in range(spec.n)]
    assert {m.treat.method for m in methods} == {"winsorise"}
    assert {m.treat.winmax for m in methods} == {1, 3}
    assert {m.impute.method for m in methods} == {"none", "mean"}
    assert {m.aggregate.nodes[node].method for m in methods} == {"arithmetic", "generalised"}
    assert len({tuple(sorted(m.aggregate.weights.items())) for m in methods}) == spec.n
    assert not u.replicate(0)[1].values.equals(flagged.inputs.values)  # data perturbed
    assert np.isnan(u.ranks["ascf"]).any()  # the 97 % coverage screen drops units in some replicates
    for i in (0, 5, 17, 33, 47):
        _assert_replicate_exact(u, i)
    s = u.summary["ascf"]
    assert ((s["rank_lo"] <= s["median_rank"]) & (s["median_rank"] <= s["rank_hi"])).all()
    assert s["p_keep_level"].between(0, 1).all() and s["p_top_k"].between(0, 1).all()


def test_default_method_with_coverage_rules_exact(cohort) -> None:
    """The example cohort, default method: replicates equal plain runs, coverage rules included."""
    sparse = cohort.inputs.values.index[3]
    assert not cohort.rank_status("ascf").loc[sparse, "ranked"]
    assert cohort.aggregated["ascf"].loc[sparse].isna().any()  # aggregates below min_reported show no score
    spec = _spec(n=24, assumptions=[
        {"name": "normalise", "path": "normalise",  # on [1, 100]: the geometric mean needs positive scores
         "values": [{"method": "anchored", "range": [1, 100]}, {"method": "goalposts", "range": [1, 100]}]},
        {"name": "agg", "path": "aggregate.method", "values": ["arithmetic", "geometric"]},
        {"name": "reported", "path": "aggregate.min_reported", "values": [0.5, 0.0]},
        {"name": "weights", "kind": "weights", "levels": [1, 2], "share": 0.25},
        {"name": "data", "kind": "data", "draws": 3},
    ])
    u = uncertainty(cohort, spec)
    assert np.isnan(u.ranks["ascf"][:, 3]).all()  # never ranked, whatever the method variant
    assert not np.isnan(np.delete(u.ranks["ascf"], 3, axis=1)).any()
    for i in (0, 3, 11, 23):
        _assert_replicate_exact(u, i)


def test_panel_ranks_year_by_year_and_rounding_alternatives_exact(synthetic) -> None:
    panel = assessment.assess(synthetic.cohort(30, 25, years=2, seed=4), method=SYNTHETIC_METHOD)
    spec = _spec(n=20, assumptions=[
        {"name": "agg", "path": "aggregate.method", "values": ["arithmetic", "generalised"]},
        {"name": "w", "kind": "weights", "levels": [1, 2], "share": 0.3},
        {"name": "round", "path": "rank.decimals", "values": [None, 0]}])
    u = uncertainty(panel, spec)
    assert u.summary["ascf"].index.names == ["unit", "year"]
    assert u.summary["ascf"]["rank_hi"].max() <= 30  # ranked within each year's 30 cities
    for i in (0, 7, 19):
        _assert_replicate_exact(u, i)


def test_data_bands_follow_the_quality_flags(flagged) -> None:
    spec = _spec(assumptions=[{"kind": "data", "bands": {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.5},
                               "draws": 2}])
    u = uncertainty(flagged, spec)
    _, inputs = u.replicate(0)
    d = flagged.inputs.details.set_index(["unit", "indicator"])["quality"]
    ratio = (inputs.values / flagged.inputs.values).stack()
    moved = ratio[(ratio - 1).abs() > 1e-15].index
    assert set(d.reindex(moved).astype(int)) == {6}
    assert (ratio - 1).abs().max() <= 0.5


# --- reproducibility --------------------------------------------------------------------------------


def test_same_seed_same_results_serial_and_process_pool(asem) -> None:
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"block": 6})  # 11 blocks: more than in flight
    serial = uncertainty(asem, spec, n=64, seed=3)
    with ProcessPoolExecutor(2) as pool:
        pooled = uncertainty(asem, spec, n=64, seed=3, executor=pool)
    assert np.array_equal(serial.ranks["coinr"], pooled.ranks["coinr"], equal_nan=True)
    assert np.array_equal(serial.node_scores["coinr"], pooled.node_scores["coinr"], equal_nan=True)
    pd.testing.assert_frame_equal(serial.summary["coinr"], pooled.summary["coinr"])
    other = uncertainty(asem, spec, n=64, seed=4)
    assert not np.array_equal(serial.ranks["coinr"], other.ranks["coinr"])


def test_dask_local_cluster_gives_the_same_results(asem) -> None:
    import distributed  # a dev dependency: the Dask path always runs
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"block": 16})
    serial = sensitivity(asem, spec, n=8, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            remote = sensitivity(asem, spec, n=8, seed=3, executor=client.get_executor())
    pd.testing.assert_frame_equal(serial.indices, remote.indices)


# --- sensitivity and remove-one ---------------------------------------------------------------------


def test_sensitivity_reference_spec_shape_and_diagnostics(asem) -> None:
    spec = load_robustness_spec(ASEM_SPEC)
    sa = sensitivity(asem, spec, n=32)
    assert sa.runs == 32 * 6 and sa.design.startswith("saltelli")
    assert list(sa.indices["factor"]) == ["winsorisation", "normalisation", "weights", "aggregation"]
    assert (sa.indices["ST_lo"] <= sa.indices["ST_hi"]).all()
    assert {"negative_first", "first_above_total", "ST_width", "ST_change"} <= set(sa.diagnostics.columns)
    assert len(sa.per_unit) == 4 * 51


def test_sensitivity_small_discrete_grid_is_enumerated(asem) -> None:
    spec = _spec(assumptions=[{"name": "win", "path": "treat.winmax", "values": [1, 5]},
                              {"name": "agg", "path": "aggregate.method", "values": ["arithmetic", "geometric"]},
                              {"name": "norm", "path": "normalise", "values": [{"range": [1, 100]}]}])
    sa = sensitivity(asem, spec)
    assert sa.design == "exact grid" and sa.runs == 4
    ind = sa.indices.set_index("factor")
    assert np.isnan(ind.loc["norm", "S1"]) or ind.loc["norm", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert (ind["S1"] <= ind["ST"] + 1e-12).all()


def test_remove_one_asem(asem) -> None:
    summary, shifts = remove_one(asem)
    assert len(summary) == 49 + 10 and shifts.shape == (51, 59)
    assert set(summary["level"]) == {1, 2, 3}
    assert (summary["mean_abs_shift"] >= 0).all() and summary["max_abs_shift"].max() > 0


def test_remove_one_equals_plain_reruns_with_weight_zero(cohort) -> None:
    """Each shift is the rank of a plain re-run with that element's weight 0 minus the nominal rank."""
    _summary, shifts = remove_one(cohort, "ascf")
    nominal = cohort.ranks["ascf"]["cohort"].iloc[:, -1]
    for element in ("II-RND", "competitive-economy"):
        weights = dict(cohort.method.aggregate.weights) | {element: 0.0}
        method = cohort.method.model_copy(update={"aggregate": cohort.method.aggregate.model_copy(
            update={"weights": weights})})
        plain = cohort.rerun(method).ranks["ascf"]["cohort"].iloc[:, -1]
        want = (plain - nominal).to_numpy(dtype="float64")
        assert np.array_equal(shifts[f"ascf:{element}"].to_numpy(dtype="float64"), want, equal_nan=True)
    assert shifts.iloc[3].isna().all()  # the sparse city has no rank, so no shift


# --- bad specs ----------------------------------------------------------------------------------------


def test_replicate_that_cannot_be_scored_names_its_alternative(asem) -> None:
    spec = _spec(assumptions=[{"name": "agg", "path": "aggregate.method", "values": ["geometric"]}])
    with pytest.raises(InputError, match=r"(?s)agg='geometric'.*cannot take zero"):
        uncertainty(asem, spec)


@pytest.mark.parametrize(("assumption", "field"), [
    ({"name": "a", "path": "treat.winmaxx", "values": [1]}, "treat.winmaxx"),
    ({"name": "a", "path": "aggregate.method", "values": ["arithmetic", "median"]}, "aggregate.method"),
    ({"name": "a", "path": "aggregate.nodes.Nope.method", "values": ["geometric"]}, "aggregate.nodes.Nope.method"),
    ({"name": "a", "path": "treat.winmax", "values": [-1]}, "treat.winmax"),
    ({"name": "a", "path": "aggregate.lenses", "values": [["coinr"]]}, "aggregate.lenses"),
    ({"name": "w", "kind": "weights", "levels": [7], "share": 0.2}, "assumptions.w.levels"),
    ({"name": "d", "kind": "data"}, "assumptions.d.bands"),
])
def test_bad_spec_refused_before_running_with_the_path_named(asem, assumption, field) -> None:
    with pytest.raises(InputError) as info:
        uncertainty(asem, _spec(assumptions=[assumption]))
    assert field in str(info.value)
    assert any(p.field == field for p in info.value.problems)
    assert all(p.text("vi") != p.text("en") for p in info.value.problems)  # every problem has its Vietnamese


def test_spec_model_refuses_bad_fields(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="interval"):
        spec_from_dict({"interval": [0.9, 0.1], "assumptions": [{"name": "a", "path": "x", "values": [1]}]})
    with pytest.raises(InputError, match="share"):
        spec_from_dict({"assumptions": [{"kind": "weights", "levels": [1], "share": 2}]})
    bad = tmp_path / "spec.yaml"
    bad.write_text("assumptions: [{name: a, path: treat.winmax, values: [1]}]\nsamples: 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="samples"):
        load_robustness_spec(bad)


def test_overrides_are_validated_too(asem) -> None:
    with pytest.raises(InputError, match="n"):
        uncertainty(asem, load_robustness_spec(ASEM_SPEC), n=1)


def test_pairwise_shares(asem) -> None:
    spec = load_robustness_spec(ASEM_SPEC).model_copy(update={"pairwise": True})
    u = uncertainty(asem, spec, n=40)
    p = u.pairwise["coinr"].to_numpy()
    assert p.shape == (51, 51) and np.all(np.diag(p) == 0)
    assert np.all(p + p.T <= 1.0 + 1e-12)
    ranks = u.ranks["coinr"]
    assert p[0, 1] == pytest.approx(np.mean(ranks[:, 0] < ranks[:, 1]))


def test_reference_spec_loads() -> None:
    spec = load_robustness_spec(ASEM_SPEC)
    assert [a.kind for a in spec.assumptions] == ["discrete", "discrete", "weights", "discrete"]
    assert spec.n == 500 and spec.interval == (0.05, 0.95)


# --- page and command line ----------------------------------------------------------------------------


def test_robustness_page_is_self_contained_deterministic_and_translated(asem, tmp_path: Path) -> None:
    from assessment.report import render_robustness

    spec = load_robustness_spec(ASEM_SPEC)
    parts = {"uncertainty": uncertainty(asem, spec, n=40), "sensitivity": sensitivity(asem, spec, n=8),
             "removed": remove_one(asem)[0], "audited": audit(asem, bootstrap=10)}
    en = render_robustness(asem, tmp_path / "a" / "robustness.html", **parts).read_bytes()
    again = render_robustness(asem, tmp_path / "b" / "robustness.html", **parts).read_bytes()
    vi = render_robustness(asem, tmp_path / "vi" / "robustness.html", lang="vi", **parts).read_text("utf-8")
    assert en == again
    html = en.decode("utf-8")
    assert "content=\"default-src &#39;none&#39;" in html and "<script" not in html
    assert "http://" not in html and "https://" not in html and "src=" not in html
    assert html.count("<svg") == 3 and "LUX" in html
    assert "Phân tích độ nhạy" in vi and "Sensitivity analysis" not in vi


def test_cli_robustness_writes_tables_and_page(synthetic, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    synthetic.cohort(30, 25, years=1, seed=2).to_csv(tmp_path / "cohort.csv", index=False)
    (tmp_path / "spec.yaml").write_text(
        "n: 16\nseed: 1\nassumptions:\n  - {name: agg, path: aggregate.method, values: [arithmetic, generalised]}\n"
        "  - {name: w, kind: weights, levels: [1], share: 0.2}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["robustness", str(tmp_path / "cohort.csv"), "--spec", str(tmp_path / "spec.yaml"),
                                   "-o", str(tmp_path / "out"), "--n", "8"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out"
    assert (out / "robustness.html").is_file() and (out / "robustness.xlsx").is_file()
    table = pd.read_csv(out / "uncertainty-ascf.csv")
    assert len(table) == 30 and {"nominal_rank", "median_rank", "rank_lo", "rank_hi"} <= set(table.columns)
    bad = CliRunner().invoke(app, ["robustness", str(tmp_path / "cohort.csv"), "--spec", str(tmp_path / "nope.yaml")])
    assert bad.exit_code == 1 and "robustness spec not found" in bad.output
