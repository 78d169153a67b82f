"""Nothing misread at intake (issue 24, points 3–5): spaces in numbers, digits of other scripts, underflow,
and one city written in two Unicode forms. Every expected value below is worked out by hand in the test."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from assessment.intake import Prefill, read_submissions, write_template
from assessment.intake.numbers import parse_number


# -- point 3: a space between digits separates thousands only between groups of exactly three ---------------
@pytest.mark.parametrize("raw", ["12 5", "0 5", "1\xa05", "1 2345", "12 34 567", "1  234", "1\t234", "0 500",
                                 "1 234 5", "12,5 5", "1 234.56 7"])
def test_spaces_that_do_not_group_thousands_are_a_problem(raw: str) -> None:
    for lang in ("en", "vi"):
        parsed = parse_number(raw, lang)
        assert parsed.value is None and parsed.code == "digit-groups", (raw, lang, parsed)


@pytest.mark.parametrize(("raw", "lang", "value"), [
    ("12 345", "en", 12_345.0),                 # one space, a group of three
    ("1\xa0234\xa0567", "en", 1_234_567.0),     # non-breaking spaces, as Excel in many locales writes
    ("12\u202f345", "vi", 12_345.0),            # narrow no-break space (the SI thousands separator)
    ("1 234,5", "vi", 1_234.5),                 # Vietnamese: spaces group, the comma is the decimal mark
    ("1 234.5", "en", 1_234.5),
    ("1 234,567", "vi", 1_234.567),             # spaces group the thousands, so the comma can only be decimal
    ("- 12 345", "en", -12_345.0),
    ("75 %", "en", 75.0),                       # a space before a percent sign is no digit group
])
def test_thousands_grouped_by_spaces_are_read(raw: str, lang: str, value: float) -> None:
    assert parse_number(raw, lang, percent_ok=True).value == value


def test_spaces_grouping_with_the_other_mark_is_refused_not_joined() -> None:
    parsed = parse_number("1 234,5", "en")  # an English template reads '.' as the decimal mark
    assert parsed.code == "other-decimal-mark" and parsed.alternatives == (1234.5,)


@pytest.mark.parametrize("raw", ["about twelve", "12 apples", "1 234 m", "ca. 12 345", "1.5 E3"])
def test_words_with_spaces_are_not_a_number_not_a_grouping_problem(raw: str) -> None:
    assert parse_number(raw, "en").code == "not-a-number"


def test_a_first_group_starting_with_zero_is_not_thousands() -> None:
    assert parse_number("0,500,000").code == "not-a-number"
    assert parse_number("0.123,5", "vi").code == "not-a-number"  # was read as 123.5


# -- point 4: underflow, overflow and digits of other scripts ------------------------------------------------
@pytest.mark.parametrize("raw", ["1e-400", "-1e-400", "0.5e-323", "1e-310", "1,5e-400", "1.0E-999"])
def test_numbers_too_close_to_zero_are_a_problem_not_zero(raw: str) -> None:
    parsed = parse_number(raw, "en")
    assert parsed.value is None and parsed.code in ("underflow", "not-a-number"), parsed
    if "," not in raw:  # '1,5e-400' is no number in an English template at all
        assert parsed.code == "underflow"


def test_a_subnormal_numeric_cell_is_a_problem_and_true_zeros_are_zero() -> None:
    assert parse_number(5e-324).code == "underflow"  # the smallest subnormal double: one significant bit
    assert parse_number("0e-400").value == 0.0 and parse_number("0").value == 0.0
    assert parse_number("-0.0").value == 0.0
    assert parse_number("2.3e-308").value == pytest.approx(2.3e-308)  # just above the smallest normal double


@pytest.mark.parametrize(("raw", "value"), [
    ("１２３", 123.0),                   # full-width, as East Asian input methods type them
    ("１，２３４．５", 1234.5),           # with the full-width comma and full stop
    ("－４２", -42.0),                    # full-width minus
    ("๑๒๓", 123.0),                      # Thai
    ("໑໒", 12.0),                        # Lao
    ("១២៣", 123.0),                      # Khmer
    ("၁၂", 12.0),                        # Myanmar
    ("١٢٣", 123.0),                      # Arabic-Indic
    ("१२३", 123.0),                      # Devanagari
])
def test_digits_of_one_script_are_read(raw: str, value: float) -> None:
    assert parse_number(raw, "en").value == value


@pytest.mark.parametrize(("raw", "code"), [
    ("1٢3", "mixed-digits"),      # ASCII and Arabic-Indic
    ("1２3", "mixed-digits"),     # ASCII and full-width
    ("๑2", "mixed-digits"),       # Thai and ASCII
    ("𝟏𝟐", "styled-digits"),      # mathematical bold
    ("𝟙𝟚", "styled-digits"),      # mathematical double-struck
    ("𝟷𝟸", "styled-digits"),      # mathematical monospace
    ("🯱🯲", "styled-digits"),      # segmented (legacy computing)
    ("²", "not-a-number"),        # a superscript is not a digit
    ("1.²", "not-a-number"),
    ("①", "not-a-number"),
])
def test_mixed_and_styled_digits_are_a_problem(raw: str, code: str) -> None:
    parsed = parse_number(raw, "en")
    assert parsed.value is None and parsed.code == code


def test_every_new_number_problem_reaches_the_issue_table(tmp_path: Path) -> None:
    cells = {"QE-PM25": "12 5", "QE-PM10": "1e-400", "QE-NO2": "1٢3", "BI-WATER": "𝟗𝟓", "II-RND": "๐.๕"}
    path = write_template(tmp_path / "c.xlsx", city="Hue", country="VN", year=2025, prefill=Prefill(
        profile={"population": 650_000}, indicators={k: {"value": v} for k, v in cells.items()}))
    intake = read_submissions([path])
    codes = {r["indicator"]: r["code"] for r in intake.issues.to_dict("records") if r["indicator"]}
    assert codes == {"QE-PM25": "digit-groups", "QE-PM10": "underflow", "QE-NO2": "mixed-digits",
                     "BI-WATER": "styled-digits"}
    data = intake.data.set_index("indicator")["value"]
    assert data["II-RND"] == 0.5  # Thai digits with a decimal point: 0.5
    assert data[["QE-PM25", "QE-PM10", "QE-NO2", "BI-WATER"]].isna().all()  # never 125, 0, 123 or 95
    issue = intake.issues[intake.issues["code"] == "digit-groups"].iloc[0]
    assert issue["value"] == "12 5" and issue["sheet"] == "Indicators" and issue["column"] == "E"
    vi = next(p for p in intake.problems if p.code == "underflow").text("vi")
    assert vi.startswith("'1e-400' quá gần 0")


# -- point 5: one city, whichever Unicode form its name was typed in ------------------------------------------
NFC_NAME = "Đà Nẵng"
NFD_NAME = unicodedata.normalize("NFD", NFC_NAME)


def test_the_two_spellings_differ_in_code_points_only() -> None:
    # NFD spells the marks apart: Đ à N ẵ n g → Đ a+grave N a+breve+tilde n g (D-stroke has no decomposition)
    assert NFD_NAME != NFC_NAME and len(NFC_NAME) == 7 and len(NFD_NAME) == 10


@pytest.mark.parametrize("second", ["b.xlsx", "b.csv", "b upper.xlsx"])
def test_the_same_city_in_nfc_and_nfd_is_one_city(tmp_path: Path, second: str) -> None:
    import assessment

    fill = Prefill(profile={"population": 1_230_000}, indicators={"QE-PM25": {"value": 21}})
    write_template(tmp_path / "in" / "a.xlsx", city=NFD_NAME, country="VN", year=2025, prefill=fill)
    name = NFC_NAME.upper() if "upper" in second else NFC_NAME
    write_template(tmp_path / "in" / second, city=name, country="VN", year=2025, prefill=fill)
    intake = read_submissions([tmp_path / "in"])
    dup = intake.issues[intake.issues["code"] == "duplicate-city"]
    assert len(dup) == 1 and dup["file"].iloc[0].endswith(second)
    assert dup["message"].iloc[0] == f"{name} (VN) 2025 is submitted more than once (also in a.xlsx)."
    kept = intake.without_error_files()
    assert kept.profiles["city"].tolist() == [NFC_NAME]  # read in NFC, though typed in NFD
    result = assessment.assess(kept, method={"rank": {"min_coverage": 0}, "aggregate": {"min_reported": 0}})
    assert list(result.aggregated["ascf"].index) == [NFC_NAME]  # one unit, one page


def test_rows_of_one_csv_in_both_forms_are_one_city(tmp_path: Path) -> None:
    """The CSV form groups its rows by city: rows typed in NFD and in NFC belong to the same city."""
    import csv

    path = write_template(tmp_path / "c.csv", city=NFC_NAME, country="VN", year=2025,
                          prefill=Prefill(profile={"population": 1_230_000}))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    header = rows[0]
    city, ident, value = header.index("city"), header.index("id"), header.index("value")
    for row in rows[1:]:
        if row[ident] == "QE-PM25":
            row[value], row[city] = "21", NFD_NAME  # one row typed with another input method
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    intake = read_submissions([path])
    assert not [p for p in intake.problems if p.code == "duplicate-city"]
    assert intake.profiles["city"].tolist() == [NFC_NAME]
    assert intake.data.set_index("indicator").loc["QE-PM25", "value"] == 21


def test_dropdown_answers_follow_the_same_digit_rules(tmp_path: Path, catalogue: object) -> None:
    """A quality flag or an enabler level typed in Thai digits is read; in styled mathematical digits it is not
    (before, ``𝟏`` was read as flag 1: Python's ``int`` takes any decimal digit)."""
    first, second = catalogue.enablers[0].id, catalogue.enablers[1].id  # type: ignore[attr-defined]
    path = write_template(tmp_path / "c.xlsx", city="Hue", country="VN", year=2025, prefill=Prefill(
        profile={"population": 650_000},
        indicators={"QE-PM25": {"value": 21, "quality": "𝟏 – Accurate measurement"},
                    "QE-PM10": {"value": 40, "quality": "๒ – การประมาณ ปี ๒๕๖๗"}},  # Thai label with Thai digits
        enablers={first: {"level": "𝟑"}, second: {"level": "๔"}}))
    intake = read_submissions([path])
    codes = {(r["indicator"], r["code"]) for r in intake.issues.to_dict("records")}
    assert {("QE-PM25", "bad-quality"), (first, "enabler-level")} <= codes
    assert not {c for c in codes if c[0] in ("QE-PM10", second)}
    data = intake.data.set_index("indicator")["quality"]
    assert data.isna()["QE-PM25"] and data["QE-PM10"] == 2
    levels = intake.enablers.set_index("enabler")["level"]
    assert levels.isna()[first] and levels[second] == 4
