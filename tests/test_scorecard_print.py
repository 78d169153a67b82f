"""Printing, measured in Chromium: the 26-city example's cohort page (with rank intervals) prints on at
most 2 A4 pages and every city page on 1, in English and in Vietnamese (issue 22)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

import assessment
from assessment.report import render_report


def a4_pages(page: Any, path: Path) -> int:
    """Pages of ``path`` printed on A4 by Chromium (counted in the PDF's page objects)."""
    page.goto(path.as_uri())
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))


@pytest.fixture(scope="module")
def sites(example_result: assessment.Assessment, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result = example_result
    unc = assessment.uncertainty(result, assessment.load_robustness_spec(ROOT / "examples" / "robustness" /
                                                                        "ascn-demo.yaml"))
    return {lang: render_report(result, tmp_path_factory.mktemp(lang), lang=lang, uncertainty=unc,
                                workbook=False).parent for lang in ("en", "vi")}


def test_print_page_counts(sites: dict[str, Path], browser: Any) -> None:
    page = browser.new_page()
    for lang, site in sites.items():
        assert a4_pages(page, site / "index.html") <= 2, lang
        units = sorted((site / "cities").glob("*.html"))
        assert len(units) == 26
        over = [p.name for p in units if a4_pages(page, p) > 1]
        assert not over, (lang, over)
