"""Cell by cell in the pre-flight scan: values that cannot be read, and values the person could not see.

Why: python-calamine refuses a whole workbook for one cell it cannot read (a shared-string index
out of range, text in a cell marked as a number, a boolean that is not 0 or 1, an unknown cell
type or error value), and it reads another cell silently wrong (a shared-string index that is not
a number reads as the first text of the file; ``1e-400`` reads as 0). And it reads what the person
did not see: a value under a merged cell, in a hidden row or column, or in a number format that
shows it blank (``;;;``). The pre-flight scans (:mod:`.preflight`, :mod:`.xls`) call this
module for every cell, so that

* a **bad cell** (``.xlsx``/``.xlsm`` and ``.ods``) is recorded with why (:data:`BAD_STRING` …),
  and it is cut from a copy of the part (:func:`repaired`; in an ``.ods`` an empty cell as wide
  takes its place) that the reader opens instead, so every other value is still read and the bad
  cell is one problem naming its file, sheet and cell (``bad-cell``; ``underflow`` for a number
  too close to zero to store). An ``.xls`` is read as it is (its records cannot be cut);
* a **hidden cell** holding a value (every format) is recorded with how it was hidden
  (:data:`UNDER_MERGE` …); it is read like any other cell, and a warning names it (``hidden-cell``).

Rules for number formats (ECMA-376 18.8.31, the same in Excel and LibreOffice): a format has up
to four sections separated by ``;`` (positive, negative, zero, text). Numbers are shown blank when
the format has at least two sections and its number sections are all empty (``;;``, ``;;;``,
``;;;@``); text is shown blank when the fourth section is empty too (``;;;``). Colours and
conditions in brackets and empty quoted text (``""``) show nothing; other quoted text does.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ..i18n import N_
from .numbers import underflows

#: Cell types of SpreadsheetML (ECMA-376 18.18.11), and inline strings.
CELL_TYPES = frozenset({"n", "s", "str", "inlineStr", "b", "e", "d"})
#: Error values a reader understands; calamine refuses a sheet with any other.
KNOWN_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"})
BOOLEANS = frozenset({"0", "1", "true", "false"})

BAD_STRING = N_("it points to a text that is not in the file")
BAD_NUMBER = N_("it is marked as a number but holds text")
BAD_BOOLEAN = N_("it is marked as true or false but holds something else")
BAD_TYPE = N_("its cell type is unknown")
UNDER_MERGE = N_("under a merged cell")
HIDDEN_ROW = N_("in a hidden row")
HIDDEN_COLUMN = N_("in a hidden column")
BLANK_FORMAT = N_("shown blank by its number format")

_BRACKETS = re.compile(r"\[[^\]]*\]")
_SECTIONS = re.compile(r'"[^"]*"|\\.|;|[^";\\]+')


def format_hides(code: str) -> str | None:
    """``numbers`` when a number format shows numbers blank, ``all`` when text too; else ``None``."""
    sections, current = [], ""
    for token in _SECTIONS.findall(_BRACKETS.sub("", code)):
        if token == ";":
            sections.append(current)
            current = ""
        elif token != '""':  # an empty quoted text shows nothing
            current += token
    sections.append(current)
    if len(sections) < 2 or any(s.strip() for s in sections[:3]):
        return None
    return "all" if len(sections) >= 4 and not sections[3].strip() else "numbers"


def bad_value(kind: str | None, value: str | None, strings: int | None) -> tuple[str, str] | None:
    """``(code, reason)`` when a cell's stored value cannot be read as its type says; ``None`` when it can.

    ``strings`` is the number of texts in the shared-string table (``None``: no table was found,
    the reader's own check applies). Text in a cell without a type is read as text (calamine does).
    """
    if kind is not None and kind not in CELL_TYPES:
        return "bad-cell", BAD_TYPE
    if value is None:
        return None
    v = value.strip()
    if kind == "s" and strings is not None and not (v.isascii() and v.isdigit() and int(v) < strings):
        return "bad-cell", BAD_STRING
    if kind == "b" and v.lower() not in BOOLEANS:
        return "bad-cell", BAD_BOOLEAN
    if kind in (None, "n"):
        try:
            number = float(v)
        except ValueError:
            return ("bad-cell", BAD_NUMBER) if kind == "n" else None
        if underflows(v, number):
            return "underflow", ""
    return None


#: A cell cut from a part before the reader opens the workbook: its byte span and what replaces it (nothing in
#: an ``.xlsx``, whose cells name their place; an empty cell of the same width in an ``.ods``, whose cells are
#: placed by counting).
Cut = tuple[int, int, bytes]


def ods_bad_value(kind: str | None, value: str | None, boolean: str | None) -> tuple[str, str] | None:
    """``(code, reason)`` for an ``.ods`` cell whose stored value cannot be read as its ``office:value-type``
    says (calamine refuses the file for a number that is not one, and reads any boolean but ``true`` as false)."""
    if kind in ("float", "percentage", "currency") and value is not None:
        try:
            number = float(value)
        except ValueError:
            return "bad-cell", BAD_NUMBER
        return ("underflow", "") if underflows(value, number) else None
    if kind == "boolean" and (boolean or "").strip().lower() not in ("true", "false"):
        return "bad-cell", BAD_BOOLEAN
    return None


@dataclass
class CellScan:
    """Per-sheet state of the cell scan: hidden columns and rows, merges, the filled cells and the cuts."""

    hides: dict[int, str]  # style index -> "numbers" or "all" (see format_hides)
    strings: int | None
    merged: bool = True  # whether the sheet may merge cells (else the filled cells need not be kept)
    hidden_columns: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col
    filled: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> ref, cells with a value
    hidden: dict[str, str] = field(default_factory=dict)  # ref -> how (a msgid)
    cuts: list[Cut] = field(default_factory=list)  # the cells to cut from the sheet

    def columns(self, first: str | None, last: str | None, hidden: str | None, width: str | None) -> None:
        """A ``<col>`` element: hidden, or zero wide."""
        shut = hidden in ("1", "true") or (width is not None and _zero(width))
        if shut and first and last and first.isdigit() and last.isdigit():
            self.hidden_columns.update(range(int(first), min(int(last), 16_384) + 1))

    def merge(self, first: tuple[int, int], last: tuple[int, int]) -> None:
        self.merges.append((*first, *last))

    def cell(self, ref: str, row: int, col: int, row_hidden: bool, kind: str | None, style: str | None,
             has_value: bool) -> None:
        """A cell with a value: remember it, and how it is hidden if it is."""
        if not has_value:
            return
        if self.merged:
            self.filled[(row, col)] = ref
        if row_hidden:
            self.hidden[ref] = HIDDEN_ROW
        elif col in self.hidden_columns:
            self.hidden[ref] = HIDDEN_COLUMN
        elif self.hides and style and style.isdigit():
            hides = self.hides.get(int(style))
            if hides == "all" or (hides == "numbers" and kind in (None, "n")):
                self.hidden[ref] = BLANK_FORMAT

    def finish(self) -> dict[str, str]:
        """Every hidden cell with a value (merges are listed after the cells, so they are applied last)."""
        for r1, c1, r2, c2 in self.merges:  # each costs the smaller of its area and the filled cells
            if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(self.filled):
                covered = ((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in self.filled)
            else:
                covered = (rc for rc in self.filled if r1 <= rc[0] <= r2 and c1 <= rc[1] <= c2)
            for rc in covered:
                if rc != (r1, c1):
                    self.hidden.setdefault(self.filled[rc], UNDER_MERGE)
        return self.hidden


def _zero(width: str) -> bool:
    try:
        return float(width) == 0
    except ValueError:
        return False


def row_hidden(hidden: str | None, height: str | None) -> bool:
    """A ``<row>`` element that is hidden, or zero high."""
    return hidden in ("1", "true") or (height is not None and _zero(height))


def end_of_element(xml: bytes, at: int, tag: str) -> int:
    """The byte after element ``tag`` whose end the parser reports at ``at``: the start of its end tag, or,
    for an empty element (``<c/>``), already the byte after it."""
    if xml.startswith(b"</" + tag.encode(), at):
        return xml.index(b">", at) + 1
    return at


def repaired(path: str, cuts: dict[str, list[Cut]]) -> io.BytesIO:
    """A copy of the workbook with the ``cuts`` (per part) made: the cells that cannot be read."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            spans = sorted(cuts.get(info.filename, ()))
            if spans:
                kept, start = [], 0
                for a, b, replacement in spans:
                    kept += [data[start:a], replacement]
                    start = b
                data = b"".join([*kept, data[start:]])
            zout.writestr(info, data)
    out.seek(0)
    return out


@dataclass
class OdsCells:
    """The hidden and the bad cells of an ``.ods`` ``content.xml``: columns and rows with
    ``table:visibility`` ``collapse`` or ``filter``; a ``covered-table-cell`` holding a value is under a
    merged cell; a value that cannot be read as its ``office:value-type`` says is cut (:func:`ods_bad_value`)."""

    hidden: dict[str, dict[str, str]]  # sheet -> cell -> how: Scan.hidden
    bad: dict[str, dict[str, tuple[str, str, str]]]  # Scan.bad
    cuts: list[Cut] = field(default_factory=list)
    sheet: str = ""
    columns: int = 0
    hidden_columns: set[int] = field(default_factory=set)
    row_hidden: bool = False
    pending: Cut | None = None  # a bad cell whose end is not reached yet (its end is unknown at its start)

    def table(self, name: str) -> None:
        self.sheet, self.columns, self.hidden_columns = name, 0, set()

    def column(self, repeat: int, visibility: str | None) -> None:
        if visibility in ("collapse", "filter"):
            self.hidden_columns.update(range(self.columns + 1, min(self.columns + repeat, 16_384) + 1))
        self.columns += repeat

    def cell(self, rows: range, columns: range, covered: bool) -> None:
        """A cell with a value over ``rows`` × ``columns`` (its repeats)."""
        for col in columns:
            how = (UNDER_MERGE if covered else HIDDEN_ROW if self.row_hidden
                   else HIDDEN_COLUMN if col in self.hidden_columns else None)
            if how is not None:
                letters = column_letters(col)
                self.hidden.setdefault(self.sheet, {}).update({f"{letters}{r}": how for r in rows})

    def check(self, qname: str, values: tuple[str | None, str | None, str | None], rows: range, columns: range,
              start: int) -> None:
        """A cell's ``(value-type, value, boolean-value)``: a bad one is recorded and its cut begun at ``start``."""
        verdict = ods_bad_value(*values)
        if verdict is None:
            return
        found = values[1] if values[1] is not None else values[2] or ""
        self.bad.setdefault(self.sheet, {}).update(
            {f"{column_letters(col)}{r}": (*verdict, found) for col in columns for r in rows})
        prefix = qname.rpartition(":")[0]
        width = f' {prefix}{":" if prefix else ""}number-columns-repeated="{len(columns)}"' if len(columns) > 1 else ""
        self.pending = (start, 0, f"<{qname}{width}/>".encode())  # an empty cell as wide, so the rest stays put

    def close(self, qname: str, xml: bytes, at: int) -> None:
        """The end of an element: the end of the pending cut if it is that cell's."""
        if self.pending is not None and qname.rsplit(":", 1)[-1] in ("table-cell", "covered-table-cell"):
            start, _end, replacement = self.pending
            self.cuts.append((start, end_of_element(xml, at, qname), replacement))
            self.pending = None


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
