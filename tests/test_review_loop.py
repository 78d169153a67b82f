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


def test_a_cohort_of_one_shows_no_rank_and_no_medians_and_says_why(tmp_path: Path) -> None:
    """One city's report said "1st of 1" and showed peer and cohort medians equal to its own scores."""
    import re

    import assessment
    from assessment.report import render_report

    examples = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    one = assessment.assess(read_submissions([examples / "da-nang-2025.xlsx"]))
    render_report(one, tmp_path / "one")
    (page,) = (tmp_path / "one" / "cities").glob("*.html")
    html = page.read_text(encoding="utf-8")
    assert "Overall rank" not in html and "1st of 1" not in html
    assert "the cohort has this city only" in html and "no peer-group or cohort median" in html
    focus = html[html.index('id="focus-h"'):html.index("</table>", html.index('id="focus-h"'))]
    rows = re.findall(r'<tr><th scope="row">[^<]*</th><td class="n">([^<]*)</td><td class="n">([^<]*)</td>'
                      r'<td class="n">([^<]*)</td></tr>', focus)
    assert rows and all(city and not peer and not cohort for city, peer, cohort in rows)
    two = assessment.assess(read_submissions([examples / "da-nang-2025.xlsx", examples / "ha-noi-2025.xlsx"]))
    render_report(two, tmp_path / "two")
    html2 = next((tmp_path / "two" / "cities").glob("da-nang*.html")).read_text(encoding="utf-8")
    assert "Overall rank" in html2 and "the cohort has this city only" not in html2
