"""One cell never loses a file, and no value is read unseen (issue 24, points 8 and 9).

The workbooks are the template filled by ``write_template``, then edited as a hostile or damaged
file would be: by zip surgery on the sheet XML (a shared-string index out of range, text in a
number cell …) or with openpyxl (hidden rows and columns, a ``;;;`` number format)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assessment.intake import Prefill, read_submissions, write_template
from assessment.intake.cells import format_hides

VALUES = {"QE-PM25": 21.0, "QE-PM10": 40.0, "BI-WATER": 97.5, "HW-LIFEEXP": 76.0}


def _filled(tmp_path: Path) -> tuple[Path, dict[str, int], str]:
    """The filled template, the row of each indicator, and the zip member of the Indicators sheet."""
    path = write_template(tmp_path / "filled.xlsx", city="Hue", country="VN", year=2025, prefill=Prefill(
        profile={"population": 650_000},
        indicators={k: {"value": v, "data_year": 2024, "notes": f"note on {k}"} for k, v in VALUES.items()}))
    wb = openpyxl.load_workbook(path)
    ws = wb["Indicators"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    member = f"xl/worksheets/sheet{wb.sheetnames.index('Indicators') + 1}.xml"  # XlsxWriter numbers them in order
    return path, rows, member


def _surgery(src: Path, dst: Path, member: str, change: object) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, change(data) if item.filename == member else data)  # type: ignore[operator]
    return dst


def _cell(ref: str, xml: str) -> object:
    """Replace cell ``ref`` of the sheet by ``xml``."""
    def change(data: bytes) -> bytes:
        new, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), xml.encode(), data, count=1)
        assert n == 1, ref
        return new
    return change


@pytest.mark.parametrize(("cell", "code", "found"), [
    ('<c r="{ref}" t="s"><v>99999</v></c>', "bad-cell", "99999"),      # shared-string index out of range
    ('<c r="{ref}" t="s"><v>abc</v></c>', "bad-cell", "abc"),          # read as the file's first text before
    ('<c r="{ref}" t="s"><v>-1</v></c>', "bad-cell", "-1"),
    ('<c r="{ref}" t="n"><v>twenty-one</v></c>', "bad-cell", "twenty-one"),  # a number cell holding text
    ('<c r="{ref}" t="b"><v>7</v></c>', "bad-cell", "7"),
    ('<c r="{ref}" t="zz"><v>1</v></c>', "bad-cell", "1"),             # an unknown cell type
    ('<c r="{ref}" t="zz"/>', "bad-cell", ""),                          # … in an empty element
    ('<c r="{ref}" t="e"><v>#BAD!</v></c>', "excel-error", "#BAD!"),   # an error value no reader knows
    ('<c r="{ref}"><v>1e-400</v></c>', "underflow", "1e-400"),         # a stored number that underflows to 0
])
def test_one_bad_cell_is_one_problem_and_the_rest_is_read(tmp_path: Path, cell: str, code: str, found: str) -> None:
    path, rows, member = _filled(tmp_path)
    ref = f"E{rows['QE-PM25']}"
    bad = _surgery(path, tmp_path / "bad.xlsx", member, _cell(ref, cell.format(ref=ref)))
    intake = read_submissions([bad])
    named = [(p.code, p.source, p.sheet, p.column, p.row, p.item, p.found) for p in intake.problems
             if p.code not in ("too-few-values",)]
    assert named == [(code, str(bad), "Indicators", "E", rows["QE-PM25"], "QE-PM25", found)]
    data = intake.data.set_index("indicator")
    assert data["value"].isna()["QE-PM25"]  # never a guess: not 0, not another cell's text
    assert {k: data.loc[k, "value"] for k in VALUES if k != "QE-PM25"} == {k: v for k, v in VALUES.items()
                                                                           if k != "QE-PM25"}
    assert data.loc["QE-PM25", "notes"] == "note on QE-PM25"  # the same row's other cells too,
    assert data.loc["QE-PM25", "data_year"] == 2024  # the next cell (F) included
    if code == "bad-cell":
        assert intake.problems[0].text("vi") != intake.problems[0].text("en")


def test_bad_cells_on_several_sheets_are_each_named(tmp_path: Path) -> None:
    path, rows, member = _filled(tmp_path)
    first, second = f"E{rows['QE-PM25']}", f"I{rows['QE-PM10']}"

    def change(data: bytes) -> bytes:
        data = _cell(first, f'<c r="{first}" t="s"><v>99999</v></c>')(data)  # type: ignore[operator]
        return _cell(second, f'<c r="{second}" t="n"><v>oops</v></c>')(data)  # type: ignore[operator]

    bad = _surgery(path, tmp_path / "bad.xlsx", member, change)
    intake = read_submissions([bad])
    assert sorted((p.code, p.column, p.item) for p in intake.problems if p.code == "bad-cell") == [
        ("bad-cell", "E", "QE-PM25"), ("bad-cell", "I", "QE-PM10")]
    assert intake.data.set_index("indicator").loc["BI-WATER", "value"] == 97.5


# -- point 8: read what was hidden, and say so ----------------------------------------------------------------
@pytest.mark.parametrize(("code", "hides"), [
    (";;;", "all"), (";;", "numbers"), (";", "numbers"), (";;;@", "numbers"), ("[Red];;;", "all"),
    ('"";"";""', "numbers"), ("0;;", None), ('"n/a";;', None), ("General", None), ("0.0", None), ("", None),
    ('0.0;-0.0;"-"', None), ("0;[Red]-0", None),
])
def test_which_number_formats_show_a_value_blank(code: str, hides: str | None) -> None:
    # sections: positive;negative;zero;text; numbers are blank when every number section is empty
    assert format_hides(code) == hides


def test_hidden_values_are_read_and_each_named(tmp_path: Path) -> None:
    path, rows, member = _filled(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Indicators"]
    ws.row_dimensions[rows["BI-WATER"]].hidden = True           # a hidden row
    ws.column_dimensions["I"].hidden = True                     # the Notes column hidden
    ws[f"E{rows['HW-LIFEEXP']}"].number_format = ";;;"          # shown blank
    ws[f"G{rows['QE-PM10']}"] = "covered source"                # under a merge made below (openpyxl would
    edited = tmp_path / "edited.xlsx"                           # clear a merged-over cell)
    wb.save(edited)
    merged = f"F{rows['QE-PM10']}:G{rows['QE-PM10']}"
    hidden = _surgery(edited, tmp_path / "hidden.xlsx", member,
                      lambda d: d.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell '
                                                           f'ref="{merged}"/></mergeCells>'.encode(), 1))
    intake = read_submissions([hidden])
    found = sorted((p.column, p.row, p.item, p.params) for p in intake.problems if p.code == "hidden-cell")
    r = rows
    assert found == sorted([
        ("E", r["BI-WATER"], "BI-WATER", (("how", "in a hidden row"),)),  # value, data year and notes
        ("F", r["BI-WATER"], "BI-WATER", (("how", "in a hidden row"),)),
        ("I", r["BI-WATER"], "BI-WATER", (("how", "in a hidden row"),)),
        ("E", r["HW-LIFEEXP"], "HW-LIFEEXP", (("how", "shown blank by its number format"),)),
        ("G", r["QE-PM10"], "QE-PM10", (("how", "under a merged cell"),)),
        *[("I", r[k], k, (("how", "in a hidden column"),)) for k in ("QE-PM25", "QE-PM10", "HW-LIFEEXP")],
    ])
    assert all(p.severity == "warning" for p in intake.problems if p.code == "hidden-cell")
    data = intake.data.set_index("indicator")
    assert data.loc["BI-WATER", "value"] == 97.5 and data.loc["HW-LIFEEXP", "value"] == 76.0  # read, as promised
    assert data.loc["QE-PM10", "source"] == "covered source"
    msg = next(p for p in intake.problems if p.code == "hidden-cell" and p.item == "HW-LIFEEXP")
    assert msg.text("en") == ("The cell holds a value shown blank by its number format, so it may not be what the "
                              "person filling in the workbook saw; it was read: 76.")
    assert "76" in msg.text("vi") and msg.text("vi") != msg.text("en")


def test_hidden_values_of_an_ods_are_read_and_named(tmp_path: Path) -> None:
    """The LibreOffice form: a hidden row and column (``table:visibility="collapse"``) and a value kept in a
    ``covered-table-cell`` (merged over) of Phuket's filled template."""
    src = Path(__file__).resolve().parent / "data" / "phuket-2025.ods"
    out = tmp_path / "hidden.ods"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "content.xml":
                x = data.decode()
                table = x.index('table:name="Indicators"')
                # row 2 (BI-WATER): F spans two columns, so G (its source) is covered but keeps its value
                start = x.index("<text:p>BI-WATER</text:p>", table)
                end = x.index("</table:table-row>", start)
                row = x[start:end].replace('<table:table-cell table:style-name="ce7"',
                                           '<table:table-cell table:number-columns-spanned="2" '
                                           'table:style-name="ce7"', 1)
                g = row.index('<table:table-cell table:style-name="ce6" office:value-type="string"')
                g_end = row.index("</table:table-cell>", g) + len("</table:table-cell>")
                covered = row[g:g_end].replace("table:table-cell", "table:covered-table-cell")
                x = x[:start] + row[:g] + covered + row[g_end:] + x[end:]
                # row 3 hidden; column I (Notes, the column style co11) hidden
                third = x.index("<table:table-row", x.index("</table:table-row>", start))
                x = x[:third] + '<table:table-row table:visibility="collapse"' + x[third + 16:]
                notes = '<table:table-column table:style-name="co11"'
                x = x.replace(notes, '<table:table-column table:visibility="collapse" table:style-name="co11"', 1)
                data = x.encode()
            zout.writestr(item, data)
    intake = read_submissions([out])
    found = {(p.column, p.row, p.params[0][1]) for p in intake.problems if p.code == "hidden-cell"}
    assert ("G", 2, "under a merged cell") in found
    row3 = {c for c, r, how in found if r == 3 and how == "in a hidden row"}
    assert "E" in row3  # row 3's value; every filled input cell of the row is named
    assert {how for c, r, how in found if c == "I" and r != 3} == {"in a hidden column"}
    assert intake.data.set_index("indicator").loc["BI-WATER", "source"] == \
        "Illustrative example value (not official data)"  # read, as promised


def test_hidden_values_of_an_xls_are_read_and_named(tmp_path: Path) -> None:
    """Excel 97–2003: the ROW record of row 2 gets its hidden flag (fDyZero, 0x20 of the flags at byte 12) and
    the COLINFO record of column I (Notes) its fHidden flag (bit 0 of byte 8), flipped in place in Phuket's
    filled template as LibreOffice saved it."""
    import struct

    data = bytearray((Path(__file__).resolve().parent / "data" / "phuket-2025.xls").read_bytes())
    col = data.index(b"\x7d\x00\x0c\x00" + struct.pack("<HH", 8, 8))  # COLINFO of column I alone (Indicators)
    data[col + 4 + 8] |= 0x01
    row = data.index(b"\x08\x02\x10\x00" + struct.pack("<H", 1), col)  # the sheet's ROW record of row 2
    data[row + 4 + 12] |= 0x20
    path = tmp_path / "hidden.xls"
    path.write_bytes(bytes(data))
    intake = read_submissions([path])
    found = {(p.sheet, p.column, p.row, p.params[0][1]) for p in intake.problems if p.code == "hidden-cell"}
    assert ("Indicators", "E", 2, "in a hidden row") in found  # BI-WATER's value, 86.4
    notes = {(c, how) for sheet, c, r, how in found if sheet == "Indicators" and r != 2 and c == "I"}
    assert notes == {("I", "in a hidden column")}
    assert intake.data.set_index("indicator").loc["BI-WATER", "value"] == 86.4  # read, as promised


@pytest.mark.parametrize(("stored", "code", "found"), [
    ('office:value-type="float" office:value="abc"', "bad-cell", "abc"),         # calamine refused the file
    ('office:value-type="currency" office:value="x1"', "bad-cell", "x1"),
    ('office:value-type="float" office:value="1e-400"', "underflow", "1e-400"),  # read as 0 before
    ('office:value-type="boolean" office:boolean-value="maybe"', "bad-cell", "maybe"),  # read as FALSE before
])
def test_one_bad_ods_cell_is_one_problem_and_the_rest_is_read(tmp_path: Path, stored: str, code: str,
                                                              found: str) -> None:
    """Phuket's BI-WATER value (86.4, cell E2) stored as something its type cannot hold; the cell is replaced by
    an empty cell of the same width, so every other cell keeps its column."""
    src = Path(__file__).resolve().parent / "data" / "phuket-2025.ods"
    out = tmp_path / "bad.ods"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "content.xml":
                old = b'office:value-type="float" office:value="86.4"'
                assert data.count(old) == 1
                data = data.replace(old, stored.encode())
            zout.writestr(item, data)
    intake = read_submissions([out])
    named = [(p.code, p.sheet, p.column, p.row, p.item, p.found) for p in intake.problems if p.code != "too-few-values"]
    assert named == [(code, "Indicators", "E", 2, "BI-WATER", found)]
    data = intake.data.set_index("indicator")
    assert data["value"].isna()["BI-WATER"] and data.loc["BI-WATER", "data_year"] == 2024  # F2 stays in F
    assert data["value"].notna().sum() == 96  # Phuket's other 96 values


def test_an_xls_text_cell_beyond_the_shared_strings_is_named_not_read_as_empty(tmp_path: Path) -> None:
    """The LABELSST record of BI-WATER's source (G2, a text) points far beyond the file's table of texts; the
    parser reads such a cell as empty, so the loss is named instead of silent."""
    import struct

    data = bytearray((Path(__file__).resolve().parent / "data" / "phuket-2025.xls").read_bytes())
    sheet = data.index(b"\x7d\x00\x0c\x00" + struct.pack("<HH", 8, 8))  # in the Indicators sheet (COLINFO of I)
    label = data.index(b"\xfd\x00\x0a\x00" + struct.pack("<HH", 1, 6), sheet)  # LABELSST of row 2, column G
    data[label + 4 + 6:label + 4 + 10] = struct.pack("<I", 999_999)
    path = tmp_path / "sst.xls"
    path.write_bytes(bytes(data))
    intake = read_submissions([path])
    named = [(p.code, p.sheet, p.column, p.row, p.item, p.found) for p in intake.problems]
    assert ("bad-cell", "Indicators", "G", 2, "BI-WATER", "999999") in named
    assert intake.data.set_index("indicator").loc["BI-WATER", "value"] == 86.4  # the rest is read
