"""Pre-flight checks that run before any spreadsheet parser touches a file.

Why: python-calamine aborts the whole process (a Rust allocation failure, not a Python
exception) on a legal but far cell such as ``XFD1048576``, and no reader bounds memory on a
zip bomb. So every file is checked first, cheaply and without an XML parser:

1. size: not empty, at most :data:`MAX_FILE_BYTES`;
2. signature: an ``.xlsx``/``.xlsm``/``.ods`` must be a zip; an OLE container named ``.xlsx``
   is an encrypted workbook; an ``.xls`` must be an OLE container;
3. zip: at most :data:`MAX_MEMBERS` members, no encrypted member, declared uncompressed total
   at most :data:`MAX_UNCOMPRESSED` and no member compressed more than :data:`MAX_RATIO` times;
4. XML: no ``<!DOCTYPE``/``<!ENTITY`` (entity expansion, external entities);
5. extent: a streaming scan of every worksheet for the largest row and column used (cells,
   rows and the declared dimension), at most :data:`MAX_ROWS` × :data:`MAX_COLS`. For
   ``.xlsx``/``.xlsm`` the same scan records error cells (``#DIV/0!`` …) and formulas, with
   or without a saved result, because calamine returns those as plain values or blanks.

The result is one clear :class:`Rejection` or a :class:`Scan` of the cells worth reporting.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 500
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 5_000
MAX_COLS = 100

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")

_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', re.S)
_REL2 = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"', re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_TYPE = re.compile(rb'\bt="([a-z]+)"')
_ROW = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,7})"')
_DIM = re.compile(rb'<dimension\b[^>]*?\bref="[A-Z]{0,3}[0-9]{0,7}:?([A-Z]{1,3})([0-9]{1,7})"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="([0-9]+)"[^>]*?office:value-type')


class Rejection(Exception):
    """The file is refused before parsing; ``reason`` says why in one sentence, ``code`` is stable."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class Scan:
    """What the pre-flight saw: per sheet name, error cells and formula cells by reference."""

    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    formulas: dict[str, dict[str, str | None]] = field(default_factory=dict)


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


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet XML path → sheet name, read from workbook.xml and its relationships."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {rid: t for rid, t in _REL.findall(rels)} | {rid: t for t, rid in _REL2.findall(rels)}
    out = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        out[path] = name.decode("utf-8", "replace").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return out


def _scan_sheet(xml: bytes, name: str, scan: Scan) -> None:
    m = _DIM.search(xml, 0, 4096)
    if m:
        _check_extent(int(m.group(2)), column_number(m.group(1)), f"sheet '{name}' (declared dimension)")
    for r in _ROW.findall(xml):
        _check_extent(int(r), 1, f"sheet '{name}'")
    for attrs, inner in _CELL.findall(xml):
        ref = _REF.search(attrs)
        if ref is None:
            continue
        _check_extent(int(ref.group(2)), column_number(ref.group(1)), f"sheet '{name}'")
        cell = (ref.group(1) + ref.group(2)).decode()
        kind = _TYPE.search(attrs)
        value = _VALUE.search(inner) if inner else None
        text = value.group(1).decode("utf-8", "replace") if value else None
        if kind is not None and kind.group(1) == b"e":
            scan.errors.setdefault(name, {})[cell] = text or "#ERROR"
        if inner and b"<f" in inner:
            scan.formulas.setdefault(name, {})[cell] = text if text not in (None, "") else None


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
        raise Rejection("encrypted", "the workbook is password-protected (encrypted); save it without a password")
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


def _scan_xml(zf: zipfile.ZipFile, suffix: str) -> Scan:
    sheets = _sheet_paths(zf) if suffix != ".ods" else {}
    scan = Scan()
    for info in zf.infolist():
        name = info.filename
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            xml = zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise Rejection("not-a-workbook", f"part {name} cannot be read ({exc})") from None
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            raise Rejection("xml-entities", "the workbook declares XML entities, which workbooks never need "
                            "(possible entity-expansion or external-entity attack)")
        if suffix == ".ods":
            if name == "content.xml" and any(int(n) > MAX_ROWS for _k, n in _ODS_REPEAT.findall(xml)):
                raise Rejection("too-far", "a sheet repeats a filled cell beyond the template's area")
        elif name in sheets or name.startswith("xl/worksheets/"):
            _scan_sheet(xml, sheets.get(name, name), scan)
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
        return _scan_xml(zf, suffix)
