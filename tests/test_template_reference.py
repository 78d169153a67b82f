"""Last year's values beside each indicator row of the template: shown, labelled, locked, never read back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from assessment.cli import app
from assessment.intake import Reference, read_submissions, write_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"


def _fill(src: Path, dst: Path, cells: dict[str, object]) -> Path:
    """Type into the Indicators sheet the way a city would (openpyxl, like a spreadsheet program)."""
    wb = openpyxl.load_workbook(src)
    ws = wb[wb.sheetnames[2]]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dst)
    return dst


def _read(path: Path) -> tuple[list[dict[str, object]], list[tuple[object, ...]]]:
    """The accepted rows and the problems, without the file's own name."""
    intake = read_submissions([path])
    rows = [{k: v for k, v in r.items() if k != "file"} for r in intake.accepted.data]
    problems = [(p.code, p.sheet, p.row, p.column, p.item, p.severity, p.params) for p in intake.problems]
    return rows, problems


def test_the_reference_column_is_shown_locked_and_labelled(tmp_path: Path, catalogue) -> None:
    ids = [i.id for i in catalogue.indicators]
    ref = Reference(2024, {ids[0]: 97.0, ids[1]: 30, ids[2]: None, "not-in-the-catalogue": 5.0})
    path = write_template(tmp_path / "t.xlsx", city="Da Nang", country="VN", year=2025, reference=ref)
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[2]]
    # the table is columns A-I (id … notes); the reference is J, the first column right of it
    assert ws["I1"].value == "Notes" and ws["J1"].value == "Accepted in 2024 (reference only, not read)"
    assert (ws["J2"].value, ws["J3"].value, ws["J4"].value, ws["J5"].value) == (97, 30, None, None)
    assert ws["J2"].protection.locked and ws.protection.sheet and ws["J2"].font.i
    assert ws.max_column == 10 and ws.max_row == len(ids) + 1  # no row for an id the catalogue lacks
    marker = {r[0].value: r[1].value for r in wb["_smartcity"].iter_rows(max_row=12) if r[0].value}
    assert marker["reference_year"] == 2024
    vi = write_template(tmp_path / "vi.xlsx", city="Đà Nẵng", country="VN", year=2025, lang="vi", reference=ref)
    vws = openpyxl.load_workbook(vi).worksheets[2]
    assert vws["J1"].value == "Đã chấp nhận năm 2024 (chỉ để tham khảo, không được đọc)"
    plain = openpyxl.load_workbook(write_template(tmp_path / "p.xlsx", city="Da Nang", country="VN", year=2025))
    assert plain.worksheets[2].max_column == 9  # without a reference, the template is as before
    assert "reference_year" not in {r[0].value for r in plain["_smartcity"].iter_rows()}


def test_a_filled_template_reads_exactly_as_without_the_reference(tmp_path: Path, catalogue) -> None:
    """Same typed values in both templates: the same rows and problems (even where a city typed over J)."""
    ids = [i.id for i in catalogue.indicators]
    ref = Reference(2024, {i: 1000.0 + k for k, i in enumerate(ids)})  # every row has a reference value
    typed = {"E2": 98.5, "F2": 2024, "G2": "Waterworks report", "I2": "metered", "E3": 31, "E6": "n/a",
             "E7": "abc"}  # one value read as missing, one refused as not a number: problems to compare too
    with_ref = _fill(write_template(tmp_path / "r.xlsx", city="Hue", country="VN", year=2025, reference=ref),
                     tmp_path / "filled-r.xlsx", typed | {"J4": 555})  # the reference cell typed over
    without = _fill(write_template(tmp_path / "n.xlsx", city="Hue", country="VN", year=2025),
                    tmp_path / "filled-n.xlsx", typed)
    rows, problems = _read(with_ref)
    assert (rows, problems) == _read(without)
    assert len(rows) == len(ids) and {r["indicator"]: r["value"] for r in rows}[ids[0]] == 98.5
    assert not any(r["value"] in (1000.0, 1001.0, 555) for r in rows)  # no reference value became data
    assert {p[0] for p in problems} >= {"missing-token", "not-a-number"}
    # without the marker's key, a value right of the table is a stray cell, reported as before
    stray = _fill(without, tmp_path / "stray.xlsx", {"J4": 555})
    assert any(p.column == "J" and p.row == 4 for p in read_submissions([stray]).problems)


def test_a_reference_needs_the_workbook_and_a_sane_year(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"needs the \.xlsx template"):
        write_template(tmp_path / "t.csv", reference=Reference(2024, {}))
    with pytest.raises(ValueError, match="from 1990 to 2100"):
        Reference(24, {})
    with pytest.raises(ValueError, match="infinite for X"):
        Reference(2024, {"X": float("inf")})


def test_the_template_command_takes_last_years_workbook(tmp_path: Path) -> None:
    """`smartcity template --reference` shows that workbook's accepted values (read as validate reads them)."""
    source = EXAMPLES / "da-nang-2025.xlsx"
    accepted = {r["indicator"]: r["value"] for r in read_submissions([source]).accepted.data}
    out = tmp_path / "da-nang-2026.xlsx"
    run = CliRunner().invoke(app, ["template", "-o", str(out), "--city", "Da Nang", "--country", "VN", "--year",
                                   "2026", "--reference", str(source)])
    assert run.exit_code == 0, run.output
    ws = openpyxl.load_workbook(out).worksheets[2]
    assert ws["J1"].value == "Accepted in 2025 (reference only, not read)"
    shown = {ws.cell(r, 1).value: ws.cell(r, 10).value for r in range(2, ws.max_row + 1)}
    assert {k: v for k, v in shown.items() if v is not None} == {
        k: v for k, v in accepted.items() if v is not None and v == v}  # not reported: a blank cell
    csv = CliRunner().invoke(app, ["template", "-o", str(tmp_path / "x.csv"), "--reference", str(source)])
    assert csv.exit_code == 2 and "--reference needs the .xlsx template" in csv.output
    broken = CliRunner().invoke(app, ["template", "-o", str(tmp_path / "y.xlsx"), "--reference",
                                      str(EXAMPLES / "zz-broken-2-2025.xlsx")])
    assert broken.exit_code == 2 and "run 'smartcity validate' on it" in broken.output
