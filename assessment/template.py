"""Stage 2: the workbook template a city fills in (XlsxWriter), or the same content as a long CSV.

Layout (the contract with :mod:`assessment.workbook`, which reads it back)
--------------------------------------------------------------------------
* *Instructions*: how to fill the workbook, the columns, the data-quality scale, missing values.
* *City profile*: one row per field (``key`` column A, label B, the city's value C).
* *Indicators*: one row per indicator from row 2: id, name, unit, definition (locked), then
  the city's value, data year, source, data-quality flag (dropdown) and notes.
* *Enablers*: one row per rubric item from row 2: id, name, level (dropdown 0–5), evidence,
  notes, then the six level descriptors (locked).
* ``Lists`` (hidden): dropdown sources. ``_smartcity`` (very hidden): the versioned marker:
  catalogue id, version and hash, language, and the id and unit written on every row.

Sheet names and labels follow the template language; the reader finds them through the marker.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from ._version import __version__
from .catalogue import Catalogue, text
from .catalogue_io import load_catalogue
from .errors import InputError, Problem
from .i18n import LANGUAGES, N_, _

FORMAT = "smartcity-template"
FORMAT_VERSION = 1
MARKER_SHEET = "_smartcity"
LISTS_SHEET = "Lists"

SHEETS = {"instructions": N_("Instructions"), "profile": N_("City profile"), "indicators": N_("Indicators"),
          "enablers": N_("Enablers")}

#: City-profile fields: key, label, required, kind.
PROFILE_FIELDS: tuple[tuple[str, str, bool, str], ...] = (
    ("city", N_("City"), True, "text"),
    ("country", N_("Country (ISO 3166-1 alpha-2 code, e.g. VN)"), True, "country"),
    ("year", N_("Assessment year"), True, "year"),
    ("population", N_("Population (inhabitants)"), True, "number"),
    ("area_km2", N_("Area (km²)"), False, "number"),
    ("peer_group", N_("Peer group (optional)"), False, "text"),
    ("contact_name", N_("Contact person"), False, "text"),
    ("contact_email", N_("Contact e-mail"), False, "text"),
)

INDICATOR_COLUMNS = ("id", "name", "unit", "definition", "value", "data_year", "source", "quality", "notes")
INDICATOR_HEADERS = (N_("ID"), N_("Indicator"), N_("Unit"), N_("Definition"), N_("Value"), N_("Data year"),
                     N_("Source"), N_("Data quality"), N_("Notes"))
ENABLER_COLUMNS = ("id", "name", "level", "evidence", "notes")
ENABLER_HEADERS = (N_("ID"), N_("Enabler item"), N_("Level (0–5)"), N_("Evidence"), N_("Notes"))
LONG_CSV_COLUMNS = ("kind", "catalogue", "lang", "city", "country", "year", "id", "name", "unit", "value",
                    "data_year", "source", "quality", "notes")

INSTRUCTIONS = (
    N_("How to fill in this workbook"),
    N_("1. Complete the City profile sheet: city, country code, assessment year and population are required."),
    N_("2. On the Indicators sheet, enter each value in the unit shown, for the most recent year available."),
    N_("3. Give the year the value refers to, its source, and a data-quality flag from the dropdown."),
    N_("4. If a value is not available, leave the Value cell empty (or write n/a) and explain in Notes. "
       "Never enter 0 for a missing value."),
    N_("5. Enter numbers as numbers, without thousands separators. Percentages are numbers from 0 to 100."),
    N_("6. On the Enablers sheet, choose the highest level whose description, and that of every lower level, "
       "is true for the city, and name the evidence."),
    N_("7. Do not change the ID, Indicator, Unit or Definition columns, rename sheets or add formulas."),
    N_("Data-quality scale (U4SSC Verification Manual):"),
)


@dataclass(frozen=True)
class Prefill:
    """Input-cell values for :func:`write_template`.

    ``profile`` maps profile keys to values; ``indicators`` maps an indicator id to
    ``{"value", "data_year", "source", "quality", "notes"}``; ``enablers`` maps an enabler id to
    ``{"level", "evidence", "notes"}``; ``notice`` labels the workbook (e.g. illustrative data).
    """

    profile: dict[str, object] = field(default_factory=dict)
    indicators: dict[str, dict[str, object]] = field(default_factory=dict)
    enablers: dict[str, dict[str, object]] = field(default_factory=dict)
    notice: str = ""


@dataclass(frozen=True)
class TemplateInfo:
    """What the marker sheet records (also returned by the reader)."""

    catalogue_id: str
    catalogue_version: str
    catalogue_hash: str
    lang: str
    package_version: str


def quality_choices(catalogue: Catalogue, lang: str) -> list[str]:
    """Dropdown entries of the data-quality scale, e.g. ``"1 – Accurate measurement"``."""
    return [f"{q.code} – {text(q.name, lang)}" for q in catalogue.header.quality_flags]


def level_choice(catalogue: Catalogue, level: int, descriptor: str, lang: str) -> str:
    """One enabler dropdown entry: ``"3 – Development: <descriptor>"`` (at most 250 characters)."""
    entry = f"{level} – {catalogue.maturity_level_name(level, lang)}: {descriptor}"
    return entry if len(entry) <= 250 else entry[:249] + "…"


def _check(city: str, country: str, year: int, lang: str, catalogue: Catalogue) -> None:
    problems = []
    if lang not in LANGUAGES or lang not in catalogue.languages:
        problems.append(Problem("<template>", field="lang", code="unknown-language",
                                message=f"language must be one of {', '.join(catalogue.languages)}", found=lang))
    if not 1990 <= year <= 2100:
        problems.append(Problem("<template>", field="year", code="bad-year",
                                message="the assessment year must be between 1990 and 2100", found=str(year)))
    if problems:
        raise InputError(problems)


def _validation(lo: float | None, hi: float | None, title: str, message: str) -> dict[str, object] | None:
    base: dict[str, object] = {"validate": "decimal", "input_title": title[:32], "input_message": message[:255],
                               "error_type": "warning", "error_title": title[:32]}
    if lo is not None and hi is not None:
        return base | {"criteria": "between", "minimum": lo, "maximum": hi,
                       "error_message": f"{lo:g} – {hi:g}"}
    if lo is not None:
        return base | {"criteria": ">=", "value": lo, "error_message": f">= {lo:g}"}
    if hi is not None:
        return base | {"criteria": "<=", "value": hi, "error_message": f"<= {hi:g}"}
    return None


def write_template(path: str | Path, *, city: str = "", country: str = "", year: int | None = None,
                   lang: str = "en", catalogue: Catalogue | None = None, prefill: Prefill | None = None) -> Path:
    """Write the indicator workbook for one city (``.xlsx``), or the long CSV (``.csv``).

    Parameters
    ----------
    path
        Output file; the suffix chooses the format.
    city, country, year
        Pre-filled in the City profile (the city may still change them).
    lang
        Template language (``en`` or ``vi``): labels, names, definitions, number format hints.
    catalogue
        Default: the built-in catalogue.
    prefill
        Values to write into the input cells (e.g. last year's, or illustrative examples),
        and an optional notice shown on the Instructions sheet and kept in the marker.

    Returns
    -------
    pathlib.Path
        The written file. Same arguments, same bytes.
    """
    cat = catalogue or load_catalogue()
    year = year if year is not None else dt.date.today().year - 1
    _check(city, country, year, lang, cat)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fill = prefill or Prefill()
    if out.suffix.lower() == ".csv":
        return _write_csv(out, cat, city, country, year, lang, fill)
    return _write_xlsx(out, cat, city, country, year, lang, fill)


def _cell(value: object) -> object:
    return "" if value is None else value


def _write_csv(out: Path, cat: Catalogue, city: str, country: str, year: int, lang: str, fill: Prefill) -> Path:
    tag = f"{cat.id} {cat.version}"
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(LONG_CSV_COLUMNS)
        given = {"city": city, "country": country, "year": str(year)} | fill.profile
        for key, label, _req, _kind in PROFILE_FIELDS:
            w.writerow(["profile", tag, lang, city, country, year, key, _(label, lang), "",
                        _cell(given.get(key)), "", "", "", ""])
        for ind in cat.indicators:
            v = fill.indicators.get(ind.id, {})
            w.writerow(["indicator", tag, lang, city, country, year, ind.id, text(ind.name, lang),
                        text(ind.unit, lang), *(_cell(v.get(k)) for k in ("value", "data_year", "source", "quality",
                                                                          "notes"))])
        for ena in cat.enablers:
            e = fill.enablers.get(ena.id, {})
            w.writerow(["enabler", tag, lang, city, country, year, ena.id, text(ena.name, lang), "0–5",
                        _cell(e.get("level")), "", _cell(e.get("evidence")), "", _cell(e.get("notes"))])
    return out


def _put(ws: Any, row: int, col: int, value: object, fmt: Any) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write(row, col, value, fmt)


def _write_xlsx(out: Path, cat: Catalogue, city: str, country: str, year: int, lang: str, fill: Prefill) -> Path:
    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": f"{cat.id} {cat.version}", "author": "smartcity-assessment",
                       "created": dt.datetime(2000, 1, 1)})
    f_head = wb.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True, "valign": "top",
                            "locked": True})
    f_lock = wb.add_format({"text_wrap": True, "valign": "top", "locked": True, "font_color": "#333333"})
    f_input = wb.add_format({"bg_color": "#FFF4C2", "border": 1, "locked": False, "valign": "top"})
    f_num = wb.add_format({"bg_color": "#FFF4C2", "border": 1, "locked": False, "valign": "top",
                           "num_format": "#,##0.###"})
    f_year = wb.add_format({"bg_color": "#FFF4C2", "border": 1, "locked": False, "valign": "top", "num_format": "0"})
    f_title = wb.add_format({"bold": True, "font_size": 14})
    f_wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def t(msg: str) -> str:
        return _(msg, lang)

    # Instructions
    ws = wb.add_worksheet(t(SHEETS["instructions"]))
    ws.set_column(0, 0, 110, f_wrap)
    ws.write(0, 0, text(cat.header.title, lang), f_title)
    ws.write(1, 0, f"{t('Catalogue')}: {cat.id} {cat.version}")
    if fill.notice:
        ws.write(2, 0, fill.notice, wb.add_format({"bold": True, "font_color": "#9B1C1C"}))
    for i, line in enumerate(INSTRUCTIONS):
        ws.write(3 + i, 0, t(line))
    row = 3 + len(INSTRUCTIONS)
    for i, q in enumerate(quality_choices(cat, lang)):
        ws.write(row + i, 0, q)
    row += len(cat.header.quality_flags) + 1
    ws.write(row, 0, t("Columns of the Indicators sheet:"))
    for i, (h, d) in enumerate(zip(INDICATOR_HEADERS, _COLUMN_HELP, strict=True)):
        ws.write(row + 1 + i, 0, f"{t(h)}: {t(d)}")

    # City profile
    ws = wb.add_worksheet(t(SHEETS["profile"]))
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_column(0, 0, 14, f_lock)
    ws.set_column(1, 1, 48, f_lock)
    ws.set_column(2, 2, 36)
    ws.write_row(0, 0, ["key", t("Field"), t("Value")], f_head)
    given: dict[str, object] = {"city": city, "country": country, "year": year} | fill.profile
    for i, (key, label, req, kind) in enumerate(PROFILE_FIELDS, start=1):
        ws.write(i, 0, key, f_lock)
        ws.write(i, 1, t(label) + (" *" if req else ""), f_lock)
        fmt = f_year if kind == "year" else f_num if kind == "number" else f_input
        _put(ws, i, 2, given.get(key), fmt)
        if kind == "number":
            ws.data_validation(i, 2, i, 2, {"validate": "decimal", "criteria": ">", "value": 0,
                                            "error_type": "warning"})
    ws.freeze_panes(1, 0)

    # Indicators
    ws = wb.add_worksheet(t(SHEETS["indicators"]))
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    for col, width in enumerate((13, 36, 16, 60, 14, 10, 28, 28, 30)):
        ws.set_column(col, col, width, f_lock if col < 4 else None)
    ws.write_row(0, 0, [t(h) for h in INDICATOR_HEADERS], f_head)
    ws.freeze_panes(1, 4)
    n_quality = len(cat.header.quality_flags)
    for r, ind in enumerate(cat.indicators, start=1):
        ws.write_row(r, 0, [ind.id, text(ind.name, lang), text(ind.unit, lang), text(ind.definition, lang)], f_lock)
        v = fill.indicators.get(ind.id, {})
        _put(ws, r, 4, v.get("value"), f_num)
        _put(ws, r, 5, v.get("data_year"), f_year)
        _put(ws, r, 6, v.get("source"), f_input)
        q = v.get("quality")
        _put(ws, r, 7, quality_choices(cat, lang)[int(str(q)) - 1] if isinstance(q, int) else q, f_input)
        _put(ws, r, 8, v.get("notes"), f_input)
        lo, hi = ind.valid_range
        rule = _validation(lo, hi, ind.id, text(ind.definition, lang) or text(ind.name, lang))
        if rule is not None:
            ws.data_validation(r, 4, r, 4, rule)
        ws.data_validation(r, 5, r, 5, {"validate": "integer", "criteria": "between", "minimum": year - 30,
                                        "maximum": year, "error_type": "warning",
                                        "input_title": t("Data year")[:32],
                                        "input_message": t("The year the value refers to.")})
        ws.data_validation(r, 7, r, 7, {"validate": "list", "source": f"={LISTS_SHEET}!$A$1:$A${n_quality}",
                                        "error_type": "warning"})
    ws.autofilter(0, 0, len(cat.indicators), len(INDICATOR_HEADERS) - 1)

    # Enablers
    ws = wb.add_worksheet(t(SHEETS["enablers"]))
    ws.protect("", {"format_columns": True, "format_rows": True})
    for col, width in enumerate((13, 36, 30, 36, 30)):
        ws.set_column(col, col, width, f_lock if col < 2 else None)
    ws.set_column(5, 10, 40, f_lock)
    levels = [f"{k} – {cat.maturity_level_name(k, lang)}" for k in range(6)]
    ws.write_row(0, 0, [t(h) for h in ENABLER_HEADERS] + levels, f_head)
    ws.freeze_panes(1, 2)
    for r, ena in enumerate(cat.enablers, start=1):
        ws.write_row(r, 0, [ena.id, text(ena.name, lang)], f_lock)
        e = fill.enablers.get(ena.id, {})
        lv = e.get("level")
        _put(ws, r, 2, level_choice(cat, lv, text(ena.levels[lv], lang), lang) if isinstance(lv, int) else lv, f_input)
        _put(ws, r, 3, e.get("evidence"), f_input)
        _put(ws, r, 4, e.get("notes"), f_input)
        ws.write_row(r, 5, [text(ena.levels[k], lang) for k in range(6)], f_lock)
        ws.data_validation(r, 2, r, 2, {"validate": "list", "source": f"={LISTS_SHEET}!$C${r}:$H${r}",
                                        "error_type": "warning", "input_title": ena.id[:32],
                                        "input_message": text(ena.evidence, lang)[:255]})

    # Lists (hidden dropdown sources)
    lists = wb.add_worksheet(LISTS_SHEET)
    lists.hide()
    lists.write_column(0, 0, quality_choices(cat, lang))
    for i, ena in enumerate(cat.enablers):
        lists.write_row(i, 2, [level_choice(cat, k, text(ena.levels[k], lang), lang) for k in range(6)])

    # Marker
    ws = wb.add_worksheet(MARKER_SHEET)
    ws.very_hidden()
    meta = [("format", FORMAT), ("format_version", FORMAT_VERSION), ("catalogue_id", cat.id),
            ("catalogue_version", cat.version), ("catalogue_hash", cat.content_hash), ("lang", lang),
            ("package_version", __version__), ("notice", fill.notice)]
    for i, (k, v) in enumerate(meta):
        ws.write_row(i, 0, [k, v])
    for i, ind in enumerate(cat.indicators, start=1):
        ws.write_row(i, 3, [i + 1, ind.id, text(ind.unit, lang)])
    for i, ena in enumerate(cat.enablers, start=1):
        ws.write_row(i, 7, [i + 1, ena.id])
    wb.worksheets()[0].activate()
    wb.close()
    return out


_COLUMN_HELP = (
    N_("catalogue identifier (do not change)"),
    N_("indicator name"),
    N_("unit the value must be given in (do not change)"),
    N_("what is measured"),
    N_("the city's value, a number; empty if not available"),
    N_("the year the value refers to (four digits)"),
    N_("where the value comes from: organisation, publication, link"),
    N_("how reliable the value is, from the dropdown"),
    N_("anything a reviewer should know"),
)
