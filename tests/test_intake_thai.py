"""Thai input at the intake (issue 25): years of the Buddhist Era and Thai digits typed in cells.

Known answers by hand: the Buddhist Era (BE) counts from 543 BCE, so BE = CE + 543 (BE 2568 is
CE 2025, BE 2567 is 2024, BE 2569 is 2026). Thai digits ๐๑๒๓๔๕๖๗๘๙ are 0–9 (U+0E50–U+0E59), so
๒๕๖๘ is 2568, ๖๕๐๐๐๐ is 650000 and ๑๒.๕ is 12.5.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from assessment.intake import Prefill, read_submissions, write_template

# the City profile sheet: one row per field from row 2 (city, country, year, population …), value in column C
YEAR_CELL, POPULATION_CELL = "C4", "C5"


def _workbook(tmp_path: Path, lang: str = "en", profile: dict[str, object] | None = None,
              cells: dict[tuple[str, str], object] | None = None) -> Path:
    """A template filled as a Thai city would: profile cells by reference, (indicator, column) cells by id."""
    base = write_template(tmp_path / f"t-{lang}.xlsx", city="Chiang Mai", country="TH", year=2025, lang=lang,
                          prefill=Prefill(profile={"population": 1_200_000}))
    wb = openpyxl.load_workbook(base)
    prof, ind = wb[wb.sheetnames[1]], wb[wb.sheetnames[2]]
    for ref, value in (profile or {}).items():
        prof[ref] = value
    rows = {ind.cell(r, 1).value: r for r in range(2, ind.max_row + 1)}
    for (ident, col), value in (cells or {}).items():
        ind[f"{col}{rows[ident]}"] = value
    out = tmp_path / f"chiang-mai-{lang}.xlsx"
    wb.save(out)
    return out


def _long_csv(tmp_path: Path, year: str, values: dict[str, dict[str, str]]) -> Path:
    """The template's long CSV form with ``year`` typed in the year column of every row and ``values`` by id
    (the assessment year is read from the value of the ``year`` profile row, or from the year column when that
    value is empty)."""
    path = write_template(tmp_path / "cm.csv", city="Chiang Mai", country="TH", year=2025)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    col = {name: i for i, name in enumerate(rows[0])}
    for row in rows[1:]:
        row[col["year"]] = year
        for key, value in values.get(row[col["id"]], {}).items():
            row[col[key]] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _by_code(intake: object, code: str) -> list[object]:
    return [p for p in intake.problems if p.code == code]  # type: ignore[attr-defined]


# -- the rule ---------------------------------------------------------------------------------------------
def test_the_offset_is_the_buddhist_eras() -> None:
    from assessment.intake.years import ERA_OFFSETS
    from assessment.locales import locale

    # BE 2568 = CE 2025 (the Thai Royal Gazette dates 2025 documents 2568); the intake takes Thai's era
    assert locale("th").era_offsets == (543,) and ERA_OFFSETS == (543,)


@pytest.mark.parametrize(("number", "span", "read"), [
    (2025, (1990, 2100), (2025, False)),   # a year of the Common Era, as it is
    (2568, (1990, 2100), (2025, True)),    # BE 2568 - 543
    (2533, (1990, 2100), (1990, True)),    # the first BE year of the span: 1990 + 543
    (2643, (1990, 2100), (2100, True)),    # the last: 2100 + 543
    (2532, (1990, 2100), None),            # BE 2532 is 1989, before the span
    (2644, (1990, 2100), None),            # BE 2644 is 2101, after it
    (2443, (1900, 2100), (1900, True)),    # data years start at 1900: BE 2443
    (3025, (1990, 2100), None),            # neither a CE nor a BE year of the span: refused as before
    (2200, (1900, 2100), None),            # between the two ranges: neither
    (2568.5, (1990, 2100), None),          # not a whole year
])
def test_common_era(number: float, span: tuple[int, int], read: tuple[int, bool] | None) -> None:
    from assessment.intake.years import common_era

    assert common_era(number, span) == read


# -- workbooks ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "vi"])  # a Thai city may fill a template in any language
def test_buddhist_era_years_in_a_workbook_are_read_with_a_note(tmp_path: Path, lang: str) -> None:
    path = _workbook(tmp_path, lang, profile={YEAR_CELL: 2568}, cells={
        ("QE-PM25", "E"): 21, ("QE-PM25", "F"): 2567,       # BE 2567: data of 2024
        ("QE-PM10", "E"): 40, ("QE-PM10", "F"): "๒๕๖๘",     # BE 2568 in Thai digits: 2025
        ("QE-NO2", "E"): 15, ("QE-NO2", "F"): 2569,          # BE 2569 = 2026: after the assessment year
    })
    intake = read_submissions([path], lang=lang)
    assert intake.profiles["year"].tolist() == [2025]  # never 2568, a year in the future
    years = intake.data.set_index("indicator")["data_year"]
    assert (years["QE-PM25"], years["QE-PM10"]) == (2024, 2025)
    notes = _by_code(intake, "buddhist-era-year")
    places = {(p.sheet, p.column, p.item, p.found, dict(p.params)["year"]) for p in notes}
    profile, indicators = openpyxl.load_workbook(path).sheetnames[1:3]
    assert {(profile, "C", "", "2568", "2025"), (indicators, "F", "QE-PM25", "2567", "2024"),
            (indicators, "F", "QE-PM10", "๒๕๖๘", "2025"), (indicators, "F", "QE-NO2", "2569", "2026")} == places
    assert all(p.severity == "warning" and p.source == str(path) for p in notes)
    assert next(p for p in notes if p.column == "C").row == 4
    # BE 2569 is 2026, later than 2025: that is still an error, now about the right year
    assert [p.item for p in _by_code(intake, "data-year-future")] == ["QE-NO2"]
    assert not _by_code(intake, "bad-year") and not _by_code(intake, "bad-data-year")


def test_the_note_names_both_years_in_english_and_vietnamese(tmp_path: Path) -> None:
    intake = read_submissions([_workbook(tmp_path, profile={YEAR_CELL: "๒๕๖๘"})])
    note = _by_code(intake, "buddhist-era-year")[0]
    assert note.text("en") == ("The year ๒๕๖๘ is read as a year of the Buddhist Era (BE 2568, as Thai Excel shows "
                               "years), so the year 2025 is used.")
    vi = note.text("vi")
    assert "2568" in vi and "2025" in vi and "Phật lịch" in vi and vi != note.text("en")
    row = intake.issues[intake.issues["code"] == "buddhist-era-year"].iloc[0]
    assert (row["severity"], row["column"], row["row"], row["value"]) == ("warning", "C", 4, "๒๕๖๘")


def test_years_neither_common_nor_buddhist_are_refused_as_before(tmp_path: Path) -> None:
    path = _workbook(tmp_path, profile={YEAR_CELL: 3025}, cells={("QE-PM25", "E"): 21, ("QE-PM25", "F"): 2200})
    intake = read_submissions([path])
    assert [p.found for p in _by_code(intake, "bad-year")] == ["3025"]
    assert [p.found for p in _by_code(intake, "bad-data-year")] == ["2200"]
    assert not _by_code(intake, "buddhist-era-year")
    assert intake.profiles["year"].isna().all()


def test_a_date_typed_in_the_buddhist_era_gives_its_common_era_year(tmp_path: Path) -> None:
    """A date typed as 30/06/2567 in a spreadsheet that does not know the Buddhist calendar is stored as a date
    of the year 2567: read as the year 2567 (the date note), which is BE 2567 = 2024 (the era note)."""
    path = _workbook(tmp_path, cells={("QE-PM25", "E"): 21, ("QE-PM25", "F"): dt.datetime(2567, 6, 30)})
    intake = read_submissions([path])
    assert intake.data.set_index("indicator").loc["QE-PM25", "data_year"] == 2024
    assert {p.code for p in intake.problems if p.item == "QE-PM25"} == {"date-as-year", "buddhist-era-year"}


# -- Thai digits -------------------------------------------------------------------------------------------
def test_thai_digits_in_a_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path, profile={POPULATION_CELL: "๑,๒๐๐,๐๐๐", "C6": "๒๐.๕"}, cells={
        ("QE-PM25", "E"): "๑๒.๕", ("QE-PM25", "F"): "๒๐๒๔",  # a CE year in Thai digits: no note
        ("QE-PM10", "E"): "๔๐"})
    intake = read_submissions([path])
    prof = intake.profiles.iloc[0]
    assert (prof["population"], prof["area_km2"]) == (1_200_000, 20.5)
    data = intake.data.set_index("indicator")
    assert (data.loc["QE-PM25", "value"], data.loc["QE-PM25", "data_year"], data.loc["QE-PM10", "value"]) == (
        12.5, 2024, 40)
    assert not [p for p in intake.problems if p.severity == "error"]
    assert not _by_code(intake, "buddhist-era-year")


def test_thai_digits_mixed_with_ascii_are_a_problem_everywhere(tmp_path: Path) -> None:
    path = _workbook(tmp_path, profile={YEAR_CELL: "๒๕๖8", POPULATION_CELL: "๑2๐๐๐๐๐"}, cells={
        ("QE-PM25", "E"): "๑2", ("QE-PM10", "E"): 40, ("QE-PM10", "F"): "2๕๖๗"})
    intake = read_submissions([path])
    mixed = {(p.column, p.item, p.found) for p in _by_code(intake, "mixed-digits")}
    assert mixed == {("C", "", "๒๕๖8"), ("C", "", "๑2๐๐๐๐๐"), ("E", "QE-PM25", "๑2"), ("F", "QE-PM10", "2๕๖๗")}
    assert not _by_code(intake, "bad-year")  # the year's problem is named once, by what is wrong with it
    assert intake.profiles["year"].isna().all() and intake.profiles["population"].isna().all()


# -- CSV forms ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("year", "row_value", "column"), [
    ("2568", "2568", "value@"),       # the year typed in the year profile row's value (and the year column)
    ("๒๕๖๘", "๒๕๖๘", "value@"),
    ("๒๕๖๘", "", "year@"),            # the year profile row's value left empty: the year column is read
])
def test_buddhist_era_and_thai_digits_in_the_long_csv_form(tmp_path: Path, year: str, row_value: str,
                                                           column: str) -> None:
    path = _long_csv(tmp_path, year, {"year": {"value": row_value}, "population": {"value": "๑๒๐๐๐๐๐"},
                                      "QE-PM25": {"value": "๑๒.๕", "data_year": "๒๕๖๗"},
                                      "QE-PM10": {"value": "40", "data_year": "2567"}})
    intake = read_submissions([path])
    assert intake.profiles["year"].tolist() == [2025] and intake.profiles["population"].tolist() == [1_200_000]
    data = intake.data.set_index("indicator")
    assert data.loc["QE-PM25", "value"] == 12.5
    assert (data.loc["QE-PM25", "data_year"], data.loc["QE-PM10", "data_year"]) == (2024, 2024)
    # a CSV cell is named by its column and row (the column as '<name>@', the row apart)
    notes = {(p.sheet, p.column, p.item, p.found, dict(p.params)["year"])
             for p in _by_code(intake, "buddhist-era-year")}
    assert notes == {("cm.csv", column, "", year, "2025"), ("cm.csv", "data_year@", "QE-PM25", "๒๕๖๗", "2024"),
                     ("cm.csv", "data_year@", "QE-PM10", "2567", "2024")}
    assert not [p for p in intake.problems if p.severity == "error"]


def test_buddhist_era_and_mixed_digits_in_the_wide_csv_form(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("city,country,year,population,QE-PM25,QE-PM10\n"
                    "Chiang Mai,TH,2568,๑๒๐๐๐๐๐,๑๒.๕,๑2\n", encoding="utf-8")
    intake = read_submissions([path])
    assert intake.profiles["year"].tolist() == [2025] and intake.profiles["population"].tolist() == [1_200_000]
    assert intake.data.set_index("indicator").loc["QE-PM25", "value"] == 12.5
    assert [(p.column, p.row, p.found) for p in _by_code(intake, "buddhist-era-year")] == [("year@", 2, "2568")]
    assert [(p.item, p.found) for p in _by_code(intake, "mixed-digits")] == [("QE-PM10", "๑2")]
