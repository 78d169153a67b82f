"""Read filled workbooks (and the CSV forms) into raw, unvalidated cells.

Nothing is interpreted here beyond locating cells: every non-empty cell of a city's input
columns is returned with its sheet, row and column, so that :mod:`assessment.intake.validate` can
either accept it or explain why not. Where the cells sit is :mod:`assessment.intake.layout`.
Workbooks pass :func:`assessment.intake.preflight.preflight` before python-calamine opens them; a
file that cannot be used becomes one problem (``RawSubmission.failure``), never an exception.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import python_calamine

from .._missing import cell_text
from ..errors import Problem
from ..i18n import LANGUAGES, N_, _
from .cells import repaired
from .issues import issue
from .layout import (
    CRITERIA_COLUMNS,
    CRITERIA_INPUTS,
    ENABLER_COLUMNS,
    ENABLER_DESCRIPTORS,
    ENABLER_INPUTS,
    FORMAT,
    INDICATOR_COLUMNS,
    INDICATOR_INPUTS,
    LISTS_SHEET,
    LONG_CSV_COLUMNS,
    LONG_CSV_OPTIONAL,
    MARKER_ENABLER_COLUMN,
    MARKER_INDICATOR_COLUMN,
    MARKER_KEY_COLUMN,
    MARKER_SHEET,
    PROFILE_KEY_COLUMN,
    PROFILE_KEYS,
    PROFILE_VALUE_COLUMN,
    REFERENCE_COLUMNS,
    REFERENCE_MARKER,
    SHEETS,
)
from .preflight import MAX_ROWS, Rejection, Scan, column_letters, preflight
from .xls import scan_xls

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: Bounds on a CSV, like the workbook's (:data:`~assessment.intake.preflight.MAX_ROWS` …): the
#: template's CSV form holds about 150 rows per city, a wide CSV one row per city and a column per
#: indicator. Reading stops at the first row past the bound, so a file under the 20 MB cap with
#: hundreds of thousands of rows costs no more than the bound; the cage bounds the rest.
MAX_CSV_ROWS = 10_000
MAX_CSV_COLUMNS = 1_000


class RawCell(NamedTuple):
    """One cell as found: where it is and what it holds (``None`` when empty).

    A named tuple: thousands of cells per workbook travel from the reading worker (:mod:`.cage`)
    to the validator, and tuples cross a process boundary several times faster than objects.
    """

    sheet: str
    row: int
    column: str
    ref: str
    value: Any


@dataclass
class RawRow:
    """One indicator or enabler row: its cells by column key."""

    sheet: str
    row: int
    cells: dict[str, RawCell]


@dataclass
class RawSubmission:
    """One city-year as read from one file, before validation."""

    file: str
    kind: str
    lang: str = "en"
    marker: dict[str, str] = field(default_factory=dict)
    expected_rows: dict[int, tuple[str, str]] = field(default_factory=dict)
    expected_enablers: dict[int, str] = field(default_factory=dict)
    profile: dict[str, RawCell] = field(default_factory=dict)
    indicators: list[RawRow] = field(default_factory=list)
    enablers: list[RawRow] = field(default_factory=list)
    criteria: list[RawRow] = field(default_factory=list)  # the Criteria sheet, when the template has one
    stray: list[RawCell] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # sheets the reader does not read that hold values
    scan: Scan = field(default_factory=Scan)
    failure: Problem | None = None  # the file could not be used


def unusable(path: Path | str, code: str, reason: str = "", sheet_name: str = "") -> Problem:
    """The one problem of a file that cannot be used (``reason`` says why, in English)."""
    return issue(code, str(path), found="", reason=reason, sheet_name=sheet_name)


def nfc(text: str) -> str:
    """``text`` in Unicode normalisation form C.

    Why: Vietnamese input methods type a letter and its marks as separate code points (NFD:
    "Đà Nẵng" is then 10 code points, not 7), other tools compose them (NFC). Both show the same
    name, so every text cell is read in NFC: a city, an id or a note typed either way is one value,
    and the same city in two files is one city (a duplicate), never two ranked units.
    """
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _rows(book: python_calamine.CalamineWorkbook, name: str) -> list[list[Any]]:
    """The cells of a sheet, text in NFC (:func:`nfc`)."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
    return [[nfc(v) if isinstance(v, str) else v for v in row] for row in rows]


def _sheet_name(book_names: list[str], key: str, lang: str) -> str | None:
    """The sheet for ``key``: its name in the template language, else in any language."""
    for candidate in [_(SHEETS[key], lang)] + [_(SHEETS[key], other) for other in LANGUAGES]:
        if candidate in book_names:
            return candidate
    return None


def _table(rows: list[list[Any]], sheet: str, keys: tuple[str, ...], inputs: tuple[str, ...],
           sub: RawSubmission, locked_after: int = 0) -> list[RawRow]:
    """Rows 2… of a table sheet; cells right of ``keys`` (and of ``locked_after`` read-only
    columns) holding anything are stray cells."""
    out = []
    letters = [column_letters(c + 1) for c in range(len(keys))]  # once per sheet, not per cell
    for r, row in enumerate(rows[1:], start=2):
        cells = {}
        for c, key in enumerate(keys):
            value = row[c] if c < len(row) else None
            cells[key] = RawCell(sheet, r, key, f"{letters[c]}{r}", None if _empty(value) else value)
        if any(cells[k].value is not None for k in ("id", *inputs)):
            out.append(RawRow(sheet, r, cells))
        for c in range(len(keys) + locked_after, len(row)):
            if not _empty(row[c]):
                sub.stray.append(RawCell(sheet, r, column_letters(c + 1), f"{column_letters(c + 1)}{r}", row[c]))
    return out


def _read_marker(book: python_calamine.CalamineWorkbook, sub: RawSubmission) -> bool:
    """Fill the marker, expected ids and units; False if this is not one of our templates."""
    k, i, e = MARKER_KEY_COLUMN, MARKER_INDICATOR_COLUMN, MARKER_ENABLER_COLUMN
    for row in _rows(book, MARKER_SHEET):
        if len(row) > k + 1 and isinstance(row[k], str) and row[k]:
            sub.marker[row[k]] = cell_text(row[k + 1])
        if len(row) > i + 2 and not _empty(row[i]):
            sub.expected_rows[int(float(row[i]))] = (str(row[i + 1]), str(row[i + 2]))
        if len(row) > e + 1 and not _empty(row[e]):
            sub.expected_enablers[int(float(row[e]))] = str(row[e + 1])
    return sub.marker.get("format") == FORMAT


def _read_profile(rows: list[list[Any]], name: str, sub: RawSubmission) -> None:
    for r, row in enumerate(rows[1:], start=2):
        k = row[PROFILE_KEY_COLUMN] if len(row) > PROFILE_KEY_COLUMN else None
        if isinstance(k, str) and k in PROFILE_KEYS:
            v = row[PROFILE_VALUE_COLUMN] if len(row) > PROFILE_VALUE_COLUMN else None
            ref = f"{column_letters(PROFILE_VALUE_COLUMN + 1)}{r}"
            sub.profile[k] = RawCell(name, r, k, ref, None if _empty(v) else v)
        for c in range(PROFILE_VALUE_COLUMN + 1, len(row)):
            if not _empty(row[c]):
                sub.stray.append(RawCell(name, r, column_letters(c + 1), f"{column_letters(c + 1)}{r}", row[c]))


def _read_sheets(book: python_calamine.CalamineWorkbook, sub: RawSubmission) -> None:
    names = list(book.sheet_names)
    if MARKER_SHEET not in names or not _read_marker(book, sub):
        sub.failure = unusable(sub.file, "not-a-template")
        return
    sub.lang = sub.marker.get("lang", "en") if sub.marker.get("lang") in LANGUAGES else "en"
    for key in ("profile", "indicators", "enablers"):
        name = _sheet_name(names, key, sub.lang)
        if name is None:
            sub.failure = unusable(sub.file, "missing-sheet", sheet_name=_(SHEETS[key], sub.lang))
            return
        rows = _rows(book, name)
        if key == "profile":
            _read_profile(rows, name, sub)
        elif key == "indicators":
            # a reference column of last year's values (its marker key says so) is never read as data
            ref = REFERENCE_COLUMNS if sub.marker.get(REFERENCE_MARKER) else 0
            sub.indicators = _table(rows, name, INDICATOR_COLUMNS, INDICATOR_INPUTS, sub, locked_after=ref)
        else:
            sub.enablers = _table(rows, name, ENABLER_COLUMNS, ENABLER_INPUTS, sub, locked_after=ENABLER_DESCRIPTORS)
    criteria = _sheet_name(names, "criteria", sub.lang)
    if criteria is not None:  # only templates of a catalogue with criteria models have it
        sub.criteria = _table(_rows(book, criteria), criteria, CRITERIA_COLUMNS, CRITERIA_INPUTS, sub)
    known = {_sheet_name(names, key, sub.lang) for key in SHEETS} | {MARKER_SHEET, LISTS_SHEET,
                                                                    _(LISTS_SHEET, sub.lang)}
    for name in names:  # a filled copy of a sheet beside the template's own is read nowhere: say so
        if name not in known and any(not _empty(v) for row in _rows(book, name) for v in row):
            sub.unread.append(name)


def read_workbook(path: Path) -> RawSubmission:
    """Read one template workbook (after the pre-flight check); never raises for a bad file."""
    sub = RawSubmission(file=str(path), kind="workbook")
    try:
        sub.scan = preflight(path)
        if path.suffix.lower() == ".xls":  # its formats, formulas and errors are in binary records
            sub.scan = scan_xls(path)
        if sub.scan.cuts:  # cells that cannot be read are cut from a copy: the rest is read (reported in validate)
            book = python_calamine.CalamineWorkbook.from_filelike(repaired(str(path), sub.scan.cuts))
        else:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        _read_sheets(book, sub)
    except Rejection as rej:
        sub.failure = unusable(path, rej.code, rej.reason, rej.sheet_name)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # any parser failure on an untrusted file (including a Rust panic,
        # which pyo3 raises as a BaseException) becomes an issue, never a traceback
        sub.failure = unusable(path, "unreadable",
                               str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
    return sub


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > 20 * 1024 * 1024:
        raise Rejection("too-large", "the file is larger than 20 MB")
    if not data:
        raise Rejection("empty-file", "the file is empty (0 bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Rejection("not-utf8", "the CSV file is not UTF-8 text; save it as 'CSV UTF-8'") from None


def read_csv(path: Path) -> list[RawSubmission]:
    """Read the long CSV (the template's CSV form; many cities allowed) or a wide CSV (a row per city)."""
    try:
        text = _decode(path)
    except Rejection as rej:
        return [RawSubmission(file=str(path), kind="csv", failure=unusable(path, rej.code, rej.reason))]
    text = nfc(text)  # one form for every name, id and note (see nfc)
    delimiter = _delimiter(text)
    try:  # universal newlines: CR-only, LF and CRLF files read alike; the header and one row past the bound
        rows = list(itertools.islice(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter),
                                     MAX_CSV_ROWS + 2))
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit (131,072 characters)
        return [RawSubmission(file=str(path), kind="csv", failure=unusable(path, "bad-csv", str(exc)))]
    too_big = ("csv-too-long", MAX_CSV_ROWS) if len(rows) > MAX_CSV_ROWS + 1 else \
        ("csv-too-wide", MAX_CSV_COLUMNS) if any(len(r) > MAX_CSV_COLUMNS for r in rows) else None
    if too_big is not None:
        return [RawSubmission(file=str(path), kind="csv", failure=issue(too_big[0], str(path), found="",
                                                                        limit=too_big[1]))]
    if not rows:
        return [RawSubmission(file=str(path), kind="csv", failure=unusable(path, "empty-file", "the file has no rows"))]
    header = [h.strip() for h in rows[0]]
    if set(LONG_CSV_COLUMNS) - LONG_CSV_OPTIONAL <= set(header):
        return _read_long(path, header, rows[1:])
    return _read_wide(path, header, rows[1:])


def _delimiter(text: str) -> str:
    """``,`` unless the header line is split only by ``;`` or tabs (spreadsheets in some locales save so)."""
    first = text.split("\n", 1)[0].split("\r", 1)[0]
    if "," in first:
        return ","
    counts = {d: first.count(d) for d in (";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _extra_cells(sheet: str, r: int, header: list[str], row: list[str], known: set[str],
                 sub: RawSubmission) -> None:
    """Values under a column the form does not have, or beyond the header, are stray cells (reported)."""
    for c, value in enumerate(row):
        name = header[c] if c < len(header) else ""
        if value.strip() and (not name or name not in known):
            sub.stray.append(RawCell(sheet, r, name or f"#{c + 1}", f"{name or f'#{c + 1}'}@{r}", value))


def _read_long(path: Path, header: list[str], rows: list[list[str]]) -> list[RawSubmission]:
    col = {h: i for i, h in enumerate(header)}
    known = set(LONG_CSV_COLUMNS)
    subs: dict[tuple[str, str, str], RawSubmission] = {}
    sheet = path.name
    for r, row in enumerate(rows, start=2):
        def get(key: str, row: list[str] = row) -> str | None:
            i = col.get(key)
            v = row[i] if i is not None and i < len(row) else ""
            return None if v.strip() == "" else v
        key = (get("city") or "", get("country") or "", get("year") or "")
        sub = subs.get(key)
        if sub is None:
            sub = RawSubmission(file=str(path), kind="csv-long")
            tag = (get("catalogue") or "").split()
            lang = get("lang") or "en"
            sub.lang = lang if lang in LANGUAGES else "en"
            sub.marker = {"format": FORMAT, "lang": sub.lang}
            if len(tag) == 2:
                sub.marker |= {"catalogue_id": tag[0], "catalogue_version": tag[1]}
            for k in ("city", "country", "year"):
                sub.profile[k] = RawCell(sheet, r, k, f"{k}@{r}", get(k))
            subs[key] = sub
        _extra_cells(sheet, r, header, row, known, sub)
        kind, ident = (get("kind") or "").strip(), get("id")
        if kind == "profile" and ident in PROFILE_KEYS:
            if ident not in ("city", "country", "year") or get("value") is not None:
                sub.profile[ident] = RawCell(sheet, r, ident, f"value@{r}", get("value"))
        elif kind in ("indicator", "enabler", "criterion"):
            keys = {"indicator": INDICATOR_COLUMNS, "enabler": ENABLER_COLUMNS, "criterion": CRITERIA_COLUMNS}[kind]
            source = {"enabler": {"level": "value", "evidence": "source"},  # as the template writes
                      "criterion": {"met": "value", "evidence": "source"}}.get(kind, {})
            cells = {k: RawCell(sheet, r, k, f"{source.get(k, k)}@{r}", get(source.get(k, k))) for k in keys}
            {"indicator": sub.indicators, "enabler": sub.enablers, "criterion": sub.criteria}[kind].append(
                RawRow(sheet, r, cells))
        elif any(v.strip() for v in row):
            sub.stray.append(RawCell(sheet, r, "kind", f"kind@{r}", get("kind") or ",".join(row)))
    return list(subs.values())


def _read_wide(path: Path, header: list[str], rows: list[list[str]]) -> list[RawSubmission]:
    sheet = path.name
    out = []
    for r, row in enumerate(rows, start=2):
        if not any(v.strip() for v in row):
            continue
        sub = RawSubmission(file=str(path), kind="csv-wide", marker={"format": FORMAT, "lang": "en"})
        for c in range(len(header), len(row)):  # values beyond the header have no column
            if row[c].strip():
                sub.stray.append(RawCell(sheet, r, f"#{c + 1}", f"#{c + 1}@{r}", row[c]))
        for c, name in enumerate(header):
            value = row[c] if c < len(row) else ""
            v = None if value.strip() == "" else value
            ref = f"{name}@{r}"
            if name in PROFILE_KEYS:
                sub.profile[name] = RawCell(sheet, r, name, ref, v)
            elif name and v is not None:
                cells = {"id": RawCell(sheet, r, "id", ref, name), "value": RawCell(sheet, r, "value", ref, v)}
                sub.indicators.append(RawRow(sheet, r, cells))
        out.append(sub)
    if not out:
        out.append(RawSubmission(file=str(path), kind="csv-wide", failure=unusable(path, "empty-file", "no data rows")))
    return out


#: What a path is when it is not a regular file, as a UI label, by ``stat`` file type.
NOT_A_FILE = ((stat.S_ISLNK, N_("a link")), (stat.S_ISDIR, N_("a folder")),
              (stat.S_ISFIFO, N_("a pipe (FIFO)")), (stat.S_ISCHR, N_("a device")), (stat.S_ISBLK, N_("a device")),
              (stat.S_ISSOCK, N_("a socket")))


def not_a_file(path: Path) -> Problem | None:
    """The problem of a path that is not a regular file (``None`` for a regular file).

    The path itself is looked at (``lstat``), never followed or opened: a link in an input folder
    may point anywhere (``x.csv → /etc/passwd``), and opening a pipe or a device can block forever
    or read without end. So only regular files inside the named inputs are ever read.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return issue("unreadable", str(path), found="", reason="file not found")
    if stat.S_ISREG(mode):
        return None
    kind = next((label for test, label in NOT_A_FILE if test(mode)), N_("not a regular file"))
    return issue("not-a-file", str(path), found="", name=path.name, kind=kind, labels=("kind",))


def read_file(path: Path) -> list[RawSubmission]:
    """Read any accepted file into one or more raw submissions (only a regular file: :func:`not_a_file`)."""
    refused = not_a_file(path)
    if refused is not None:
        return [RawSubmission(file=str(path), kind="missing", failure=refused)]
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    return [read_workbook(path)]
