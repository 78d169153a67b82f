"""Pre-flight checks that run before any spreadsheet parser touches a file.

Why: python-calamine aborts the whole process (a Rust allocation failure, not a Python
exception) on a legal but far cell such as ``XFD1048576``, and no reader bounds memory on a
zip bomb. So every file is checked first, cheaply, by streaming through its XML:

1.–3. the container (:mod:`.container`): size, signature (zip or Compound File, and what an OLE file
   named like a zip workbook holds), the zip's members (count, encryption, expansion);
4. XML: no ``<!DOCTYPE``/``<!ENTITY`` (entity expansion, external entities), and every part
   scanned below must be well-formed;
5. extent: a streaming XML parse (any quoting, whitespace or namespace prefix) of every
   worksheet for the rows and cells used and the declared dimension, at most
   :data:`MAX_ROWS` × :data:`MAX_COLS`; for ``.ods``, rows and cells repeated by
   ``number-rows-repeated``/``number-columns-repeated`` count with their repeats when they
   hold a value, whatever the attribute order. For ``.xlsx``/``.xlsm`` the same scan records
   error cells (``#DIV/0!`` …) and formulas, with or without a saved result, because calamine
   returns those as plain values or blanks;
6. cells (:mod:`.cells`): values that cannot be read as their type says (``Scan.bad``: cut from
   the copy the reader opens, so one bad cell never loses the file) and values the person could
   not see (``Scan.hidden``: merged over, hidden rows and columns, a format showing them blank).

The pre-flight is the first line; the second is :mod:`.cage`, where parsers run under limits.

The result is one clear :class:`Rejection` or a :class:`Scan` of the cells worth reporting.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.parsers import expat

from . import cells as grid  # the cell-by-cell rules (bad and hidden cells)
from .cells import column_letters, column_number
from .container import Rejection, check_file, check_members, check_ods

MAX_ROWS = 5_000
MAX_COLS = 100

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_RANGE_END = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


@dataclass
class Scan:
    """What the pre-flight saw, per sheet name: error cells, formula cells, and the cells whose number
    format shows a percentage or a date (what the person saw differs from the stored number)."""

    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    formulas: dict[str, dict[str, str | None]] = field(default_factory=dict)
    percent: dict[str, set[str]] = field(default_factory=dict)
    dates: dict[str, set[str]] = field(default_factory=dict)
    #: sheet -> cell -> (code, reason msgid, stored value): cells that cannot be read (see :mod:`.cells`)
    bad: dict[str, dict[str, tuple[str, str, str]]] = field(default_factory=dict)
    hidden: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> cell -> how it was hidden (msgid)
    cuts: dict[str, list[grid.Cut]] = field(default_factory=dict)  # part -> the cells to cut before reading


def _check_extent(row: int, col: int, where: str) -> None:
    if row > MAX_ROWS or col > MAX_COLS:
        raise Rejection("too-far", f"{where} uses cell {column_letters(col)}{row}, beyond the template's area "
                        f"(up to {column_letters(MAX_COLS)}{MAX_ROWS})")


def _local(name: str) -> str:
    """An element or attribute name without its namespace (``{ns}row`` and ``x:row`` both give ``row``)."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _attr(element: ET.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _events(xml: bytes, part: str) -> Iterator[tuple[str, ET.Element]]:
    """Start and end events of a part, streaming; a part that is not well-formed is refused."""
    try:
        yield from ET.iterparse(io.BytesIO(xml), events=("start", "end"))
    except ET.ParseError as exc:
        raise Rejection("not-a-workbook", f"part {part} is not well-formed XML ({exc})") from None


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet XML path → sheet name, read from workbook.xml and its relationships."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {_attr(el, "Id"): _attr(el, "Target") or "" for ev, el in _events(rels, "workbook.xml.rels")
               if ev == "start" and _local(el.tag) == "Relationship"}
    out = {}
    for ev, el in _events(book, "workbook.xml"):
        if ev == "start" and _local(el.tag) == "sheet":
            target = (targets.get(_attr(el, "id")) or "").lstrip("/")
            out[target if target.startswith("xl/") else f"xl/{target}"] = _attr(el, "name") or ""
    return out


@lru_cache(maxsize=1 << 14)
def _place(text: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference such as ``$B$5``; ``None`` when it is malformed. Remembered: every
    workbook of a round has the template's cells, so a reader process meets the same references again."""
    m = _REF.match(text)
    return None if m is None else (int(m.group(2)), column_number(m.group(1)))


def _ref(text: str | None, where: str) -> tuple[int, int]:
    place = _place(text or "")
    if place is None:
        raise Rejection("not-a-workbook", f"{where} has a malformed cell reference {text!r}")
    return place


def _get(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by its local name, whatever its prefix."""
    value = attrs.get(name)
    if value is not None:
        return value
    for key, val in attrs.items():
        if key.rsplit(":", 1)[-1] == name:
            return val
    return None


def _by_local(attrs: dict[str, str]) -> dict[str, str]:
    """The attributes by local name, each as :func:`_get` finds it: the unprefixed name first, else the first
    prefixed one in document order. Returns ``attrs`` itself when no name has a prefix (nearly always): the
    scan of a sheet then looks each attribute up once, without a loop per missing one."""
    if ":" not in "".join(attrs):
        return attrs
    out: dict[str, str] = {}
    for key, value in attrs.items():
        out.setdefault(key.rsplit(":", 1)[-1], value)
    out.update((key, value) for key, value in attrs.items() if ":" not in key)
    return out


class _SheetScan:
    """Expat handlers for one worksheet: extent checks, error cells and formulas (no element objects)."""

    def __init__(self, name: str, scan: Scan, formats: dict[int, str], cells: grid.CellScan) -> None:
        self.name, self.scan, self.where = name, scan, f"sheet '{name}'"
        self.formats = formats  # style index -> "percent" or "date", for the styles that show one
        self.cells, self.xml = cells, b""
        self.parser: Any = None  # the expat parser and its bytes (xml), for the byte position of a cell
        self.cell: str | None = None
        self.kind: str | None = None
        self.value: list[str] | None = None
        self.text: list[str] = []
        self.formula = self.filled = self.row_hidden = False
        self.start_byte, self.tag, self.at = 0, "c", (0, 0)
        self.style: str | None = None

    def start(self, qname: str, attrs: dict[str, str]) -> None:
        # called for every element of the sheet (thousands per workbook): the local name and the attributes
        # are looked up once, and a name without a prefix (nearly always) skips the split
        tag = qname.rsplit(":", 1)[-1] if ":" in qname else qname
        if tag == "c":
            attrs = _by_local(attrs)
            ref, self.tag = attrs.get("r"), qname
            if ref is not None:
                row, col = _ref(ref, self.where)
                if row > MAX_ROWS or col > MAX_COLS:
                    _check_extent(row, col, self.where)
                self.at = (row, col)
            self.cell, self.kind, self.value, self.formula = ref, attrs.get("t"), None, False
            self.filled, self.start_byte = False, self.parser.CurrentByteIndex if self.parser else 0
            style = self.style = attrs.get("s")
            if self.formats and ref is not None and style and style.isdigit() and int(style) in self.formats:
                shown = self.scan.percent if self.formats[int(style)] == "percent" else self.scan.dates
                shown.setdefault(self.name, set()).add(ref.replace("$", ""))
        elif tag == "v":
            self.text = []
            self.value = self.text
            self.filled = True
        elif tag == "f":
            self.formula = self.filled = True
        elif tag == "is":
            self.filled = True
        elif tag in ("col", "mergeCell"):
            self._layout(tag, attrs)
        elif tag == "row":
            attrs = _by_local(attrs)
            self.row_hidden = grid.row_hidden(attrs.get("hidden"), attrs.get("ht"))
            r = attrs.get("r")
            if r is not None:
                if not r.isdigit():
                    raise Rejection("not-a-workbook", f"{self.where} has a malformed row number {r!r}")
                _check_extent(int(r), 1, self.where)
        elif tag == "dimension":
            end = _RANGE_END.search(_get(attrs, "ref") or "")
            if end:
                _check_extent(int(end.group(2)), column_number(end.group(1)), f"{self.where} (declared dimension)")

    def _layout(self, tag: str, attrs: dict[str, str]) -> None:
        """Hidden columns and merged ranges (what hides a cell besides its row and its format)."""
        if tag == "col":
            self.cells.columns(_get(attrs, "min"), _get(attrs, "max"), _get(attrs, "hidden"), _get(attrs, "width"))
            return
        first, _sep, last = (_get(attrs, "ref") or "").partition(":")
        if _REF.match(first) and _REF.match(last):
            self.cells.merge(_ref(first, self.where), _ref(last, self.where))

    def data(self, text: str) -> None:
        if self.value is not None:
            self.value.append(text)

    def end(self, tag: str) -> None:
        if ":" in tag:
            tag = tag.rsplit(":", 1)[-1]
        if tag == "v":
            self.value = None
        elif tag == "c" and self.cell is not None:
            value = "".join(self.text) if self.text else None
            if self.kind == "e":
                self.scan.errors.setdefault(self.name, {})[self.cell] = value or "#ERROR"
            if self.formula:
                self.scan.formulas.setdefault(self.name, {})[self.cell] = value or None
            bad = grid.bad_value(self.kind, value, self.cells.strings)
            if bad is not None:
                self.scan.bad.setdefault(self.name, {})[self.cell] = (*bad, value or "")
            if bad is not None or (self.kind == "e" and (value or "").strip() not in grid.KNOWN_ERRORS):
                if self.parser is not None:  # cut from the copy the reader opens (an error is reported anyway)
                    end = grid.end_of_element(self.xml, self.parser.CurrentByteIndex, self.tag)
                    self.cells.cuts.append((self.start_byte, end, b""))
            elif self.filled:  # a cell without a value is neither kept nor hidden
                self.cells.cell(self.cell, *self.at, self.row_hidden, self.kind, self.style, self.filled)
            self.cell, self.text = None, []


def _expat(xml: bytes, part: str, start: Any, end: Any, data: Any = None, owner: Any = None) -> None:
    """Stream ``xml`` through expat with these handlers; a part that is not well-formed is refused.
    ``owner`` (the handlers' object) gets the parser and the bytes, for byte positions."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    if owner is not None:
        owner.parser, owner.xml = parser, xml
    parser.StartElementHandler = start
    if end is not None:  # no handler, no call per element
        parser.EndElementHandler = end
    if data is not None:
        parser.CharacterDataHandler = data
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise Rejection("not-a-workbook", f"part {part} is not well-formed XML ({exc})") from None


def _scan_sheet(xml: bytes, name: str, scan: Scan, formats: tuple[dict[int, str], dict[int, str]],
                part: str = "", strings: int | None = None) -> None:
    cells = grid.CellScan(formats[1], strings, merged=b"mergeCell" in xml)
    handlers = _SheetScan(name, scan, formats[0], cells)
    try:
        _expat(xml, name, handlers.start, handlers.end, handlers.data, owner=handlers)
    except Rejection as rej:
        if rej.code != "not-a-workbook":
            raise
        # an empty or cut-off sheet part: say which sheet, in words (the parser's own text is "no element found")
        raise Rejection("damaged-sheet", rej.reason, sheet_name=name) from None
    hidden = cells.finish()
    if hidden:
        scan.hidden.setdefault(name, {}).update(hidden)
    if cells.cuts:
        scan.cuts[part] = cells.cuts


class _OdsScan:
    """Expat handlers for ``content.xml``: rows and cells counted with their repeats."""

    def __init__(self, scan: Scan) -> None:
        self.scan, self.sheet = scan, ""
        self.row = self.col = 0
        self.repeat = 1
        self.filled = False
        self.cells = grid.OdsCells(scan.hidden, scan.bad)
        self.parser: Any = None  # the expat parser and its bytes, for the byte position of a bad cell
        self.xml = b""

    def start(self, qname: str, attrs: dict[str, str]) -> None:
        tag = qname.rsplit(":", 1)[-1]
        if tag == "table":
            self.row, self.sheet = 0, _get(attrs, "name") or ""
            self.cells.table(self.sheet)
        elif tag == "table-column":
            self.cells.column(int(_get(attrs, "number-columns-repeated") or 1), _get(attrs, "visibility"))
        elif tag == "table-row":
            self.repeat = int(_get(attrs, "number-rows-repeated") or 1)
            self.row, self.col, self.filled = self.row + 1, 0, False
            self.cells.row_hidden = _get(attrs, "visibility") in ("collapse", "filter")
        elif tag in ("table-cell", "covered-table-cell"):
            first = self.col + 1
            self.col += int(_get(attrs, "number-columns-repeated") or 1)
            kind = _get(attrs, "value-type")
            if kind is not None or _get(attrs, "formula") is not None:
                self.filled = True
                _check_extent(self.row, self.col, "a sheet")
                rows, columns = range(self.row, min(self.row + self.repeat, MAX_ROWS + 1)), range(first, self.col + 1)
                self.cells.cell(rows, columns, tag == "covered-table-cell")
                self.cells.check(qname, (kind, _get(attrs, "value"), _get(attrs, "boolean-value")), rows, columns,
                                 self.parser.CurrentByteIndex)
            if kind in ("percentage", "date"):
                shown = self.scan.percent if kind == "percentage" else self.scan.dates
                shown.setdefault(self.sheet, set()).update(
                    f"{column_letters(c)}{self.row}" for c in range(first, self.col + 1))

    def end(self, tag: str) -> None:
        self.cells.close(tag, self.xml, self.parser.CurrentByteIndex)
        if tag.rsplit(":", 1)[-1] == "table-row":
            last = self.row + self.repeat - 1
            if self.filled and last > MAX_ROWS:
                _check_extent(last, 1, "a sheet (repeated rows)")
            self.row = last


def _scan_ods(xml: bytes, scan: Scan) -> None:
    """Rows and cells of every table, repeats counted; a value beyond the template's area is refused."""
    handlers = _OdsScan(scan)
    try:
        _expat(xml, "content.xml", handlers.start, handlers.end, owner=handlers)
    except ValueError:  # a repeat count that is not a number
        raise Rejection("not-a-workbook", "content.xml has a malformed repeat count") from None
    except Rejection as rej:
        if rej.code != "not-a-workbook":
            raise
        raise Rejection("damaged-ods", rej.reason) from None
    if handlers.cells.cuts:
        scan.cuts["content.xml"] = handlers.cells.cuts


def _refuse_entities(xml: bytes) -> None:
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise Rejection("xml-entities", "the workbook declares XML entities, which workbooks never need "
                        "(possible entity-expansion or external-entity attack)")


#: Built-in number formats of SpreadsheetML (ECMA-376 18.8.30; the same numbers in .xls) that show a
#: percentage or a date.
BUILTIN_PERCENT = frozenset({9, 10})
BUILTIN_DATE = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def format_shows(code: str) -> str | None:
    """``percent`` or ``date`` for a custom format code that shows one (quoted text ignored)."""
    bare = _QUOTED.sub("", code)
    if "%" in bare:
        return "percent"
    if re.search(r"[dy]|m{3,}", bare, re.I) and not re.fullmatch(r"[#0.,\s]*", bare):
        return "date"
    return None


def _number_formats(zf: zipfile.ZipFile) -> tuple[dict[int, str], dict[int, str]]:
    """Style index → ``percent``/``date`` for the cell styles (``cellXfs``) whose number format shows one,
    and style index → ``numbers``/``all`` for those whose format shows values blank (:func:`.cells.format_hides`)."""
    try:
        xml = zf.read("xl/styles.xml")
    except KeyError:
        return {}, {}
    _refuse_entities(xml)
    custom: dict[int, str] = {}
    blank: dict[int, str] = {}
    styles: list[int] = []
    in_xfs = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag == "numFmt":
            fid, code = _get(attrs, "numFmtId"), _get(attrs, "formatCode")
            if fid and fid.isdigit() and code:
                shown, hides = format_shows(code), grid.format_hides(code)
                if shown:
                    custom[int(fid)] = shown
                if hides:
                    blank[int(fid)] = hides
        elif tag == "cellXfs":
            in_xfs[0] = True
        elif tag == "xf" and in_xfs[0]:
            fid = _get(attrs, "numFmtId") or "0"
            styles.append(int(fid) if fid.isdigit() else 0)

    def end(tag: str) -> None:
        if tag.rsplit(":", 1)[-1] == "cellXfs":
            in_xfs[0] = False

    _expat(xml, "styles.xml", start, end)
    out = {}
    for index, fid in enumerate(styles):
        shown = custom.get(fid) or ("percent" if fid in BUILTIN_PERCENT else "date" if fid in BUILTIN_DATE else None)
        if shown:
            out[index] = shown
    return out, {index: blank[fid] for index, fid in enumerate(styles) if fid in blank}


def _shared_strings(zf: zipfile.ZipFile) -> int:
    """How many texts the shared-string table holds (0 without one: the reader looks only at this part)."""
    try:
        xml = zf.read("xl/sharedStrings.xml")
    except KeyError:
        return 0
    _refuse_entities(xml)
    count = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rsplit(":", 1)[-1] == "si":
            count[0] += 1

    _expat(xml, "sharedStrings.xml", start, None)
    return count[0]


def _scan_xml(zf: zipfile.ZipFile, suffix: str) -> Scan:
    sheets = _sheet_paths(zf) if suffix != ".ods" else {}
    scan = Scan()
    formats: tuple[dict[int, str], dict[int, str]] | None = None
    strings: int | None = None
    for info in zf.infolist():
        name = info.filename
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            xml = zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise Rejection("not-a-workbook", f"part {name} cannot be read ({exc})") from None
        _refuse_entities(xml)
        if suffix == ".ods":
            if name == "content.xml":
                _scan_ods(xml, scan)
        elif name in sheets or name.startswith("xl/worksheets/"):
            if formats is None:  # read once, after the entity check of every part before it
                formats, strings = _number_formats(zf), _shared_strings(zf)
            _scan_sheet(xml, sheets.get(name, name), scan, formats, name, strings)
    return scan


def preflight(path: str | Path) -> Scan:
    """Check one file before parsing it.

    Raises
    ------
    Rejection
        With a one-sentence reason, for any of the conditions in the module docstring.
    """
    p = Path(path)
    suffix = check_file(p)
    if suffix == ".xls":
        return Scan()
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejection("not-a-workbook", f"the file is not a valid {suffix} workbook ({exc})") from None
    with zf:
        check_members(zf.infolist())
        if suffix == ".ods":
            check_ods(zf)
        return _scan_xml(zf, suffix)
