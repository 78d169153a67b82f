"""The intake as tables: accepted records and problems as pandas DataFrames, and the problem reports.

This is the only intake module that imports pandas. :class:`~assessment.intake.accepted.Intake`
builds its tables here on first use, so ``smartcity validate``, which only counts and lists
problems, never loads pandas (its start-up time is a target of the command line).

Reports are CSV, Excel or one self-contained HTML page: text cells a spreadsheet would run as a
formula are neutralised in CSV and Excel, and the HTML page escapes everything (jinja2 autoescape).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._missing import frame_csv, safe_frame
from ..errors import SEVERITY_LABELS, Problem
from ..i18n import N_, _
from ..templating import environment
from .criteria import CRITERIA_DATA_COLUMNS
from .issues import ISSUE_COLUMNS
from .layout import PROFILE_KEYS

#: Columns of :attr:`Intake.data <assessment.intake.accepted.Intake.data>`, in order.
DATA_COLUMNS = ("city", "country", "year", "indicator", "value", "data_year", "source", "quality", "notes", "file",
                "row")
#: Columns of :attr:`Intake.enablers <assessment.intake.accepted.Intake.enablers>`.
ENABLER_DATA_COLUMNS = ("city", "country", "year", "enabler", "level", "evidence", "notes", "file", "row")
#: Columns of :attr:`Intake.profiles <assessment.intake.accepted.Intake.profiles>`.
PROFILE_COLUMNS = (*PROFILE_KEYS, "file", "lang", "catalogue_version", "notice")

Records = Sequence[Mapping[str, Any]]


def data_frame(rows: Records) -> pd.DataFrame:
    """The accepted indicator values: one row per value (missing values are NaN, years nullable)."""
    return pd.DataFrame(list(rows), columns=list(DATA_COLUMNS)).astype(
        {"value": "float64", "data_year": "Int64", "quality": "Int64", "year": "Int64", "row": "int64"})


def enabler_frame(rows: Records) -> pd.DataFrame:
    """The enabler answers: one row per enabler, the level 0-5 as a float (NaN when unanswered)."""
    frame = pd.DataFrame(list(rows), columns=list(ENABLER_DATA_COLUMNS)).astype(
        {"level": "Float64", "year": "Int64", "row": "int64"})
    frame["level"] = frame["level"].astype("float64")
    return frame


def profile_frame(rows: Records) -> pd.DataFrame:
    """The city profiles: one row per file read."""
    return pd.DataFrame(list(rows), columns=list(PROFILE_COLUMNS)).astype(
        {"year": "Int64", "population": "float64", "area_km2": "float64"})


def criteria_frame(rows: Records) -> pd.DataFrame:
    """The Criteria sheet's answers: one row per criterion (``met`` is a nullable boolean)."""
    return pd.DataFrame(list(rows), columns=list(CRITERIA_DATA_COLUMNS)).astype({"year": "Int64", "met": "boolean"})


#: Headings of the written reports (CSV, Excel), translated into the report's language.
ISSUE_HEADINGS: dict[str, str] = {
    "file": N_("File"), "sheet": N_("Sheet"), "row": N_("Row"), "column": N_("Column"), "indicator": N_("Indicator"),
    "code": N_("Code"), "severity": N_("Severity"), "message": N_("Problem"), "value": N_("Found"),
    "fix": N_("How to fix")}
#: The sheet of the Excel report.
REPORT_SHEET = N_("Problems")



def summary_frame(summary: Mapping[str, int]) -> pd.DataFrame:
    """The counts of :meth:`Intake.summary <assessment.intake.accepted.Intake.summary>` as a one-row table."""
    return pd.DataFrame([dict(summary)])


def issues_frame(problems: Iterable[Problem], lang: str) -> pd.DataFrame:
    """One row per problem (:data:`ISSUE_COLUMNS`), messages and fixes in ``lang``."""
    frame = pd.DataFrame(
        [{"file": p.source, "sheet": p.sheet, "row": p.row, "column": p.column, "indicator": p.item,
          "code": p.code, "severity": p.severity, "message": p.text(lang), "value": p.found, "fix": p.fix_text(lang)}
         for p in problems], columns=list(ISSUE_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def write_issues(problems: Iterable[Problem], summary: Mapping[str, int], path: Path, lang: str = "en") -> Path:
    """Write the problems to ``path`` (format from the suffix: .csv, .xlsx or .html), all text in ``lang``.

    Everything a person reads is in ``lang``: the headings (:data:`ISSUE_HEADINGS`), the severity
    words, the Excel sheet's name, the messages and fixes. The ``Code`` column keeps the stable
    problem codes of :data:`MESSAGES`, the same in every language, for scripts.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    frame = issues_frame(problems, lang)
    written = frame.assign(severity=[_(SEVERITY_LABELS[s], lang) for s in frame["severity"]]).rename(
        columns={k: _(v, lang) for k, v in ISSUE_HEADINGS.items()})
    if suffix == ".csv":
        frame_csv(written, path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="xlsxwriter",
                            engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xw:
            xw.book.set_properties({"created": dt.datetime(2000, 1, 1)})
            safe_frame(written).to_excel(xw, sheet_name=_(REPORT_SHEET, lang)[:31], index=False)
    elif suffix in (".html", ".htm"):
        page = environment(lang).get_template("issues.html.j2").render(
            issues=frame.to_dict("records"), summary=dict(summary), lang=lang)
        path.write_text(page, encoding="utf-8")
    else:
        raise ValueError(f"unsupported report format {suffix!r}: use .csv, .xlsx or .html")
    return path
