"""What an Excel 97–2003 workbook (``.xls``) shows: the pre-flight scan of its binary records.

The ``.xlsx`` and ``.ods`` scans (:mod:`.preflight`) read the XML a workbook is made of. An
``.xls`` is a Compound File (a small file system in one file, [MS-CFB]) whose ``Workbook``
stream is a sequence of BIFF8 records ([MS-XLS]). The parser reads cell values but not number
formats, so without this scan a value stored as 0.785 and shown as 78.5 % would be read as
0.785. This module walks the records and reports, per sheet and cell, what the person saw
differently from the stored number, in the same :class:`~.preflight.Scan` as the other formats:

* cells whose number format shows a percentage or a date (the built-in formats, numbered as in
  ``.xlsx``, or a custom format string, classified as for ``.xlsx``);
* formula cells, with their saved result (a number, a text, TRUE/FALSE, or ``None`` for an
  error or an empty result);
* error cells (``#DIV/0!``, ``#N/A`` …), typed or computed;
* text cells (``LABELSST``) whose shared-string index is beyond the file's table of texts (``SST``):
  the parser reads them as empty, so they are named (``bad-cell``);
* cells holding a value the person could not see (:mod:`.cells`): in a hidden row (``ROW``
  flag ``fDyZero``) or column (``COLINFO`` flag ``fHidden``), under a merged cell
  (``MERGEDCELLS``), or shown blank by their number format (``;;;``).

It runs in the reader's cage like every parser of untrusted files. Every read is bounded by the
file's own size: a sector chain that loops or points outside the file, a record that overruns
its stream, or a sheet offset outside the stream refuses the file as ``not-a-workbook``; a
``FILEPASS`` record (an encrypted workbook) as ``encrypted``.
"""

from __future__ import annotations

import struct
from pathlib import Path

from .cells import BAD_STRING, CellScan, format_hides
from .preflight import BUILTIN_DATE, BUILTIN_PERCENT, Rejection, Scan, column_letters, format_shows

_SPECIAL = {0xFFFFFFFC, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF}  # DIFAT, FAT, end of chain, free
_STREAM_NAMES = ("Workbook", "Book")  # BIFF8 (Excel 97+), then BIFF5 (Excel 95), which is refused
#: Error codes of BOOLERR and FORMULA records ([MS-XLS] 2.5.10 BErr).
ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
          0x2A: "#N/A"}


def _bad(reason: str) -> Rejection:
    return Rejection("not-a-workbook", f"the .xls file is damaged: {reason}")


def _u16(data: bytes, at: int) -> int:
    if at + 2 > len(data):
        raise _bad("a record is shorter than its fields")
    return int.from_bytes(data[at:at + 2], "little")


def _u32(data: bytes, at: int) -> int:
    if at + 4 > len(data):
        raise _bad("a record is shorter than its fields")
    return int.from_bytes(data[at:at + 4], "little")


class _Compound:
    """The streams of a Compound File ([MS-CFB]), every chain bounded by the file's sector count."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        shift = _u16(data, 0x1E)
        if shift not in (9, 12):
            raise _bad(f"unknown sector size 2^{shift}")
        self.size = 1 << shift
        self.sectors = max(0, -(-(len(data) - self.size) // self.size))  # a short last sector counts
        self.mini_size = 1 << _u16(data, 0x20)
        self.cutoff = _u32(data, 0x38)
        self.fat = self._fat()
        self.entries = self._directory()
        if not self.entries:
            raise _bad("it has no directory")
        self.mini_stream = self._chain_bytes(self.entries[0][2], self.entries[0][3])  # the root entry's stream
        mini_fat = self._chain_bytes(_u32(data, 0x3C), _u32(data, 0x40) * self.size)
        self.mini_fat = [int.from_bytes(mini_fat[i:i + 4], "little") for i in range(0, len(mini_fat) - 3, 4)]

    def _sector(self, n: int) -> bytes:
        if n >= self.sectors:
            raise _bad("a sector number points outside the file")
        return self.data[(n + 1) * self.size:(n + 2) * self.size]

    def _fat(self) -> list[int]:
        difat = [_u32(self.data, 0x4C + 4 * i) for i in range(109)]
        nxt, seen = _u32(self.data, 0x44), set()
        while nxt not in _SPECIAL:  # further DIFAT sectors: 127 entries and the next sector's number
            if nxt in seen:
                raise _bad("the sector allocation table loops")
            seen.add(nxt)
            block = self._sector(nxt)
            difat += [int.from_bytes(block[i:i + 4], "little") for i in range(0, self.size - 4, 4)]
            nxt = int.from_bytes(block[-4:], "little")
        fat: list[int] = []
        for n in difat:
            if n not in _SPECIAL:
                block = self._sector(n)
                fat += [int.from_bytes(block[i:i + 4], "little") for i in range(0, self.size, 4)]
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        n = start
        while n not in _SPECIAL:
            if n >= len(table) or len(chain) > len(table):
                raise _bad("a sector chain loops or points outside the file")
            chain.append(n)
            n = table[n]
        return chain

    def _chain_bytes(self, start: int, size: int) -> bytes:
        data = b"".join(self._sector(n) for n in self._chain(start, self.fat))
        return data[:size]

    def _directory(self) -> list[tuple[str, int, int, int]]:
        raw = self._chain_bytes(_u32(self.data, 0x30), self.sectors * self.size)
        entries = []
        for at in range(0, len(raw) - 127, 128):
            length = min(int.from_bytes(raw[at + 0x40:at + 0x42], "little"), 64)
            name = raw[at:at + max(0, length - 2)].decode("utf-16-le", "replace")
            kind = raw[at + 0x42]
            start = int.from_bytes(raw[at + 0x74:at + 0x78], "little")
            size = int.from_bytes(raw[at + 0x78:at + 0x7C], "little")  # the high half is 0 in version 3 files
            entries.append((name, kind, start, size))
        return entries

    def stream(self, names: tuple[str, ...]) -> bytes:
        """The first stream named one of ``names`` (case-insensitive), bounded by its declared size."""
        wanted = [n.casefold() for n in names]
        for name, kind, start, size in self.entries:
            if kind == 2 and name.casefold() in wanted:
                if size > len(self.data) * 64:
                    raise _bad("a stream declares a size far beyond the file")
                if size >= self.cutoff:
                    return self._chain_bytes(start, size)
                chain = self._chain(start, self.mini_fat)
                return b"".join(self.mini_stream[n * self.mini_size:(n + 1) * self.mini_size] for n in chain)[:size]
        raise Rejection("unknown-format", "the .xls file has no Excel 97–2003 workbook stream (older Excel "
                        "formats are not read); save it as .xlsx")


def _records(stream: bytes, start: int = 0) -> list[tuple[int, bytes, int]]:
    """``(type, body, offset)`` of every record from ``start`` to the end of its substream (EOF)."""
    out, at = [], start
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4:at + 4 + size]
        if len(body) < size:
            raise _bad("a record runs past the end of the workbook")
        out.append((kind, body, at))
        at += 4 + size
        if kind == 0x000A:  # EOF
            break
    return out


def _text(body: bytes, at: int, count: int) -> str:
    """``count`` characters of an XLUnicodeString's character data starting with its flags byte."""
    if at >= len(body):
        raise _bad("a text field is cut short")
    high = body[at] & 0x01
    raw = body[at + 1:at + 1 + count * (2 if high else 1)]
    return raw.decode("utf-16-le" if high else "latin-1", "replace")


def _formula_result(body: bytes, following: tuple[int, bytes, int] | None) -> tuple[str | None, str | None]:
    """(saved result as text or ``None``, error text or ``None``) of a FORMULA record."""
    val = body[6:14]
    if len(val) < 8:
        raise _bad("a formula record is cut short")
    if val[6:8] != b"\xff\xff":
        return repr(struct.unpack("<d", val)[0]), None
    if val[0] == 0x00:  # a text result, in the STRING record that follows
        if following is None or following[0] != 0x0207:
            return None, None
        s = following[1]
        return _text(s, 2, _u16(s, 0)), None
    if val[0] == 0x01:
        return ("TRUE" if val[2] else "FALSE"), None
    if val[0] == 0x02:
        return None, ERRORS.get(val[2], "#ERROR")
    return None, None  # an empty text result


def scan_xls(source: str | Path | bytes) -> Scan:
    """The :class:`~.preflight.Scan` of an ``.xls`` workbook (after :func:`~.preflight.preflight`),
    given as its path or its bytes.

    Raises
    ------
    Rejection
        ``encrypted`` for a password-protected workbook, ``unknown-format`` for a workbook older
        than Excel 97, ``not-a-workbook`` for a damaged file.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    stream = _Compound(data).stream(_STREAM_NAMES)
    formats: dict[int, str] = {}
    blank: dict[int, str] = {}  # format number -> "numbers"/"all" (see cells.format_hides)
    styles: list[int] = []
    sheets: list[tuple[str, int]] = []
    strings = 0  # texts in the shared-string table (SST): a LABELSST index beyond it reads as empty
    for kind, body, _at in _records(stream):
        if kind == 0x002F:
            raise Rejection("encrypted", "the workbook is password-protected (encrypted); save it without a password")
        if kind == 0x041E:  # FORMAT: its number and its format string
            code = _text(body, 4, _u16(body, 2))
            shown, hides = format_shows(code), format_hides(code)
            if shown:
                formats[_u16(body, 0)] = shown
            if hides:
                blank[_u16(body, 0)] = hides
        elif kind == 0x00E0:  # XF: the cell styles, in order; a cell names its style by position
            styles.append(_u16(body, 2))
        elif kind == 0x00FC and len(body) >= 8:  # SST: total and unique count of texts
            strings = _u32(body, 4)
        elif kind == 0x0085 and len(body) > 7 and body[5] == 0:  # BOUNDSHEET8 of a worksheet
            sheets.append((_text(body, 7, body[6]), _u32(body, 0)))
    shows = {}
    for index, fid in enumerate(styles):
        shown = formats.get(fid) or ("percent" if fid in BUILTIN_PERCENT else "date" if fid in BUILTIN_DATE else None)
        if shown:
            shows[index] = shown
    scan = Scan()
    for name, offset in sheets:
        if offset >= len(stream):
            raise _bad(f"sheet '{name}' starts outside the workbook stream")
        cells = CellScan({i: blank[fid] for i, fid in enumerate(styles) if fid in blank}, strings)
        _scan_sheet(_records(stream, offset), name, shows, scan, cells)
    return scan


def _layout(records: list[tuple[int, bytes, int]], cells: CellScan) -> set[int]:
    """Hidden columns and merged ranges into ``cells``; the hidden rows (0-based) returned."""
    hidden_rows = set()
    for kind, body, _at in records:
        if kind == 0x0208 and len(body) >= 14 and body[12] & 0x20:  # ROW with fDyZero: hidden
            hidden_rows.add(_u16(body, 0))
        elif kind == 0x007D and len(body) >= 10:  # COLINFO: hidden, or zero wide
            cells.columns(str(_u16(body, 0) + 1), str(_u16(body, 2) + 1), "1" if body[8] & 0x01 else None,
                          str(_u16(body, 4)))
        elif kind == 0x00E5 and len(body) >= 2:  # MERGEDCELLS: Ref8 ranges
            for k in range(min(_u16(body, 0), (len(body) - 2) // 8)):
                r1, r2, c1, c2 = struct.unpack_from("<HHHH", body, 2 + 8 * k)
                cells.merge((r1 + 1, c1 + 1), (r2 + 1, c2 + 1))
    return hidden_rows


def _scan_sheet(records: list[tuple[int, bytes, int]], name: str, shows: dict[int, str], scan: Scan,
                cells: CellScan | None = None) -> None:
    cells = cells or CellScan({}, None)
    hidden_rows = _layout(records, cells)

    def mark(row: int, col: int, style: int, kind: str | None = None) -> str:
        ref = f"{column_letters(col + 1)}{row + 1}"
        if style in shows:
            shown = scan.percent if shows[style] == "percent" else scan.dates
            shown.setdefault(name, set()).add(ref)
        cells.cell(ref, row + 1, col + 1, row in hidden_rows, kind, str(style), True)
        return ref

    for i, (kind, body, _at) in enumerate(records):
        if kind in (0x0203, 0x027E):  # NUMBER, RK
            mark(_u16(body, 0), _u16(body, 2), _u16(body, 4))
        elif kind == 0x00BD:  # MULRK: several RK cells of one row
            row, first = _u16(body, 0), _u16(body, 2)
            for k in range((len(body) - 6) // 6):
                mark(row, first + k, _u16(body, 4 + 6 * k))
        elif kind == 0x0205:  # BOOLERR: a typed TRUE/FALSE or error
            ref = mark(_u16(body, 0), _u16(body, 2), _u16(body, 4))
            if len(body) >= 8 and body[7]:
                scan.errors.setdefault(name, {})[ref] = ERRORS.get(body[6], "#ERROR")
        elif kind == 0x0006:  # FORMULA, with its saved result
            ref = mark(_u16(body, 0), _u16(body, 2), _u16(body, 4))
            following = records[i + 1] if i + 1 < len(records) else None
            result, error = _formula_result(body, following)
            if error is not None:
                scan.errors.setdefault(name, {})[ref] = error
            scan.formulas.setdefault(name, {})[ref] = result if error is None else error
        elif kind in (0x00FD, 0x0204, 0x00D6):  # LABELSST, LABEL, RSTRING: text
            ref = mark(_u16(body, 0), _u16(body, 2), _u16(body, 4), "s")
            if kind == 0x00FD and len(body) >= 10 and cells.strings is not None and _u32(body, 6) >= cells.strings:
                scan.bad.setdefault(name, {})[ref] = ("bad-cell", BAD_STRING, str(_u32(body, 6)))
    hidden = cells.finish()
    if hidden:
        scan.hidden.setdefault(name, {}).update(hidden)
