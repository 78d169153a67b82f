"""The reviewer's verification loop: plausibility rules, query workbooks, answers read back, scores.

Known answers per rule kind are worked by hand (or published: the median ± k·MAD example of
Leys et al. 2013); the panel tests follow one city through the loop: a value jumps 10×, the
query is raised, the city confirms it in its query workbook, the next round closes it and does
not ask again.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from statistics import NormalDist

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import load_script
from hypothesis import given
from hypothesis import strategies as st

import assessment
from assessment.catalogue.load import read_catalogue
from assessment.catalogue.rules import (
    MAD_SCALE,
    ChangeRule,
    DifferenceRule,
    MetadataRule,
    OutlierRule,
    RatioRule,
    SumRule,
)
from assessment.errors import CatalogueError
from assessment.i18n import _, decimal_mark
from assessment.intake import Prefill, read_submissions, write_template
from assessment.resources import indicators_dir
from assessment.review import MESSAGES, read_city, read_round, review, write_review
from assessment.review.checks import (
    Place,
    change_factor,
    check_change,
    check_consistency,
    check_metadata,
    check_outliers,
    robust_z,
)
from assessment.review.layout import HEADER_ROW, KEYS, YES
from assessment.review.summary import summary_lines

HERE = Place("city.xlsx", "Indicators", 5, "E")
JUMP = "BI-PTKM"  # core, no upper bound, no change rule of its own: the default (factor 2) applies


# -- known answers per rule kind ------------------------------------------------------------------

def test_change_rule_factor_and_points() -> None:
    assert change_factor(10, 100) == change_factor(100, 10) == 10.0
    assert change_factor(0, 5) == math.inf and change_factor(-1, 1) == math.inf
    rule = ChangeRule(id="r", kind="change", ratio=2.0, points=3)
    (q,) = check_change(rule, "X", 10.0, 2024, 100.0, 2025, "km", HERE)
    assert q.code == "change-ratio" and q.field == "r" and q.found == "100" and q.severity == "warning"
    assert "from 10 (2024) to 100 (2025), a factor of 10" in q.text("en")
    ratio_only = ChangeRule(id="r", kind="change", ratio=2.0)
    assert list(check_change(ratio_only, "X", 10.0, 2024, 19.9, 2025, "km", HERE)) == []  # factor 1.99
    (q,) = check_change(rule, "X", 10.0, 2024, 19.9, 2025, "km", HERE)  # … but +9.9 is beyond 3 points
    assert q.code == "change-points"
    # a factor within the limit but a change beyond the points: 72 → 76 years is +4 > 3
    (q,) = check_change(rule, "X", 72.0, 2024, 76.0, 2025, "years", HERE)
    assert q.code == "change-points" and "by 4 (unit 'years')" in q.text("en")
    assert list(check_change(rule, "X", 72.0, 2024, 75.0, 2025, "years", HERE)) == []


def test_outlier_rule_reproduces_leys_et_al_2013() -> None:
    # Leys, Ley, Klein, Bernard & Licata (2013), J. Exp. Soc. Psychol. 49: the series
    # 1, 3, 3, 6, 8, 10, 10, 1000 has median 7 and MAD 3.5 (× 1.4826 = 5.19); with k = 3 the
    # interval is 7 ± 15.57, so only 1000 is an outlier.
    assert pytest.approx(1 / NormalDist().inv_cdf(0.75), abs=1e-4) == MAD_SCALE
    values = [1, 3, 3, 6, 8, 10, 10, 1000]
    z, median, n = robust_z(values, "linear")
    assert (median, n) == (7.0, 8)
    assert z[-1] == pytest.approx(993 / (3.5 * MAD_SCALE))
    assert z[0] == pytest.approx(6 / (3.5 * MAD_SCALE))
    rule = OutlierRule(id="o", kind="outlier", scale="linear", k=3, min_cohort=8)
    found = check_outliers(rule, "X", values, [HERE] * 8)
    assert [i for i, _p in found] == [7]
    assert "the median of 8 cities is 7" in found[0][1].text("en")
    # one value fewer than min_cohort: no judgement at all
    assert check_outliers(rule, "X", values[1:], [HERE] * 7) == []


def test_outlier_rule_on_log_scale() -> None:
    # log10-spaced: 1, 10, 100 … a tenfold value is one step; exp(median of logs) is the geometric middle
    values = [10.0, 10.0, 20.0, 20.0, 40.0, 40.0, 80.0, 80.0, 0.0, 100000.0]
    z, median, n = robust_z(values, "log")
    assert n == 9 and math.isnan(z[8])  # 0 cannot be placed on a log scale: not judged, not counted
    assert median == pytest.approx(40.0)
    rule = OutlierRule(id="o", kind="outlier", scale="log", k=3.5, min_cohort=8)
    assert [i for i, _p in check_outliers(rule, "X", values, [HERE] * 10)] == [9]


def test_consistency_rules() -> None:
    youth = DifferenceRule(id="y", kind="difference", a="II-YUNEMP", b="II-UNEMP", min=-2)
    (q,) = check_consistency(youth, {"II-YUNEMP": 8.0, "II-UNEMP": 12.0}, HERE)
    assert q.code == "difference-low" and "II-YUNEMP − II-UNEMP is -4 (8 − 12)" in q.text("en")
    assert list(check_consistency(youth, {"II-YUNEMP": 11.0, "II-UNEMP": 12.0}, HERE)) == []
    assert list(check_consistency(youth, {"II-UNEMP": 12.0}, HERE)) == []  # a term not reported: skipped
    pm = RatioRule(id="pm", kind="ratio", a="QE-PM25", b="QE-PM10", max=1)
    (q,) = check_consistency(pm, {"QE-PM25": 30.0, "QE-PM10": 20.0}, HERE)
    assert q.code == "ratio-high" and "is 1.5 (30 / 20)" in q.text("en")
    density = RatioRule(id="d", kind="ratio", a="population", b="area_km2", min=10, max=50000)
    (q,) = check_consistency(density, {"population": 1_000_000.0, "area_km2": 10.0}, HERE)
    assert "is 100,000 (1,000,000 / 10)" in q.text("en")  # grouped as English writes numbers
    shares = SumRule(id="s", kind="sum", parts=("A", "B"), max=100)
    (q,) = check_consistency(shares, {"A": 60.0, "B": 50.0}, HERE)
    assert q.code == "sum-high" and "A (60) + B (50) add up to 110" in q.text("en")
    assert list(check_consistency(shares, {"A": 60.0, "B": 40.0}, HERE)) == []


def test_metadata_rule() -> None:
    rule = MetadataRule(id="m", kind="metadata", flags=(4,), tiers=("core",))
    places = {k: HERE for k in ("data_year", "source", "quality")}
    codes = [q.code for q in check_metadata(rule, "X", "core", 5.0, {"data_year": 2024, "source": " ",
                                                                      "quality": 4}, places)]
    assert codes == ["no-source", "flagged-quality"]
    assert [q.code for q in check_metadata(rule, "X", "advanced", 5.0, {"data_year": None, "source": "NSO",
                                                                         "quality": 4}, places)] == ["no-data-year"]


# -- rules are catalogue data --------------------------------------------------------------------

def _catalogue_copy(tmp_path: Path, rules_yaml: str) -> Path:
    folder = tmp_path / "indicators"
    shutil.copytree(indicators_dir(), folder)
    (folder / "rules.yaml").write_text(rules_yaml, encoding="utf-8")
    return folder / "catalogue.yaml"


def test_builtin_rules_load(catalogue: assessment.Catalogue) -> None:
    kinds = {r.kind for r in catalogue.rules}
    assert kinds == {"change", "outlier", "ratio", "difference", "sum", "metadata"}


def test_a_reviewer_adds_a_rule_in_yaml(tmp_path: Path, panel: Path) -> None:
    header = _catalogue_copy(tmp_path, "rules:\n  - {id: water-vs-sanitation, kind: difference, a: BI-WATER, "
                                       "b: BI-SANIT, min: 0}\n")
    cat = read_catalogue(header)
    (rule,) = cat.rules
    assert isinstance(rule, DifferenceRule) and (rule.a, rule.b, rule.min) == ("BI-WATER", "BI-SANIT", 0)
    # the review applies it: exactly the cities whose 2025 water share is below their sanitation share
    intake = read_submissions(panel, catalogue=cat)
    latest = intake.data[intake.data["year"] == 2025].pivot_table(index="city", columns="indicator", values="value")
    below = set(latest.index[latest["BI-WATER"] < latest["BI-SANIT"]])
    asked = {q.city for q in review(intake).queries if q.problem.field == "water-vs-sanitation"}
    assert asked == below and below  # the seeded panel has some (a test that can fail)


def test_the_catalogue_check_validates_rules(tmp_path: Path) -> None:
    header = _catalogue_copy(tmp_path, """rules:
  - {id: a, kind: change, indicator: BI-WATR, ratio: 2}
  - {id: a, kind: ratio, a: II-UNEMP, b: populaton, max: 1}
  - {id: c, kind: sum, parts: [II-ICTEMP, II-TOURISM], min: 100, max: 50}
  - {id: d, kind: average, a: x}
  - {id: e, kind: metadata, flags: [9]}
  - {id: f, kind: change, ratio: 0.5}
  - {id: g, kind: outlier, indicator: area_km2}
  - {id: h, kind: change, indicator: area_km2, ratio: 3}
""")
    with pytest.raises(CatalogueError) as info:
        read_catalogue(header)
    text = str(info.value)
    for expected in ("BI-WATR", "BI-WATER", "rule id already used", "populaton", "population",
                     "min (100.0) is above max (50.0)", "average", "not a data-quality flag", "ratio",
                     "g [indicator]: not an indicator id"):  # a cohort outlier rule on a profile field is refused
        assert expected in text, expected
    assert not [p for p in info.value.problems if p.item == "h"]  # a change rule may name a profile field


# -- a panel through the loop ---------------------------------------------------------------------

COHORT = [("Alpha", "TH"), ("Bravo", "MY"), ("Charlie", "ID"), ("Delta", "PH"), ("Echo", "KH"),
          ("Foxtrot", "LA"), ("Golf", "SG"), ("Hotel", "BN"), ("Đà Lạt", "VN")]


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine cities, 2024 and 2025; 2025 repeats 2024 except Alpha's JUMP value, ×10 (40 → 400, the
    other cities 41 … 48, so that 400 is a cohort outlier too)."""
    make = load_script("examples/make_ascn_2025.py")
    cat = assessment.load_catalogue()
    rng = np.random.default_rng(13)
    folder = tmp_path_factory.mktemp("panel")
    for i, (city, country) in enumerate(COHORT):
        lang = "vi" if country == "VN" else "en"
        # CSV forms are faster; the Vietnamese city is a workbook: the CSV writer puts prefilled
        # numbers with a decimal point, which the Vietnamese CSV reader refuses (other-decimal-mark)
        ext = ".xlsx" if lang == "vi" else ".csv"
        fill = make.prefill(cat, rng, country, 400_000, lang)
        fill.indicators[JUMP] = {**fill.indicators.get(JUMP, {}), "value": 40.0 + i, "data_year": 2023,
                                 "source": "NSO", "quality": 1}
        write_template(folder / f"{city}-2024{ext}", city=city, country=country, year=2024, lang=lang,
                       catalogue=cat, prefill=fill)
        later = {k: dict(v) for k, v in fill.indicators.items()}
        if city == "Alpha":
            later[JUMP]["value"] = 400.0
        write_template(folder / f"{city}-2025{ext}", city=city, country=country, year=2025, lang=lang, catalogue=cat,
                       prefill=Prefill(profile=fill.profile, indicators=later, enablers=fill.enablers))
    return folder


def _answer(path: Path, answers: dict[str, dict[str, object]]) -> None:
    """Fill a query workbook as a city would: find each question's row by its id, type the answers."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = {k: i + 1 for i, k in enumerate(KEYS)}
    for row in range(HEADER_ROW + 2, ws.max_row + 1):
        key = ws.cell(row, col["query"]).value
        for field, value in answers.get(str(key), {}).items():
            ws.cell(row, col[field]).value = value
    wb.save(path)


def _questions(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [str(r[0]) for r in wb.worksheets[0].iter_rows(min_row=HEADER_ROW + 2, values_only=True) if r[0]]
    finally:
        wb.close()


def test_a_tenfold_jump_is_asked_then_confirmed_and_not_asked_again(panel: Path, tmp_path: Path) -> None:
    intake = read_submissions(panel)
    first = review(intake)
    jump = [q for q in first.queries if q.city == "Alpha" and q.problem.code == "change-ratio"]
    assert [(q.problem.item, q.value, q.problem.field) for q in jump] == [(JUMP, 400.0, "change-default")]
    assert "from 40 (2024) to 400 (2025), a factor of 10" in jump[0].problem.text("en")
    assert not [q for q in first.queries if q.city != "Alpha" and q.problem.code.startswith("change")]
    outlier = [q for q in first.queries if q.problem.item == JUMP and q.problem.code == "outlier"]
    assert [q.city for q in outlier] == ["Alpha"]
    assert set(first.under_query()["indicator"][first.under_query()["city"] == "Alpha"]) >= {JUMP}

    round1 = tmp_path / "round1"
    write_review(first, round1)
    alpha = round1 / "queries-alpha-th-2025.xlsx"
    assert jump[0].key in _questions(alpha)
    _answer(alpha, {jump[0].key: {"confirmed": "Yes", "comment": "New metro line opened in 2024."}})

    second = review(intake, read_round(round1))
    assert jump[0].key not in {q.key for q in second.queries if q.city == "Alpha"}
    closed = {(q.city, q.key): q.status for q in second.closed}
    assert closed[("Alpha", jump[0].key)] == "confirmed"
    # the value is confirmed, so the outlier question about the same number is closed too
    assert closed[("Alpha", outlier[0].key)] == "confirmed"
    assert JUMP not in set(second.under_query()["indicator"][second.under_query()["city"] == "Alpha"])
    round2 = tmp_path / "round2"
    write_review(second, round2)
    assert jump[0].key not in _questions(round2 / "queries-alpha-th-2025.xlsx")
    # Round 3 against an unanswered round 2: the confirmation was carried, still not asked
    third = review(intake, read_round(round2))
    assert jump[0].key not in {q.key for q in third.queries if q.city == "Alpha"}
    # every other question of round 1 that was not answered is still open, none lost
    assert {q.key for q in second.queries} | {jump[0].key, outlier[0].key} == {q.key for q in first.queries}


def test_a_confirmed_value_that_changes_is_asked_again(panel: Path, tmp_path: Path) -> None:
    intake = read_submissions(panel)
    first = review(intake)
    write_review(first, tmp_path)
    key = next(q.key for q in first.queries if q.city == "Alpha" and q.problem.code == "change-ratio")
    _answer(tmp_path / "queries-alpha-th-2025.xlsx", {key: {"confirmed": "Yes"}})
    edited = tmp_path / "edited"
    shutil.copytree(panel, edited)
    csv = edited / "Alpha-2025.csv"
    csv.write_text(csv.read_text(encoding="utf-8-sig").replace(",400.0,", ",500.0,", 1), encoding="utf-8")
    again = review(read_submissions(edited), read_round(tmp_path))
    assert key in {q.key for q in again.queries if q.city == "Alpha"}
    changed = again.changes[(again.changes["city"] == "Alpha") & (again.changes["indicator"] == JUMP)]
    assert changed[["field", "before", "after"]].values.tolist() == [["value", "400", "500"]]


@pytest.mark.parametrize(("city", "lang", "corrected", "expected", "jump"),
                         [("Alpha", "en", "12.5", 12.5, "400"), ("Đà Lạt", "vi", "12,5", 12.5, "48")])
def test_query_workbook_round_trip(panel: Path, tmp_path: Path, city: str, lang: str, corrected: str,
                                   expected: float, jump: str) -> None:
    rv = review(read_submissions(panel))
    write_review(rv, tmp_path)
    path = next(tmp_path.glob(f"queries-{'alpha' if lang == 'en' else 'da-lat'}-*.xlsx"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == _("Queries", lang)
    header = [c.value for c in wb.worksheets[0][HEADER_ROW + 1]]
    assert header[-3:] == [_("Confirmed", lang), _("Corrected value", lang), _("Comment", lang)]
    asked = [q for q in rv.queries if q.city == city]
    assert _questions(path) == [q.key for q in asked]  # every question, in order
    # marks between digits: a decimal mark, or the other mark grouping thousands (exactly three digits follow)
    marks = [re.findall(r"\d([.,])(\d+)", q.problem.text(lang)) for q in asked if q.problem.code in MESSAGES]
    decimals = [[m for m, digits in found if m == decimal_mark(lang) or len(digits) != 3] for found in marks]
    assert any(decimals) and {m for found in decimals for m in found} == {decimal_mark(lang)}
    first, second, third = (q.key for q in asked[:3])
    _answer(path, {first: {"confirmed": _(YES, lang), "comment": "ok"},
                   second: {"corrected": corrected, "comment": "typo"},
                   third: {"corrected": "about twelve"}})
    back, problems = read_city(path)
    assert back is not None and (back.city, back.lang, back.year) == (city, lang, 2025)
    got = {a.key: a for a in back.queries}
    assert list(got) == [q.key for q in asked]
    assert got[first].confirmed and got[first].comment == "ok" and first in back.confirmed
    assert got[second].corrected == expected and not got[second].confirmed and got[second].comment == "typo"
    # a corrected value that is not a number is kept (as a comment) and reported, never dropped
    assert got[third].corrected is None and "about twelve" in got[third].comment
    assert [(p.code, p.item) for p in problems] == [("corrected-not-a-number", third)]
    assert back.values.set_index("indicator").loc[JUMP, "value"] == jump  # the submission as it was


def test_nothing_lost_every_problem_and_query_is_asked(tmp_path: Path) -> None:
    """Every intake error and warning and every plausibility query reaches a query workbook, once."""
    examples = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    files = [examples / f for f in ("zz-broken-1-2025.xlsx", "zz-broken-2-2025.xlsx", "ha-noi-2025.xlsx",
                                    "bangkok-2025.xlsx")]
    intake = read_submissions(files)
    rv = review(intake)
    write_review(rv, tmp_path)
    asked: list[tuple[str, str]] = []
    for path in sorted(tmp_path.glob("queries-*.xlsx")):
        back, _problems = read_city(path)
        assert back is not None
        asked += [(a.problem.source, a.problem.code) for a in back.queries]
    expected = [(Path(p.source).name, p.code) for p in intake.problems if p.severity in ("error", "warning")]
    intake_codes = {p.code for p in intake.problems}
    assert sorted(c for c in asked if c[1] in intake_codes) == sorted(expected)
    assert len(asked) == len(rv.queries)
    assert {Path(f).name for f in intake.profiles["file"]} <= {s for s, _c in asked}


def test_scores_exclude_values_under_query_and_the_scorecard_marks_them(panel: Path, tmp_path: Path) -> None:
    rv = review(read_submissions(panel))
    kept = assessment.assess(rv)
    dropped = assessment.assess(rv, method={"screen": {"queries": "exclude"}})
    unit = ("Alpha", 2025)
    assert kept.denominated.loc[unit, JUMP] == 400.0
    assert math.isnan(dropped.denominated.loc[unit, JUMP]) and dropped.raw.loc[unit, JUMP] == 400.0
    under = rv.under_query()
    n_alpha = under[(under["city"] == "Alpha") & under["indicator"].isin(kept.raw.columns)]["indicator"].nunique()
    assert int(dropped.denominated.loc[unit].isna().sum() - kept.denominated.loc[unit].isna().sum()) == n_alpha
    assert ("Alpha", 2024) in dropped.denominated.index and dropped.denominated.loc[("Alpha", 2024), JUMP] == 40.0
    site = assessment.render_report(kept, tmp_path / "site")
    cities = site.parent / "cities"
    html = (cities / "alpha-2025.html").read_text(encoding="utf-8")
    assert 'class="query"' in html and "Under query:" in html and "a factor of 10" in html
    assert "Under query:" not in (cities / "alpha-2024.html").read_text(encoding="utf-8")  # last year's page
    assert "left out of the scores" not in html
    excluded = assessment.render_report(dropped, tmp_path / "site-excluded").parent / "cities" / "alpha-2025.html"
    assert "left out of the scores" in excluded.read_text(encoding="utf-8")
    quiet = (cities / "golf-2025.html").read_text(encoding="utf-8")
    golf = under[under["city"] == "Golf"]
    assert ("Under query:" in quiet) == (not golf.empty)


def test_the_loop_on_the_command_line(panel: Path, tmp_path: Path) -> None:
    """validate → review → (the city answers) → review --previous (in Vietnamese) → report --review."""
    from typer.testing import CliRunner

    from assessment.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(panel)]).exit_code == 0
    q1, q2, site = tmp_path / "q1", tmp_path / "q2", tmp_path / "site"
    first = runner.invoke(app, ["review", str(panel), "-o", str(q1)])
    assert first.exit_code == 0, first.output
    # the rules in words (issue 23: ids are for scripts, in summary.csv)
    assert "change since the previous year" in first.output and "Alpha (TH) 2025:" in first.output
    assert "change-default" not in first.output and "change-default" in (q1 / "summary.csv").read_text("utf-8-sig")
    assert {p.name for p in q1.iterdir()} >= {"summary.csv", "summary.xlsx", "queries-alpha-th-2025.xlsx",
                                              "queries-da-lat-vn-2025.xlsx"}
    key = f"change-ratio:change-default:{JUMP}"
    _answer(q1 / "queries-alpha-th-2025.xlsx", {key: {"confirmed": "Yes"}})
    second = runner.invoke(app, ["review", str(panel), "-o", str(q2), "--previous", str(q1), "--lang", "vi"])
    assert second.exit_code == 0, second.output
    assert "Số câu hỏi theo quy tắc" in second.output and "Questions per rule" not in second.output
    assert "2 câu hỏi đã đóng (2 được xác nhận, 0 được sửa, 0 không còn phát sinh)" in second.output
    assert (q2 / "answers.csv").is_file() and key not in _questions(q2 / "queries-alpha-th-2025.xlsx")
    report = runner.invoke(app, ["report", str(panel), "--review", str(q2), "-o", str(site)])
    assert report.exit_code == 0, report.output
    page = (site / "cities" / "alpha-2025.html").read_text(encoding="utf-8")
    assert "a factor of 10" not in page  # confirmed: no longer under query
    for args in (["review", str(panel), "--previous", str(tmp_path / "nope")],
                 ["report", str(panel), "--review", str(tmp_path / "nope"), "-o", str(site)],
                 ["report", str(panel), "--review", str(q1 / "summary.csv"), "-o", str(site)]):
        assert runner.invoke(app, args).exit_code == 2, args  # a usage error, not a traceback


def test_a_saved_result_keeps_its_values_under_query(panel: Path, tmp_path: Path) -> None:
    """Scores that left queried values out re-run from the saved files to the same tables."""
    intake = read_submissions(panel)
    rv = review(intake)
    dropped = assessment.assess(rv, method={"screen": {"queries": "exclude"}})
    plain = assessment.assess(intake, method={"screen": {"queries": "exclude"}})
    assert dropped.recipe.input_hash != plain.recipe.input_hash  # the queries are part of the inputs
    dropped.to_csv(tmp_path / "saved")
    back = assessment.load_result(tmp_path / "saved")
    assert back.recipe.input_hash == dropped.recipe.input_hash
    # (a panel's year index comes back as int64 from any saved result, not Int64: compared as values)
    pd.testing.assert_frame_equal(back.denominated, dropped.denominated, check_index_type=False)
    assert math.isnan(back.denominated.loc[("Alpha", 2025), JUMP])


# -- properties -----------------------------------------------------------------------------------

#: Positive values on a grid of 0.001 (values a hair apart would make the MAD a rounding error)
_positive = st.integers(min_value=1, max_value=10**9).map(lambda n: n / 1000)


@given(st.lists(_positive, min_size=8, max_size=30), st.floats(min_value=1e-3, max_value=1e3))
def test_log_outliers_do_not_depend_on_the_unit(values: list[float], factor: float) -> None:
    """Rescaling every value (another unit: per 1,000 or per 100,000) flags the same cities on a log scale."""
    rule = OutlierRule(id="o", kind="outlier", scale="log", k=3.5, min_cohort=8)
    before = [i for i, _p in check_outliers(rule, "X", values, [HERE] * len(values))]
    after = [i for i, _p in check_outliers(rule, "X", [v * factor for v in values], [HERE] * len(values))]
    z1, _m, _n = robust_z(values, "log")
    z2, _m, _n = robust_z([v * factor for v in values], "log")
    near = np.isfinite(z1) & (np.abs(z1 - 3.5) < 1e-6)  # a tie with k may round either way
    assert [i for i in before if not near[i]] == [i for i in after if not near[i]]
    assert np.allclose(z1, z2, equal_nan=True, rtol=1e-6, atol=1e-9)


@given(_positive, _positive)
def test_change_factor_is_symmetric_and_at_least_one(old: float, new: float) -> None:
    assert change_factor(old, new) == change_factor(new, old) >= 1.0


def test_same_review_same_bytes_in_any_folder(panel: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "panel"
    shutil.copytree(panel, moved)
    write_review(review(read_submissions(panel)), tmp_path / "a")
    write_review(review(read_submissions(moved)), tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(names) == len(COHORT) + 2
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_catalogue_check_command_reports_bad_rules(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    header = _catalogue_copy(tmp_path, "rules:\n  - {id: x, kind: ratio, a: QE-PM25, b: QE-PM1O, max: 1}\n")
    result = CliRunner().invoke(app, ["catalogue", "check", str(header)])
    assert result.exit_code == 1 and "QE-PM1O" in result.output and "QE-PM10" in result.output


def test_an_error_is_not_closed_by_a_yes(tmp_path: Path) -> None:
    """Intake errors stay open until the workbook is fixed, whatever the city answers."""
    broken = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025" / "zz-broken-1-2025.xlsx"
    intake = read_submissions([broken])
    first = review(intake)
    errors = {q.key for q in first.queries if q.problem.severity == "error"}
    assert len(errors) >= 10
    write_review(first, tmp_path)
    (path,) = tmp_path.glob("queries-*.xlsx")
    _answer(path, {k: {"confirmed": "Yes"} for k in _questions(path)})
    again = review(intake, read_round(tmp_path))
    assert errors <= {q.key for q in again.queries}
    assert {q.status for q in again.closed} <= {"confirmed"}
    assert not errors & {q.key for q in again.closed}


def test_a_damaged_query_workbook_is_one_problem(panel: Path, tmp_path: Path) -> None:
    write_review(review(read_submissions(panel)), tmp_path)
    (tmp_path / "queries-zz-damaged.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    back = read_round(tmp_path)
    assert len(back.cities) == len(COHORT)
    assert [(Path(p.source).name, p.code) for p in back.problems] == [("queries-zz-damaged.xlsx",
                                                                       "unreadable-queries")]
    assert "could not be read" in back.problems[0].text("en") and "Không đọc được" in back.problems[0].text("vi")


def test_an_answered_workbook_is_untrusted_input(panel: Path, tmp_path: Path) -> None:
    """A returned query workbook passes the intake's pre-flight check in the cage: XML entities (billion laughs)
    in one city's file are one problem that says why, and every other city's answers are still read."""
    import zipfile

    from test_hostile_files import LAUGHS, _replace_sheet

    write_review(review(read_submissions(panel)), tmp_path)
    victim = sorted(tmp_path.glob("queries-*.xlsx"))[0]
    with zipfile.ZipFile(victim) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    hostile = _replace_sheet(victim, tmp_path / "hostile.tmp", sheet, LAUGHS.encode())
    hostile.replace(victim)
    back = read_round(tmp_path)
    assert len(back.cities) == len(COHORT) - 1
    (problem,) = back.problems
    assert Path(problem.source) == victim and problem.code == "unreadable-queries"
    assert "entit" in problem.text("en").lower()


def test_a_population_in_thousands_is_asked_and_its_confirmation_holds(panel: Path, tmp_path: Path) -> None:
    """Profile fields change year over year only under a rule that names them (change-population,
    ratio 1.2): Bravo types its 2025 population in thousands (400,000 → 400); the question names the
    City profile sheet and the factor; once confirmed it is not asked again while the figure stays."""
    edited = tmp_path / "edited"
    shutil.copytree(panel, edited)
    csv = edited / "Bravo-2025.csv"
    text = csv.read_text(encoding="utf-8-sig")
    assert ",population,Population (inhabitants),,400000," in text
    csv.write_text(text.replace(",population,Population (inhabitants),,400000,",
                                ",population,Population (inhabitants),,400,"), encoding="utf-8")
    first = review(read_submissions(edited))
    asked = [q for q in first.queries if q.problem.item == "population"]
    assert [(q.city, q.problem.code, q.problem.field, q.value) for q in asked] == [
        ("Bravo", "change-ratio", "change-population", 400.0)]
    assert asked[0].problem.sheet == "City profile"
    assert "from 400,000 (2024) to 400 (2025), a factor of 1,000" in asked[0].problem.text("en")
    round1 = tmp_path / "round1"
    write_review(first, round1)
    _answer(round1 / "queries-bravo-my-2025.xlsx", {asked[0].key: {"confirmed": "Yes"}})
    second = review(read_submissions(edited), read_round(round1))
    assert not [q for q in second.queries if q.problem.item == "population"]
    assert ("Bravo", asked[0].key, "confirmed") in {(q.city, q.key, q.status) for q in second.closed}
    # the area has no value in these files, and no other city's profile changed: nothing else asked
    assert not [q for q in first.queries if q.problem.item == "area_km2"]


# -- the loop's counts (issue 23) ---------------------------------------------------------------------
def _first_round(panel: Path, tmp_path: Path) -> tuple[str, Path]:
    """Round 1 of the panel: Alpha's JUMP jumped 40 → 400 (a change query); Alpha answers "it is 40"."""
    first = review(read_submissions(panel))
    key = next(q.key for q in first.queries if q.city == "Alpha" and q.problem.code == "change-ratio")
    round1 = tmp_path / "round1"
    write_review(first, round1)
    _answer(round1 / "queries-alpha-th-2025.xlsx", {key: {"corrected": 40, "comment": "typo"}})
    return key, round1


def test_a_correction_made_is_counted_as_corrected(panel: Path, tmp_path: Path) -> None:
    """Alpha answers 40 and fixes its file (400 → 40): the question is closed as corrected, not 'resolved'."""
    key, round1 = _first_round(panel, tmp_path)
    edited = tmp_path / "edited"
    shutil.copytree(panel, edited)
    csv = edited / "Alpha-2025.csv"
    text = csv.read_text(encoding="utf-8-sig")
    assert text.count(",400.0,") == 1
    csv.write_text(text.replace(",400.0,", ",40.0,"), encoding="utf-8")
    before = read_round(round1)
    second = review(read_submissions(edited), before)
    status = {(q.city, q.key): q.status for q in second.closed}
    assert status[("Alpha", key)] == "corrected"
    line = next(x for x in summary_lines(second, before, []) if x.startswith("Since the previous round"))
    assert "1 corrected" in line, line


def test_a_correction_the_workbook_does_not_hold_asks_about_the_difference(panel: Path, tmp_path: Path) -> None:
    """Alpha answers 40 but sends the same file (still 400): asked again, with its answer and the value held."""
    key, round1 = _first_round(panel, tmp_path)
    second = review(read_submissions(panel), read_round(round1))
    (again,) = [q for q in second.queries if q.city == "Alpha" and q.key == key]
    assert again.value == 400 and again.problem.item == JUMP
    assert again.problem.text("en") == ("The previous round's answer gave 40 as the corrected value, but the "
                                        "workbook still holds 400.")
    assert "40" in again.problem.text("vi") and "400" in again.problem.text("vi")
    # the other questions keep their words
    assert all("previous round's answer" not in q.problem.text("en") for q in second.queries if q.key != key)
