"""A researcher's own framework: the default method aggregates its lenses; results display briefly."""

from __future__ import annotations

from pathlib import Path

import assessment


def test_default_method_aggregates_every_complete_lens_of_the_framework(reference_dir: Path, tmp_path: Path) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    result = assessment.assess(coin, method={"normalise": {"method": "minmax"}})  # no lens named
    assert list(result.aggregated) == ["coinr"]
    builtin = assessment.load_catalogue()
    assert assessment.Method().aggregate.lenses == ()
    complete = [lens.id for lens in builtin.lenses if lens.applies_to == "indicators" and lens.complete]
    assert complete == ["ascf", "ascf-focus-areas", "oecd-wellbeing"]  # what the built-in default scores
    assert assessment.render_report(result, tmp_path / "site").is_file()  # its own framework renders too


def test_reprs_are_short_and_notebooks_get_html(reference_dir: Path) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    result = assessment.assess(coin, method=Path(__file__).resolve().parent.parent / "examples" / "methods"
                               / "coinr-asem.yaml")
    intake = assessment.read_submissions([Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"])
    for obj in (result, intake, assessment.load_catalogue(), result.method, coin.catalogue):
        text = repr(obj)
        assert len(text) < 1000 and text.startswith(type(obj).__name__ + "("), text
    assert repr(result).endswith("catalogue='coinr-import 1.0')")
    for obj in (result, intake):
        html = obj._repr_html_()
        assert "<table" in html and len(html) < 50_000


def test_robustness_results_and_a_coinr_import_display_briefly(reference_dir: Path) -> None:
    """As ``Assessment``: a one-line repr of counts and ids (it dumped every table before), and HTML."""
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    result = assessment.assess(coin, method={"normalise": {"method": "minmax"}})
    spec = {"name": "win", "n": 8, "assumptions": [{"name": "winmax", "path": "treat.winmax", "values": [1, 5]}]}
    ua, sa = assessment.uncertainty(result, spec), assessment.sensitivity(result, spec)
    expected = [(ua, "UncertaintyResult(spec='win', replicates=8, units=51, lenses=['coinr'], assumptions=['winmax'])"),
                (sa, "SensitivityResult(spec='win', design='exact grid', n=2, runs=2, lenses=['coinr'], "
                    "factors=['winmax'])"),
                (coin, "CoinrImport(units=51, indicators=49, catalogue='coinr-import 1.0', groups=['GDP_group', "
                      "'GDPpc_group', 'Pop_group', 'EurAsia_group'], denominators=['Area', 'Energy', 'GDP', "
                      "'Population'])")]
    for obj, text in expected:
        assert repr(obj) == text
        html = obj._repr_html_()
        assert html.startswith(f"<p><b>{type(obj).__name__}</b>") and "<table" in html and len(html) < 50_000
    assert "<th>LPI</th>" in coin._repr_html_() and "<th>winmax</th>" in sa._repr_html_()


def test_a_misspelt_id_is_refused_with_a_suggestion(reference_dir: Path) -> None:
    import pytest

    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    method = {"normalise": {"method": "minmax", "overrides": {"Gos": {"method": "rank"}}},
              "aggregate": {"weights": {"LPl": 3, "Conn": 2}, "nodes": {"Socail": {"method": "geometric"}}},
              "treat": {"skip": ["Flights"]}}
    with pytest.raises(assessment.InputError) as err:
        assessment.assess(coin, method=method)
    found = {(p.field, p.item): p.fix_text() for p in err.value.problems}
    assert found == {("normalise.overrides", "Gos"): "did you mean Goods, Gas?",
                     ("aggregate.weights", "LPl"): "did you mean LPI?",
                     ("aggregate.nodes", "Socail"): "did you mean Social?"}  # known ids (Conn, Flights) pass


def test_a_partial_rerun_changes_exactly_what_it_names(reference_dir: Path) -> None:
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    asem = Path(__file__).resolve().parent.parent / "examples" / "methods" / "coinr-asem.yaml"
    first = assessment.assess(coin, method=asem)
    again = first.rerun(aggregate={"weights": {"LPI": 3}})
    before, after = first.method.model_dump(), again.method.model_dump()
    assert after["aggregate"]["weights"] == {**before["aggregate"]["weights"], "LPI": 3.0}
    after["aggregate"]["weights"], before["aggregate"]["weights"] = {}, {}
    assert after == before  # nothing else moved
    assert again.recipe.method.fingerprint != first.recipe.method.fingerprint
    plain = assessment.assess(coin, method=first.method.with_(aggregate={"weights": {"LPI": 3}}))
    assert plain.aggregated["coinr"].equals(again.aggregated["coinr"])


def test_summary_is_coinrs_results_table(reference_dir: Path, expected_dir: Path) -> None:
    """``summary(depth=2)`` is COINr's ``get_results(tab_type = "Aggs")``: same rows in the same order."""
    import pandas as pd

    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    result = assessment.assess(coin, method=Path(__file__).resolve().parent.parent / "examples" / "methods"
                               / "coinr-asem.yaml")
    published = pd.read_csv(expected_dir / "coinr_asem_results_scores.csv").set_index("UnitCode")
    table = result.summary(depth=2)
    assert list(table.index) == list(published.index)  # best first, as published
    assert (table["rank"].to_numpy() == published["Rank"].to_numpy()).all()
    nodes = [c for c in published.columns if c not in ("UnitName", "Rank")]
    assert list(table.columns) == ["name", "Index", "rank", "coverage", "ranked", *nodes[1:]]
    assert (table["name"] == published["UnitName"]).all()  # the units' names, as COINr's table gives them
    assert (table[nodes].round(2).to_numpy() == published[nodes].to_numpy()).all()
    assert list(result.summary().columns) == ["name", "Index", "rank", "coverage", "ranked", "Conn", "Sust"]


def test_a_fully_default_method_scores_a_framework_without_thresholds(reference_dir: Path) -> None:
    """``assess(coin)``: anchored has nothing to anchor on, so it is minmax on 0-100 (COINr's default)."""
    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    default = assessment.assess(coin)
    minmax = assessment.assess(coin, method={"normalise": {"method": "minmax"}})
    assert default.normalised.equals(minmax.normalised)
    assert default.aggregated["coinr"].equals(minmax.aggregated["coinr"])
    assert default.normalised.min().min() == 0 and default.normalised.max().max() == 100


def test_verbs_on_plain_frames_equal_the_pipeline(reference_dir: Path) -> None:
    """impute_frame → treat_frame → normalise_frame → aggregate_frame reproduce the pipeline's stages."""
    import doctest
    import importlib

    import numpy as np

    coin = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv")
    method = {"impute": {"method": "mean"}, "treat": {"method": "winsorise"}, "normalise": {"method": "minmax"},
              "aggregate": {"min_reported": 0}, "rank": {"min_coverage": 0}}
    result = assessment.assess(coin, method=method)
    raw = result.denominated  # the default method denominates a COINr import by its iMeta denominators
    imputed = assessment.impute_frame(raw, "mean")
    assert imputed.equals(result.imputed)
    treated = assessment.treat_frame(imputed)
    assert treated.equals(result.treated)
    directions = {i.id: i.direction for i in coin.catalogue.indicators}
    normalised = assessment.normalise_frame(treated, "minmax", directions)
    np.testing.assert_allclose(normalised.to_numpy(), result.normalised.to_numpy(), rtol=0, atol=1e-12)
    leaves = [i for i, leaf in coin.catalogue.membership("coinr").items() if leaf == "Physical"]
    weights = [coin.catalogue.indicator(i).weight for i in leaves]
    physical = assessment.aggregate_frame(normalised[leaves], weights)
    np.testing.assert_allclose(physical, result.aggregated["coinr"]["Physical"], rtol=0, atol=1e-9)
    grouped = assessment.impute_frame(raw, "mean-group", group=coin.data["EurAsia_group"])
    asem = assessment.assess(coin, method={**method, "impute": {"method": "mean-group", "group": "EurAsia_group"}})
    assert grouped.equals(asem.imputed)
    frames = importlib.import_module("assessment.scoring.frames")
    outcome = doctest.testmod(frames)
    assert outcome.attempted >= 5 and outcome.failed == 0


def test_lens_roles_are_catalogue_data() -> None:
    """Pages find the headline and radar lenses by role; two lenses may not claim one role."""
    cat = assessment.load_catalogue()
    assert cat.lens_for("headline").id == "ascf" and cat.lens_for("areas").id == "ascf-focus-areas"
    assert cat.lens_for("wellbeing").id == "oecd-wellbeing"
    from assessment.catalogue.checks import check_ids

    lenses = [("a.yaml", lens) for lens in cat.lenses]
    twin = cat.lens("oecd-capitals").model_copy(update={"role": "headline"})
    codes = {p.code for p in check_ids([], [*lenses, ("b.yaml", twin)])}
    assert "duplicate-role" in codes


def test_a_30_unit_framework_brought_as_dataframes(tmp_path: Path) -> None:
    """The researcher flow of examples/researcher_flow.py: defaults, partial rerun, strict ids, drift, display."""
    import pandas as pd
    import pytest
    from conftest import load_script

    flow = load_script("examples/researcher_flow.py")
    idata, imeta = flow.framework()
    before = idata.copy()
    coin = assessment.from_coinr(idata, imeta)
    result = assessment.assess(coin)
    pd.testing.assert_frame_equal(idata, before)  # inputs never modified
    assert list(result.aggregated) == ["coinr"] and result.aggregated["coinr"]["Index"].notna().all()
    assert result.summary()["ranked"].all()  # two units miss 2 of 12 (83 % >= 80 %): still ranked
    assert list(result.summary().columns) == ["name", "Index", "rank", "coverage", "ranked", "Econ", "Env", "Soc"]
    # the one changed weight moves exactly the pillar and index it feeds
    again = result.rerun(aggregate={"weights": {"x00": 3}})
    moved = (again.aggregated["coinr"] - result.aggregated["coinr"]).abs().max()
    assert moved["Econ"] > 0 and moved["Index"] > 0 and moved["Env"] == 0 and moved["Soc"] == 0
    with pytest.raises(assessment.InputError) as err:
        result.rerun(aggregate={"weights": {"x99": 3}})
    assert err.value.problems[0].fix_text() == "did you mean x09?"
    folder = result.to_csv(tmp_path / "saved")
    assert assessment.load_result(folder).recipe == result.recipe
    for name, old, new, code in [("inputs.json", '"U03"', '"U99"', "changed-inputs"),
                                 ("method.yaml", "method: arithmetic", "method: geometric", "changed-method"),
                                 ("catalogue.json", '"weight": 1.0', '"weight": 2.0', "changed-catalogue")]:
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(assessment.InputError) as drift:
            assessment.load_result(folder)
        assert {p.code for p in drift.value.problems} == {code}, name
        (folder / name).write_text(text, encoding="utf-8")
    for obj in (result, coin.catalogue, result.method):
        assert len(repr(obj)) < 1000
    assert "<table" in result._repr_html_()
    transcript = flow.main(tmp_path / "again")
    assert transcript[0].startswith(">>> result = ") and any("did you mean x09" in line for line in transcript)


def test_every_normalisation_names_a_foreign_or_missing_parameter() -> None:
    """Across all normalisation models: a parameter another method takes is refused by name, a required one
    missing is named."""
    import pydantic
    import pytest

    from assessment.scoring.specs import NORMALISATION_MODELS, normalise_spec

    every = set().union(*(set(m.model_fields) - {"method"} for m in NORMALISATION_MODELS.values()))
    assert every == {"range", "cap", "target", "mean_sd", "reference_unit", "bounds"}
    for name, model in NORMALISATION_MODELS.items():
        required = {f for f, info in model.model_fields.items() if info.is_required()}
        takes = set(model.model_fields) - {"method"}
        base = {f: "U01" for f in required}
        normalise_spec(name, **base)  # valid with only its required parameters
        for foreign in sorted(every - takes):
            with pytest.raises(pydantic.ValidationError) as err:
                normalise_spec(name, **base, **{foreign: (0, 1) if foreign in ("range", "mean_sd") else 1})
            assert foreign in str(err.value) and "Extra inputs are not permitted" in str(err.value), (name, foreign)
        for missing in required:
            with pytest.raises(pydantic.ValidationError) as err:
                normalise_spec(name, **{f: v for f, v in base.items() if f != missing})
            assert missing in str(err.value) and "Field required" in str(err.value)
    assert {n for n, m in NORMALISATION_MODELS.items() if any(i.is_required() for i in m.model_fields.values()
                                                               if i is not m.model_fields["method"])} == {"dist2ref"}
