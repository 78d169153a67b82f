"""Pre-flight checks that run before any spreadsheet parser touches a file.

Why: python-calamine aborts the whole process (a Rust allocation failure, not a Python
exception) on a legal but far cell such as ``XFD1048576``, and no reader bounds memory on a
zip bomb. So every file is checked first, cheaply, by streaming through its XML:

1. size: not empty, at most :data:`MAX_FILE_BYTES`;
2. signature: an ``.xlsx``/``.xlsm``/``.ods`` must be a zip; an OLE container named ``.xlsx``
   is an encrypted workbook; an ``.xls`` must be an OLE container;
3. zip: at most :data:`MAX_MEMBERS` members, no encrypted member, declared uncompressed total
   at most :data:`MAX_UNCOMPRESSED` and no member compressed more than :data:`MAX_RATIO` times;
4. XML: no ``<!DOCTYPE``/``<!ENTITY`` (entity expansion, external entities), and every part
   scanned below must be well-formed;
5. extent: a streaming XML parse (any quoting, whitespace or namespace prefix) of every
   worksheet for the rows and cells used and the declared dimension, at most
   :data:`MAX_ROWS` × :data:`MAX_COLS`; for ``.ods``, rows and cells repeated by
   ``number-rows-repeated``/``number-columns-repeated`` count with their repeats when they
   hold a value, whatever the attribute order. For ``.xlsx``/``.xlsm`` the same scan records
   error cells (``#DIV/0!`` …) and formulas, with or without a saved result, because calamine
   returns those as plain values or blanks.

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
from pathlib import Path
from typing import Any
from xml.parsers import expat

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 500
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 5_000
MAX_COLS = 100

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_RANGE_END = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


class Rejection(Exception):
    """The file is refused before parsing; ``reason`` says why in one sentence, ``code`` is stable."""

    def __init__(self, code: str, reason: str, sheet_name: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.sheet_name = sheet_name  # the sheet it is about, when it is about one


@dataclass
class Scan:
    """What the pre-flight saw, per sheet name: error cells, formula cells, and the cells whose number
    format shows a percentage or a date (what the person saw differs from the stored number)."""

    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    formulas: dict[str, dict[str, str | None]] = field(default_factory=dict)
    percent: dict[str, set[str]] = field(default_factory=dict)
    dates: dict[str, set[str]] = field(default_factory=dict)


def column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(number: int) -> str:
    """1 → ``A``, 16384 → ``XFD``."""
    out = ""
    while number:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


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


def _ref(text: str | None, where: str) -> tuple[int, int]:
    m = _REF.match(text or "")
    if m is None:
        raise Rejection("not-a-workbook", f"{where} has a malformed cell reference {text!r}")
    return int(m.group(2)), column_number(m.group(1))


def _get(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by its local name, whatever its prefix."""
    value = attrs.get(name)
    if value is not None:
        return value
    for key, val in attrs.items():
        if key.rsplit(":", 1)[-1] == name:
            return val
    return None


class _SheetScan:
    """Expat handlers for one worksheet: extent checks, error cells and formulas (no element objects)."""

    def __init__(self, name: str, scan: Scan, formats: dict[int, str]) -> None:
        self.name, self.scan, self.where = name, scan, f"sheet '{name}'"
        self.formats = formats  # style index -> "percent" or "date", for the styles that show one
        self.cell: str | None = None
        self.kind: str | None = None
        self.value: list[str] | None = None
        self.text: list[str] = []
        self.formula = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag == "c":
            ref = _get(attrs, "r")
            if ref is not None:
                row, col = _ref(ref, self.where)
                _check_extent(row, col, self.where)
            self.cell, self.kind, self.value, self.formula = ref, _get(attrs, "t"), None, False
            style = _get(attrs, "s")
            if ref is not None and style and style.isdigit() and int(style) in self.formats:
                shown = self.scan.percent if self.formats[int(style)] == "percent" else self.scan.dates
                shown.setdefault(self.name, set()).add(ref.replace("$", ""))
        elif tag == "v":
            self.text = []
            self.value = self.text
        elif tag == "f":
            self.formula = True
        elif tag == "row":
            r = _get(attrs, "r")
            if r is not None:
                if not r.isdigit():
                    raise Rejection("not-a-workbook", f"{self.where} has a malformed row number {r!r}")
                _check_extent(int(r), 1, self.where)
        elif tag == "dimension":
            end = _RANGE_END.search(_get(attrs, "ref") or "")
            if end:
                _check_extent(int(end.group(2)), column_number(end.group(1)), f"{self.where} (declared dimension)")

    def data(self, text: str) -> None:
        if self.value is not None:
            self.value.append(text)

    def end(self, tag: str) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag == "v":
            self.value = None
        elif tag == "c" and self.cell is not None:
            value = "".join(self.text) if self.text else None
            if self.kind == "e":
                self.scan.errors.setdefault(self.name, {})[self.cell] = value or "#ERROR"
            if self.formula:
                self.scan.formulas.setdefault(self.name, {})[self.cell] = value or None
            self.cell, self.text = None, []


def _expat(xml: bytes, part: str, start: Any, end: Any, data: Any = None) -> None:
    """Stream ``xml`` through expat with these handlers; a part that is not well-formed is refused."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = start, end
    if data is not None:
        parser.CharacterDataHandler = data
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise Rejection("not-a-workbook", f"part {part} is not well-formed XML ({exc})") from None


def _scan_sheet(xml: bytes, name: str, scan: Scan, formats: dict[int, str]) -> None:
    handlers = _SheetScan(name, scan, formats)
    try:
        _expat(xml, name, handlers.start, handlers.end, handlers.data)
    except Rejection as rej:
        if rej.code != "not-a-workbook":
            raise
        # an empty or cut-off sheet part: say which sheet, in words (the parser's own text is "no element found")
        raise Rejection("damaged-sheet", rej.reason, sheet_name=name) from None


class _OdsScan:
    """Expat handlers for ``content.xml``: rows and cells counted with their repeats."""

    def __init__(self, scan: Scan) -> None:
        self.scan, self.sheet = scan, ""
        self.row = self.col = 0
        self.repeat = 1
        self.filled = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag == "table":
            self.row, self.sheet = 0, _get(attrs, "name") or ""
        elif tag == "table-row":
            self.repeat = int(_get(attrs, "number-rows-repeated") or 1)
            self.row, self.col, self.filled = self.row + 1, 0, False
        elif tag in ("table-cell", "covered-table-cell"):
            first = self.col + 1
            self.col += int(_get(attrs, "number-columns-repeated") or 1)
            kind = _get(attrs, "value-type")
            if kind is not None or _get(attrs, "formula") is not None:
                self.filled = True
                _check_extent(self.row, self.col, "a sheet")
            if kind in ("percentage", "date"):
                shown = self.scan.percent if kind == "percentage" else self.scan.dates
                shown.setdefault(self.sheet, set()).update(
                    f"{column_letters(c)}{self.row}" for c in range(first, self.col + 1))

    def end(self, tag: str) -> None:
        if tag.rsplit(":", 1)[-1] == "table-row":
            last = self.row + self.repeat - 1
            if self.filled and last > MAX_ROWS:
                _check_extent(last, 1, "a sheet (repeated rows)")
            self.row = last


def _scan_ods(xml: bytes, scan: Scan) -> None:
    """Rows and cells of every table, repeats counted; a value beyond the template's area is refused."""
    handlers = _OdsScan(scan)
    try:
        _expat(xml, "content.xml", handlers.start, handlers.end)
    except ValueError:  # a repeat count that is not a number
        raise Rejection("not-a-workbook", "content.xml has a malformed repeat count") from None
    except Rejection as rej:
        if rej.code != "not-a-workbook":
            raise
        raise Rejection("damaged-ods", rej.reason) from None


#: What an OpenDocument spreadsheet's ``mimetype`` part holds.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _check_ods(zf: zipfile.ZipFile) -> None:
    """An ``.ods`` must hold its ``mimetype`` (naming a spreadsheet) and ``content.xml``: the reader
    otherwise fails with "'mimetype' file not found in archive", which tells a person nothing."""
    names = set(zf.namelist())
    if "mimetype" not in names or "content.xml" not in names:
        raise Rejection("damaged-ods", "the mimetype or content.xml part is missing")
    if zf.getinfo("mimetype").file_size > 200 or zf.read("mimetype").strip() != ODS_MIMETYPE:
        raise Rejection("damaged-ods", "the mimetype part does not name an OpenDocument spreadsheet")


#: Stream names in the directory of a Compound File (UTF-16LE, as stored), telling what it holds.
_OLE_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_OLE_XLS = ("Workbook".encode("utf-16-le"), "Book\0\0".encode("utf-16-le"))


def _ole_kind(p: Path) -> str:
    """What a Compound File (OLE) named like a zip workbook holds: ``"encrypted"`` (an .xlsx saved
    with a password, stored so), ``"xls-renamed"`` (an Excel 97–2003 workbook renamed) or
    ``"not-a-workbook"`` (another Office file). The directory's stream names are looked for in the
    bytes (at most :data:`MAX_FILE_BYTES`): a guess good enough to choose the words of a refusal."""
    data = p.read_bytes()
    if any(name in data for name in _OLE_ENCRYPTED):
        return "encrypted"
    if any(name in data for name in _OLE_XLS):
        return "xls-renamed"
    return "not-a-workbook"


def _check_file(p: Path) -> str:
    """Size and signature; returns the lower-case suffix of a zip-based workbook."""
    size = p.stat().st_size
    if size == 0:
        raise Rejection("empty-file", "the file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise Rejection("too-large", f"the file is {size / 1048576:.0f} MB; the limit is "
                        f"{MAX_FILE_BYTES // 1048576} MB for one city's workbook")
    with p.open("rb") as fh:
        head = fh.read(8)
    suffix = p.suffix.lower()
    if suffix == ".xls":
        if head != OLE_MAGIC:
            raise Rejection("not-a-workbook", "the file is not an Excel 97–2003 (.xls) workbook")
        return suffix
    if suffix not in ZIP_FORMATS:
        raise Rejection("unknown-format", f"'{suffix}' files are not read; use .xlsx, .xlsm, .xls, .ods or .csv")
    if head == OLE_MAGIC:
        kind = _ole_kind(p)
        raise Rejection(kind, {"encrypted": "the workbook is password-protected (encrypted)",
                               "xls-renamed": f"the file is an Excel 97–2003 workbook named {suffix}"}.get(
            kind, "the file is an older Office file (a Compound File), not a workbook"))
    if not head.startswith(ZIP_MAGIC):
        raise Rejection("not-a-workbook", f"the file is not a valid {suffix} workbook (its content is not a zip "
                        "package)")
    return suffix


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise Rejection("zip-bomb", f"the package holds {len(infos)} parts; a workbook has far fewer")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Rejection("encrypted", "the workbook is password-protected (encrypted); save it without a password")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > 1048576 and ratio > MAX_RATIO):
            raise Rejection("zip-bomb", "the workbook expands to far more data than a city workbook holds "
                            "(possible zip bomb)")


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


def _number_formats(zf: zipfile.ZipFile) -> dict[int, str]:
    """Style index → ``percent``/``date`` for the cell styles (``cellXfs``) whose number format shows one."""
    try:
        xml = zf.read("xl/styles.xml")
    except KeyError:
        return {}
    _refuse_entities(xml)
    custom: dict[int, str] = {}
    styles: list[int] = []
    in_xfs = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag == "numFmt":
            fid, code = _get(attrs, "numFmtId"), _get(attrs, "formatCode")
            if fid and fid.isdigit() and code:
                shown = format_shows(code)
                if shown:
                    custom[int(fid)] = shown
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
    return out


def _scan_xml(zf: zipfile.ZipFile, suffix: str) -> Scan:
    sheets = _sheet_paths(zf) if suffix != ".ods" else {}
    scan = Scan()
    formats: dict[int, str] | None = None
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
                formats = _number_formats(zf)
            _scan_sheet(xml, sheets.get(name, name), scan, formats)
    return scan


def preflight(path: str | Path) -> Scan:
    """Check one file before parsing it.

    Raises
    ------
    Rejection
        With a one-sentence reason, for any of the conditions in the module docstring.
    """
    p = Path(path)
    suffix = _check_file(p)
    if suffix == ".xls":
        return Scan()
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Rejection("not-a-workbook", f"the file is not a valid {suffix} workbook ({exc})") from None
    with zf:
        _check_members(zf.infolist())
        if suffix == ".ods":
            _check_ods(zf)
        return _scan_xml(zf, suffix)
