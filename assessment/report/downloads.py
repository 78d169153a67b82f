"""The data behind each page as CSV, written beside it (and the full results as XLSX by the cohort page).

Each table is made from the same page model the template renders, so the download holds exactly
the numbers on the page, unrounded. Column headings are in the page language; numbers are plain
(``.`` as decimal separator, no grouping) so any tool reads them; text cells that a spreadsheet
would run as a formula are neutralised (at the start and after every line break), and a field
holding a line break is quoted (:func:`assessment._missing.csv_text`). Files are UTF-8 with a
byte-order mark (spreadsheets then read Vietnamese correctly) and ``\\n`` line ends: the same pages give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._missing import csv_text, is_missing, safe_text
from ..i18n import N_, _

CITY_COLUMNS = (N_("Section"), N_("Id"), N_("Name"), N_("Value"), N_("Unit"), N_("Data year"), N_("Score"),
                N_("Level"), N_("Peer-group median"), N_("Cohort median"), N_("Rank"))
COHORT_COLUMNS = (N_("Rank"), N_("City"), N_("Year"), N_("Country"), N_("Coverage"))  # "City": the framework's word

#: A table to download: its column headings and its rows.
Table = tuple[list[str], list[list[Any]]]


def csv_cell(value: Any) -> str:
    """Text as given (formula-safe), a number as Python writes it (shortest round trip), missing as empty."""
    if type(value) is float:  # the common case first: pages hold thousands of scores
        return "" if value != value else repr(value)
    if isinstance(value, str):
        return str(safe_text(value))
    if value is None or is_missing(value):
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


def whole(value: Any) -> int | None:
    """A rank or a year as a whole number (``3``, not ``3.0``)."""
    return None if value is None or is_missing(value) else int(value)


def write_csv(table: Table, path: Path) -> Path:
    """Write ``table`` as a deterministic, formula-safe CSV."""
    head, rows = table
    # a float that is not NaN and None go to csv as they are: it writes them as csv_cell would (a float's
    # repr, nothing for None), without a call per cell (a large site has millions)
    body = csv_text([[csv_cell(c) for c in head],
                     *([v if (type(v) is float and v == v) or v is None else csv_cell(v) for v in row]
                       for row in rows)])
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(body)
    return path


def city_table(page: dict[str, Any], lang: str) -> Table:
    """Every number of a unit page: each typed section's rows, in page order (scores, then indicators)."""
    rows: list[list[Any]] = []
    for section in page.get("sections", {}).values():  # typed sections yield their own rows, in page order
        rows += section.csv_rows(lang)
    return [_(c, lang) for c in CITY_COLUMNS], rows


def cohort_table(page: dict[str, Any], lang: str) -> Table:
    """The ranking table of the cohort page: rank, city, year, country, coverage and every score."""
    head = [_(c, lang) for c in COHORT_COLUMNS] + [c["name"] for c in page["columns"]]
    head[1] = page["words"]["Unit"]  # the framework's word: "City", "Country", "Region" …
    return head, [[whole(r["rank"]), r["city"], r["year"], r["country"], r["coverage"], *r["scores"]]
                  for r in page["rows"]]


def compare_table(page: dict[str, Any], lang: str) -> Table:
    """Every number of a comparison page, one row per score or indicator, one column per city."""
    rows: list[list[Any]] = []
    for section, items in ((_("Scores", lang), page["outcomes"]["rows"]),
                           (_("Focus area", lang), page["radar_rows"]),
                           (_("OECD well-being dimensions", lang), page["wellbeing"]["rows"] if page["wellbeing"]
                            else [])):
        rows += [[section, r["name"], *r["values"]] for r in items]
    section = _("Where they differ most", lang)
    rows += [[section, r["name"], *r["scores"]] for r in page["different"]]
    section = _("Enablers", lang)
    rows += [[section, e["name"], *[c["level"] for c in e["cells"]]] for e in page["enablers"]]
    return [_(CITY_COLUMNS[0], lang), _("Name", lang), *page["names"]], rows
