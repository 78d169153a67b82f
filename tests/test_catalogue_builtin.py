"""The built-in catalogue holds the counts and fields the product promises (read from the data)."""

from __future__ import annotations

from collections import Counter

import pytest

from assessment import Catalogue
from assessment.catalogue.views import counts, outcome_of

LANGS = ("en", "vi", "id", "th")  # as catalogue.yaml declares them; id and th are drafts (locale.toml)


def test_identity(catalogue: Catalogue) -> None:
    assert catalogue.id == "ascf-oecd"
    assert catalogue.languages == LANGS
    assert len(catalogue.content_hash) == 64


def test_ascf_lens_structure(catalogue: Catalogue) -> None:
    ascf = catalogue.lens("ascf")
    outcomes = ascf.children(ascf.root.id)
    assert {n.id for n in outcomes} == {"competitive-economy", "sustainable-environment", "quality-of-life"}
    assert ascf.leaves() == outcomes and ascf.field == "outcome"  # indicators -> 3 outcomes -> overall
    areas = catalogue.lens("ascf-focus-areas")
    assert areas.field == "focus_area" and len(areas.leaves()) == 6
    assert all(areas.depth(leaf.id) == 1 for leaf in areas.leaves())
    assert areas.root.id != "overall"  # the focus-area view's root is not the overall score


def test_outcome_composition(catalogue: Catalogue) -> None:
    """Each outcome: >= 20 scored indicators from >= 3 focus areas; each indicator counted once per view."""
    scored = catalogue.scored_indicators
    for view in ("ascf", "ascf-focus-areas"):
        placed = catalogue.membership(view)
        assert {i.id for i in scored} <= set(placed), view
    by_outcome: dict[str, list[str]] = {}
    for ind in scored:
        assert ind.outcome is not None and ind.focus_area is not None, ind.id
        by_outcome.setdefault(ind.outcome, []).append(ind.focus_area)
    assert set(by_outcome) == {"competitive-economy", "sustainable-environment", "quality-of-life"}
    for outcome, areas in by_outcome.items():
        assert len(areas) >= 20, (outcome, len(areas))
        assert len(set(areas)) >= 3, (outcome, Counter(areas))
    # where an indicator's outcome is not its focus area's usual one, the catalogue says why
    usual = {"industry-innovation": "competitive-economy", "quality-environment": "sustainable-environment"}
    for ind in scored:
        assert ind.focus_area is not None
        if ind.outcome != usual.get(ind.focus_area, "quality-of-life"):
            assert ind.outcome_reason and all(ind.outcome_reason.get(lang) for lang in LANGS), ind.id


def test_oecd_lenses_structure(catalogue: Catalogue) -> None:
    wb = catalogue.lens("oecd-wellbeing")
    assert len(wb.leaves()) == 11
    assert Counter(n.group for n in wb.leaves()) == {"material-conditions": 3, "quality-of-life": 5,
                                                     "community-relations": 3}
    assert {n.id for n in catalogue.lens("oecd-capitals").leaves()} == {"natural", "economic", "human", "social"}
    assert len(catalogue.lens("ascf-enablers").leaves()) == 4
    assert {n.id for n in catalogue.lens("oecd-pillars").leaves()} == {"smart-city-tools", "stakeholder-engagement"}


def test_indicator_counts(catalogue: Catalogue) -> None:
    assert len(catalogue.indicators) >= 80
    assert len(catalogue.scored_indicators) >= 80
    table = counts(catalogue)
    assert all(n >= 8 for n in table["ascf-focus-areas"].values()), table["ascf-focus-areas"]
    assert all(n >= 3 for n in table["oecd-wellbeing"].values()), table["oecd-wellbeing"]
    assert all(n >= 20 for n in table["ascf-outcomes"].values()), table["ascf-outcomes"]
    # scored indicators alone also meet the focus-area and outcome minimums
    scored = Counter(i.focus_area for i in catalogue.scored_indicators)
    assert all(scored[leaf.id] >= 8 for leaf in catalogue.lens("ascf-focus-areas").leaves())
    scored_outcomes = Counter(outcome_of(catalogue, i) for i in catalogue.scored_indicators)
    assert all(n >= 20 for n in scored_outcomes.values()) and len(scored_outcomes) == 3


@pytest.mark.parametrize("field", ["name", "definition", "unit", "data_source"])
def test_every_indicator_text_is_bilingual(catalogue: Catalogue, field: str) -> None:
    for ind in catalogue.indicators:
        value = getattr(ind, field)
        assert value is not None and all(value.get(lang) for lang in LANGS), (ind.id, field)


def test_every_indicator_is_complete(catalogue: Catalogue) -> None:
    for ind in catalogue.indicators:
        assert ind.tier in ("core", "advanced"), ind.id
        assert ind.computation is not None and all(ind.computation.numerator.get(x) for x in LANGS), ind.id
        assert ind.focus_area and ind.oecd_dimensions, ind.id
        assert ind.references, ind.id
        if ind.scored:
            assert ind.goalposts is not None and ind.thresholds is not None, ind.id
            assert ind.goalposts.basis.source and ind.thresholds.basis.source, ind.id
            # level 5 is never beyond the best goalpost in the direction of improvement
            assert (ind.goalposts.best - ind.thresholds.values[-1]) * ind.direction >= 0, ind.id
        else:
            assert ind.goalposts is None and ind.thresholds is None, ind.id


def test_both_tiers_and_all_directions_are_used(catalogue: Catalogue) -> None:
    assert {i.tier for i in catalogue.indicators} == {"core", "advanced"}
    assert {i.direction for i in catalogue.indicators} == {1, -1, 0}


def test_judgement_is_declared_not_hidden(catalogue: Catalogue) -> None:
    judged = {i.id for i in catalogue.scored_indicators if i.goalposts and i.goalposts.basis.is_judgement}
    assert judged, "some goalposts must be judgement calls, and say so"
    # WHO 2021 air-quality goalposts are published, not judgement
    for code in ("QE-PM25", "QE-PM10"):
        assert catalogue.indicator(code).goalposts.basis.kind == "who-guideline"  # type: ignore[union-attr]
        assert not catalogue.indicator(code).goalposts.basis.is_judgement  # type: ignore[union-attr]
    # every basis of kind "judgement" is flagged as such
    for ind in catalogue.scored_indicators:
        for basis in (ind.goalposts.basis, ind.thresholds.basis):  # type: ignore[union-attr]
            if basis.kind == "judgement":
                assert basis.is_judgement


def test_who_pm25_thresholds_are_the_published_interim_targets(catalogue: Catalogue) -> None:
    # WHO Global Air Quality Guidelines (2021): interim targets 35, 25, 15, 10; AQG level 5 µg/m³
    assert catalogue.indicator("QE-PM25").thresholds.values == (35, 25, 15, 10, 5)  # type: ignore[union-attr]


def test_itu_y4904_example_thresholds(catalogue: Catalogue) -> None:
    # ITU-T Y.4904 worked example for household Internet access: baseline, 30, 50, 70, 90 %
    assert catalogue.indicator("CS-INTERNET").thresholds.values == (0, 30, 50, 70, 90)  # type: ignore[union-attr]


REQUIRED_ENABLERS = {
    "EB-STRATEGY", "EB-GOVERNANCE", "EB-DATAGOV", "EB-INTEROP", "EB-CYBER", "EB-PRIVACY",
    "EB-ACCESSIBILITY", "EB-DIGONCE", "EB-CYBERACC", "EB-ENGAGEMENT", "EB-INCLUSION",
    "EB-PARTNERSHIP", "EB-FUNDING", "EB-MONITORING", "EB-RESILIENCE",
}


def test_enablers(catalogue: Catalogue) -> None:
    assert len(catalogue.enablers) >= 15
    assert {e.id for e in catalogue.enablers} >= REQUIRED_ENABLERS
    for en in catalogue.enablers:
        assert sorted(en.levels) == [0, 1, 2, 3, 4, 5], en.id
        for level, descriptor in en.levels.items():
            assert all(descriptor.get(lang) for lang in LANGS), (en.id, level)
        assert en.references and en.evidence and en.definition, en.id
    assert {e.oecd_pillar for e in catalogue.enablers} == {"smart-city-tools", "stakeholder-engagement"}
    assert len({e.ascf_enabler for e in catalogue.enablers}) == 4


def test_level_names_follow_itu_y4904(catalogue: Catalogue) -> None:
    names = [catalogue.maturity_level_name(i, "en") for i in range(6)]
    assert names == ["Not started", "Planning", "Alignment", "Development", "Integration", "Optimization"]
    assert all(catalogue.maturity_level_name(i, "vi") != names[i] for i in range(6))


def test_quality_scale_has_the_six_u4ssc_flags(catalogue: Catalogue) -> None:
    assert [q.code for q in catalogue.header.quality_flags] == [1, 2, 3, 4, 5, 6]


def test_ids_are_unique_and_focus_prefixed(catalogue: Catalogue) -> None:
    prefix = {"civic-social": "CS-", "health-wellbeing": "HW-", "safety-security": "SS-",
              "quality-environment": "QE-", "built-infrastructure": "BI-", "industry-innovation": "II-"}
    for ind in catalogue.indicators:
        assert ind.id.startswith(prefix[ind.focus_area]), ind.id  # type: ignore[index]


def test_catalogue_is_immutable(catalogue: Catalogue) -> None:
    with pytest.raises(Exception, match="frozen"):
        catalogue.indicators[0].direction = -1  # type: ignore[misc]


def test_vn_950_lens_is_labelled_as_this_packages_mapping(catalogue: Catalogue) -> None:
    """Decision 950's three content groups as data; the placement is ours, and says so in both languages."""
    for lens_id, kind in (("vn-950", "indicators"), ("vn-950-enablers", "enablers")):
        lens = catalogue.lens(lens_id)
        assert lens.applies_to == kind
        assert [n.id for n in lens.children(lens.root.id)] == ["planning", "management", "utilities"]
        assert "not official" in lens.name["en"] and "không chính thức" in lens.name["vi"]
        assert lens.node("planning").name["vi"] == "Quy hoạch đô thị thông minh"
        assert lens.node("management").name["vi"] == "Quản lý đô thị thông minh"
        assert lens.node("utilities").name["vi"] == "Tiện ích đô thị thông minh"
    placed = catalogue.membership("vn-950")
    assert all(catalogue.indicator(i).scored for i in placed)  # one group per indicator, no context ones
    assert {len([i for i, g in placed.items() if g == group]) for group in ("planning", "management",
                                                                            "utilities")} >= {11}
    assert set(catalogue.membership("vn-950-enablers")) == {e.id for e in catalogue.enablers}
