"""Review answers are never lost without a message (issue 24, point 7): every answer cell of a returned query
workbook is read as the intake reads cells, every problem is reported with its file, sheet and cell, and
``smartcity review`` exits 1 when a previous round's query workbook cannot be read."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from assessment.intake import read_submissions
from assessment.review import read_round, review, write_review
from assessment.review.layout import HEADER_ROW, KEYS

BROKEN = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025" / "zz-broken-1-2025.xlsx"
COLUMN = {k: openpyxl.utils.get_column_letter(i + 1) for i, k in enumerate(KEYS)}  # confirmed I, corrected J …


@pytest.fixture(scope="module")
def round1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The query workbook of the deliberately broken example city: more than ten questions."""
    folder = tmp_path_factory.mktemp("round1")
    write_review(review(read_submissions([BROKEN])), folder)
    return folder


def _fresh(round1: Path, tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "previous"
    shutil.copytree(round1, folder)
    (path,) = folder.glob("queries-*.xlsx")
    return folder, path


def _rows(path: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return {str(ws.cell(r, 1).value): r for r in range(HEADER_ROW + 2, ws.max_row + 1) if ws.cell(r, 1).value}


def _type(path: Path, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb.worksheets[0][ref] = value
    wb.save(path)


def test_every_answer_cell_is_read_as_the_intake_reads_cells(round1: Path, tmp_path: Path) -> None:
    folder, path = _fresh(round1, tmp_path)
    rows = _rows(path)
    keys = list(rows)
    c, k, m = COLUMN["confirmed"], COLUMN["corrected"], COLUMN["comment"]
    q = {i: rows[keys[i]] for i in range(7)}
    _type(path, {
        f"{m}{q[0]}": '=CONCATENATE("the value ", "is right")',  # openpyxl saves a formula without its result
        f"{k}{q[1]}": "=1+1",
        f"{c}{q[2]}": "maybe",                                       # neither yes nor no
        f"{c}{q[3]}": "No",                                          # a plain no: no problem, not confirmed
        f"{k}{q[4]}": "12 5",                                        # not a number by the intake's rules
        f"{k}{q[5]}": "about twelve",
        f"A{q[6]}": "a question id the city typed over",             # its answer has no question any more
        f"{m}{q[6]}": "this comment belongs to no question",
    })
    back = read_round(folder)
    (city,) = back.cities.values()
    found = sorted((p.code, p.field, f"{p.column}{p.row}", p.severity) for p in back.problems)
    assert found == sorted([
        ("formula-no-result", "comment", f"{m}{q[0]}", "warning"),
        ("formula-no-result", "corrected", f"{k}{q[1]}", "warning"),
        ("unclear-confirmed", "confirmed", f"{c}{q[2]}", "warning"),
        ("digit-groups", "corrected", f"{k}{q[4]}", "warning"),
        ("corrected-not-a-number", "corrected", f"{k}{q[5]}", "warning"),
        ("answer-without-question", "query", f"A{q[6]}", "warning"),
    ])
    assert all(Path(p.source) == path and p.sheet == "Queries" for p in back.problems)
    got = {a.key: a for a in city.queries}
    assert not got[keys[2]].confirmed and not got[keys[3]].confirmed
    assert got[keys[4]].corrected is None and "[12 5]" in got[keys[4]].comment  # kept, never dropped
    texts = {p.code: p.text("en") for p in back.problems}
    assert texts["unclear-confirmed"] == "'maybe' in the Confirmed column is neither yes nor no, so the question " \
                                         "stays open."
    assert texts["formula-no-result"] == "The cell holds a formula without a saved result."
    assert "a question id the city typed over" in texts["answer-without-question"]
    assert all(p.text("vi") != p.text("en") for p in back.problems)


def test_yes_words_and_no_words_are_read(round1: Path, tmp_path: Path) -> None:
    folder, path = _fresh(round1, tmp_path)
    rows = _rows(path)
    keys = list(rows)[:6]
    said = ["Yes", " yes ", "x", "Có", "", "Không"]  # the dropdown's words in both languages, and empty
    _type(path, {f"{COLUMN['confirmed']}{rows[key]}": value for key, value in zip(keys, said, strict=True) if value})
    back = read_round(folder)
    (city,) = back.cities.values()
    got = {a.key: a.confirmed for a in city.queries}
    assert [got[key] for key in keys] == [True, True, True, True, False, False]
    assert not back.problems


def test_review_exits_1_when_a_previous_query_workbook_cannot_be_read(round1: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    folder, _path = _fresh(round1, tmp_path)
    runner = CliRunner()
    ok = runner.invoke(app, ["review", str(BROKEN), "-o", str(tmp_path / "q2"), "--previous", str(folder)])
    assert ok.exit_code == 0, ok.output  # the cohort summary beside the workbooks is no problem
    (folder / "queries-zz-damaged.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    bad = runner.invoke(app, ["review", str(BROKEN), "-o", str(tmp_path / "q3"), "--previous", str(folder)])
    assert bad.exit_code == 1, bad.output
    assert "queries-zz-damaged.xlsx" in bad.output and "could not be read as a query workbook" in bad.output
    assert (tmp_path / "q3" / "summary.csv").is_file()  # the review itself was still written


def test_no_workbook_in_the_previous_round_is_skipped_without_a_word(round1: Path, tmp_path: Path) -> None:
    folder, path = _fresh(round1, tmp_path)
    shutil.copy(path, folder / "queries-copy.xlsx")           # the same city twice
    (folder / "answers.ods").write_bytes(b"PK\x03\x04")        # a workbook saved in another format
    other = openpyxl.Workbook()
    other["Sheet"]["A1"] = "notes from the city"
    other.save(folder / "notes.xlsx")                          # not a query workbook
    back = read_round(folder)
    assert len(back.cities) == 1
    found = sorted((Path(p.source).name, p.code, p.severity) for p in back.problems)
    second = sorted([path.name, "queries-copy.xlsx"])[1]  # files are read in name order; the later one is told
    assert found == [("answers.ods", "unreadable-queries", "error"), ("notes.xlsx", "not-queries", "warning"),
                     (second, "queries-twice", "warning")]


def test_one_bad_cell_does_not_lose_a_citys_answers(round1: Path, tmp_path: Path) -> None:
    """A shared-string index out of range in one comment (openpyxl writes no shared-string table, so any index is
    out of range): that cell is named, every other answer is read."""
    import re
    import zipfile

    folder, path = _fresh(round1, tmp_path)
    rows = _rows(path)
    first, second = list(rows)[:2]
    comment = f"{COLUMN['comment']}{rows[first]}"
    _type(path, {comment: "damaged in transit", f"{COLUMN['confirmed']}{rows[second]}": "Yes"})
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # the Queries sheet, the first
                data, n = re.subn(rf'<c r="{comment}".*?</c>'.encode(), f'<c r="{comment}" t="s"><v>0</v></c>'.encode(),
                                  data)
                assert n == 1
            zout.writestr(item, data)
    damaged.replace(path)
    back = read_round(folder)
    (city,) = back.cities.values()  # the file is read, not lost
    assert [(p.code, p.sheet, f"{p.column}{p.row}") for p in back.problems] == [("bad-cell", "Queries", comment)]
    got = {a.key: a for a in city.queries}
    assert got[second].confirmed and got[first].comment == ""


def test_a_hidden_answer_is_read_and_named(round1: Path, tmp_path: Path) -> None:
    folder, path = _fresh(round1, tmp_path)
    rows = _rows(path)
    first, second = list(rows)[:2]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws[f"{COLUMN['comment']}{rows[first]}"] = "typed, then the column was hidden"
    ws.column_dimensions[COLUMN["comment"]].hidden = True
    ws[f"{COLUMN['confirmed']}{rows[second]}"] = "Yes"
    ws.row_dimensions[rows[second]].hidden = True
    wb.save(path)
    back = read_round(folder)
    (city,) = back.cities.values()
    got = {a.key: a for a in city.queries}
    assert got[first].comment == "typed, then the column was hidden" and got[second].confirmed  # read
    assert sorted((p.code, f"{p.column}{p.row}", p.params) for p in back.problems) == sorted([
        ("hidden-cell", f"{COLUMN['comment']}{rows[first]}", (("how", "in a hidden column"),)),
        ("hidden-cell", f"{COLUMN['confirmed']}{rows[second]}", (("how", "in a hidden row"),)),
    ])


def test_a_link_in_the_previous_round_is_named_and_never_followed(round1: Path, tmp_path: Path) -> None:
    """A query workbook reached through a symbolic link (here to a real, answered query workbook outside the
    folder) is one problem naming the link: only regular files inside the named folder are read (issue 24,
    point 10, for the review's folder as for the intake's)."""
    folder, path = _fresh(round1, tmp_path)
    outside = tmp_path / "elsewhere.xlsx"
    path.rename(outside)
    (folder / "queries-linked.xlsx").symlink_to(outside)
    back = read_round(folder)
    assert back.cities == {}
    assert [(Path(p.source).name, p.code) for p in back.problems] == [("queries-linked.xlsx", "not-a-file")]
