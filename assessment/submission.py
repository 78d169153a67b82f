"""Stage 4: validate what was read and build the intake (the validated submission).

Every problem is collected before anything is reported, as one issue row: file, sheet, row,
column, indicator, code, severity (``error`` / ``warning`` / ``info``), message, value and fix,
in the reader's language. **Nothing is lost**: every non-empty cell of a city's input columns
either reaches :attr:`Intake.data` / :attr:`Intake.enablers` or has an issue on its row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from babel import Locale

from .catalogue import Catalogue, text
from .catalogue_io import load_catalogue
from .i18n import N_, _
from .numbers import Parsed, parse_number
from .template import SHEETS
from .workbook import WORKBOOK_SUFFIXES, RawCell, RawRow, RawSubmission, read_file

ISSUE_COLUMNS = ("file", "sheet", "row", "column", "indicator", "code", "severity", "message", "value", "fix")
DATA_COLUMNS = ("city", "country", "year", "indicator", "value", "data_year", "source", "quality", "notes", "file",
                "row")
ENABLER_DATA_COLUMNS = ("city", "country", "year", "enabler", "level", "evidence", "notes", "file", "row")
PROFILE_COLUMNS = ("city", "country", "year", "population", "area_km2", "peer_group", "contact_name",
                   "contact_email", "file", "lang", "catalogue_version", "notice")
MAX_DATA_AGE = 10

#: code → (severity, message template, how to fix). Placeholders are filled per issue.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "empty-file": ("error", N_("The file is empty."), N_("Send the filled workbook again.")),
    "too-large": ("error", N_("The file is too large: {reason}."), N_("Send only the filled template.")),
    "not-a-workbook": ("error", N_("The file cannot be opened as a workbook: {reason}."),
                       N_("Save it again as .xlsx from Excel or LibreOffice.")),
    "unknown-format": ("error", N_("This kind of file is not read: {reason}."),
                       N_("Use the .xlsx template or the CSV form.")),
    "encrypted": ("error", N_("The workbook is password-protected."), N_("Save a copy without a password.")),
    "zip-bomb": ("error", N_("The file expands to far more data than a city workbook holds."),
                 N_("Send only the filled template.")),
    "xml-entities": ("error", N_("The workbook contains XML entity declarations, which are refused."),
                     N_("Save it again from Excel or LibreOffice.")),
    "too-far": ("error", N_("The workbook has cells far outside the template: {reason}."),
                N_("Delete the stray cells and save again.")),
    "not-utf8": ("error", N_("The CSV file is not UTF-8 text."), N_("Save it as 'CSV UTF-8'.")),
    "unreadable": ("error", N_("The workbook could not be read: {reason}."),
                   N_("Open it in Excel or LibreOffice and save it again as .xlsx.")),
    "not-a-template": ("error", N_("This workbook was not made from the smartcity template (its hidden marker "
                                   "sheet is missing)."), N_("Generate a template with 'smartcity template' and "
                                                             "copy the values into it.")),
    "missing-sheet": ("error", N_("The sheet '{sheet_name}' is missing."), N_("Do not rename or delete sheets.")),
    "other-catalogue": ("error", N_("The template was made for catalogue {found}; this package uses {expected}."),
                        N_("Generate a new template and copy the values into it.")),
    "missing-profile": ("error", N_("The required field '{field}' is empty."), N_("Fill it in on the City "
                                                                                  "profile sheet.")),
    "unknown-country": ("error", N_("'{found}' is not an ISO 3166-1 alpha-2 country code."),
                        N_("Use a two-letter code such as VN, TH or SG.")),
    "bad-year": ("error", N_("The assessment year must be a four-digit year; found '{found}'."),
                 N_("Enter a year such as 2025.")),
    "bad-profile-number": ("error", N_("'{field}' must be a number greater than 0; found '{found}'."),
                           N_("Enter a plain number.")),
    "unknown-indicator": ("error", N_("Unknown indicator ID '{found}'."),
                          N_("Use the IDs of the template; do not edit the ID column.")),
    "changed-id": ("error", N_("The ID cell was changed: the template had '{expected}' on this row."),
                   N_("Restore the ID; the values of this row were not used.")),
    "changed-unit": ("error", N_("The unit cell was changed: the template had '{expected}'."),
                     N_("Restore the unit and give the value in that unit; the values of this row were not used.")),
    "duplicate": ("error", N_("Indicator {found} appears more than once (first on row {other})."),
                  N_("Keep one row per indicator; this row was not used.")),
    "duplicate-city": ("error", N_("{found} is submitted more than once (also in {other})."),
                       N_("Send one workbook per city and year.")),
    "not-a-number": ("error", N_("'{found}' is not a number."), N_("Enter a plain number, or leave the cell "
                                                                    "empty if the value is not available.")),
    "ambiguous-number": ("error", N_("'{found}' is ambiguous: it could be {first} or {second}."),
                         N_("Type the number without thousands separators.")),
    "other-decimal-mark": ("error", N_("'{found}' uses a decimal mark this template's language does not use."),
                           N_("This template reads '{mark}' as the decimal mark.")),
    "percent-sign": ("error", N_("'{found}' has a percent sign, but the unit is '{unit}'."),
                     N_("Give the value in the unit shown, without '%'.")),
    "out-of-range": ("error", N_("{found} is outside the possible range {low} to {high} for the unit '{unit}'."),
                     N_("Check the value and its unit.")),
    "excel-error": ("error", N_("The cell holds the spreadsheet error {found}."),
                    N_("Replace the formula by the value itself.")),
    "formula-no-result": ("error", N_("The cell holds a formula without a saved result."),
                          N_("Enter the value itself, not a formula.")),
    "formula": ("warning", N_("The cell holds a formula; its saved result {found} was used."),
                N_("Enter the value itself, not a formula.")),
    "missing-token": ("info", N_("'{found}' is read as 'not available' (not zero)."), ""),
    "data-year-future": ("error", N_("The data year {found} is later than the assessment year {year}."),
                         N_("Give the year the value refers to.")),
    "data-year-old": ("warning", N_("The data year {found} is more than 10 years before the assessment year "
                                    "{year}."), N_("Use more recent data if there is any.")),
    "bad-data-year": ("error", N_("The data year must be a four-digit year; found '{found}'."),
                      N_("Enter a year such as 2024.")),
    "bad-quality": ("error", N_("'{found}' is not a data-quality flag (1 to {n})."),
                    N_("Choose from the dropdown.")),
    "enabler-level": ("error", N_("The level must be a whole number from 0 to 5; found '{found}'."),
                      N_("Choose from the dropdown.")),
    "unknown-enabler": ("error", N_("Unknown enabler ID '{found}'."), N_("Do not edit the ID column.")),
    "stray-cell": ("warning", N_("This cell is outside the input columns and was not read."),
                   N_("Move the content to the Notes column.")),
    "no-values": ("warning", N_("No scored indicator has a value, so this city gets no scores and cannot be "
                                "ranked: a city is ranked only with values for at least {needed} of the {total} "
                                "scored indicators ({share})."),
                  N_("Fill in the values the city has; leave a cell empty only when the value is not available.")),
    "too-few-values": ("warning", N_("Only {found} of the {total} scored indicators have a value, so this city "
                                     "cannot be ranked: a city is ranked only with values for at least {needed} "
                                     "of them ({share}). Outcomes and focus areas with too few values show no "
                                     "score."),
                       N_("Fill in more indicators; scores rest on the values reported, never on guesses.")),
}


@dataclass(frozen=True)
class Issue:
    """One problem, in the shape shared by every stage: what, where, allowed, found, how to fix."""

    file: str
    sheet: str
    row: int | None
    column: str
    indicator: str
    code: str
    value: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def severity(self) -> str:
        """``error``, ``warning`` or ``info``."""
        return MESSAGES[self.code][0]

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return _(MESSAGES[self.code][1], lang).format(**dict(self.params), found=self.value)

    def fix(self, lang: str = "en") -> str:
        """How to fix it, in ``lang``."""
        tpl = MESSAGES[self.code][2]
        return _(tpl, lang).format(**dict(self.params), found=self.value) if tpl else ""


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Intake:
    """The validated submissions of a cohort (``assessment.read_submissions``)."""

    data: pd.DataFrame
    profiles: pd.DataFrame
    enablers: pd.DataFrame
    issues: pd.DataFrame
    catalogue: Catalogue
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no issue is an error (warnings and information allowed)."""
        return not (self.issues["severity"] == "error").any()

    def summary(self) -> dict[str, int]:
        """Counts: files, cities, values, enabler answers, errors, warnings."""
        sev = self.issues["severity"].value_counts()
        return {"files": len(self.files), "cities": len(self.profiles), "values": int(self.data["value"].notna().sum()),
                "enabler_answers": int(self.enablers["level"].notna().sum()),
                "errors": int(sev.get("error", 0)), "warnings": int(sev.get("warning", 0))}

    def without_error_files(self) -> Intake:
        """The same intake restricted to the files that have no error (their issues kept)."""
        bad = set(self.issues.loc[self.issues["severity"] == "error", "file"])
        keep = [f for f in self.files if f not in bad]
        return Intake(data=self.data[~self.data["file"].isin(bad)].reset_index(drop=True),
                      profiles=self.profiles[~self.profiles["file"].isin(bad)].reset_index(drop=True),
                      enablers=self.enablers[~self.enablers["file"].isin(bad)].reset_index(drop=True),
                      issues=self.issues[self.issues["file"].isin(keep)].reset_index(drop=True),
                      catalogue=self.catalogue, files=tuple(keep))

    def write_issues(self, path: str | Path, lang: str = "en") -> Path:
        """Write the issues as ``.csv``, ``.xlsx`` or ``.html`` (formula-injection safe), labels in ``lang``."""
        from .submission_report import write_issues

        return write_issues(self, Path(path), lang)


class _Checker:
    """Validation of one raw submission; collects issues and accepted records."""

    def __init__(self, sub: RawSubmission, catalogue: Catalogue, lang: str) -> None:
        self.sub, self.cat, self.lang = sub, catalogue, lang
        self.issues: list[Issue] = []
        self.rows: list[dict[str, Any]] = []
        self.enabler_rows: list[dict[str, Any]] = []
        self.profile: dict[str, Any] = {}

    def add(self, code: str, cell: RawCell | None = None, indicator: str = "", value: Any = None,
            sheet: str = "", row: int | None = None, **params: Any) -> None:
        self.issues.append(Issue(
            file=self.sub.file, sheet=cell.sheet if cell else sheet, row=cell.row if cell else row,
            column=(cell.ref.rstrip("0123456789") if cell else ""), indicator=indicator, code=code,
            value=_fmt(value if value is not None else (cell.value if cell else None)),
            params=tuple(sorted((k, _fmt(v)) for k, v in params.items()))))

    def scanned(self, cell: RawCell, indicator: str) -> bool:
        """Report spreadsheet errors and formulas the pre-flight saw; True if the cell is unusable."""
        err = self.sub.scan.errors.get(cell.sheet, {}).get(cell.ref)
        if err is not None:
            self.add("excel-error", cell, indicator, value=err)
            return True
        if cell.ref in self.sub.scan.formulas.get(cell.sheet, {}):
            cached = self.sub.scan.formulas[cell.sheet][cell.ref]
            if cached is None:
                self.add("formula-no-result", cell, indicator, value="")
                return True
            self.add("formula", cell, indicator, value=cell.value)
        return False

    def number(self, cell: RawCell, indicator: str, unit: str = "") -> float | None:
        if cell.value is None and cell.ref not in self.sub.scan.errors.get(cell.sheet, {}) \
                and cell.ref not in self.sub.scan.formulas.get(cell.sheet, {}):
            return None
        if self.scanned(cell, indicator):
            return None
        p: Parsed = parse_number(cell.value, self.sub.lang, percent_ok="%" in unit)
        if p.code is None:
            return p.value
        extra: dict[str, Any] = {"unit": unit, "mark": "," if self.sub.lang == "vi" else "."}
        if p.code == "ambiguous-number":
            extra |= {"first": p.alternatives[0], "second": p.alternatives[1]}
        self.add(p.code, cell, indicator, **extra)
        return None

    # -- sections ------------------------------------------------------------------------
    def marker(self) -> None:
        m = self.sub.marker
        if "catalogue_version" in m and (m.get("catalogue_id"), m.get("catalogue_version")) != (
                self.cat.id, self.cat.version):
            self.add("other-catalogue", sheet="_smartcity", row=None,
                     value=f"{m.get('catalogue_id')} {m.get('catalogue_version')}",
                     expected=f"{self.cat.id} {self.cat.version}")

    def profile_fields(self) -> None:
        from .template import PROFILE_FIELDS

        profile_sheet = SHEETS["profile"]
        sheet = _(profile_sheet, self.sub.lang)
        for key, label, required, kind in PROFILE_FIELDS:
            cell = self.sub.profile.get(key)
            if cell is None or cell.value is None:
                if required:
                    self.add("missing-profile", cell, sheet=sheet, field=_(label, self.lang))
                self.profile[key] = None
                continue
            if kind == "text":
                self.profile[key] = _fmt(cell.value).strip()
            elif kind == "country":
                code = _fmt(cell.value).strip().upper()
                known = code in COUNTRIES
                if not known:
                    self.add("unknown-country", cell)
                self.profile[key] = code if known else None
            elif kind == "year":
                year = parse_number(cell.value, self.sub.lang).value
                if year is None or not float(year).is_integer() or not 1990 <= year <= 2100:
                    self.add("bad-year", cell)
                    year = None
                self.profile[key] = None if year is None else int(year)
            else:
                num = parse_number(cell.value, self.sub.lang).value
                if num is None or num <= 0:
                    self.add("bad-profile-number", cell, field=_(label, self.lang))
                    num = None
                self.profile[key] = num

    def _row_id(self, row: RawRow, known: set[str], expected: str | None, unknown_code: str) -> str | None:
        cell = row.cells["id"]
        ident = _fmt(cell.value).strip()
        if expected is not None and ident != expected:
            self.add("changed-id", cell, expected, expected=expected)
            return None
        if ident not in known:
            self.add(unknown_code, cell, ident)
            return None
        return ident

    def indicators(self) -> None:
        known = {i.id for i in self.cat.indicators}
        enablers = {e.id for e in self.cat.enablers}
        seen: dict[str, int] = {}
        for row in self.sub.indicators:
            raw_id = _fmt(row.cells["id"].value).strip()
            if self.sub.kind == "csv-wide" and raw_id in enablers:
                self.sub.enablers.append(RawRow(row.sheet, row.row, {
                    "id": row.cells["id"], "level": RawCell(row.sheet, row.row, "level", row.cells["value"].ref,
                                                            row.cells["value"].value)}))
                continue
            expected = self.sub.expected_rows.get(row.row)
            ident = self._row_id(row, known, expected[0] if expected else None, "unknown-indicator")
            if ident is None:
                continue
            ind = self.cat.indicator(ident)
            unit = text(ind.unit, self.sub.lang)
            unit_cell = row.cells.get("unit")
            if expected and unit_cell is not None and _fmt(unit_cell.value).strip() != expected[1]:
                self.add("changed-unit", unit_cell, ident, expected=expected[1])
                continue
            if ident in seen:
                self.add("duplicate", row.cells["id"], ident, value=ident, other=seen[ident])
                continue
            seen[ident] = row.row
            self.rows.append(self._values(row, ident, unit, ind.valid_range))

    def _values(self, row: RawRow, ident: str, unit: str, bounds: tuple[float | None, float | None]) -> dict[str, Any]:
        cells = row.cells
        value = self.number(cells["value"], ident, unit) if "value" in cells else None
        lo, hi = bounds
        if value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
            self.add("out-of-range", cells["value"], ident, value=value, unit=unit,
                     low="−∞" if lo is None else _fmt(lo), high="∞" if hi is None else _fmt(hi))
            value = None
        data_year = None
        if "data_year" in cells and cells["data_year"].value is not None:
            y = self.number(cells["data_year"], ident)
            year = self.profile.get("year")
            if y is None or not float(y).is_integer() or not 1900 <= y <= 2100:
                if y is not None:
                    self.add("bad-data-year", cells["data_year"], ident)
            else:
                data_year = int(y)
                if year is not None and data_year > year:
                    self.add("data-year-future", cells["data_year"], ident, year=year)
                elif year is not None and data_year < year - MAX_DATA_AGE:
                    self.add("data-year-old", cells["data_year"], ident, year=year)
        quality = None
        if "quality" in cells and cells["quality"].value is not None:
            quality = self._quality(cells["quality"], ident)
        return {"indicator": ident, "value": value, "data_year": data_year,
                "source": _fmt(cells["source"].value) if "source" in cells else "",
                "quality": quality, "notes": _fmt(cells["notes"].value) if "notes" in cells else "",
                "row": row.row}

    def _quality(self, cell: RawCell, ident: str) -> int | None:
        n = len(self.cat.header.quality_flags)
        m = re.match(r"\s*(\d+)(\.0)?\s*($|[–-])", _fmt(cell.value))
        if m and 1 <= int(m.group(1)) <= n:
            return int(m.group(1))
        self.add("bad-quality", cell, ident, n=n)
        return None

    def enabler_levels(self) -> None:
        known = {e.id for e in self.cat.enablers}
        seen: dict[str, int] = {}
        for row in self.sub.enablers:
            expected = self.sub.expected_enablers.get(row.row)
            ident = self._row_id(row, known, expected, "unknown-enabler")
            if ident is None:
                continue
            if ident in seen:
                self.add("duplicate", row.cells["id"], ident, value=ident, other=seen[ident])
                continue
            seen[ident] = row.row
            level = None
            cell = row.cells.get("level")
            if cell is not None and cell.value is not None and not self.scanned(cell, ident):
                m = re.match(r"\s*(\d+)(\.0)?\s*($|[–-])", _fmt(cell.value))
                if m and 0 <= int(m.group(1)) <= 5:
                    level = int(m.group(1))
                else:
                    self.add("enabler-level", cell, ident)
            self.enabler_rows.append({"enabler": ident, "level": level,
                                      "evidence": _fmt(row.cells["evidence"].value) if "evidence" in row.cells else "",
                                      "notes": _fmt(row.cells["notes"].value) if "notes" in row.cells else "",
                                      "row": row.row})

    def run(self) -> None:
        if self.sub.failure is not None:
            code, sheet, reason = self.sub.failure
            self.add(code, sheet="", value="", reason=reason, sheet_name=sheet)
            return
        self.marker()
        self.profile_fields()
        self.indicators()
        self.coverage()
        self.enabler_levels()
        for cell in self.sub.stray:
            self.add("stray-cell", cell)

    def coverage(self) -> None:
        """Warn when too few scored indicators have a value for the city to be ranked (default method)."""
        from .scoring.coverage import needed
        from .scoring.method import Rank

        scored = {i.id for i in self.cat.scored_indicators}
        if not scored:
            return
        have = {r["indicator"] for r in self.rows if r.get("value") is not None and r["indicator"] in scored}
        least = Rank().min_coverage
        need = needed(len(scored), least)
        if len(have) >= need:
            return
        share = f"{least:.0%}" if self.lang == "en" else f"{least * 100:.0f} %"
        sheet = SHEETS["indicators"]
        self.add("no-values" if not have else "too-few-values", sheet=_(sheet, self.sub.lang),
                 row=None, value=len(have), total=len(scored), needed=need, share=share)


def _countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to CLDR (regions such as EU, UN, ZZ excluded)."""
    codes = (str(k) for k in Locale("en").territories)
    return frozenset(k for k in codes if len(k) == 2 and k.isalpha() and k not in {"ZZ", "EU", "UN", "EZ", "QO"})


COUNTRIES = _countries()


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix.lower() in (*WORKBOOK_SUFFIXES, ".csv")
                            and not f.name.startswith(("~$", ".")))
        else:
            files.append(p)
    return files


def validate_submissions(subs: list[RawSubmission], catalogue: Catalogue, lang: str = "en") -> Intake:
    """Validate raw submissions (one city-year each) into an :class:`Intake`."""
    issues: list[Issue] = []
    data, enablers, profiles = [], [], []
    cities: dict[tuple[Any, Any, Any], str] = {}
    for sub in subs:
        chk = _Checker(sub, catalogue, lang)
        chk.run()
        prof = chk.profile
        key = (prof.get("city"), prof.get("country"), prof.get("year"))
        if sub.failure is None and all(k is not None for k in key):
            if key in cities:
                chk.add("duplicate-city", sub.profile.get("city"), value=f"{key[0]} ({key[1]}) {key[2]}",
                        other=Path(cities[key]).name)
            else:
                cities[key] = sub.file
        issues += chk.issues
        if sub.failure is not None:
            continue
        ids = {"city": prof.get("city"), "country": prof.get("country"), "year": prof.get("year")}
        data += [ids | r | {"file": sub.file} for r in chk.rows]
        enablers += [ids | r | {"file": sub.file} for r in chk.enabler_rows]
        profiles.append({k: prof.get(k) for k in PROFILE_COLUMNS[:8]}
                        | {"file": sub.file, "lang": sub.lang,
                           "catalogue_version": sub.marker.get("catalogue_version", ""),
                           "notice": sub.marker.get("notice", "")})
    issue_frame = pd.DataFrame(
        [{"file": i.file, "sheet": i.sheet, "row": i.row, "column": i.column, "indicator": i.indicator,
          "code": i.code, "severity": i.severity, "message": i.message(lang), "value": i.value, "fix": i.fix(lang)}
         for i in issues], columns=list(ISSUE_COLUMNS))
    issue_frame["row"] = issue_frame["row"].astype("Int64")
    frame = pd.DataFrame(data, columns=list(DATA_COLUMNS))
    frame = frame.astype({"value": "float64", "data_year": "Int64", "quality": "Int64", "year": "Int64",
                          "row": "int64"})
    ena = pd.DataFrame(enablers, columns=list(ENABLER_DATA_COLUMNS)).astype(
        {"level": "Float64", "year": "Int64", "row": "int64"})
    ena["level"] = ena["level"].astype("float64")
    prof_frame = pd.DataFrame(profiles, columns=list(PROFILE_COLUMNS)).astype(
        {"year": "Int64", "population": "float64", "area_km2": "float64"})
    return Intake(data=frame, profiles=prof_frame, enablers=ena, issues=issue_frame, catalogue=catalogue,
                  files=tuple(dict.fromkeys(s.file for s in subs)))


def read_submissions(paths: Iterable[str | Path] | str | Path, catalogue: Catalogue | None = None,
                     lang: str = "en") -> Intake:
    """Read and validate filled workbooks and CSVs (files or folders).

    Parameters
    ----------
    paths
        Files (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``, ``.csv``) or folders of them.
    catalogue
        Default: the built-in catalogue.
    lang
        Language of the issue messages.

    Returns
    -------
    Intake
        ``.data``, ``.profiles``, ``.enablers``, ``.issues`` and ``.ok``. Never raises for a
        problem in a file: every problem is an issue row.
    """
    cat = catalogue or load_catalogue()
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    subs: list[RawSubmission] = []
    for f in _expand(items):
        if not f.is_file():
            subs.append(RawSubmission(file=str(f), kind="missing", failure=("unreadable", "", "file not found")))
            continue
        subs += read_file(f)
    return validate_submissions(subs, cat, lang)
