"""The smartcity command line: listing, formats, languages and `catalogue check`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from assessment.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "smartcity-assessment" in result.output


def test_list_filters_as_csv() -> None:
    result = runner.invoke(app, ["catalogue", "--format", "csv", "--focus-area", "safety-security", "--tier", "core"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("ID,Name,Unit,Direction")
    ids = [line.split(",")[0] for line in lines[1:]]
    assert "SS-HOMICIDE" in ids and "SS-SAFENIGHT" not in ids  # SAFENIGHT is advanced
    assert all(i.startswith("SS-") for i in ids)


def test_filter_by_outcome_and_dimension() -> None:
    result = runner.invoke(app, ["catalogue", "--format", "markdown", "--outcome", "sustainable-environment",
                                 "--dimension", "environmental-quality"])
    assert result.exit_code == 0
    assert "QE-PM25" in result.output and "II-RND" not in result.output


def test_vietnamese_listing() -> None:
    result = runner.invoke(app, ["catalogue", "--format", "csv", "--lang", "vi", "--focus-area", "quality-environment"])
    assert result.exit_code == 0
    assert result.output.startswith("Mã,Tên,Đơn vị,Chiều")
    assert "Bụi mịn PM2.5" in result.output


def test_xlsx_export(tmp_path: Path) -> None:
    path = tmp_path / "cat.xlsx"
    result = runner.invoke(app, ["catalogue", "--format", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(path).active
    assert ws is not None and ws.cell(1, 1).value == "ID" and ws.max_row == 104  # header + 103


def test_xlsx_needs_output() -> None:
    assert runner.invoke(app, ["catalogue", "--format", "xlsx"]).exit_code == 2


def test_table_is_default() -> None:
    result = runner.invoke(app, ["catalogue", "--dimension", "subjective-wellbeing"])
    assert result.exit_code == 0 and "3 indicators" in result.output


def test_bad_choice_is_a_usage_error() -> None:
    assert runner.invoke(app, ["catalogue", "--lang", "fr"]).exit_code == 2


def test_check_good_and_bad() -> None:
    ok = runner.invoke(app, ["catalogue", "check", str(Path(__file__).parent.parent / "indicators"), "--strict"])
    assert ok.exit_code == 0 and "ok: ascf-oecd" in ok.output
    bad = runner.invoke(app, ["catalogue", "check", str(DATA / "broken-catalogue.yaml")])
    assert bad.exit_code == 1
    for item in ("DUP", "GPREV", "THRESH", "RUBRIC", "LOST", "BADDIR", "tree/c1"):
        assert item in bad.output


def test_docs_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalogue", "docs", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "catalogue.md").is_file() and (tmp_path / "catalogue.vi.md").is_file()


def test_score_command_exports_and_exit_codes(tmp_path, synthetic):
    from typer.testing import CliRunner

    from assessment.cli import app

    data = tmp_path / "in"
    data.mkdir()
    synthetic.cohort(8, seed=5).to_csv(data / "cohort.csv", index=False)
    runner = CliRunner()
    res = runner.invoke(app, ["score", str(data), "-o", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.xlsx").is_file() and "overall" in res.output
    res = runner.invoke(app, ["score", str(data / "cohort.csv"), "-o", str(tmp_path / "csv")])
    assert res.exit_code == 0 and (tmp_path / "csv" / "aggregated-ascf.csv").is_file()
    bad = tmp_path / "bad.yaml"
    bad.write_text("normalise: {method: magic}\n", encoding="utf-8")
    res = runner.invoke(app, ["score", str(data), "--method", str(bad)])
    assert res.exit_code == 1 and "magic" in res.output
    res = runner.invoke(app, ["score", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2


def test_score_reads_what_validate_reads(tmp_path):
    """``score`` takes a folder of workbooks as ``validate``, ``review`` and ``report`` do: the files with errors are
    left out and named, every other city is scored, and the CSVs are written."""
    import pandas as pd
    from typer.testing import CliRunner

    from assessment.cli import app

    examples = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    res = CliRunner().invoke(app, ["score", str(examples), "-o", str(tmp_path / "results")])
    assert res.exit_code == 0, res.output
    assert "zz-broken-1-2025.xlsx" in res.output and "zz-broken-2-2025.xlsx" in res.output
    scores = pd.read_csv(tmp_path / "results" / "aggregated-ascf.csv")
    assert len(scores) == len(list(examples.glob("*.xlsx"))) - 2


def test_input_warnings_are_printed_in_the_runs_language(tmp_path):
    """A warning of the library about the input (an indicator with the same value for every unit) is a problem
    line in ``--lang``, not Python's English warning text with a source line."""
    from typer.testing import CliRunner

    from assessment.cli import app

    table = tmp_path / "t.csv"
    table.write_text("unit,QE-PM25,QE-PM10\nA,10,40\nB,20,40\nC,30,40\n", encoding="utf-8")
    for lang, word in (("en", "warning:"), ("vi", "cảnh báo:")):
        res = CliRunner().invoke(app, ["score", str(table), "--lang", lang])
        assert res.exit_code == 0, res.output
        line = next(x for x in res.output.splitlines() if "QE-PM10" in x and word in x)
        assert "InputWarning" not in res.output and "warnings.warn" not in res.output, res.output
        assert "40" in line
