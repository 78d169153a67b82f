"""Workbooks: the template, reading it back, every validation rule, nothing lost, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import load_script
from typer.testing import CliRunner

import assessment
from assessment.cli import app
from assessment.intake import Prefill, read_submissions, write_template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"


@pytest.fixture(scope="module")
def example_intake():
    return read_submissions(EXAMPLES)


def fill(src: Path, dst: Path, edits: dict[str, dict[str, object]]) -> Path:
    """Edit a template the way a city would (openpyxl, like a spreadsheet program)."""
    wb = openpyxl.load_workbook(src)
    names = {"profile": wb.sheetnames[1], "indicators": wb.sheetnames[2], "enablers": wb.sheetnames[3]}
    for sheet, cells in edits.items():
        ws = wb[names.get(sheet, sheet)]
        for ref, value in cells.items():
            ws[ref] = value
    wb.save(dst)
    return dst


def issues_of(intake) -> list[tuple[str, str, str]]:
    return [(r["code"], f"{r['column']}{'' if pd.isna(r['row']) else int(r['row'])}", r["message"])
            for r in intake.issues.to_dict("records")]


def test_template_structure(tmp_path, catalogue):
    path = write_template(tmp_path / "dn.xlsx", city="Da Nang", country="VN", year=2025, lang="vi")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Hướng dẫn", "Hồ sơ thành phố", "Chỉ số", "Yếu tố thúc đẩy", "Danh sách", "_smartcity"]
    assert wb["_smartcity"].sheet_state == "veryHidden" and wb["Danh sách"].sheet_state == "hidden"
    assert wb["Hồ sơ thành phố"].column_dimensions["A"].hidden  # the English field ids, for scripts only
    marker = {r[0].value: r[1].value for r in wb["_smartcity"].iter_rows(max_row=8) if r[0].value}
    assert marker["catalogue_version"] == catalogue.version and marker["catalogue_hash"] == catalogue.content_hash
    assert marker["lang"] == "vi"
    ind = wb["Chỉ số"]
    assert ind.max_row == len(catalogue.indicators) + 1
    assert ind["A2"].value == catalogue.indicators[0].id and ind["A2"].protection.locked
    assert not ind["E2"].protection.locked and ind.protection.sheet
    rules = {str(dv.sqref): dv for dv in ind.data_validations.dataValidation}
    pct = next(dv for ref, dv in rules.items() if ref == "E2")
    assert pct.type == "decimal" and (float(pct.formula1), float(pct.formula2)) == (0, 100)
    assert "'Danh sách'!" in next(dv for ref, dv in rules.items() if ref == "H2").formula1
    assert wb["Hồ sơ thành phố"]["C2"].value == "Da Nang"
    ena = wb["Yếu tố thúc đẩy"]
    assert ena["F1"].value.startswith("0 – ") and ena["K2"].value  # level descriptors shown
    # deterministic
    again = write_template(tmp_path / "dn2.xlsx", city="Da Nang", country="VN", year=2025, lang="vi")
    assert path.read_bytes() == again.read_bytes()


def test_round_trip(tmp_path, catalogue):
    tpl = write_template(tmp_path / "t.xlsx", city="Phuket", country="TH", year=2025)
    ids = [i.id for i in catalogue.indicators]
    # an unbounded indicator where 1234.5 is a value cities report (elsewhere it is rightly queried)
    big = next(k for k, i in enumerate(catalogue.indicators) if i.valid_range[1] is None and i.plausible
               and i.plausible.low <= 1234.5 <= i.plausible.high) + 2
    filled = fill(tpl, tmp_path / "f.xlsx", {
        "profile": {"C5": 79308, "C6": 543.0, "C7": "coastal"},
        "indicators": {"E2": 98.5, "F2": 2024, "G2": "Waterworks report", "H2": "1 – Accurate measurement",
                       "I2": "metered", "E3": 31, "F3": 2023, f"E{big}": "1,234.5", "E5": " 12.25 ", "E6": "n/a"},
        "enablers": {"C2": "3 – anything", "D2": "Strategy 2030 document", "C3": 0},
    })
    intake = read_submissions([filled])
    assert intake.ok, intake.issues
    d = intake.data.set_index("indicator")
    assert d.loc[ids[0], "value"] == 98.5 and d.loc[ids[0], "data_year"] == 2024
    assert d.loc[ids[0], "source"] == "Waterworks report" and d.loc[ids[0], "quality"] == 1
    assert d.loc[ids[0], "notes"] == "metered"
    assert d.loc[ids[1], "value"] == 31 and d.loc[ids[big - 2], "value"] == 1234.5 and d.loc[ids[3], "value"] == 12.25
    assert np.isnan(d.loc[ids[4], "value"])  # "n/a": missing, never zero
    assert issues_of(intake) == [("missing-token", "E6", "'n/a' is read as 'not available' (not zero)."),
                                 ("too-few-values", "", "Only 4 of the 98 scored indicators have a value, so this "
                                  "city cannot be ranked: a city is ranked only with values for at least 79 of them "
                                  "(80%). Outcomes and focus areas with too few values show no score.")]
    e = intake.enablers.set_index("enabler")
    assert e.loc[catalogue.enablers[0].id, "level"] == 3 and e.loc[catalogue.enablers[1].id, "level"] == 0
    assert e.loc[catalogue.enablers[0].id, "evidence"] == "Strategy 2030 document"
    p = intake.profiles.iloc[0]
    assert (p["city"], p["country"], p["year"], p["population"], p["area_km2"], p["peer_group"]) == (
        "Phuket", "TH", 2025, 79308, 543.0, "coastal")


def test_vietnamese_template_reads_decimal_commas(tmp_path, catalogue):
    tpl = write_template(tmp_path / "t.xlsx", city="Huế", country="VN", year=2025, lang="vi")
    unbounded = [(k + 2, i) for k, i in enumerate(catalogue.indicators) if i.valid_range[1] is None]
    rows: list[int] = []  # rows where each value is one cities report (implausible values: test_plausible.py)
    for v in (12.5, 1234.5, 1234, 12345):
        rows.append(next(r for r, i in unbounded if i.plausible and r not in rows
                         and i.plausible.low <= v <= i.plausible.high))
    filled = fill(tpl, tmp_path / "f.xlsx", {"profile": {"C5": 650000},
                                             "indicators": {f"E{rows[0]}": "12,5", f"E{rows[1]}": "1.234,5",
                                                            f"E{rows[2]}": "1.234", f"E{rows[3]}": "12\u00a0345"}})
    intake = read_submissions([filled], lang="vi")
    d = intake.data.set_index("row")["value"]
    assert d[rows[0]] == 12.5 and d[rows[1]] == 1234.5 and np.isnan(d[rows[2]]) and d[rows[3]] == 12345
    assert issues_of(intake)[:1] == [("ambiguous-number", f"E{rows[2]}",
                                      "'1.234' không rõ nghĩa: có thể là 1.234 hoặc 1,234.")]
    assert [code for code, _, _ in issues_of(intake)[1:]] == ["too-few-values"]  # 3 values: cannot be ranked


EXPECTED_BROKEN_1 = [
    ("unknown-country", "C3", "'XX' is not an ISO 3166-1 alpha-2 country code."),
    ("missing-profile", "C5", "The required field 'Population (inhabitants)' is empty."),
    ("ambiguous-number", "E3", "'1,234' is ambiguous: it could be 1,234 or 1.234."),
    ("other-decimal-mark", "E4", "'12,5' uses a decimal mark this template's language does not use."),
    ("missing-token", "E7", "'n/a' is read as 'not available' (not zero)."),
    ("out-of-range", "E6", "150 is outside the possible range 0 to 100 for the unit '% of households'."),
    ("data-year-future", "F8", "The data year 2031 is later than the assessment year 2025."),
    ("data-year-old", "F11", "The data year 2009 is more than 10 years before the assessment year 2025."),
    ("bad-quality", "H12", "'seven' is not a data-quality flag (1 to 6)."),
    ("unknown-indicator", "A16", "Unknown indicator ID 'BI-INFORMAL-2'."),  # rows are found by id
    ("rows-missing", "", "1 row(s) of the template are missing, so these are read as not answered: BI-INFORMAL."),
    ("changed-unit", "C17", "The unit cell was changed: the template had '% of household income'."),
    ("percent-sign", "E18", "'1.4%' has a percent sign, but the unit is 'rooms per person'."),
    ("excel-error", "E40", "The cell holds the spreadsheet error #DIV/0!."),
    ("out-of-range", "E42", "-3 is outside the possible range 0 to ∞ for the unit 'per 100,000 inhabitants'."),
    ("not-a-number", "E43", "'lots' is not a number."),
    ("enabler-level", "C2", "The level must be a whole number from 0 to 5; found '7'."),
    ("stray-cell", "L5", "This cell is outside the input columns and was not read."),
]


def test_broken_workbooks_exact_messages(example_intake):
    by_file = {Path(f).name: g for f, g in example_intake.issues.groupby("file")}
    assert set(by_file) == {"zz-broken-1-2025.xlsx", "zz-broken-2-2025.xlsx"}
    got = sorted(issues_of(read_submissions([EXAMPLES / "zz-broken-1-2025.xlsx"])))
    assert got == sorted(EXPECTED_BROKEN_1)
    assert sorted(issues_of(read_submissions([EXAMPLES / "zz-broken-2-2025.xlsx"]))) == sorted([
        ("older-template", "", "The template was made for catalogue ascf-oecd 0.9.0; this package uses ascf-oecd "
                               "1.0.0. Values were read where the indicator and its unit are unchanged."),
        ("formula-no-result", "E2", "The cell holds a formula without a saved result."),
    ])
    assert (example_intake.issues["severity"] == "error").sum() == 15  # 14 + 1; the older template is a warning
    assert len(example_intake.profiles) == 28 and example_intake.profiles["notice"].str.len().gt(0).all()


def test_csv_forms_and_their_rules(tmp_path, catalogue):
    long = write_template(tmp_path / "c.csv", city="Vientiane", country="LA", year=2025)
    frame = pd.read_csv(long, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    ids = [i.id for i in catalogue.indicators]
    frame.loc[frame["id"] == "population", "value"] = "840940"
    frame.loc[frame["id"] == ids[0], ["value", "data_year", "quality"]] = ["77.5", "2024", "2"]
    extra = frame[frame["id"] == ids[1]].assign(value="5")  # the same indicator twice
    bogus = frame[frame["id"] == ids[2]].assign(id="XX-NOPE", value="1")
    frame = pd.concat([frame, extra, bogus])
    frame.to_csv(tmp_path / "c.csv", index=False, encoding="utf-8-sig")
    wide = pd.DataFrame({"city": ["Vientiane", "Kuching"], "country": ["LA", "MY"], "year": [2025, 2025],
                         "population": [840940, 402738], ids[0]: ["80", "x"], "EB-STRATEGY": ["2", "9"]})
    wide.to_csv(tmp_path / "w.csv", index=False)
    intake = read_submissions([tmp_path / "c.csv", tmp_path / "w.csv"])
    codes = sorted((r["code"], Path(r["file"]).name) for r in intake.issues.to_dict("records"))
    assert codes == sorted([("duplicate", "c.csv"), ("unknown-indicator", "c.csv"), ("duplicate-city", "w.csv"),
                            ("not-a-number", "w.csv"), ("enabler-level", "w.csv"),
                            # one or no value per city: each is told at once that it cannot be ranked
                            ("too-few-values", "c.csv"), ("too-few-values", "w.csv"), ("no-values", "w.csv")])
    msg = dict((r["code"], r["message"]) for r in intake.issues.to_dict("records"))
    assert msg["unknown-indicator"] == "Unknown indicator ID 'XX-NOPE'."
    assert msg["duplicate"] == f"Indicator {ids[1]} appears more than once (first on row 11)."
    assert msg["duplicate-city"] == "Vientiane (LA) 2025 is submitted more than once (also in c.csv)."
    first = intake.data[(intake.data["file"].str.endswith("c.csv")) & (intake.data["indicator"] == ids[0])]
    assert first["value"].tolist() == [77.5] and first["quality"].tolist() == [2]


def _input_cells(path: Path) -> list[tuple[str, int, str]]:
    """Every non-empty cell of a city's input columns, read independently with openpyxl."""
    wb = openpyxl.load_workbook(path)
    out = []
    inputs = {1: "CDEFGHIJKLMNOP", 2: "EFGHIJKLMNOP", 3: "CDEQRSTUVWXYZ"}
    for idx, cols in inputs.items():
        ws = wb[wb.sheetnames[idx]]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.column_letter in cols and cell.value not in (None, "") and (
                        idx != 3 or cell.column_letter in "CDE" or cell.column > 11):
                    out.append((ws.title, cell.row, cell.column_letter))
    return out


def test_nothing_is_lost(example_intake, tmp_path):
    files = sorted(EXAMPLES.glob("*.xlsx"))
    intake = example_intake
    data_rows = {(Path(f).name, r) for f, r in zip(intake.data["file"], intake.data["row"], strict=True)}
    ena_rows = {(Path(f).name, r) for f, r in zip(intake.enablers["file"], intake.enablers["row"], strict=True)}
    issue_rows = {(Path(f).name, s, r) for f, s, r in zip(intake.issues["file"], intake.issues["sheet"],
                                                           intake.issues["row"], strict=True)}
    prof = {Path(f).name for f in intake.profiles["file"]}
    checked = 0
    for path in files:
        wb_names = openpyxl.load_workbook(path, read_only=True).sheetnames
        for sheet, row, col in _input_cells(path):
            name = path.name
            key_sheet = wb_names.index(sheet)
            accounted = (name, sheet, row) in issue_rows or (
                key_sheet == 1 and name in prof) or (
                key_sheet == 2 and (name, row) in data_rows and col in "EFGHI") or (
                key_sheet == 3 and (name, row) in ena_rows and col in "CDE")
            assert accounted, (name, sheet, row, col)
            checked += 1
    assert checked > 2500


def test_issue_exports_neutralise_formulas(tmp_path):
    # the country argument is checked when the template is written; a bad one typed in the workbook is not
    tpl = write_template(tmp_path / "t.xlsx", city="=HYPERLINK(\"http://x\")", year=2025,
                         prefill=Prefill(profile={"population": 10, "country": "ZZ"},
                                         indicators={"QE-PM25": {"value": "@SUM(A1)"}}))
    intake = read_submissions([tpl])
    assert "@SUM(A1)" in set(intake.issues["value"])  # a 'not a number' issue quotes the cell as found
    for suffix in (".csv", ".xlsx", ".html"):
        path = intake.write_issues(tmp_path / f"p{suffix}")
        assert path.stat().st_size > 0
    csv = (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
    assert "'@SUM(A1)" in csv and ",@SUM" not in csv
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'@SUM(A1)" in values and not any(v.startswith(("=", "@", "+")) for v in values)


def test_validate_and_template_commands(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["template", "--city", "Da Nang", "--country", "VN", "--year", "2025", "--lang", "vi",
                              "-o", str(tmp_path / "danang-2025.xlsx")])
    assert res.exit_code == 0 and (tmp_path / "danang-2025.xlsx").is_file()
    res = runner.invoke(app, ["template", "--city", "Da Nang", "--format", "csv", "-o", str(tmp_path / "dn.xlsx")])
    assert res.exit_code == 0 and (tmp_path / "dn.csv").is_file()
    res = runner.invoke(app, ["validate", str(EXAMPLES), "--report", str(tmp_path / "problems.html")])
    assert res.exit_code == 1
    named = {line.split(":")[0] for line in res.output.splitlines() if "error" in line or "warning" in line}
    assert named - {"28 file(s), 28 city profile(s), 2701 values, 447 enabler answers"} == {
        "zz-broken-1-2025.xlsx", "zz-broken-2-2025.xlsx"}
    html = (tmp_path / "problems.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "zz-broken-2-2025.xlsx" in html
    good = [str(p) for p in sorted(EXAMPLES.glob("*.xlsx")) if not p.name.startswith("zz-")]
    assert runner.invoke(app, ["validate", *good]).exit_code == 0
    assert runner.invoke(app, ["validate", str(tmp_path / "nope.xlsx")]).exit_code == 2
    assert runner.invoke(app, ["validate", str(EXAMPLES), "--report", str(tmp_path / "x.pdf")]).exit_code == 2


def test_intake_scores(example_intake):
    with pytest.raises(assessment.InputError, match="scores need valid data"):
        assessment.assess(example_intake)
    result = assessment.assess(example_intake.without_error_files())
    assert len(result.aggregated["ascf"]) == 26
    assert result.enabler_levels.shape[0] == 26 and "ascf-enablers:overall" in result.enabler_levels.columns
    assert set(result.ranks["ascf"]) == {"cohort", "population-class", "country"}


def test_example_cohort_is_what_the_seeded_generator_makes(tmp_path):
    load_script("examples/make_ascn_2025.py").main(tmp_path)
    made = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert made == sorted(p.name for p in EXAMPLES.glob("*.xlsx")) and len(made) == 28
    for name in made:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_libreoffice_ods_and_xls_copies_read_the_same():
    """tests/data/phuket-2025.{ods,xls}: examples/ascn-2025/phuket-2025.xlsx converted by LibreOffice 7.4
    (`soffice --headless --convert-to ods|xls`), as a city using LibreOffice would send it. When the
    example generator moved two implausible values into their plausible range (II-TOURISM 95.1 → 57.1,
    SS-FIRE 2.19 → 6.09), those two cells of the copies were edited to match (the .ods cell XML, the
    .xls MULRK values 9510/100 and 219/100), leaving every other byte as LibreOffice wrote it."""
    base = read_submissions([EXAMPLES / "phuket-2025.xlsx"])
    cols = ["indicator", "value", "data_year", "source", "quality", "notes"]
    for ext in ("ods", "xls"):
        copy = read_submissions([ROOT / "tests" / "data" / f"phuket-2025.{ext}"])
        assert copy.ok and copy.issues.empty, (ext, copy.issues)
        pd.testing.assert_frame_equal(copy.data[cols], base.data[cols])
        pd.testing.assert_frame_equal(copy.enablers[["enabler", "level", "evidence"]],
                                      base.enablers[["enabler", "level", "evidence"]])
        assert copy.profiles[["city", "country", "year", "population"]].equals(
            base.profiles[["city", "country", "year", "population"]])


def test_validate_reads_and_lists_problems_without_pandas(tmp_path: Path) -> None:
    """``smartcity validate`` (its start-up is a target, measured in benchmarks/cold_start.py) loads
    no table library: the intake builds its tables only when asked (Intake.data and siblings)."""
    import subprocess
    import sys

    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(EXAMPLES / "bangkok-2025.xlsx")
    wb["Indicators"]["E10"] = "lots"
    wb.save(broken)
    code = ("import sys\nfrom assessment.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit as e:\n"
            "    print('exit', e.code)\nprint(sorted(m for m in ('pandas', 'numpy', 'scipy', 'openpyxl', 'jinja2') "
            "if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code, "validate", str(broken), str(EXAMPLES / "da-nang-2025.xlsx")],
                         capture_output=True, text=True, check=True)
    lines = run.stdout.strip().splitlines()
    assert lines[-2:] == ["exit 1", "[]"], run.stdout
    assert "E10" in run.stdout and "lots" in run.stdout  # the problem is listed with its cell and value
    intake = read_submissions([broken])
    assert not intake.ok and intake.summary()["values"] == int(intake.data["value"].notna().sum())
    assert intake.summary()["cities"] == len(intake.profiles)
