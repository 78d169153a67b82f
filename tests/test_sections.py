"""Typed page sections (issue 22): each renders its own partial and yields its own CSV rows.

Snapshot tests: the HTML fragment of a section for a fixed result (the example cohort, Da Nang), in
English and Vietnamese, compared with a reviewed file in ``tests/snapshots/``. A change to a fragment
fails here until the file is reviewed again; ``UPDATE_SNAPSHOTS=1`` rewrites the files (then read the
diff before committing it). The numbers of each fragment are also checked against the result's own
tables, so a snapshot cannot freeze a wrong number unnoticed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import ROOT

import assessment
from assessment.i18n import fmt_fixed
from assessment.report.sections import strengths, unit_sections
from assessment.report.view import ReportView
from assessment.templating import environment

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture(scope="module")
def result() -> assessment.Assessment:
    return assessment.assess(assessment.read_submissions(ROOT / "examples" / "ascn-2025").without_error_files())


def fragment(section: object, lang: str) -> str:
    env = environment(lang)
    tpl = env.get_template(section.template)  # type: ignore[attr-defined]
    return tpl.render(s=section, fmt=lambda v, d=1: fmt_fixed(v, lang, d))


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_strengths_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = strengths.build(rep, "Da Nang")
    assert section is not None
    html = fragment(section, lang)
    path = SNAPSHOTS / f"strengths.da-nang.{lang}.html"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")
    # the reviewed numbers are the result's: each strength's score, median and gap, as the page shows them
    table = result.strengths[result.strengths["unit"] == "Da Nang"]
    for rec in table.to_dict("records"):
        cells = [fmt_fixed(rec[k], lang, 1) for k in ("score", "peer_median", "gap")]
        assert "".join(f'<td class="n">{c}</td>' for c in cells) in html, rec["indicator"]
    assert len(re.findall(r"<tr><th scope=\"row\">", html)) == len(table)


def test_strengths_rows_and_absence(result: assessment.Assessment) -> None:
    rep = ReportView(result, "en")
    section = unit_sections(rep, "Da Nang")["strengths"]
    rows = section.csv_rows("en")
    table = result.strengths[result.strengths["unit"] == "Da Nang"]
    assert len(rows) == len(table) and {r[0] for r in rows} <= {"Strengths", "Weaknesses"}
    assert [r[1] for r in rows] == table["indicator"].tolist()  # the strengths first, then the weaknesses
    off = result.rerun(compare={"enabled": False})
    assert "strengths" not in unit_sections(ReportView(off, "en"), "Da Nang")  # no compare stage, no section
