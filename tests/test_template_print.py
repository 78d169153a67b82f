"""The workbook template prints: every visible sheet has its page setup, and wrapped text has room.

What LibreOffice makes of it (pages per sheet) is measured by ``benchmarks/template_pages.py``,
which needs LibreOffice; these checks read the page setup itself and run everywhere.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from assessment.catalogue import load_catalogue
from assessment.i18n import text
from assessment.intake import write_template
from assessment.intake.layout import INDICATOR_TABLE, column_index

DEFAULT_HEIGHT = 15  # points: one line of 11-point text


#: A catalogue with a criteria-based maturity model: its template has a fifth sheet, Criteria.
CRITERIA = Path(__file__).resolve().parent.parent / "examples" / "criteria" / "catalogue.yaml"


@pytest.fixture(scope="module", params=["en", "vi"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = write_template(tmp_path_factory.mktemp("print") / "t.xlsx", city="Hue", country="VN", year=2025,
                          lang=request.param)
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_criteria_sheet_prints_too(lang: str, tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", lang=lang, catalogue=load_catalogue(CRITERIA))
    test_every_visible_sheet_prints_landscape_one_page_wide(openpyxl.load_workbook(path), sheets=5)


def test_every_visible_sheet_prints_landscape_one_page_wide(book: openpyxl.Workbook, sheets: int = 4) -> None:
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(visible) == sheets
    for ws in visible:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # one page wide (an absent fitToWidth is 1, the OOXML default), any number of pages tall
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, ws.title
        assert ws.print_area, ws.title
        # the print area ends at the last filled row and column
        last = ws.print_area.split(":")[-1].replace("$", "")
        assert last == f"{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}", ws.title
    for ws in visible[1:]:  # the tables repeat their header row on every page
        assert ws.print_title_rows == "$1:$1", ws.title


def test_wrapped_definitions_get_the_rows_they_need(book: openpyxl.Workbook) -> None:
    cat = load_catalogue()
    lang = "vi" if book.worksheets[0].title != "Instructions" else "en"
    ws = book.worksheets[2]
    width = INDICATOR_TABLE[column_index(INDICATOR_TABLE, "definition")].width
    tall = 0
    for r, ind in enumerate(cat.indicators, start=2):
        definition = text(ind.definition, lang)
        height = ws.row_dimensions[r].height or DEFAULT_HEIGHT
        # a definition longer than the column is on at least as many lines as it has column widths
        needed = -(-len(definition) // int(width))
        assert height >= DEFAULT_HEIGHT * needed, (ind.id, height, len(definition))
        tall += height > DEFAULT_HEIGHT
    assert tall > len(cat.indicators) // 2  # most definitions wrap, so the check is not vacuous
