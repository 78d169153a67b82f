"""Criteria-based maturity models (Decree 269/2025, Circular 03/2026 structure): catalogue, workbook, evaluation, page.

Known answers are worked by hand from the rules in assessment.catalogue.criteria: a level is reached when every
basic and local criterion of it and of every lower level is met with evidence.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assessment
from assessment.catalogue.checks import check_criteria
from assessment.catalogue.criteria import CriteriaModel
from assessment.intake import Prefill
from assessment.scoring.criteria import evaluate_criteria

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "criteria"
T = {"en": "x", "vi": "x"}


def model() -> CriteriaModel:
    """Two levels: A (a1 basic, a2 basic, a3 optional), B (b1 basic, b2 local)."""
    c = [("a1", "A", "basic"), ("a2", "A", "basic"), ("a3", "A", "optional"), ("b1", "B", "basic"),
         ("b2", "B", "local")]
    return CriteriaModel.model_validate({
        "id": "m", "name": T, "basis": T, "levels": [{"id": "A", "name": T}, {"id": "B", "name": T}],
        "criteria": [{"id": i, "level": lv, "kind": k, "name": T, "evidence": T} for i, lv, k in c]})


def answers(unit: str, spec: dict[str, tuple[bool | None, str]]) -> list[dict[str, object]]:
    return [{"unit": unit, "criterion": cid, "met": met, "evidence": ev} for cid, (met, ev) in spec.items()]


def test_levels_known_answers() -> None:
    yes = (True, "decision 12/2025")
    rows = (answers("full", {"a1": yes, "a2": yes, "b1": yes, "b2": yes})  # optional a3 unanswered: still top
            + answers("first", {"a1": yes, "a2": yes, "a3": yes, "b1": yes, "b2": (False, "")})  # local b2 gates
            + answers("skips", {"a1": yes, "a2": (True, " "), "b1": yes, "b2": yes})  # a2 met w/o evidence
            + answers("none", {}))
    units = pd.Index(["full", "first", "skips", "none", "absent"], name="unit")
    levels, detail = evaluate_criteria(model(), pd.DataFrame(rows), units)
    assert levels["rank"].to_dict() == {"full": 2, "first": 1, "skips": 0, "none": 0, "absent": 0}
    assert levels["level"].to_dict() == {"full": "B", "first": "A", "skips": "", "none": "", "absent": ""}
    assert levels.loc["first", "blocking"] == "b2" and levels.loc["full", "blocking"] == ""
    # level B fully met does not count while level A is not: cumulative, blocked by a2 alone
    assert levels.loc["skips", "blocking"] == "a2" and levels.loc["skips", "B:met"] == 2
    assert levels.loc["none", "blocking"] == "a1, a2"
    assert levels.loc["first", "optional_met"] == 1 and levels.loc["full", "optional_met"] == 0
    assert (levels["A:required"] == 2).all() and (levels["B:required"] == 2).all()
    skips = detail[detail["unit"] == "skips"].set_index("criterion")
    assert skips.loc["a2", "answer"] is True and not skips.loc["a2", "counts"]
    assert len(detail) == 5 * 5  # every unit gets every criterion, answered or not


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=5, max_size=5), st.integers(0, 4))
def test_meeting_one_more_criterion_never_lowers_the_level(met: list[bool], flip: int) -> None:
    ids = ["a1", "a2", "a3", "b1", "b2"]
    units = pd.Index(["u"], name="unit")

    def rank(flags: list[bool]) -> int:
        rows = answers("u", {i: (f, "doc") for i, f in zip(ids, flags, strict=True)})
        return int(evaluate_criteria(model(), pd.DataFrame(rows), units)[0].loc["u", "rank"])

    more = [*met]
    more[flip] = True
    assert rank(more) >= rank(met)


def test_the_catalogue_check_refuses_a_broken_model() -> None:
    good = model().model_dump()
    good["criteria"][3]["level"] = "C"  # no such level
    good["criteria"][4]["id"] = "a1"  # duplicate id
    broken = CriteriaModel.model_validate(good)
    codes = [p.code for p in check_criteria(broken, "x.yaml", ("en", "vi"))]
    # B lost its only basic criterion (b1 moved to C): a city would reach it without evidence
    assert sorted(codes) == ["duplicate-id", "ungated-level", "unknown-level"]


def test_the_example_model_says_it_is_not_official() -> None:
    cat = assessment.load_catalogue(EXAMPLE)
    (m,) = cat.criteria
    assert not m.official and "not the official criteria" in m.basis["en"]
    assert "không phải tiêu chí chính thức" in m.basis["vi"]
    assert [lv.name["vi"] for lv in m.levels] == ["Xây dựng nền tảng", "Liên kết hệ thống", "Đổi mới quản trị"]
    assert assessment.load_catalogue().criteria == ()  # the built-in catalogue ships no criteria


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_workbook_round_trip_to_the_city_page(lang: str, tmp_path: Path) -> None:
    """A city fills the Criteria sheet in its language; the page states the level reached and what blocks the next."""
    cat = assessment.load_catalogue(EXAMPLE)
    cohort = assessment.read_submissions([ROOT / "examples" / "ascn-2025"], catalogue=cat).without_error_files()
    values = cohort.data[cohort.data["city"] == "Da Nang"]
    fill = Prefill(profile={"population": 1_220_190},
                   indicators={r["indicator"]: {"value": r["value"]} for r in values.to_dict("records")})
    path = assessment.write_template(tmp_path / f"danang-{lang}.xlsx", city="Da Nang", country="VN", year=2025,
                                     lang=lang, catalogue=cat, prefill=fill)
    book = openpyxl.load_workbook(path)
    sheet = book["Criteria" if lang == "en" else "Tiêu chí"]
    yes, no = ("met", "not met") if lang == "en" else ("đạt", "không đạt")
    answers_by_id = {"EX-F1": (yes, "Decision 1/2024"), "EX-F2": (yes.upper(), "Cloud contract"),
                     "EX-F3": (yes, "Approval 7/2024"), "EX-L1": (yes, ""), "EX-L2": (no, ""),
                     "EX-G1": ("maybe", "")}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in answers_by_id:
            row[5].value, row[6].value = answers_by_id[row[0].value]
    book.save(path)
    intake = assessment.read_submissions([path], catalogue=cat, lang=lang)
    codes = {p.code: p for p in intake.problems if p.item.startswith("EX-")}
    assert set(codes) == {"criterion-no-evidence", "criterion-answer"}
    assert codes["criterion-answer"].item == "EX-G1" and codes["criterion-answer"].column == "F"
    assert codes["criterion-no-evidence"].item == "EX-L1" and codes["criterion-no-evidence"].severity == "warning"
    assert len(intake.criteria) == 10  # every row kept, answered or not: nothing lost
    fixed = [p for p in intake.problems if p.code != "criterion-answer"]
    ok = dataclasses.replace(intake, problems=tuple(fixed))  # as if the city corrected EX-G1's answer
    result = assessment.assess(ok, catalogue=cat)
    levels, _ = result.criteria["vn-example"]
    assert levels.loc["Da Nang", "rank"] == 1 and levels.loc["Da Nang", "blocking"] == "EX-L1, EX-L2"
    site = assessment.render_report(result, tmp_path / "site", lang=lang)
    page = next((site.parent / "cities").glob("*.html")).read_text(encoding="utf-8")
    if lang == "en":
        assert "Level reached: Foundation building (1 of 3)." in page and "EX-L1, EX-L2" in page
        assert "marked met, but no evidence: not counted" in page
    else:
        assert "Cấp độ đạt được: Xây dựng nền tảng (1 trên 3)." in page
        assert "không phải tiêu chí chính thức" in page


def test_the_csv_form_carries_the_criteria(tmp_path: Path) -> None:
    """The long CSV form has one 'criterion' row per criterion; answers read back as from the workbook."""
    cat = assessment.load_catalogue(EXAMPLE)
    fill = Prefill(profile={"population": 500_000},
                   criteria={"EX-F1": {"met": True, "evidence": "Decision 1/2024"}, "EX-F2": {"met": False}})
    path = assessment.write_template(tmp_path / "hue.csv", city="Hue", country="VN", year=2025, lang="vi",
                                     catalogue=cat, prefill=fill)
    text = path.read_text(encoding="utf-8-sig")
    assert text.count("\ncriterion,") == 10 and ",đạt,," in text
    intake = assessment.read_submissions([path], catalogue=cat)
    got = intake.criteria.set_index("criterion")
    assert len(got) == 10 and bool(got.loc["EX-F1", "met"]) and got.loc["EX-F1", "evidence"] == "Decision 1/2024"
    assert not pd.isna(got.loc["EX-F2", "met"]) and not got.loc["EX-F2", "met"]  # answered: not met
    assert pd.isna(got.loc["EX-G1", "met"])
    assert not [p for p in intake.problems if p.item.startswith("EX-")]


def test_the_command_line_takes_the_criteria_catalogue(tmp_path: Path) -> None:
    """template, validate and report each accept --catalogue, so a province's model goes through the CLI."""
    from typer.testing import CliRunner

    from assessment.cli import app

    runner = CliRunner()
    book = tmp_path / "hue.xlsx"
    made = runner.invoke(app, ["template", "--city", "Hue", "--country", "VN", "--year", "2025", "--lang", "vi",
                               "--catalogue", str(EXAMPLE), "-o", str(book)])
    assert made.exit_code == 0, made.output
    assert "Tiêu chí" in openpyxl.load_workbook(book).sheetnames
    sheet = openpyxl.load_workbook(book)
    crit = sheet["Tiêu chí"]
    crit["F2"], crit["F3"] = "không đạt", "có lẽ"
    sheet.save(book)
    checked = runner.invoke(app, ["validate", str(book), "--catalogue", str(EXAMPLE), "--lang", "vi"])
    assert checked.exit_code == 1 and "'có lẽ' không phải là câu trả lời cho một tiêu chí" in checked.output
    plain = runner.invoke(app, ["validate", str(book)])  # the built-in catalogue has no criteria: not read
    assert "có lẽ" not in plain.output


def test_a_vietnamese_csv_template_reads_back_its_own_numbers(tmp_path: Path) -> None:
    """Prefilled numbers are written with the template language's decimal mark (78,5), never read as ambiguous."""
    cat = assessment.load_catalogue()
    ids = [i.id for i in cat.scored_indicators[:3]]
    fill = Prefill(profile={"population": 652_572.0},
                   indicators={ids[0]: {"value": 78.5}, ids[1]: {"value": 0.00001}, ids[2]: {"value": 12}})
    path = assessment.write_template(tmp_path / "hue.csv", city="Hue", country="VN", year=2025, lang="vi",
                                     prefill=fill)
    assert ",\"78,5\"," in path.read_text(encoding="utf-8-sig")  # quoted: the field holds the CSV delimiter
    intake = assessment.read_submissions([path])
    got = intake.data.set_index("indicator")["value"]
    assert got[ids[0]] == 78.5 and got[ids[1]] == 0.00001 and got[ids[2]] == 12
    assert intake.profiles.loc[0, "population"] == 652_572.0
    assert not [p for p in intake.problems if p.code in ("ambiguous-number", "not-a-number", "other-decimal-mark")]
