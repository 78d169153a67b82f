"""The review loop (issue 23): a CSV that adds nothing is a problem; a cohort of one shows no rank.

(A correction counted as corrected, and a correction the workbook does not hold, are tested in
test_review.py beside the panel they use.)"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assessment import read_submissions


def test_a_csv_holding_only_its_header_row_is_a_problem(tmp_path: Path) -> None:
    from assessment.cli import app

    full = tmp_path / "long.csv"
    CliRunner().invoke(app, ["template", "-o", str(full), "--city", "X", "--country", "VN", "--year", "2025"])
    header = tmp_path / "header.csv"
    header.write_text(full.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", encoding="utf-8")
    intake = read_submissions([header])
    assert [(Path(p.source).name, p.code, p.severity) for p in intake.problems] == [
        ("header.csv", "no-data", "error")]
    result = CliRunner().invoke(app, ["validate", str(header)])
    assert result.exit_code == 1 and "no values" in result.output
