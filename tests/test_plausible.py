"""Plausible ranges and unit slips (issue 23): catalogue data, the one judgement, intake, review, measurement."""

from __future__ import annotations

import math
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from slips import KINDS, right_factor, seed_slips  # the test data generator beside the tests
from typer.testing import CliRunner

import assessment
from assessment import CatalogueError
from assessment.catalogue.plausible import judge
from assessment.intake import write_template
from assessment.resources import indicators_dir
from assessment.review import read_round, review, write_review

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"
RANGE_CODES = ("implausible", "implausible-slip", "implausible-slips", "out-of-range", "out-of-range-slip",
               "out-of-range-slips")


def _typed(tmp_path: Path, lang: str, values: dict[str, object], population: object = 652572,
           name: str = "city.xlsx") -> Path:
    """A template filled as a city would (openpyxl), each value on its indicator's row."""
    path = write_template(tmp_path / name, city="Huế", country="VN", year=2025, lang=lang)
    wb = openpyxl.load_workbook(path)
    prof, ind = wb[wb.sheetnames[1]], wb[wb.sheetnames[2]]
    prof["C5"] = population
    rows = {ind.cell(r, 1).value: r for r in range(2, ind.max_row + 1)}
    for ident, value in values.items():
        ind.cell(rows[ident], 5, value)
    wb.save(path)
    return path


def _ranged(intake: assessment.Intake) -> dict[str, assessment.Problem]:
    return {p.item: p for p in intake.problems if p.code in RANGE_CODES}


# -- (a) the catalogue data ---------------------------------------------------------------------------
def test_every_scored_indicator_has_a_plausible_range_inside_its_hard_limits_with_its_source(catalogue) -> None:
    assert catalogue.scored_indicators
    for ind in catalogue.scored_indicators:
        pl = ind.plausible
        assert pl is not None, ind.id
        lo, hi = ind.valid_range
        assert pl.low < pl.high, ind.id
        assert (lo is None or lo <= pl.low) and (hi is None or pl.high <= hi), ind.id
        assert lo is not None or hi is not None, ind.id  # every scored indicator has a hard limit
        assert pl.limits["en"].strip() and pl.limits["vi"].strip() and pl.basis.source.strip(), ind.id
        assert pl.cite.strip() or pl.basis.is_judgement, ind.id


def test_waste_per_person_is_what_a_waste_2_0(catalogue) -> None:
    """World Bank, What a Waste 2.0 (2018), p. 18: waste generation 0.11 to 4.54 kg per person per day."""
    pl = catalogue.indicator("QE-MSWGEN").plausible
    assert pl is not None and (pl.low, pl.high) == (0.1, 4.5) and not pl.basis.is_judgement
    assert "What a Waste 2.0" in pl.cite and "0.11" in pl.basis.source and "4.54" in pl.basis.source


def test_plausible_ranges_do_not_change_the_catalogue_hash(catalogue, tmp_path: Path) -> None:
    folder = tmp_path / "indicators"
    shutil.copytree(indicators_dir(), folder)
    path = folder / "indicators" / "quality-environment.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("plausible: {low: 0.1, high: 4.5,",
                                                             "plausible: {low: 0.2, high: 4.5,"), encoding="utf-8")
    changed = assessment.load_catalogue(folder / "catalogue.yaml")
    assert changed.indicator("QE-MSWGEN").plausible.low == 0.2
    assert changed.content_hash == catalogue.content_hash  # templates and saved results stay valid


@pytest.mark.parametrize(("old", "new", "code"), [
    ("plausible: {low: 0.1, high: 4.5,", "plausible: {low: 4.5, high: 0.1,", "plausible-reversed"),
    ("plausible: {low: 0.1, high: 4.5,", "plausible: {low: -1, high: 4.5,", "plausible-outside-limits"),
    ("high: 4.5, cite: \"World Bank What a Waste 2.0\", ", "high: 4.5, ", "plausible-no-source"),
    ("plausible: {low: 0.1, high: 4.5,", None, "incomplete"),  # None: the whole line removed
])
def test_catalogue_check_refuses_a_bad_plausible_range(tmp_path: Path, old: str, new: str | None,
                                                       code: str) -> None:
    folder = tmp_path / "indicators"
    shutil.copytree(indicators_dir(), folder)
    path = folder / "indicators" / "quality-environment.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    kept = "\n".join(line for line in text.split("\n") if old not in line)
    text = kept if new is None else text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(folder / "catalogue.yaml", strict=True)
    assert [(p.item, p.code) for p in info.value.problems] == [("QE-MSWGEN", code)]
    from assessment.cli import app

    result = CliRunner().invoke(app, ["catalogue", "check", "--strict", str(folder / "catalogue.yaml")])
    assert result.exit_code == 1 and "QE-MSWGEN" in result.output


# -- (b) the judgement: hard limits, plausible range, slips --------------------------------------------
def test_the_issue_example_850_grams_is_a_warning_naming_range_source_and_slip(tmp_path: Path) -> None:
    """QE-MSWGEN = 850 on the kg/person/day row of the Vietnamese template: 850 g is 0.85 kg."""
    intake = assessment.read_submissions([_typed(tmp_path, "vi", {"QE-MSWGEN": 850})], lang="vi")
    p = _ranged(intake)["QE-MSWGEN"]
    assert p.severity == "warning" and p.code.startswith("implausible-slip")
    assert intake.data.set_index("indicator").at["QE-MSWGEN", "value"] == 850  # kept: the review asks
    vi = p.text("vi")
    # the reader's number format: 0,85 (850 / 1000), 0,1 and 4,5 (the range), the source by name
    assert "850" in vi and "0,1" in vi and "4,5" in vi and "0,85" in vi and "World Bank What a Waste 2.0" in vi
    assert "1.000" in vi  # the slip named: a factor of 1.000 (grams for kilograms)
    en = p.text("en")
    assert "0.1 to 4.5" in en and "1,000" in en and "would be 0.85" in en


def test_validate_says_it_on_the_command_line(tmp_path: Path) -> None:
    from assessment.cli import app

    path = _typed(tmp_path, "vi", {"QE-MSWGEN": 850})
    result = CliRunner().invoke(app, ["validate", "--lang", "vi", str(path)])
    assert "QE-MSWGEN" in result.output and "0,85" in result.output, result.output


@pytest.mark.parametrize(("ident", "typed", "meant", "severity"), [
    ("BI-WATER", 0.85, 85, "warning"),       # a fraction on a % unit: 0.85 → 85 %
    ("CS-GINI", 38, 0.38, "error"),          # a percentage on a 0–1 coefficient: above the hard limit 1
    ("HW-LIFEEXP", 7.3, 73, "warning"),      # a decimal mark one place off
    ("II-MBB", 85, 85000, "warning"),        # per 100 inhabitants (ITU's base) on a per-100,000 row
    ("QE-PM25", 250, 25, "warning"),         # a decimal slip above the WHO database's range
])
def test_a_slip_names_the_value_it_would_be(tmp_path: Path, ident: str, typed: float, meant: float,
                                            severity: str) -> None:
    intake = assessment.read_submissions([_typed(tmp_path, "en", {ident: typed})])
    p = _ranged(intake)[ident]
    params = dict(p.params)
    assert p.severity == severity
    assert meant in {float(params["would"]), float(params.get("would2", "nan"))}, p.text()


def test_a_total_typed_on_a_per_inhabitant_row_is_compared_with_the_profile(tmp_path: Path) -> None:
    """6.2 t CO2e per inhabitant × 652,572 inhabitants = 4,045,946 t: the city's total, typed by mistake."""
    intake = assessment.read_submissions([_typed(tmp_path, "en", {"QE-GHG": 4045946})])
    p = _ranged(intake)["QE-GHG"]
    assert math.isclose(float(dict(p.params)["would"]), 6.2, rel_tol=1e-3)
    assert "total for the whole city" in p.text()


def test_plausible_values_raise_nothing(tmp_path: Path) -> None:
    intake = assessment.read_submissions([_typed(tmp_path, "en", {"QE-MSWGEN": 0.85, "BI-WATER": 85,
                                                                  "CS-GINI": 0.38, "QE-PM25": 25})])
    assert not _ranged(intake)


def test_judge_is_the_one_judgement(catalogue) -> None:
    """Hard limits before the plausible range; ranges closed; no verdict on a non-finite value."""
    ind = catalogue.indicator("QE-MSWGEN")
    assert judge(ind, 4.5) is None and judge(ind, 0.1) is None
    assert judge(ind, -1).kind == "impossible" and judge(ind, 4.6).kind == "implausible"
    assert judge(ind, math.inf) is None and judge(ind, 0.0).slip is None  # 0 is no slip of a factor


# -- the review: asked as a query; a confirmed value is not asked again ---------------------------------
def test_review_asks_and_a_confirmed_value_is_not_asked_again(tmp_path: Path) -> None:
    from test_review import _answer  # the city's way of answering a query workbook

    intake = assessment.read_submissions([_typed(tmp_path, "en", {"QE-MSWGEN": 850})])
    first = review(intake)
    asked = [q for q in first.queries if q.problem.item == "QE-MSWGEN" and q.problem.code in RANGE_CODES]
    assert [q.problem.code for q in asked] == ["implausible-slip"] and asked[0].value == 850
    assert "QE-MSWGEN" in set(first.under_query()["indicator"])  # a value under query, as an outlier is
    round1 = tmp_path / "round1"
    write_review(first, round1)
    (path,) = round1.glob("queries-*.xlsx")
    _answer(path, {asked[0].key: {"confirmed": "Yes", "comment": "Measured at the landfill scale."}})
    second = review(intake, read_round(round1))
    assert asked[0].key not in {q.key for q in second.queries}
    assert {q.key: q.status for q in second.closed}[asked[0].key] == "confirmed"


# -- (c) the measurement -----------------------------------------------------------------------------
def _outside(ind: assessment.Indicator, value: float) -> bool:
    lo, hi = ind.valid_range
    pl = ind.plausible
    assert pl is not None
    return not pl.low <= value <= pl.high or (lo is not None and value < lo) or (hi is not None and value > hi)


def test_seeded_slips_are_found_with_the_right_factor(tmp_path: Path, catalogue) -> None:
    """At least 40 slips of every kind typed into copies of the examples (tests/slips.py, seed 23).

    A slip that lands inside the plausible range is a plausible value: no range check can see it
    (the cohort's outlier check may), so the share is of the slips that leave the range. A slip
    counts as found with the right factor when a message names the value the city meant (the
    first or the second slip named).
    """
    seeded = seed_slips(tmp_path / "slipped", per_kind=6, seed=23, catalogue=catalogue)
    assert len(seeded) >= 40 and set(KINDS) == {s.kind for s in seeded}
    intake = assessment.read_submissions([tmp_path / "slipped"], catalogue=catalogue)
    problems = {(Path(p.source).name, p.item): p for p in intake.problems if p.code in RANGE_CODES}
    visible = [s for s in seeded if _outside(catalogue.indicator(s.indicator), s.typed)]
    flagged, first, named = 0, 0, 0
    for s in visible:
        p = problems.get((s.file, s.indicator))
        flagged += p is not None
        params = dict(p.params) if p is not None else {}
        would = [float(params[k]) for k in ("would", "would2") if k in params]
        first += bool(would) and right_factor(would[0], s)
        named += any(right_factor(w, s) for w in would)
    per_kind = Counter(s.kind for s in visible)
    print(f"\nseeded {len(seeded)} slips ({len(KINDS)} kinds), {len(visible)} outside the plausible range "
          f"({dict(per_kind)}); flagged {flagged}/{len(visible)}; right factor named first {first}/{len(visible)} "
          f"({first / len(visible):.1%}), named at all {named}/{len(visible)} ({named / len(visible):.1%})")
    assert len(visible) >= 40
    assert flagged == len(visible)  # every value outside the range is reported
    assert named / len(visible) >= 0.95


def test_clean_examples_raise_at_most_one_range_warning_each(catalogue) -> None:
    files = sorted(p for p in EXAMPLES.glob("*.xlsx") if not p.name.startswith("zz-"))
    assert len(files) == 26
    intake = assessment.read_submissions(files, catalogue=catalogue)
    per_file = Counter(Path(p.source).name for p in intake.problems if p.code in RANGE_CODES)
    print(f"\nrange warnings on the 26 clean examples: {sum(per_file.values())} ({dict(per_file)})")
    assert all(n <= 1 for n in per_file.values()), per_file
    assert sum(per_file.values()) == 0  # the generator keeps every example value inside its range


# -- (d) the reader's number format ---------------------------------------------------------------------
def test_numbers_in_vietnamese_messages_are_written_the_vietnamese_way(tmp_path: Path) -> None:
    """Issue 23: '5.200' was explained as "5200 hoặc 5.2", which a Vietnamese reader reads as 5200 twice."""
    path = _typed(tmp_path, "vi", {"BI-NRW": "5.200", "BI-ELEC": 1250.5})
    intake = assessment.read_submissions([path], lang="vi")
    texts = {p.code: p.text("vi") for p in intake.problems}
    assert texts["ambiguous-number"] == "'5.200' không rõ nghĩa: có thể là 5.200 hoặc 5,2."
    assert texts["out-of-range"].startswith("1.250,5 ") and "0 đến 100" in texts["out-of-range"]
    english = {p.code: p.text("en") for p in intake.problems}
    assert english["ambiguous-number"] == "'5.200' is ambiguous: it could be 5,200 or 5.2."
    assert english["out-of-range"].startswith("1,250.5 ")


def test_a_population_with_a_thousands_separator_gets_the_indicators_explanation(tmp_path: Path) -> None:
    """'652.572' as the population of a Vietnamese workbook: the thousands-separator explanation that an
    indicator cell gets, not "must be a number greater than 0"."""
    intake = assessment.read_submissions([_typed(tmp_path, "vi", {}, population="652.572")], lang="vi")
    profile = [(p.code, p.text("vi")) for p in intake.problems if p.sheet == "Hồ sơ thành phố"]
    assert profile == [("ambiguous-number", "'652.572' không rõ nghĩa: có thể là 652.572 hoặc 652,572.")]
    fine = assessment.read_submissions([_typed(tmp_path, "vi", {}, population="652572", name="b.xlsx")])
    assert fine.profiles["population"].tolist() == [652572]
    zero = assessment.read_submissions([_typed(tmp_path, "vi", {}, population=0, name="c.xlsx")])
    assert [p.code for p in zero.problems if p.sheet == "Hồ sơ thành phố"] == ["bad-profile-number"]


def test_a_denominated_indicator_is_judged_per_unit_of_its_profile_figure(catalogue) -> None:
    """An indicator the scoring divides by the population: the range is of the value per inhabitant.
    4,045,946 t over 652,572 inhabitants is 6.2 t each (plausible); over a population typed in thousands
    (652.572) it is 6,200 t each, which a slip of 1,000 in the profile figure explains."""
    ghg = catalogue.indicator("QE-GHG")
    total = ghg.model_copy(update={"denominator": "population", "unit": {"en": "t CO2e per year"}})
    assert judge(total, 4045946, {"population": 652572}) is None
    verdict = judge(total, 4045946, {"population": 652.572})
    assert verdict is not None and verdict.kind == "implausible" and verdict.slip is not None
    assert verdict.slip.kind == "denominator" and math.isclose(verdict.slip.value, 6.2, rel_tol=1e-3)
    assert judge(total, 4045946, {}) is None  # no population: nothing to compare with
