"""Validate what was read: each submission checked on its own (the intake is then assembled in :mod:`.assemble`).

Every problem is collected before anything is reported, as one :class:`~assessment.errors.Problem`
(file, sheet, row, column, indicator, code, severity, found value; message and fix made from the
code in the language asked for when written). **Nothing is lost**: every non-empty cell of a
city's input columns either reaches :attr:`Intake.data` / :attr:`Intake.enablers` or has a
problem on its row.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from .._missing import RANK_MIN_COVERAGE, cell_text, needed
from ..catalogue import Catalogue, load_catalogue
from ..catalogue.plausible import judge
from ..errors import Problem, plain_number
from ..i18n import N_, _, text
from .accepted import Intake
from .assemble import Checked, assemble, problem
from .cage import read_caged
from .criteria import read_answers
from .issues import issue, slip_label
from .layout import (
    COUNTRIES,
    CRITERIA_INPUTS,
    DATA_YEARS,
    ENABLER_INPUTS,
    INDICATOR_INPUTS,
    INDICATOR_TABLE,
    MARKER_SHEET,
    PROFILE_FIELDS,
    SHEETS,
    YEARS,
)
from .numbers import ascii_digits, parse_number
from .profile import control_finding, profile_number, typed_number
from .read import WORKBOOK_SUFFIXES, RawCell, RawRow, RawSubmission, nfc, read_file
from .years import common_era

MAX_DATA_AGE = 10
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of spreadsheet serial dates (1900 system, as stored)
#: A dropdown answer: the number, alone or followed by a dash and its label ("4 – Estimated …").
#: A dash followed by another number ("4-5") is a range, not an answer, and is refused.
#: The label of an ID cell in messages (the template's column heading).
ID_LABEL = INDICATOR_TABLE[0].header
CHOICE = re.compile(r"\s*(\d+)(\.0)?\s*($|[–-]\s*(?!\d))")


def choice(value: Any) -> int | None:
    """The number a dropdown answer starts with; its digits follow the number rules (one script, no styled
    mathematical digits: :func:`~.numbers.ascii_digits`), the label after it may be in any script."""
    m = CHOICE.match(cell_text(value))
    digits = ascii_digits(m.group(1)) if m else None
    return int(digits) if isinstance(digits, str) else None


class _Checker:
    """Validation of one raw submission; collects issues and accepted records."""

    def __init__(self, sub: RawSubmission, catalogue: Catalogue, lang: str) -> None:
        self.sub, self.cat, self.lang = sub, catalogue, lang
        self.problems: list[Problem] = []
        self.rows: list[dict[str, Any]] = []
        self.enabler_rows: list[dict[str, Any]] = []
        self.criteria_rows: list[dict[str, Any]] = []
        self.profile: dict[str, Any] = {}
        self.other_version = False  # the template was made from another version of this catalogue

    def add(self, code: str, cell: RawCell | None = None, indicator: str = "", value: Any = None,
            sheet: str = "", row: int | None = None, **params: Any) -> None:
        self.problems.append(problem(code, self.sub.file, cell, indicator, value, sheet, row, **params))

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
        value, found = typed_number(cell.value, self.sub.lang, unit, percent_ok="%" in unit)
        if not found and value is not None and cell.ref in self.sub.scan.percent.get(cell.sheet, ()):
            return self._shown_as_percent(cell, indicator, unit, value)
        for f in found:
            self.add(f.code, cell, indicator, value=f.found, **f.params)
        return value

    def text(self, cell: RawCell | None, indicator: str) -> str:
        """A text cell; a formula without a saved result (or an error value) is reported, never read as ""."""
        if cell is None:
            return ""
        if self.scanned(cell, indicator):
            return ""
        return nfc(cell_text(cell.value))

    def _shown_as_percent(self, cell: RawCell, indicator: str, unit: str, stored: float) -> float | None:
        """A number formatted as a percentage: 0.75 shown as 75 % is read as displayed on a % unit."""
        if "%" not in unit:
            self.add("percent-format-unit", cell, indicator, unit=unit)
            return None
        shown = round(stored * 100, 10)  # 0.755 * 100 is 75.50000000000001 in binary
        self.add("percent-format", cell, indicator, shown=shown, unit=unit)
        return shown

    def year(self, cell: RawCell, indicator: str = "") -> float | None:
        """A year cell; a date (or a number shown as a date) is read as its year, with a note."""
        value = cell.value
        if isinstance(value, float | int) and not isinstance(value, bool) and \
                cell.ref in self.sub.scan.dates.get(cell.sheet, ()):
            value = EXCEL_EPOCH + dt.timedelta(days=float(value))  # the serial number the cell stores
        if isinstance(value, dt.date):
            self.add("date-as-year", cell, indicator, year=value.year)
            return float(value.year)
        if indicator:
            return self.number(cell, indicator)
        parsed = parse_number(cell.value, self.sub.lang)  # the profile's year: 'bad-year' unless the digits
        if parsed.code in ("mixed-digits", "styled-digits"):  # say what is wrong more precisely
            self.add(parsed.code, cell)
        return parsed.value

    def era_year(self, cell: RawCell, indicator: str, number: float, span: tuple[int, int]) -> int | None:
        """The CE year of a year cell read as ``number``, in ``span``; a year typed in the Buddhist Era is
        read with a note (:mod:`.years`); ``None`` (not reported here) when it is a year of neither era."""
        read = common_era(number, span)
        if read is None:
            return None
        if read[1]:
            self.add("buddhist-era-year", cell, indicator, year=read[0], era=int(number))
        return read[0]

    # -- sections ------------------------------------------------------------------------
    def marker(self) -> None:
        """Another catalogue cannot be mapped; another version of this one is read where ids and units match."""
        m = self.sub.marker
        if "catalogue_version" not in m or (m.get("catalogue_id"), m.get("catalogue_version")) == (
                self.cat.id, self.cat.version):
            return
        code = "older-template" if m.get("catalogue_id") == self.cat.id else "other-catalogue"
        self.add(code, sheet=MARKER_SHEET, row=None, value=f"{m.get('catalogue_id')} {m.get('catalogue_version')}",
                 expected=f"{self.cat.id} {self.cat.version}")
        self.other_version = code == "older-template"

    def unit_redefined(self, cell: RawCell | None, ident: str, template_unit: str | None) -> bool:
        """In an older template, an indicator whose unit has changed since cannot be mapped: True (reported)."""
        current = text(self.cat.indicator(ident).unit, self.sub.lang)
        if not self.other_version or template_unit is None or template_unit == current:
            return False
        self.add("unit-redefined", cell, ident, value=ident, old=template_unit, new=current)
        return True

    def profile_fields(self) -> None:
        profile_sheet = SHEETS["profile"]  # a name, not a literal: the msgid extractor would take "profile"
        sheet = _(profile_sheet, self.sub.lang)
        for f in PROFILE_FIELDS:
            key, label, kind = f.key, f.label, f.kind
            cell = self.sub.profile.get(key)
            if cell is not None and self.scanned(cell, ""):  # a formula without a result, or an error value
                self.profile[key] = None
                continue
            if cell is None or cell.value is None:
                if f.required:
                    self.add("missing-profile", cell, sheet=sheet, field=label, labels=("field",))
                self.profile[key] = None
                continue
            if kind == "text":
                value = nfc(cell_text(cell.value).strip())
                self.profile[key] = None if self.controlled(cell, value, label) else value
            elif kind == "country":
                code = cell_text(cell.value).strip().upper()
                known = code in COUNTRIES
                if not known:
                    self.add("unknown-country", cell)
                self.profile[key] = code if known else None
            elif kind == "year":
                before = len(self.problems)
                number = self.year(cell)
                year = None if number is None else self.era_year(cell, "", number, YEARS)
                if year is None and not any(p.severity == "error" for p in self.problems[before:]):
                    self.add("bad-year", cell)
                self.profile[key] = year
            else:  # read as an indicator cell is, with the same messages ('652.572' is ambiguous, not "not > 0")
                before = len(self.problems)
                num = self.number(cell, "")  # the cell's own matters (formats), then the profile's rule
                num, rule = profile_number(num, [p.severity for p in self.problems[before:]], f)
                if rule is not None:
                    self.add(rule.code, cell, sheet=sheet, labels=rule.labels, **rule.params)
                self.profile[key] = num

    def controlled(self, cell: RawCell, value: str, label: str) -> bool:
        """True (reported) when a name or an id holds a control character: a line break typed with
        Alt+Enter, a pasted tab, a bidirectional override. Refused, not cleaned: a name is how a
        city is known on every page and in every later round, so it is never guessed."""
        bad = control_finding(value, label)
        if bad is None:
            return False
        self.add(bad.code, cell, labels=bad.labels, **bad.params)
        return True

    def _row_id(self, row: RawRow, known: set[str], unknown_code: str) -> str | None:
        """The row's id, found in its ID cell (rows are matched by id, wherever they sit)."""
        cell = row.cells["id"]
        ident = nfc(cell_text(cell.value).strip())
        if not ident:
            self.add("no-id", cell)
            return None
        if self.controlled(cell, ident, ID_LABEL):
            return None
        if ident not in known:
            self.add(unknown_code, cell, ident)
            return None
        return ident

    def _missing_rows(self, expected: Iterable[str], present: Iterable[str], sheet: str) -> None:
        """One notice for the template rows that are gone (deleted rows: those ids are not answered)."""
        found = set(present)
        gone = [i for i in expected if i not in found]
        if gone and self.sub.kind == "workbook":
            self.add("rows-missing", sheet=sheet, value="", n=len(gone), ids=", ".join(gone))

    def indicators(self) -> None:
        known = {i.id for i in self.cat.indicators}
        enablers = {e.id for e in self.cat.enablers}
        units = dict(self.sub.expected_rows.values())  # id -> the unit the template wrote on its row
        seen: dict[str, int] = {}
        present: set[str] = set()
        for row in self.sub.indicators:
            raw_id = nfc(cell_text(row.cells["id"].value).strip())
            if self.sub.kind == "csv-wide" and raw_id in enablers:
                self.sub.enablers.append(RawRow(row.sheet, row.row, {
                    "id": row.cells["id"], "level": RawCell(row.sheet, row.row, "level", row.cells["value"].ref,
                                                            row.cells["value"].value)}))
                continue
            ident = self._row_id(row, known, "unknown-indicator")
            if ident is None:
                continue
            present.add(ident)
            ind = self.cat.indicator(ident)
            unit = text(ind.unit, self.sub.lang)
            expected_unit = units.get(ident, unit if self.sub.kind == "csv-long" else None)
            unit_cell = row.cells.get("unit")
            if expected_unit is not None and unit_cell is not None and unit_cell.value is not None \
                    and cell_text(unit_cell.value).strip() != expected_unit:
                self.add("changed-unit", unit_cell, ident, expected=expected_unit)
                continue
            if ident in seen:
                self.add("duplicate", row.cells["id"], ident, value=ident, other=seen[ident])
                continue
            seen[ident] = row.row
            if self.unit_redefined(row.cells["id"], ident, units.get(ident)):
                continue
            self.rows.append(self._values(row, ident, unit))
        sheet = self.sub.indicators[0].sheet if self.sub.indicators else ""
        self._missing_rows((i for i, _ in self.sub.expected_rows.values()), present, sheet)

    def plausible(self, cell: RawCell, ident: str, unit: str, value: float) -> float | None:
        """The value after the catalogue's hard limits and plausible range (:mod:`assessment.catalogue.plausible`).

        Outside the hard limits: an error, the value is not used. Outside the plausible range: a
        warning, the value is kept (the review asks the city to confirm it). Either names the unit
        slip that would explain the value, if one does.
        """
        ind = self.cat.indicator(ident)
        verdict = judge(ind, value, self.profile)
        if verdict is None:
            return value
        bounds: dict[str, Any] = {"low": "−∞" if verdict.low is None else plain_number(verdict.low),
                                  "high": "∞" if verdict.high is None else plain_number(verdict.high)}
        slips = verdict.slips
        extra: dict[str, Any] = {}
        for n, slip in enumerate(slips, start=1):
            suffix = "" if n == 1 else str(n)
            extra |= {f"slip{suffix}": slip_label(slip), f"would{suffix}": plain_number(slip.value)}
        labels = tuple(k for k in extra if k.startswith("slip"))
        ending = ("", "-slip", "-slips")[len(slips)]
        if verdict.kind == "impossible":
            limits = text(ind.plausible.limits, self.sub.lang) if ind.plausible is not None else ""
            self.add(f"out-of-range{ending}", cell, ident, value=value, unit=unit, limits=limits, labels=labels,
                     **bounds, **extra)
            return None
        pl = ind.plausible
        cite = pl.cite if pl is not None and pl.cite else N_("judgement")
        self.add(f"implausible{ending}", cell, ident, value=value, unit=unit,
                 side=N_("above") if verdict.side == "high" else N_("below"), cite=cite,
                 labels=(*labels, "side", *(("cite",) if cite == N_("judgement") else ())), **bounds, **extra)
        return value

    def _values(self, row: RawRow, ident: str, unit: str) -> dict[str, Any]:
        cells = row.cells
        value = self.number(cells["value"], ident, unit) if "value" in cells else None
        if value is not None:
            value = self.plausible(cells["value"], ident, unit, value)
        data_year = None
        if "data_year" in cells and cells["data_year"].value is not None:
            y = self.year(cells["data_year"], ident)
            year = self.profile.get("year")
            data_year = None if y is None else self.era_year(cells["data_year"], ident, y, DATA_YEARS)
            if y is not None and data_year is None:
                self.add("bad-data-year", cells["data_year"], ident)
            elif data_year is not None:
                if year is not None and data_year > year:
                    self.add("data-year-future", cells["data_year"], ident, year=year)
                elif year is not None and data_year < year - MAX_DATA_AGE:
                    self.add("data-year-old", cells["data_year"], ident, year=year)
        quality = None
        if "quality" in cells and cells["quality"].value is not None:
            quality = self._quality(cells["quality"], ident)
        return {"indicator": ident, "value": value, "data_year": data_year,
                "source": self.text(cells.get("source"), ident),
                "quality": quality, "notes": self.text(cells.get("notes"), ident),
                "row": row.row}

    def _quality(self, cell: RawCell, ident: str) -> int | None:
        n = len(self.cat.header.quality_flags)
        flag = choice(cell.value)
        if flag is not None and 1 <= flag <= n:
            return flag
        self.add("bad-quality", cell, ident, n=n)
        return None

    def enabler_levels(self) -> None:
        known = {e.id for e in self.cat.enablers}
        seen: dict[str, int] = {}
        for row in self.sub.enablers:
            ident = self._row_id(row, known, "unknown-enabler")
            if ident is None:
                continue
            if ident in seen:
                self.add("duplicate", row.cells["id"], ident, value=ident, other=seen[ident])
                continue
            seen[ident] = row.row
            level = None
            cell = row.cells.get("level")
            if cell is not None and cell.value is not None and not self.scanned(cell, ident):
                level = choice(cell.value)
                if level is None or not 0 <= level <= 5:
                    level = None
                    self.add("enabler-level", cell, ident)
            self.enabler_rows.append({"enabler": ident, "level": level,
                                      "evidence": self.text(row.cells.get("evidence"), ident),
                                      "notes": self.text(row.cells.get("notes"), ident), "row": row.row})
        sheet = self.sub.enablers[0].sheet if self.sub.enablers else ""
        self._missing_rows(self.sub.expected_enablers.values(), seen, sheet)

    def run(self) -> None:
        if self.sub.failure is not None:
            self.problems.append(self.sub.failure)
            return
        self.marker()
        self.profile_fields()
        self.indicators()
        self.coverage()
        self.enabler_levels()
        self.criteria_rows = read_answers(self.sub.criteria, self.cat, self.add, self.text, self._row_id)
        for cell in self.sub.stray:
            self.add("stray-cell", cell)
        for sheet in self.sub.unread:
            self.add("unread-sheet", sheet=sheet, value="", sheet_name=sheet)
        self.cells_seen_differently()

    def cells_seen_differently(self) -> None:
        """Cells that could not be read (cut before reading, see :mod:`.cells`), and read cells the person
        could not see (merged over, hidden row or column, a format that shows them blank): each named."""
        scan, rows = self.sub.scan, [*self.sub.indicators, *self.sub.enablers, *self.sub.criteria]
        ids = {(r.sheet, r.row): nfc(cell_text(r.cells["id"].value).strip()) for r in rows}
        for sheet, cells in scan.bad.items():
            for ref, (code, reason, stored) in cells.items():
                row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
                self.add(code, RawCell(sheet, row, "", ref, stored), ids.get((sheet, row), ""), value=stored,
                         reason=reason, labels=("reason",))
        if not scan.hidden:
            return
        inputs = {*INDICATOR_INPUTS, *ENABLER_INPUTS, *CRITERIA_INPUTS}
        read = [*self.sub.profile.values(), *self.sub.stray,
                *(c for r in rows for k, c in r.cells.items() if k in inputs)]
        for cell in read:
            how = scan.hidden.get(cell.sheet, {}).get(cell.ref)
            if how is not None and cell.value is not None:
                self.add("hidden-cell", cell, ids.get((cell.sheet, cell.row), ""), how=how, labels=("how",))

    def coverage(self) -> None:
        """Warn when too few scored indicators have a value for the city to be ranked (default method)."""
        scored = {i.id for i in self.cat.scored_indicators}
        if not scored:
            return
        have = {r["indicator"] for r in self.rows if r.get("value") is not None and r["indicator"] in scored}
        need = needed(len(scored), RANK_MIN_COVERAGE)
        if len(have) >= need:
            return
        sheet = SHEETS["indicators"]  # a name, not a literal: the msgid extractor would take "indicators"
        self.add("no-values" if not have else "too-few-values", sheet=_(sheet, self.sub.lang),
                 row=None, value=len(have), total=len(scored), needed=need, share=round(RANK_MIN_COVERAGE * 100))


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix.lower() in (*WORKBOOK_SUFFIXES, ".csv")
                            and not f.name.startswith(("~$", ".")))
        else:
            files.append(p)
    return files


def check(sub: RawSubmission, catalogue: Catalogue, lang: str = "en") -> Checked:
    """One submission's own checks (every check but the one across submissions), as plain data."""
    chk = _Checker(sub, catalogue, lang)
    chk.run()
    return Checked(sub.file, sub.failure is None, sub.profile.get("city"), sub.lang, sub.marker, chk.profile,
                   chk.problems, chk.rows, chk.enabler_rows, chk.criteria_rows)


def read_checked(path: Path, catalogue: Catalogue, lang: str) -> list[Checked]:
    """Read one file and check its submissions: the cage's reader, so the checks share its processes."""
    return [check(sub, catalogue, lang) for sub in read_file(path)]


def validate_submissions(subs: list[RawSubmission], catalogue: Catalogue, lang: str = "en") -> Intake:
    """Validate raw submissions (one city-year each) into an :class:`Intake`."""
    return assemble([check(sub, catalogue, lang) for sub in subs], catalogue, lang)


def read_submissions(paths: Iterable[str | Path] | str | Path, catalogue: Catalogue | None = None,
                     lang: str = "en", workers: int | None = None) -> Intake:
    """Read and validate filled workbooks and CSVs (files or folders).

    Parameters
    ----------
    paths
        Files (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``, ``.csv``) or folders of them.
    catalogue
        Default: the built-in catalogue.
    lang
        Language of the issue messages.
    workers
        Reader processes (default: one per CPU, at most :data:`~assessment.intake.cage.WORKERS`);
        each file is read and checked in one. The result does not depend on it.

    Returns
    -------
    Intake
        ``.data``, ``.profiles``, ``.enablers``, ``.issues`` and ``.ok``. Never raises for a
        problem in a file: every problem is an issue row.
    """
    cat = catalogue or load_catalogue()
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    files = _expand(items)
    # a link, pipe or device goes to the reader too, which refuses it without opening it (read_file)
    present = [f for f in files if os.path.lexists(f)]
    reader = partial(read_checked, catalogue=cat, lang=lang)  # every parser runs in a limited worker
    read = dict(zip(present, read_caged(present, workers, reader), strict=True))
    checked: list[Checked] = []
    for f in files:
        if f in read and not read[f]:  # a CSV holding only its header row: a named file that adds nothing
            checked.append(check(RawSubmission(file=str(f), kind="empty", failure=issue("no-data", str(f), found="")),
                                 cat, lang))
        elif f in read:  # a reader that crashed or timed out gives a raw submission: checked here
            checked += [x if isinstance(x, Checked) else check(x, cat, lang) for x in read[f]]
        else:
            checked.append(check(RawSubmission(file=str(f), kind="missing", failure=issue(
                "unreadable", str(f), found="", reason="file not found")), cat, lang))
    return assemble(checked, cat, lang)
