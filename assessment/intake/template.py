"""The workbook template a city fills in (XlsxWriter), or the same content as a long CSV.

The sheets, columns and the hidden marker follow :mod:`assessment.intake.layout`, the contract
with the reader (:mod:`assessment.intake.read`). Same arguments, same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale

from .._missing import csv_text, first_control, is_missing
from .._version import __version__
from ..catalogue import Catalogue, load_catalogue
from ..errors import InputError, Problem, params
from ..i18n import LANGUAGES, N_, _, decimal_mark, draft_notice, text
from .criteria import criterion_kind_text, met_choices
from .layout import (
    COUNTRIES,
    CRITERIA_TABLE,
    ENABLER_DESCRIPTORS,
    ENABLER_LOCKED,
    ENABLER_TABLE,
    FORMAT,
    FORMAT_VERSION,
    INDICATOR_LOCKED,
    INDICATOR_TABLE,
    LISTS_SHEET,
    LONG_CSV_COLUMNS,
    MARKER_ENABLER_COLUMN,
    MARKER_INDICATOR_COLUMN,
    MARKER_SHEET,
    PROFILE_FIELDS,
    PROFILE_VALUE_COLUMN,
    SHEETS,
    YEARS,
    column_index,
)
from .reference import Reference, needs_workbook, reference_marker, write_reference

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


#: Width of the Instructions sheet's one column, and of each enabler level descriptor (characters).
INSTRUCTIONS_WIDTH = 110
DESCRIPTOR_WIDTH = 26
#: Width of the City profile's label column (characters).
PROFILE_LABEL_WIDTH = 48


@dataclass(frozen=True)
class Prefill:
    """Input-cell values for :func:`write_template`.

    ``profile`` maps profile keys to values; ``indicators`` maps an indicator id to
    ``{"value", "data_year", "source", "quality", "notes"}``; ``enablers`` maps an enabler id to
    ``{"level", "evidence", "notes"}``; ``criteria`` maps a criterion id to ``{"met" (True or
    False), "evidence", "notes"}``; ``notice`` labels the workbook (e.g. illustrative data).
    """

    profile: dict[str, object] = field(default_factory=dict)
    indicators: dict[str, dict[str, object]] = field(default_factory=dict)
    enablers: dict[str, dict[str, object]] = field(default_factory=dict)
    notice: str = ""
    criteria: dict[str, dict[str, object]] = field(default_factory=dict)



def quality_choices(catalogue: Catalogue, lang: str) -> list[str]:
    """Dropdown entries of the data-quality scale, e.g. ``"1 – Accurate measurement"``."""
    return [f"{q.code} – {text(q.name, lang)}" for q in catalogue.header.quality_flags]


def level_choice(catalogue: Catalogue, level: int, descriptor: str, lang: str) -> str:
    """One enabler dropdown entry: ``"3 – Development: <descriptor>"`` (at most 250 characters)."""
    entry = f"{level} – {catalogue.maturity_level_name(level, lang)}: {descriptor}"
    return entry if len(entry) <= 250 else entry[:249] + "…"


def _squash(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for ``value``: a code in any case, or a country name in a UI language.

    Names are CLDR's in English and Vietnamese, compared without case, spaces or punctuation
    (``Vietnam``, ``Viet Nam`` and ``Việt Nam`` are all ``VN``). ``None`` when nothing matches.
    """
    code = value.strip().upper()
    if code in COUNTRIES:
        return code
    wanted = _squash(value)
    for lang in LANGUAGES:
        for key, name in Locale.parse(lang).territories.items():
            if key in COUNTRIES and wanted and _squash(name) == wanted:
                return str(key)
    return None


def _check(city: str, country: str, year: int, lang: str, catalogue: Catalogue) -> str:
    """The country code to write; every problem with the arguments raised together."""
    problems = []
    if lang not in LANGUAGES or lang not in catalogue.languages:
        problems.append(Problem("<template>", field="lang", code="unknown-language",
                                message=N_("language must be one of {allowed}"), found=lang,
                                params=params(allowed=", ".join(catalogue.languages))))
    if not YEARS[0] <= year <= YEARS[1]:
        problems.append(Problem("<template>", field="year", code="bad-year",
                                message=N_("the assessment year must be between {low} and {high}"), found=str(year),
                                params=params(low=YEARS[0], high=YEARS[1])))
    bad = first_control(city)
    if bad is not None:  # the intake would refuse the name it wrote (see assessment._missing.CONTROL)
        problems.append(Problem("<template>", field="city", code="control-character",
                                message=N_("the city name holds an invisible character ({char}) at position "
                                           "{position}"), found=repr(city[:80]),
                                fix=N_("Retype the value on one line, without line breaks or invisible characters."),
                                params=params(char=bad[1], position=bad[0])))
    code = country_code(country) if country else ""
    if code is None:
        problems.append(Problem("<template>", field="country", code="unknown-country",
                                message=N_("'{found}' is not an ISO 3166-1 alpha-2 country code."), found=country,
                                fix=N_("Use a two-letter code such as VN, TH or SG.")))
    if problems:
        raise InputError(problems)
    return code or ""


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
                   lang: str = "en", catalogue: Catalogue | None = None, prefill: Prefill | None = None,
                   reference: Reference | None = None) -> Path:
    """Write the indicator workbook for one city (``.xlsx``), or the long CSV (``.csv``).

    Parameters
    ----------
    path
        Output file; the suffix chooses the format.
    city, country, year
        Pre-filled in the City profile (the city may still change them). ``country`` is an ISO
        3166-1 alpha-2 code or a country name (see :func:`country_code`); anything else is refused.
    lang
        Template language (``en`` or ``vi``): labels, names, definitions, number format hints.
    catalogue
        Default: the built-in catalogue.
    prefill
        Values to write into the input cells (e.g. last year's, or illustrative examples),
        and an optional notice shown on the Instructions sheet and kept in the marker.
    reference
        Last year's values beside each row, read-only, never read back (:mod:`assessment.intake.reference`).

    Returns
    -------
    pathlib.Path
        The written file. Same arguments, same bytes.
    """
    cat = catalogue or load_catalogue()
    year = year if year is not None else dt.date.today().year - 1
    country = _check(city, country, year, lang, cat)
    out = Path(path)
    needs_workbook(out, reference)  # a .csv has no place for a reference column (ValueError), nothing written
    out.parent.mkdir(parents=True, exist_ok=True)
    fill = prefill or Prefill()
    if out.suffix.lower() == ".csv":
        return _write_csv(out, cat, city, country, year, lang, fill)
    return _write_xlsx(out, cat, city, country, year, lang, fill, reference)


def _csv_number(value: object, lang: str) -> object:
    """A prefilled number as the template language writes it (``78,5`` in Vietnamese: the reader
    reads ``78.5`` there as ambiguous), positional, never ``1e-05``; other values unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float) or is_missing(value):
        return value
    plain = format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)
    return plain.replace(".", decimal_mark(lang))


def _write_csv(out: Path, cat: Catalogue, city: str, country: str, year: int, lang: str, fill: Prefill) -> Path:
    """The long CSV; a field holding a line break (a prefilled note) is quoted, whatever the break,
    so the reader gets the same records back (:func:`assessment._missing.csv_text`)."""
    tag = f"{cat.id} {cat.version}"
    rows: list[Sequence[object]] = [LONG_CSV_COLUMNS]
    given = {"city": city, "country": country, "year": str(year)} | fill.profile
    for f in PROFILE_FIELDS:  # csv writes None as an empty field
        value = given.get(f.key)
        rows.append(["profile", tag, lang, city, country, year, f.key, _(f.label, lang), "",
                      value if f.kind == "year" else _csv_number(value, lang), "", "", "", ""])
    for ind in cat.indicators:
        v = fill.indicators.get(ind.id, {})
        rows.append(["indicator", tag, lang, city, country, year, ind.id, text(ind.name, lang),
                      text(ind.unit, lang), _csv_number(v.get("value"), lang),
                      *(v.get(k) for k in ("data_year", "source", "quality", "notes"))])
    for ena in cat.enablers:
        e = fill.enablers.get(ena.id, {})
        rows.append(["enabler", tag, lang, city, country, year, ena.id, text(ena.name, lang), "0–5",
                      e.get("level"), "", e.get("evidence"), "", e.get("notes")])
    words = met_choices(lang)
    for model in cat.criteria:  # value: met / not met (as the dropdown words), source: the evidence
        for c in model.criteria:
            g = fill.criteria.get(c.id, {})
            met = g.get("met")
            rows.append(["criterion", tag, lang, city, country, year, c.id, text(c.name, lang),
                          " / ".join(words), words[0 if met else 1] if isinstance(met, bool) else met, "",
                          g.get("evidence"), "", g.get("notes")])
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(csv_text(rows))
    return out


def _put(ws: Any, row: int, col: int, value: object, fmt: Any) -> None:
    if is_missing(value):  # None, "", NaN (a prefill from a DataFrame): an empty input cell
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write(row, col, value, fmt)


@dataclass(frozen=True)
class _Book:
    """What every sheet writer needs: the workbook, its cell formats and the recipe."""

    wb: Any
    fmt: dict[str, Any]
    cat: Catalogue
    lang: str
    year: int
    fill: Prefill
    ref: Reference | None = None

    def t(self, msg: str) -> str:
        return _(msg, self.lang)

    @property
    def lists(self) -> str:
        """The dropdown sheet's name as a formula names it (quoted: a translated name may hold spaces)."""
        return "'" + self.t(LISTS_SHEET).replace("'", "''") + "'"


def _formats(wb: Any) -> dict[str, Any]:
    entry = {"bg_color": "#FFF4C2", "border": 1, "locked": False, "valign": "top"}
    return {
        "head": wb.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True, "valign": "top",
                               "locked": True}),
        "lock": wb.add_format({"text_wrap": True, "valign": "top", "locked": True, "font_color": "#333333"}),
        "input": wb.add_format(entry),
        "num": wb.add_format(entry | {"num_format": "#,##0.###"}),
        "year": wb.add_format(entry | {"num_format": "0"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "notice": wb.add_format({"bold": True, "font_color": "#9B1C1C"}),
    }


#: Printing: points per line of 11-point text, and characters per unit of column width (a conservative
#: estimate for proportional fonts, so wrapped text is never cut off).
LINE_HEIGHT = 15.0
CHARS_PER_WIDTH = 1.0


def _lines(value: object, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(value or "").split("\n"))


def _fit_row(ws: Any, row: int, cells: Sequence[tuple[object, float]]) -> None:
    """Give ``row`` the height its tallest wrapped cell needs (LibreOffice does not grow rows on opening)."""
    lines = max((_lines(v, w) for v, w in cells), default=1)
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * lines)


def _print_setup(ws: Any, last_row: int, last_col: int, header_rows: int = 1) -> None:
    """Page setup for printing: A4 landscape, one page wide, header rows repeated, the filled area only."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&L&A&R&P / &N")  # sheet name, page of pages: no words to translate
    ws.print_area(0, 0, last_row, last_col)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)


def _instructions(b: _Book) -> None:
    ws = b.wb.add_worksheet(b.t(SHEETS["instructions"]))
    ws.set_column(0, 0, INSTRUCTIONS_WIDTH, b.fmt["wrap"])
    ws.write(0, 0, text(b.cat.header.title, b.lang), b.fmt["title"])
    ws.write(1, 0, f"{_('Catalogue', b.lang)}: {b.cat.id} {b.cat.version}")
    said = "  ".join(x for x in (draft_notice(b.lang), b.fill.notice) if x)  # a draft language says so
    if said:
        ws.write(2, 0, said, b.fmt["notice"])
    for i, line in enumerate(INSTRUCTIONS):
        ws.write(3 + i, 0, b.t(line))
    row = 3 + len(INSTRUCTIONS)
    for i, q in enumerate(quality_choices(b.cat, b.lang)):
        ws.write(row + i, 0, q)
    row += len(b.cat.header.quality_flags) + 1
    ws.write(row, 0, _("Columns of the Indicators sheet:", b.lang))
    for i, col in enumerate(INDICATOR_TABLE):
        ws.write(row + 1 + i, 0, f"{b.t(col.header)}: {b.t(col.help)}")
    for i, line in enumerate(INSTRUCTIONS):
        _fit_row(ws, 3 + i, [(b.t(line), INSTRUCTIONS_WIDTH)])
    _print_setup(ws, row + len(INDICATOR_TABLE), 0, header_rows=0)


def _profile(b: _Book, city: str, country: str) -> None:
    ws = b.wb.add_worksheet(b.t(SHEETS["profile"]))
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_column(0, 0, 14, b.fmt["lock"], {"hidden": True})  # the field ids, for scripts: out of the reader's way
    ws.set_column(1, 1, PROFILE_LABEL_WIDTH, b.fmt["lock"])
    ws.set_column(2, 2, 36)
    ws.write_row(0, 0, ["key", _("Field", b.lang), _("Value", b.lang)], b.fmt["head"])
    given: dict[str, object] = {"city": city, "country": country, "year": b.year} | b.fill.profile
    for i, f in enumerate(PROFILE_FIELDS, start=1):
        ws.write(i, 0, f.key, b.fmt["lock"])
        ws.write(i, 1, b.t(f.label) + (" *" if f.required else ""), b.fmt["lock"])
        _fit_row(ws, i, [(b.t(f.label) + " *", PROFILE_LABEL_WIDTH)])
        fmt = "year" if f.kind == "year" else "num" if f.kind == "number" else "input"
        _put(ws, i, PROFILE_VALUE_COLUMN, given.get(f.key), b.fmt[fmt])
        if f.kind == "number":
            ws.data_validation(i, PROFILE_VALUE_COLUMN, i, PROFILE_VALUE_COLUMN,
                               {"validate": "decimal", "criteria": ">", "value": 0, "error_type": "warning"})
    ws.freeze_panes(1, 0)
    _print_setup(ws, len(PROFILE_FIELDS), PROFILE_VALUE_COLUMN)


def _indicators(b: _Book) -> None:
    ws = b.wb.add_worksheet(b.t(SHEETS["indicators"]))
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    for col, spec in enumerate(INDICATOR_TABLE):
        ws.set_column(col, col, spec.width, b.fmt["lock"] if not spec.entry else None)
    ws.write_row(0, 0, [b.t(c.header) for c in INDICATOR_TABLE], b.fmt["head"])
    _fit_row(ws, 0, [(b.t(c.header), c.width) for c in INDICATOR_TABLE])
    ws.freeze_panes(1, INDICATOR_LOCKED)
    choices = quality_choices(b.cat, b.lang)
    year_rule = {"validate": "integer", "criteria": "between", "minimum": b.year - 30, "maximum": b.year,
                 "error_type": "warning", "input_title": _("Data year", b.lang)[:32],
                 "input_message": _("The year the value refers to.", b.lang)}
    quality_rule = {"validate": "list", "source": f"={b.lists}!$A$1:$A${len(choices)}", "error_type": "warning"}
    for r, ind in enumerate(b.cat.indicators, start=1):
        locked = [ind.id, text(ind.name, b.lang), text(ind.unit, b.lang), text(ind.definition, b.lang)]
        ws.write_row(r, 0, locked, b.fmt["lock"])
        _fit_row(ws, r, [(v, c.width) for v, c in zip(locked, INDICATOR_TABLE, strict=False)])
        v = b.fill.indicators.get(ind.id, {})
        q = v.get("quality")
        cells = (("value", v.get("value"), "num"), ("data_year", v.get("data_year"), "year"),
                 ("source", v.get("source"), "input"),
                 ("quality", choices[q - 1] if isinstance(q, int) else q, "input"), ("notes", v.get("notes"), "input"))
        for key, value, f in cells:
            _put(ws, r, column_index(INDICATOR_TABLE, key), value, b.fmt[f])
        rule = _validation(*ind.valid_range, ind.id, text(ind.definition, b.lang) or text(ind.name, b.lang))
        value_col, year_col = column_index(INDICATOR_TABLE, "value"), column_index(INDICATOR_TABLE, "data_year")
        quality_col = column_index(INDICATOR_TABLE, "quality")
        if rule is not None:
            ws.data_validation(r, value_col, r, value_col, rule)
        ws.data_validation(r, year_col, r, year_col, year_rule)
        ws.data_validation(r, quality_col, r, quality_col, quality_rule)
    if b.ref is not None:
        write_reference(b.wb, ws, b.ref, [i.id for i in b.cat.indicators], b.lang)
    ws.autofilter(0, 0, len(b.cat.indicators), len(INDICATOR_TABLE) - 1)
    _print_setup(ws, len(b.cat.indicators), len(INDICATOR_TABLE) - 1)


def _enablers(b: _Book) -> None:
    ws = b.wb.add_worksheet(b.t(SHEETS["enablers"]))
    ws.protect("", {"format_columns": True, "format_rows": True})
    for col, spec in enumerate(ENABLER_TABLE):
        ws.set_column(col, col, spec.width, b.fmt["lock"] if not spec.entry else None)
    first = len(ENABLER_TABLE)  # the level descriptors follow the table
    ws.set_column(first, first + ENABLER_DESCRIPTORS - 1, DESCRIPTOR_WIDTH, b.fmt["lock"])
    levels = [f"{k} – {b.cat.maturity_level_name(k, b.lang)}" for k in range(ENABLER_DESCRIPTORS)]
    ws.write_row(0, 0, [b.t(c.header) for c in ENABLER_TABLE] + levels, b.fmt["head"])
    _fit_row(ws, 0, [(b.t(c.header), c.width) for c in ENABLER_TABLE] + [(v, DESCRIPTOR_WIDTH) for v in levels])
    ws.freeze_panes(1, ENABLER_LOCKED)
    _print_setup(ws, len(b.cat.enablers), first + ENABLER_DESCRIPTORS - 1)
    for r, ena in enumerate(b.cat.enablers, start=1):
        ws.write_row(r, 0, [ena.id, text(ena.name, b.lang)], b.fmt["lock"])
        e = b.fill.enablers.get(ena.id, {})
        lv = e.get("level")
        level = level_choice(b.cat, lv, text(ena.levels[lv], b.lang), b.lang) if isinstance(lv, int) else lv
        for key, value in (("level", level), ("evidence", e.get("evidence")), ("notes", e.get("notes"))):
            _put(ws, r, column_index(ENABLER_TABLE, key), value, b.fmt["input"])
        descriptors = [text(ena.levels[k], b.lang) for k in range(ENABLER_DESCRIPTORS)]
        ws.write_row(r, first, descriptors, b.fmt["lock"])
        _fit_row(ws, r, [(text(ena.name, b.lang), ENABLER_TABLE[1].width),
                         *((d, DESCRIPTOR_WIDTH) for d in descriptors)])
        level_col = column_index(ENABLER_TABLE, "level")
        ws.data_validation(r, level_col, r, level_col, {"validate": "list", "source": f"={b.lists}!$C${r}:$H${r}",
                                        "error_type": "warning", "input_title": ena.id[:32],
                                        "input_message": text(ena.evidence, b.lang)[:255]})


#: Column of the Lists sheet holding the Met? dropdown's two words.
MET_LIST_COLUMN = 9


def _criteria(b: _Book) -> None:
    """The Criteria sheet, written only when the catalogue has criteria-based maturity models."""
    if not b.cat.criteria:
        return
    ws = b.wb.add_worksheet(b.t(SHEETS["criteria"]))
    ws.protect("", {"format_columns": True, "format_rows": True})
    for col, spec in enumerate(CRITERIA_TABLE):
        ws.set_column(col, col, spec.width, b.fmt["lock"] if not spec.entry else None)
    ws.write_row(0, 0, [b.t(c.header) for c in CRITERIA_TABLE], b.fmt["head"])
    _fit_row(ws, 0, [(b.t(c.header), c.width) for c in CRITERIA_TABLE])
    ws.freeze_panes(1, 1)
    words = met_choices(b.lang)
    letter = chr(ord("A") + MET_LIST_COLUMN)
    rule = {"validate": "list", "source": f"={b.lists}!${letter}$1:${letter}$2", "error_type": "warning"}
    met_col = column_index(CRITERIA_TABLE, "met")
    r = 0
    for model in b.cat.criteria:
        names = {lv.id: text(lv.name, b.lang) for lv in model.levels}
        for c in model.criteria:
            r += 1
            locked = [c.id, names.get(c.level, c.level), criterion_kind_text(c.kind, b.lang), text(c.name, b.lang),
                      text(c.evidence, b.lang)]
            ws.write_row(r, 0, locked, b.fmt["lock"])
            _fit_row(ws, r, [(v, col.width) for v, col in zip(locked, CRITERIA_TABLE, strict=False)])
            given = b.fill.criteria.get(c.id, {})
            met = given.get("met")
            for key, value in (("met", words[0 if met else 1] if isinstance(met, bool) else met),
                               ("evidence", given.get("evidence")), ("notes", given.get("notes"))):
                _put(ws, r, column_index(CRITERIA_TABLE, key), value, b.fmt["input"])
            ws.data_validation(r, met_col, r, met_col, rule)
    _print_setup(ws, r, len(CRITERIA_TABLE) - 1)


def _lists_and_marker(b: _Book) -> None:
    lists = b.wb.add_worksheet(b.t(LISTS_SHEET))
    lists.hide()
    lists.write_column(0, 0, quality_choices(b.cat, b.lang))
    if b.cat.criteria:
        lists.write_column(0, MET_LIST_COLUMN, met_choices(b.lang))
    for i, ena in enumerate(b.cat.enablers):
        lists.write_row(i, 2, [level_choice(b.cat, k, text(ena.levels[k], b.lang), b.lang) for k in range(6)])
    ws = b.wb.add_worksheet(MARKER_SHEET)
    ws.very_hidden()
    meta: list[tuple[str, object]] = [
        ("format", FORMAT), ("format_version", FORMAT_VERSION), ("catalogue_id", b.cat.id),
        ("catalogue_version", b.cat.version), ("catalogue_hash", b.cat.content_hash), ("lang", b.lang),
        ("package_version", __version__), ("notice", b.fill.notice), *reference_marker(b.ref)]
    for i, (k, v) in enumerate(meta):
        ws.write_row(i, 0, [k, v])
    for i, ind in enumerate(b.cat.indicators, start=1):
        ws.write_row(i, MARKER_INDICATOR_COLUMN, [i + 1, ind.id, text(ind.unit, b.lang)])
    for i, ena in enumerate(b.cat.enablers, start=1):
        ws.write_row(i, MARKER_ENABLER_COLUMN, [i + 1, ena.id])


def _write_xlsx(out: Path, cat: Catalogue, city: str, country: str, year: int, lang: str, fill: Prefill,
                ref: Reference | None) -> Path:
    import xlsxwriter  # imported on first use: reading workbooks never needs the writer

    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": f"{cat.id} {cat.version}", "author": "smartcity-assessment",
                       "created": dt.datetime(2000, 1, 1)})
    book = _Book(wb, _formats(wb), cat, lang, year, fill, ref)
    _instructions(book)
    _profile(book, city, country)
    _indicators(book)
    _enablers(book)
    _criteria(book)
    _lists_and_marker(book)
    wb.worksheets()[0].activate()
    wb.close()
    return out
