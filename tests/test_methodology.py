"""Issue 10 on the example cohort: outcomes that are not copies of focus areas, levels that agree
with scores, and no rank without data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import load_script

import assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"


def test_example_cohort_levels_agree_with_scores(example_result):
    gap, outside = load_script("benchmarks/level_agreement.py").measure(example_result)
    assert gap.size > 2000  # the comparison covers the cohort
    assert int((gap >= 2).sum()) == 0 and int((gap >= 1).sum()) == 0
    assert outside == 0


def test_outcomes_are_not_copies_of_focus_areas(example_result):
    ascf, areas = example_result.aggregated["ascf"], example_result.aggregated["ascf-focus-areas"]
    for outcome in ("competitive-economy", "sustainable-environment", "quality-of-life"):
        for area in areas.columns:
            assert not np.allclose(ascf[outcome], areas[area], equal_nan=True), (outcome, area)
    # the overall is the unweighted mean of the three outcomes
    three = ascf[["competitive-economy", "sustainable-environment", "quality-of-life"]]
    np.testing.assert_allclose(ascf["overall"], three.mean(axis=1))


@pytest.fixture(scope="module")
def with_cherry_picker(tmp_path_factory) -> tuple[assessment.Assessment, Path]:
    """The example cohort plus a workbook with 7 of 98 indicators, all at their best goalposts."""
    from assessment import Prefill

    cat = assessment.load_catalogue()
    d = tmp_path_factory.mktemp("cherry")
    best = {i.id: {"value": i.goalposts.best} for i in cat.scored_indicators[::14] if i.goalposts}
    assert len(best) == 7
    assessment.write_template(d / "cherry-2025.xlsx", city="Cherry Town", country="VN", year=2025, lang="en",
                              catalogue=cat, prefill=Prefill(profile={"population": 300_000}, indicators=best))
    intake = assessment.read_submissions([EXAMPLES, d / "cherry-2025.xlsx"])
    warned = intake.issues[intake.issues["file"].str.endswith("cherry-2025.xlsx")]
    assert warned["code"].tolist() == ["too-few-values"]
    assert "cannot be ranked" in warned["message"].iloc[0] and "79" in warned["message"].iloc[0]
    return assessment.assess(intake.without_error_files()), d


def test_cherry_picker_is_never_ranked_above_a_complete_city(with_cherry_picker):
    result, _ = with_cherry_picker
    ranks = result.ranks["ascf"]["cohort"]["overall"]
    status = result.rank_status("ascf")
    assert status.at["Cherry Town", "reported"] == 7 and status.at["Cherry Town", "needed"] == 79
    assert np.isnan(ranks["Cherry Town"]) and not status.at["Cherry Town", "ranked"]
    others = ranks.drop("Cherry Town")
    assert others.notna().all() and sorted(others) == list(range(1, len(others) + 1))
    for group in ("population-class", "country"):
        assert np.isnan(result.ranks["ascf"][group].at["Cherry Town", "overall"])
    # outcomes and focus areas with too few reported indicators show no score
    assert result.aggregated["ascf"].loc["Cherry Town"].isna().all()
    assert result.aggregated["ascf-focus-areas"].loc["Cherry Town"].isna().all()
    # the coverage travels with the result into every export
    tables = result.tables()
    assert tables["coverage-ascf"].at["Cherry Town", "overall"] == pytest.approx(7 / 98)
    assert {"coverage", "reported", "needed", "ranked"} <= set(tables["ranks-ascf-cohort"].columns)


def test_cherry_picker_pages_say_why(with_cherry_picker, tmp_path):
    from assessment import render_report

    result, _ = with_cherry_picker
    for lang, reason in (("en", "Not ranked: data for 7 of 98 indicators (needs 79)."),
                         ("vi", "Không xếp hạng: có dữ liệu cho 7 trên 98 chỉ số (cần 79).")):
        out = tmp_path / lang
        render_report(result, out, lang=lang)
        city = (out / "cities" / "cherry-town.html").read_text(encoding="utf-8")
        cohort = (out / "index.html").read_text(encoding="utf-8")
        assert reason in city and reason in cohort
    da_nang = (tmp_path / "en" / "cities" / "da-nang.html").read_text(encoding="utf-8")
    assert "Overall rank: " in da_nang and " of 26 ranked cities; " in da_nang
    vi = (tmp_path / "vi" / "cities" / "da-nang.html").read_text(encoding="utf-8")
    assert "Xếp hạng chung: thứ " in vi and " trên 26 thành phố được xếp hạng" in vi


def test_ordinals():
    from assessment.i18n import ordinal

    assert [ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]
    assert ordinal(13, "vi") == "13"
