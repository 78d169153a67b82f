"""Intake cannot be misread: values a city did not mean are refused with a message, never passed on."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assessment
from assessment.intake import Prefill, read_submissions, write_template
from assessment.intake.numbers import parse_number
from assessment.intake.preflight import Rejection, Scan
from assessment.intake.xls import scan_xls


@pytest.mark.parametrize("raw", ["1e400", "-1e400", "1E999", float("inf"), float("nan")])
def test_non_finite_numbers_are_refused(raw: object) -> None:
    parsed = parse_number(raw)
    assert parsed.value is None and parsed.code == "not-finite"


def test_overflow_range_and_range_answers_are_errors(tmp_path: Path, catalogue: assessment.Catalogue) -> None:
    enabler = catalogue.enablers[0].id
    path = write_template(tmp_path / "c.xlsx", city="Da Nang", country="VN", year=2025, prefill=Prefill(
        profile={"population": 1_200_000},
        indicators={"QE-PM25": {"value": "1e400"}, "QE-PM10": {"value": 30, "quality": "4-5"},
                    "QE-NO2": {"value": 20, "quality": "4 – Estimated from assumptions"}},
        enablers={enabler: {"level": "3-5"}}))
    intake = read_submissions([path])
    issues = {(r["indicator"], r["code"]) for r in intake.issues.to_dict("records")}
    assert ("QE-PM25", "not-finite") in issues
    assert ("QE-PM10", "bad-quality") in issues  # a range of flags is not one flag
    assert (enabler, "enabler-level") in issues  # nor is a range of levels one level
    data = intake.data.set_index("indicator")
    assert data["value"].isna()["QE-PM25"]  # never infinity
    assert data.loc["QE-NO2", "quality"] == 4  # the dropdown's own entry is read
    assert data["quality"].isna()["QE-PM10"]
    vi = intake.problems[0].text("vi")
    assert vi and "found" not in vi


def test_same_workbooks_in_two_folders_give_byte_identical_sites(tmp_path: Path) -> None:
    """The input hash covers content only: copying the workbooks elsewhere changes no byte."""
    import shutil

    from assessment.report import render_report

    source = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    sites = []
    for name in ("first", "second/deeper"):
        folder = tmp_path / name / "cohort"
        shutil.copytree(source, folder)
        result = assessment.assess(read_submissions([folder]).without_error_files())
        sites.append(render_report(result, tmp_path / f"site-{name.replace('/', '-')}").parent)
    files = sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*") if p.is_file())  # pages, CSV, XLSX
    assert len([f for f in files if f.suffix == ".html" and f.parts[0] != "compare"]) == 27
    for rel in files:
        assert (sites[0] / rel).read_bytes() == (sites[1] / rel).read_bytes(), rel


def test_input_hash_follows_details_not_paths(tmp_path: Path) -> None:
    base = dict(city="Hue", country="VN", year=2025)
    fill = {"profile": {"population": 650_000}, "indicators": {"QE-PM25": {"value": 21, "source": "DONRE"}}}
    a = write_template(tmp_path / "a" / "hue.xlsx", prefill=Prefill(**fill), **base)
    b = write_template(tmp_path / "b" / "hue-copy.xlsx", prefill=Prefill(**fill), **base)
    other = {"profile": fill["profile"], "indicators": {"QE-PM25": {"value": 21, "source": "another agency"}}}
    c = write_template(tmp_path / "c" / "hue.xlsx", prefill=Prefill(**other), **base)
    evidence = {**fill, "enablers": {"EB-STRATEGY": {"level": 2, "evidence": "Decision 123"}}}
    d = write_template(tmp_path / "d" / "hue.xlsx", prefill=Prefill(**evidence), **base)
    e = write_template(tmp_path / "e" / "hue.xlsx", prefill=Prefill(**{**evidence, "enablers": {
        "EB-STRATEGY": {"level": 2, "evidence": "Decision 456"}}}), **base)
    digests = [assessment.assess(read_submissions([p]), method={"rank": {"min_coverage": 0}}).recipe.input_hash
               for p in (a, b, c, d, e)]
    assert digests[0] == digests[1]  # other folder and file name: same content, same hash
    assert digests[0] != digests[2]  # a different source is a different input
    assert digests[3] != digests[4]  # and so is different evidence for an enabler level


def _edit(path: Path, out: Path, cells: dict[tuple[str, str], tuple[object, str]]) -> Path:
    """Set (indicator id, column letter) → (value, number format) on the Indicators sheet, as a city would."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Indicators"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for (ident, col), (value, fmt) in cells.items():
        cell = ws[f"{col}{rows[ident]}"]
        cell.value = value
        cell.number_format = fmt
    wb.save(out)
    return out


@pytest.mark.parametrize("suffix", [".xlsx"])
def test_read_what_the_person_saw(tmp_path: Path, suffix: str) -> None:
    """Percent-formatted numbers read as displayed on % units (an error on others); dates give their year."""
    import datetime as dt

    base = write_template(tmp_path / "t.xlsx", city="Hue", country="VN", year=2025,
                          prefill=Prefill(profile={"population": 650_000}))
    path = _edit(base, tmp_path / f"hue{suffix}", {
        ("II-RND", "E"): (0.0075, "0.00%"),          # shown as 0.75 %, unit "% of city GDP"
        ("BI-WATER", "E"): (0.955, "0.0%"),           # shown as 95.5 %
        ("QE-PM25", "E"): (0.21, "0%"),               # shown as 21 %, but the unit is µg/m³
        ("II-RND", "F"): (dt.datetime(2024, 6, 30), "dd/mm/yyyy"),  # a date in the data-year column
        ("BI-WATER", "F"): (45000, "yyyy-mm-dd"),     # a number shown as a date: 2023-03-15
    })
    intake = read_submissions([path])
    values = intake.data.set_index("indicator")
    assert values.loc["II-RND", "value"] == pytest.approx(0.75, abs=1e-12)
    assert values.loc["BI-WATER", "value"] == pytest.approx(95.5, abs=1e-12)
    assert values["value"].isna()["QE-PM25"]
    assert values.loc["II-RND", "data_year"] == 2024 and values.loc["BI-WATER", "data_year"] == 2023
    codes = {(r["indicator"], r["code"]) for r in intake.issues.to_dict("records")}
    assert {("II-RND", "percent-format"), ("BI-WATER", "percent-format"), ("QE-PM25", "percent-format-unit"),
            ("II-RND", "date-as-year"), ("BI-WATER", "date-as-year")} <= codes


def test_two_cities_of_the_same_name_end_to_end(tmp_path: Path) -> None:
    """Validate → score → report with two Springfields: one unit each, titles name the country."""
    from assessment.report import render_report

    fill = Prefill(profile={"population": 150_000}, indicators={"QE-PM25": {"value": 12}, "BI-WATER": {"value": 99}})
    for country in ("US", "GB"):
        write_template(tmp_path / "in" / f"springfield-{country}.xlsx", city="Springfield", country=country,
                       year=2025, prefill=fill)
    long = "Llanfair" + "pwllgwyngyll" * 30  # a city name longer than any file name may be
    write_template(tmp_path / "in" / "long.xlsx", city=long, country="GB", year=2025, prefill=fill)
    intake = read_submissions([tmp_path / "in"])
    assert intake.ok, intake.issues
    result = assessment.assess(intake, method={"rank": {"min_coverage": 0}, "aggregate": {"min_reported": 0}})
    assert {"Springfield (US)", "Springfield (GB)", long} == set(result.aggregated["ascf"].index)
    index = render_report(result, tmp_path / "site")
    pages = sorted(p.name for p in (index.parent / "cities").glob("*.html"))
    assert len(pages) == 3 and all(len(p) <= 70 for p in pages)
    titles = {p: (index.parent / "cities" / p).read_text(encoding="utf-8") for p in pages}
    assert any("Springfield (US)" in t for t in titles.values())
    assert any("Springfield (GB)" in t for t in titles.values())


def _filled(tmp_path: Path) -> tuple[Path, dict[str, float]]:
    values = {"QE-PM25": 21.0, "QE-PM10": 40.0, "BI-WATER": 97.5, "II-RND": 0.8, "HW-LIFEEXP": 76.0}
    path = write_template(tmp_path / "filled.xlsx", city="Hue", country="VN", year=2025, prefill=Prefill(
        profile={"population": 650_000}, indicators={k: {"value": v, "data_year": 2024} for k, v in values.items()}))
    return path, values


def _rows(path: Path, out: Path, change: object) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Indicators"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=ws.max_row)]
    rows = change(rows)  # type: ignore[operator]
    ws.delete_rows(2, ws.max_row)
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    wb.save(out)
    return out


@pytest.mark.parametrize("change", ["sorted by name", "reversed", "two rows swapped", "one row deleted"])
def test_rows_are_found_by_id(tmp_path: Path, change: str) -> None:
    path, values = _filled(tmp_path)
    edits = {
        "sorted by name": lambda rows: sorted(rows, key=lambda r: str(r[1])),
        "reversed": lambda rows: rows[::-1],
        "two rows swapped": lambda rows: [rows[1], rows[0], *rows[2:]],
        "one row deleted": lambda rows: [r for r in rows if r[0] != "QE-PM10"],
    }
    intake = read_submissions([_rows(path, tmp_path / "edited.xlsx", edits[change])])
    assert intake.ok, intake.issues
    got = intake.data.dropna(subset=["value"]).set_index("indicator")["value"].to_dict()
    want = {k: v for k, v in values.items() if not (change == "one row deleted" and k == "QE-PM10")}
    assert got == want
    notices = intake.issues[intake.issues["code"] == "rows-missing"]
    assert len(notices) == (1 if change == "one row deleted" else 0)
    if change == "one row deleted":
        assert notices["message"].iloc[0].endswith(": QE-PM10.")


def test_a_duplicated_id_is_one_error_naming_both_rows(tmp_path: Path) -> None:
    path, _ = _filled(tmp_path)
    edited = _rows(path, tmp_path / "dup.xlsx", lambda rows: [*rows, [rows[0][0], *rows[0][1:4], 5.0]])
    intake = read_submissions([edited])
    dup = intake.issues[intake.issues["code"] == "duplicate"]
    assert len(dup) == 1 and "first on row 2" in dup["message"].iloc[0]


def test_formula_in_a_text_column_and_values_in_an_unread_sheet_are_reported(tmp_path: Path) -> None:
    import openpyxl

    path, _ = _filled(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Indicators"]
    ws["G2"] = '=CONCATENATE("Statistical ", "yearbook")'  # source column; openpyxl saves no result
    ws["C2"] = ws["C2"].value  # unchanged
    copy = wb.copy_worksheet(wb["Indicators"])
    copy["E3"] = 123.0  # a city filled a copy of the sheet
    wb.save(tmp_path / "edited.xlsx")
    intake = read_submissions([tmp_path / "edited.xlsx"])
    issues = intake.issues.set_index("code")
    assert issues.loc["formula-no-result", "column"] == "G" and issues.loc["formula-no-result", "row"] == 2
    assert issues.loc["unread-sheet", "message"] == f"The sheet '{copy.title}' is not read, but it holds values."
    assert intake.problems[[p.code for p in intake.problems].index("unread-sheet")].text("vi").startswith("Trang")


def test_the_csv_form_reads_everything_the_template_writes(tmp_path: Path, catalogue: assessment.Catalogue) -> None:
    import csv

    enabler = catalogue.enablers[0].id
    path = write_template(tmp_path / "hue.csv", city="Hue", country="VN", year=2025, prefill=Prefill(
        profile={"population": 650_000}, indicators={"QE-PM25": {"value": 21}, "BI-WATER": {"value": 97}},
        enablers={enabler: {"level": 3, "evidence": "Council resolution 12/2024", "notes": "adopted"}}))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    header = rows[0]
    unit = header.index("unit")
    for row in rows[1:]:
        if row[header.index("id")] == "BI-WATER":
            row[unit] = "% of people"  # a unit edited by hand
    rows[0] = [*header, "comment"]
    rows[1] = [*rows[1], "a column the form does not have"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    intake = read_submissions([path])
    assert intake.enablers.set_index("enabler").loc[enabler, "evidence"] == "Council resolution 12/2024"
    codes = {(r["indicator"], r["code"]) for r in intake.issues.to_dict("records")}
    assert ("BI-WATER", "changed-unit") in codes
    assert any(code == "stray-cell" for _, code in codes)


@pytest.mark.parametrize(("name", "content", "cities"), [
    ("semicolons", "city;country;year;population;QE-PM25\nHue;VN;2025;650000;21\n", 1),
    ("tabs", "city\tcountry\tyear\tpopulation\tQE-PM25\nHue\tVN\t2025\t650000\t21\n", 1),
    ("cr-only", "city,country,year,population,QE-PM25\rHue,VN,2025,650000,21\r", 1),
])
def test_csv_separators_and_line_endings(tmp_path: Path, name: str, content: str, cities: int) -> None:
    (tmp_path / f"{name}.csv").write_text(content, encoding="utf-8")
    intake = read_submissions([tmp_path / f"{name}.csv"])
    assert intake.ok, intake.issues
    assert len(intake.profiles) == cities and intake.data.set_index("indicator").loc["QE-PM25", "value"] == 21


def test_an_oversized_csv_field_is_one_clean_problem(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text('city,notes\nHue,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    intake = read_submissions([tmp_path / "big.csv"])
    assert intake.issues["code"].tolist() == ["bad-csv"]


def test_clean_failures_at_the_edges(tmp_path: Path) -> None:
    """Output problems and malformed saved results end with one message and an exit code, never a traceback."""
    from typer.testing import CliRunner

    from assessment.cli import app

    runner = CliRunner()
    examples = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["report", str(examples), "-o", str(tmp_path / "a-file")])
    assert res.exit_code == 2 and "must be a folder" in res.output and res.exception is not None
    assert isinstance(res.exception, SystemExit)  # a clean exit, not an error escaping
    res = runner.invoke(app, ["report", str(examples), "-o", str(tmp_path / "a-file" / "site")])  # unwritable
    assert res.exit_code == 1 and "cannot write" in res.output and isinstance(res.exception, SystemExit)
    saved = tmp_path / "saved"
    data = assessment.assess(read_submissions([examples]).without_error_files())
    data.to_csv(saved)
    (saved / "recipe.json").write_text("[1, 2]", encoding="utf-8")
    res = runner.invoke(app, ["report", str(saved), "-o", str(tmp_path / "site")])
    assert res.exit_code == 1 and "not a readable saved result" in res.output
    assert isinstance(res.exception, SystemExit)


def test_a_failed_render_leaves_no_partial_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assessment.report import render as render_module
    from assessment.report import unit_files

    examples = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    result = assessment.assess(read_submissions([examples]).without_error_files())
    real = unit_files.city_page
    calls = []

    def failing(rep: object, key: object) -> dict[str, object]:
        calls.append(key)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(rep, key)  # type: ignore[arg-type]

    monkeypatch.setattr(unit_files, "city_page", failing)  # the unit pages' writer (one process: workers=1)
    with pytest.raises(OSError):
        render_module.render_report(result, tmp_path / "site")
    assert not list((tmp_path / "site").rglob("*.html"))  # nothing half-written looks like a site


def _marker(path: Path, out: Path, version: str, catalogue_id: str = "ascf-oecd",
            units: dict[str, str] | None = None) -> Path:
    """The workbook as if made from another catalogue (version), with some units as that version had them."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["_smartcity"]
    for row in ws.iter_rows():
        if row[0].value == "catalogue_version":
            row[1].value = version
        if row[0].value == "catalogue_id":
            row[1].value = catalogue_id
        if len(row) > 5 and row[4].value in (units or {}):
            row[5].value = (units or {})[row[4].value]
    sheet = wb["Indicators"]
    for r in range(2, sheet.max_row + 1):  # the old template showed the old unit on the row too
        if sheet.cell(r, 1).value in (units or {}):
            sheet.cell(r, 3).value = (units or {})[sheet.cell(r, 1).value]
    wb.save(out)
    return out


def test_an_older_template_is_read_where_ids_and_units_still_match(tmp_path: Path) -> None:
    path, values = _filled(tmp_path)
    older = _marker(path, tmp_path / "older.xlsx", "0.9.0", units={"QE-PM10": "mg/m³"})
    intake = read_submissions([older])
    codes = {(r["indicator"], r["code"]) for r in intake.issues.to_dict("records")}
    assert ("", "older-template") in codes and ("QE-PM10", "unit-redefined") in codes
    got = intake.data.dropna(subset=["value"]).set_index("indicator")["value"].to_dict()
    assert got == {k: v for k, v in values.items() if k != "QE-PM10"}
    other = read_submissions([_marker(path, tmp_path / "other.xlsx", "2.0", catalogue_id="someone-else")])
    assert "other-catalogue" in set(other.issues["code"]) and not other.ok


def test_score_refuses_an_unreadable_csv_cleanly(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    (tmp_path / "latin1.csv").write_bytes("unit,QE-PM25\nHu\xe9,21\n".encode("latin-1"))
    res = CliRunner().invoke(app, ["score", str(tmp_path / "latin1.csv")])
    assert res.exit_code == 1 and "not a readable CSV table" in res.output and isinstance(res.exception, SystemExit)


DATA = Path(__file__).resolve().parent / "data"


def test_an_xls_workbook_shows_its_formats_formulas_and_errors_as_the_xlsx_does() -> None:
    """tests/data/bangkok-2025-formats-lo.{xlsx,xls}: examples/ascn-2025/bangkok-2025.xlsx with, on the
    Indicators sheet, E2 = 0.786 formatted ``0.0%``, E3 = ``=20+5.5``, E5 = ``=1/0``, F6 a date formatted
    ``yyyy-mm-dd`` and E7 = 0.5 formatted ``0.00" %"`` (a literal "%" text, not a percentage); saved by
    LibreOffice 7.4 as .xlsx and as Excel 97-2003 .xls (``soffice --headless --convert-to``). The
    same workbook must give the same problems and the same values in both formats: without the .xls
    record scan, 0.786 was read as 0.786 (not 78.6 as shown) and the formulas and the error passed silently."""
    xlsx = read_submissions([DATA / "bangkok-2025-formats-lo.xlsx"])
    xls = read_submissions([DATA / "bangkok-2025-formats-lo.xls"])
    where = ["sheet", "row", "column", "indicator", "code", "severity", "value"]
    assert xls.issues[where].to_dict("records") == xlsx.issues[where].to_dict("records")
    assert {(r["column"], r["row"], r["code"]) for r in xls.issues.to_dict("records")} == {
        ("E", 2, "percent-format"), ("E", 3, "formula"), ("E", 5, "excel-error"), ("F", 6, "date-as-year")}
    cols = ["indicator", "value", "data_year", "source", "quality"]
    assert xls.data[cols].equals(xlsx.data[cols])
    values = xls.data.set_index("indicator")["value"]
    assert values["BI-WATER"] == pytest.approx(78.6) and values["BI-NRW"] == 25.5 and values["BI-OUTAGE"] == 0.5


def _damaged(tmp_path: Path, name: str, edit: dict[int, bytes]) -> Path:
    data = bytearray((DATA / "phuket-2025.xls").read_bytes())
    for at, raw in edit.items():
        data[at:at + len(raw)] = raw
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_xls_is_one_clear_problem(tmp_path: Path) -> None:
    """A sector chain that loops, a sector number outside the file and an unknown sector size are
    refused by the record scan (in the reader's cage) as one problem each; the other files are read."""
    loop = bytearray((DATA / "phuket-2025.xls").read_bytes())
    first_dir = int.from_bytes(loop[0x30:0x34], "little")
    per_sector = 512 // 4  # FAT entries per 512-byte sector; the header lists the FAT's sectors from 0x4C
    fat_sector = int.from_bytes(loop[0x4C + 4 * (first_dir // per_sector):][:4], "little")
    at = (fat_sector + 1) * 512 + 4 * (first_dir % per_sector)  # the directory's FAT entry points to itself
    files = [
        _damaged(tmp_path, "loop.xls", {at: first_dir.to_bytes(4, "little")}),
        _damaged(tmp_path, "outside.xls", {0x30: (10**6).to_bytes(4, "little")}),
        _damaged(tmp_path, "sector-size.xls", {0x1E: (7).to_bytes(2, "little")}),
        DATA / "phuket-2025.xls",
    ]
    intake = read_submissions(files)
    by_file = intake.issues.groupby("file")["code"].apply(list).to_dict()
    for bad in files[:3]:
        assert by_file[str(bad)] == ["not-a-workbook"], (bad.name, by_file.get(str(bad)))
    assert str(files[3]) not in by_file and len(intake.profiles) == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.integers(0, 1024), st.integers(0, 120_000)), st.binary(min_size=1, max_size=4)),
                min_size=1, max_size=6))
def test_the_xls_record_scan_refuses_or_reads_any_damage(edits: list[tuple[int, bytes]]) -> None:
    """Whatever bytes are changed, the scan returns what it saw or refuses the file (a Rejection);
    it never fails with another exception (the cage would report that as a crash)."""
    data = bytearray((DATA / "phuket-2025.xls").read_bytes())
    for at, raw in edits:
        data[at % len(data):at % len(data) + len(raw)] = raw
    try:
        scan = scan_xls(bytes(data))
    except Rejection:
        return
    assert isinstance(scan, Scan)
