"""Known answers from published third-party results (``tests/data/reference/``, README there).

COINr ASEM: each stage is run on COINr's own previous stage and compared to 1e-9; the whole
chain from the raw CSV is compared too (iData.csv stores ~8 significant digits, so the raw
chain agrees to its storage precision, see that README). OECD BLI: the 2025
website topic scores (``examples/data/``, README there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import KNOWN_ANSWERS, load_script

import assessment
from assessment.scoring import aggregate_frame, aggregate_lens, assess, impute, normalise, treat
from assessment.scoring.imputers import ImputeMeanGroup
from assessment.scoring.method import Aggregate, Denominate, Normalise, Treat, load_method
from assessment.scoring.prepare import denominate, denominators_for

ROOT = Path(__file__).resolve().parent.parent
ASEM_METHOD = ROOT / "examples" / "methods" / "coinr-asem.yaml"


@pytest.fixture(scope="module")
def asem(reference_dir: Path) -> assessment.CoinrImport:
    return assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")


def expected(stage: str) -> pd.DataFrame:
    frame = pd.read_csv(KNOWN_ANSWERS / f"coinr_asem_{stage}.csv").set_index("UnitCode")
    frame.index.name = "unit"
    return frame.drop(columns=["UnitName", "Group_EurAsia"])


def assert_close(actual: pd.DataFrame, wanted: pd.DataFrame, atol: float = 1e-9, rtol: float = 0.0) -> None:
    cols = list(wanted.columns)
    a = actual.loc[wanted.index, cols].to_numpy(dtype="float64")
    w = wanted.to_numpy(dtype="float64")
    assert np.array_equal(np.isnan(a), np.isnan(w)), "missing values differ"
    np.testing.assert_allclose(a, w, atol=atol, rtol=rtol, equal_nan=True)


def test_asem_denominate_matches_to_storage_precision(asem):
    raw = asem.data[[i.id for i in asem.catalogue.indicators]]
    dens = denominators_for(asem.catalogue, raw.columns, Denominate())
    assert set(dens.values()) == {"GDP", "Population", "Area", "Energy"}
    out = denominate(raw.rename_axis("unit"), asem.data.rename_axis("unit"), dens)
    assert_close(out, expected("denominated"), atol=0, rtol=1e-7)


def test_asem_group_mean_imputation(asem):
    den = expected("denominated")
    profiles = asem.data.rename_axis("unit").loc[den.index]
    out, flags = impute(den, profiles, ImputeMeanGroup(group="EurAsia_group"))
    assert_close(out, expected("imputed"), rtol=1e-12)
    assert int(flags.to_numpy().sum()) == int(den.isna().to_numpy().sum() - out.isna().to_numpy().sum())


def test_asem_winsorisation_points_and_values():
    imputed = expected("imputed")
    out, _changed, details = treat(imputed, Treat(method="winsorise", winmax=5))
    assert_close(out, expected("treated"), rtol=1e-12)
    summary = pd.read_csv(KNOWN_ANSWERS / "coinr_asem_treat_summary.csv").set_index("IndCode")
    got = details.set_index("indicator").loc[summary.index]
    assert got["winsorised_low"].tolist() == summary["Low"].astype(int).tolist()
    assert got["winsorised_high"].tolist() == summary["High"].astype(int).tolist()
    assert not got["log"].any()


def test_asem_minmax(asem):
    out = normalise(expected("treated"), asem.catalogue, Normalise(method="minmax"))
    assert_close(out, expected("normalised"))


def test_asem_arithmetic_aggregation_every_level(asem):
    norm = expected("normalised")
    out = aggregate_lens(norm, asem.catalogue, "coinr", Aggregate(lenses=("coinr",)))
    wanted = expected("aggregated")
    assert_close(out, wanted[[c for c in wanted.columns if c in out.columns]])
    assert len(out.columns) == 11  # 8 pillars, 2 sub-indices, Index


def test_asem_full_chain_from_raw(asem):
    result = assess(asem, method=ASEM_METHOD)
    for stage, table in [("imputed", result.imputed), ("treated", result.treated)]:
        assert_close(table, expected(stage), atol=0, rtol=1e-7)
    assert_close(result.normalised, expected("normalised"), atol=1e-6)
    assert_close(result.aggregated["coinr"], expected("aggregated")[
        list(result.aggregated["coinr"].columns)], atol=1e-6)
    assert len(result.screening) == 51 and result.screening["included"].all()
    scores = pd.read_csv(KNOWN_ANSWERS / "coinr_asem_results_scores.csv").set_index("UnitCode")
    ranks = pd.read_csv(KNOWN_ANSWERS / "coinr_asem_results_ranks.csv").set_index("UnitCode")
    cols = [c for c in scores.columns if c not in ("UnitName", "Rank")]
    np.testing.assert_allclose(result.aggregated["coinr"].loc[scores.index, cols].round(2), scores[cols], atol=1e-9)
    got_ranks = result.ranks["coinr"]["cohort"].loc[ranks.index, cols]
    assert (got_ranks.to_numpy() == ranks[cols].to_numpy()).all()


def vignette(example: str) -> pd.DataFrame:
    frame = pd.read_csv(KNOWN_ANSWERS / "coinr_vignette_published_values.csv")
    return frame[frame["example"].str.startswith(example)]


def test_vignette_harmonic_mean_on_1_100(asem):
    cols = ["LPI", "Flights", "Ship", "Bord"]
    raw = asem.data[cols].rename_axis("unit")
    norm = normalise(raw, asem.catalogue, Normalise(method="minmax", range=(1, 100)))
    y = aggregate_frame(norm, [1, 1, 2, 1], method="harmonic")
    pub = vignette("E6")
    for _, row in pub.iterrows():
        got = y[row["unit"]] if row["column"] == "y" else norm.loc[row["unit"], row["column"]]
        assert float(f"{got:.3g}") == pytest.approx(float(row["published_value"]), abs=1e-9), row.to_dict()


def test_vignette_data_availability_threshold():
    df = pd.DataFrame({"i1": [1, 2, 3], "i2": [3, np.nan, np.nan], "i3": [1, np.nan, 1]})
    y = aggregate_frame(df, [1, 1, 1], min_coverage=2 / 3)
    pub = vignette("E7")["published_value"].tolist()
    assert y.round(6).tolist()[0] == pytest.approx(float(pub[0]))
    assert np.isnan(y[1]) and pd.isna(pub[1])
    assert y[2] == pytest.approx(float(pub[2]))


def test_vignette_unit_summary_india(asem):
    result = assess(asem, method=ASEM_METHOD)
    for _, row in vignette("E2").iterrows():
        col = row["column"]
        if col.endswith("_rank"):
            assert result.ranks["coinr"]["cohort"].loc["IND", col.removesuffix("_rank")] == int(row["published_value"])
        else:
            assert round(result.aggregated["coinr"].loc["IND", col], 2) == pytest.approx(float(row["published_value"]))


def test_oecd_bli_2025_topic_scores(reference_dir):
    both = load_script("examples/oecd_bli.py").compare(reference_dir)
    assert len(both) == 451
    assert (both["error"] <= 0.3 + 1e-9).all(), both.sort_values("error").tail()
    assert (both["error"] <= 0.1 + 1e-9).mean() >= 0.90


def test_method_files_load():
    for path in (ROOT / "examples" / "methods").glob("*.yaml"):
        assert load_method(path).name == path.stem
