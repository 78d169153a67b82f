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
