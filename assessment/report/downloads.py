"""The data behind each page as CSV, written beside it (and the full results as XLSX by the cohort page).

Each table is made from the same page model the template renders, so the download holds exactly
the numbers on the page, unrounded. Column headings are in the page language; numbers are plain
(``.`` as decimal separator, no grouping) so any tool reads them; text cells that a spreadsheet
would run as a formula are neutralised. Files are UTF-8 with a byte-order mark (spreadsheets then
read Vietnamese correctly) and ``\\n`` line ends: the same pages give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .._missing import safe_frame
from ..i18n import N_, _

CITY_COLUMNS = (N_("Section"), N_("Id"), N_("Name"), N_("Value"), N_("Unit"), N_("Data year"), N_("Score"),
                N_("Level"), N_("Peer-group median"), N_("Cohort median"), N_("Rank"))
COHORT_COLUMNS = (N_("Rank"), N_("City"), N_("Year"), N_("Country"), N_("Coverage"))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` (no index) as a deterministic, formula-safe CSV."""
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def city_table(page: dict[str, Any], lang: str) -> pd.DataFrame:
    """Scores (overall, outcomes, focus areas, well-being dimensions) and every indicator of a city page."""
    cols = [_(c, lang) for c in CITY_COLUMNS]
    rows: list[list[Any]] = []
    scores = _("Scores", lang)
    peer = {r["name"]: (r["peer"], r["cohort"]) for r in page["radar_rows"]}
    for b in [page["overall"], *page["outcomes"], *page["areas"]]:
        med = peer.get(b["name"], (None, None))
        rows.append([scores, b["id"], b["name"], None, "", None, b["score"], b["level_name"], med[0], med[1], None])
    if page.get("oecd"):
        section = _("OECD well-being dimensions", lang)
        for r in page["oecd"]["rows"]:
            rows.append([section, "", r["name"], None, "", None, r["value"], "", None, r["median"], None])
    for g in page["indicators"]:
        for r in g["rows"]:
            rows.append([g["name"], r["id"], r["name"], r["value"], r["unit"], r["data_year"], r["score"],
                         r["level_name"], r["peer"], None, r["rank"]])
    return _whole(pd.DataFrame(rows, columns=cols), cols[5], cols[10])


def _whole(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Ranks and years as whole numbers (``3``, not ``3.0``), missing left empty."""
    return frame.astype({c: "Int64" for c in cols})


def cohort_table(page: dict[str, Any], lang: str) -> pd.DataFrame:
    """The ranking table of the cohort page: rank, city, year, country, coverage and every score."""
    cols = [_(c, lang) for c in COHORT_COLUMNS] + [c["name"] for c in page["columns"]]
    rows = [[r["rank"], r["city"], r["year"], r["country"], r["coverage"], *r["scores"]] for r in page["rows"]]
    return _whole(pd.DataFrame(rows, columns=cols), cols[0])


def compare_table(page: dict[str, Any], lang: str) -> pd.DataFrame:
    """Every number of a comparison page, one row per score or indicator, one column per city."""
    head = [_(CITY_COLUMNS[0], lang), _("Name", lang)]
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
    return pd.DataFrame(rows, columns=head + list(page["names"]))
