"""Hostile text in names, ids and notes, and files that are not files (issue 24, points 1, 6, 10).

Each case is a variant of a payload that starts a spreadsheet formula at a line break, or of a
path that points outside the folder; the checks read the files as Excel and Python's ``csv`` do.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import assessment
from assessment import write_template
from assessment._missing import safe_text
from assessment.errors import InputError
from assessment.intake import Prefill, read_submissions

#: A formula after every kind of line break a reader may split a record at (CR alone is the one
#: Python's csv writer leaves unquoted under ``lineterminator="\n"``), and at the very start.
PAYLOADS = ("Hue\r=cmd|' /C calc'!A0", "Hue\n+SUM(1,1)", "Hue\r\n-2+3", "Hue\r\r@SUM(A1)",
            "=HYPERLINK(\"http://x\")", "Hue\u2028=1+1", "Hue\r\t=1", 'Hue "quoted"\r=1')


def _csv(records: list[list[str]]) -> str:
    """Records as CSV text, written by the csv module alone (CRLF record ends quote every CR and LF)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(records)
    return buf.getvalue()


def _records(text: str) -> list[list[str]]:
    """The records Python's csv module reads (universal newlines: a bare CR ends a line too)."""
    return list(csv.reader(io.StringIO(text, newline="")))


def _line_starts(text: str) -> list[str]:
    """What begins each physical line, splitting at CR, LF and CRLF, as a reader that ignores quotes
    would see it (a leading quote or a field separator is skipped)."""
    return [re.sub(r'^[",]*', "", piece) for piece in re.split(r"\r\n|\r|\n|\u2028", text)]


def _assert_safe(text: str, rows: int) -> None:
    assert len(_records(text)) == rows, _records(text)
    for start in _line_starts(text):
        assert not start.startswith(("=", "+", "-", "@", "\t")), (start, text)


def test_safe_text_neutralises_after_every_line_break() -> None:
    # hand-made: an apostrophe before the formula start at the beginning and after each break
    assert safe_text("Hue\r=cmd") == "Hue\r'=cmd"
    assert safe_text("Hue\r\n-2") == "Hue\r\n'-2"
    assert safe_text("=1\n=2") == "'=1\n'=2"
    assert safe_text("Hue\r\r@x") == "Hue\r\r'@x"
    assert safe_text("a\n b") == "a\n b" and safe_text(3.5) == 3.5


def test_csv_text_quotes_every_field_with_a_line_break() -> None:
    from assessment._missing import csv_text

    text = csv_text([["city", "note"], *[[p, "x"] for p in PAYLOADS]])
    assert '"Hue\r=cmd|\' /C calc\'!A0"' in text  # the bare CR is inside quotes
    records = _records(text)
    assert records[1:] == [[p, "x"] for p in PAYLOADS]  # read back as written, one record each
    assert text.endswith("x\n") and "\r\n" not in text.replace('"Hue\r\n-2+3"', "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_frame_csv_is_safe_for_every_payload(payload: str) -> None:
    import pandas as pd

    from assessment._missing import frame_csv

    frame = pd.DataFrame({"unit": [payload, "Da Nang"], "score": [1.5, 2.0]})
    _assert_safe(frame_csv(frame, index=False), rows=3)


def test_result_csvs_and_site_downloads_keep_payloads_in_one_cell(synthetic, tmp_path) -> None:
    from assessment.report import render_report

    data = synthetic.cohort(4, n_indicators=100, seed=11)
    data["unit"] = [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], "Da Nang"]
    result = assessment.assess(data)
    folder = result.to_csv(tmp_path / "scores")
    csvs = sorted(folder.glob("*.csv"))
    assert csvs
    for path in csvs:
        text = path.read_text(encoding="utf-8")
        for start in _line_starts(text):
            assert not start.startswith(("=", "+", "@")), (path.name, start)
        assert "\r=" not in text and "\n+SUM" not in text, path.name
    index = render_report(result, tmp_path / "site")
    for path in [index.parent / "index.csv", *sorted((index.parent / "cities").glob("*.csv"))]:
        text = path.read_text(encoding="utf-8-sig")
        for start in _line_starts(text):
            assert not start.startswith(("=", "+", "@")), (path.name, start)
    cohort = _records((index.parent / "index.csv").read_text(encoding="utf-8-sig"))
    assert len(cohort) == 5  # the heading and four cities: no record starts at a CR


def test_template_csv_reads_back_a_note_with_a_bare_cr(tmp_path) -> None:
    note = "checked\r=cmd|' /C calc'!A0"
    fill = Prefill(profile={"population": 100_000},
                   indicators={"BI-WATER": {"value": 50.0, "notes": note, "source": "report\rpage 3"}})
    path = write_template(tmp_path / "t.csv", city="Hue", country="VN", year=2025, prefill=fill)
    intake = read_submissions([path])
    assert len(intake.profiles) == 1, intake.profiles  # one city, not a second profile without a name
    row = intake.data.set_index("indicator").loc["BI-WATER"]
    assert row["value"] == 50.0
    assert row["notes"] == "checked\n=cmd|' /C calc'!A0"  # universal newlines read the CR as a break
    assert row["source"] == "report\npage 3"


@pytest.mark.parametrize("name", ["Hue\r=cmd", "Hue\nCity", "Hue\tCity", "Hue\x1b[2J", "Hue\u202eeuH", "Hue\x00"])
def test_intake_refuses_control_characters_in_names(tmp_path, name: str) -> None:
    edited = tmp_path / "edited.csv"  # the CSV form, edited by hand: write_template refuses such a name
    tpl = write_template(tmp_path / "t.csv", city="Hue", country="VN", year=2025,
                         prefill=Prefill(profile={"population": 100_000}, indicators={"BI-WATER": {"value": 5}}))
    records = _records(tpl.read_text(encoding="utf-8-sig"))
    head = records[0]
    for rec in records[1:]:
        rec[head.index("city")] = name
        if rec[head.index("id")] == "city":
            rec[head.index("value")] = name
    edited.write_text(_csv(records), encoding="utf-8")
    intake = read_submissions([edited])
    codes = [p.code for p in intake.problems if p.severity == "error"]
    assert codes == ["control-character"], [(p.code, p.text()) for p in intake.problems]
    problem = next(p for p in intake.problems if p.code == "control-character")
    read = name.replace("\r\n", "\n").replace("\r", "\n")  # the CSV reader's universal newlines
    first = re.search(r"[\x00-\x1f\u202e]", read)
    assert first is not None
    assert f"U+{ord(first.group()):04X}" in problem.text() and f"position {first.start() + 1}" in problem.text()
    assert "City" in problem.text() and problem.text("vi") != problem.text()


def test_intake_refuses_control_characters_in_ids(tmp_path) -> None:
    tpl = write_template(tmp_path / "t.csv", city="Hue", country="VN", year=2025,
                         prefill=Prefill(profile={"population": 100_000}, indicators={"BI-WATER": {"value": 5}}))
    records = _records(tpl.read_text(encoding="utf-8-sig"))
    head = records[0]
    for rec in records[1:]:
        if rec[head.index("id")] == "BI-WATER":
            rec[head.index("id")] = "BI-WATER\r=1+1"
    edited = tmp_path / "edited.csv"
    edited.write_text(_csv(records), encoding="utf-8")
    problems = [p for p in read_submissions([edited]).problems if p.severity == "error"]
    assert [p.code for p in problems] == ["control-character"]
    assert "'ID'" in problems[0].text()


def test_write_template_refuses_a_city_name_with_a_control_character(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        write_template(tmp_path / "t.xlsx", city="Hue\r=cmd|' /C calc'!A0", country="VN", year=2025)
    assert [p.code for p in caught.value.problems] == ["control-character"]
    assert not (tmp_path / "t.xlsx").exists()


# -- files that are not files (point 10) ----------------------------------------------------------


@pytest.fixture
def odd_folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "x.csv").symlink_to(secret)
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    (folder / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (folder / "dir.xlsx").symlink_to(tmp_path)
    os.mkfifo(folder / "pipe.csv")
    (folder / "sub.ods").mkdir()
    return folder


def test_links_pipes_and_folders_in_an_input_folder_are_named_never_read(odd_folder) -> None:
    proc = subprocess.run([sys.executable, "-c", "import sys; from assessment.intake import read_submissions\n"
                           "i = read_submissions([sys.argv[1]])\n"
                           "print('\\n'.join(f'{p.code}|{p.source}|{p.text()}' for p in i.problems))",
                           str(odd_folder)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]  # a pipe never blocks the reader
    lines = proc.stdout.splitlines()
    assert sorted(line.split("|")[1] for line in lines) == sorted(str(odd_folder / n) for n in (
        "x.csv", "passwd.csv", "dangling.xlsx", "dir.xlsx", "pipe.csv", "sub.ods"))
    assert all(line.startswith("not-a-file|") for line in lines), lines
    assert "root:" not in proc.stdout
    words = {line.split("|")[1].rsplit("/", 1)[1]: line.split("|")[2] for line in lines}
    assert words["x.csv"] == "'x.csv' is not a file but a link, so it was not read."
    assert words["pipe.csv"] == "'pipe.csv' is not a file but a pipe (FIFO), so it was not read."
    assert words["sub.ods"] == "'sub.ods' is not a file but a folder, so it was not read."


def test_a_link_named_directly_is_refused_too(odd_folder) -> None:
    intake = read_submissions([odd_folder / "x.csv"])
    assert [p.code for p in intake.problems] == ["not-a-file"]


def test_console_prints_user_text_verbatim(odd_folder, tmp_path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    tpl = write_template(tmp_path / "t.csv", city="Hue", country="VN", year=2025,
                         prefill=Prefill(profile={"population": 100_000}))
    records = _records(tpl.read_text(encoding="utf-8-sig"))
    head = records[0]
    records.append(["indicator", *records[1][1:6], "root:x:0:0:[bold]x[/bold]", "", "", "1", "", "", "", ""])
    records.append(["indicator", *records[1][1:6], "a\x1b[2Jb", "", "", "1", "", "", "", ""])
    assert len(records[-1]) == len(head)
    (tmp_path / "c.csv").write_text(_csv(records), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "c.csv"), str(odd_folder / "x.csv")])
    assert "root:x:0:0:[bold]x[/bold]" in res.output  # no emoji for :x:, no markup
    assert "\u274c" not in res.output and "\x1b" not in res.output and "(U+001B) at position 2" in res.output
    assert "'x.csv' is not a file but a link" in res.output


def test_intake_refuses_a_line_break_in_a_workbook_city_name(tmp_path) -> None:
    import zipfile

    tpl = write_template(tmp_path / "t.xlsx", city="Hue", country="VN", year=2025,
                         prefill=Prefill(profile={"population": 100_000}, indicators={"BI-WATER": {"value": 5}}))
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(tpl) as zin, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/sharedStrings.xml":  # the name as Excel stores a CR typed in the cell
                assert data.count(b"<t>Hue</t>") == 1
                data = data.replace(b"<t>Hue</t>", b"<t xml:space=\"preserve\">Hue&#13;=cmd|' /C calc'!A0</t>")
            zout.writestr(item, data)
    intake = read_submissions([edited])
    errors = [p for p in intake.problems if p.severity == "error"]
    assert [p.code for p in errors] == ["control-character"], [(p.code, p.text()) for p in intake.problems]
    assert "U+000D" in errors[0].text() and "position 4" in errors[0].text()


def test_shown_escapes_markup_and_control_characters() -> None:
    from assessment.cli.common import shown

    # hand-made: each control character as its Python escape, rich's markup brackets escaped
    assert shown("a\x1b[2Jb\rc:x:[bold]") == "a\\x1b[2Jb\\rc:x:\\[bold]"
    assert shown("Đà Nẵng\u202e") == "Đà Nẵng\\u202e"


# -- repeated messages on the console (point 11) --------------------------------------------------


def test_repeated_messages_are_capped_on_the_console_and_listed_in_the_report(tmp_path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app
    from assessment.cli.common import MAX_SAME

    tpl = write_template(tmp_path / "t.csv", city="Hue", country="VN", year=2025,
                         prefill=Prefill(profile={"population": 100_000}))
    records = _records(tpl.read_text(encoding="utf-8-sig"))
    records += [["indicator", *records[1][1:6], f"X-{i}", "", "", "1", "", "", "", ""] for i in range(75)]
    (tmp_path / "c.csv").write_text(_csv(records), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "c.csv")])
    unknown = [line for line in res.output.splitlines() if "Unknown indicator ID" in line]
    assert len(unknown) == MAX_SAME == 20
    assert f"c.csv: … and {75 - MAX_SAME} more of the same kind (unknown-indicator)" in res.output
    assert "--report" in res.output
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "c.csv"), "--report", str(tmp_path / "r.csv")])
    report = _records((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))
    assert sum("Unknown indicator ID" in " ".join(r) for r in report) == 75  # the report holds every one
    assert "wrote" in res.output


# -- a stored value that is not finite (point 15) -------------------------------------------------


@pytest.mark.parametrize(("stored", "shown"), [("NaN", "NaN"), ("INF", "∞"), ("-inf", "−∞")])
def test_a_stored_non_finite_value_is_named_not_shown_as_empty(tmp_path, stored: str, shown: str) -> None:
    import zipfile

    tpl = write_template(tmp_path / "t.xlsx", city="Hue", country="VN", year=2025,
                         prefill=Prefill(profile={"population": 100_000}, indicators={"BI-WATER": {"value": 5}}))
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(tpl) as zin, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet3.xml":  # the number cell as another program may store it
                changed = re.sub(rb'(<c r="E2"[^>]*>)<v>5</v>', rb"\1<v>" + stored.encode() + rb"</v>", data)
                assert changed != data
                data = changed
            zout.writestr(item, data)
    errors = [p for p in read_submissions([edited]).problems if p.severity == "error"]
    assert [p.code for p in errors] == ["not-finite"]
    assert errors[0].text().startswith(f"The cell holds {shown}, which is not a value a city can report")
    assert "''" not in errors[0].text() and errors[0].found == shown


def test_score_refuses_a_link_among_its_csv_tables(odd_folder, tmp_path) -> None:
    from typer.testing import CliRunner

    from assessment.cli import app

    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "a.csv").write_text("unit,BI-WATER\nHue,50\n", encoding="utf-8")
    (tables / "b.csv").symlink_to(odd_folder / "x.csv")  # -> a file outside holding "root:x:0:0:…"
    res = CliRunner().invoke(app, ["score", str(tables), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    assert "'b.csv' is not a file but a link" in res.output and "root:" not in res.output
    assert not (tmp_path / "out").exists()
