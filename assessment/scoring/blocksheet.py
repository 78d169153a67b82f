"""A worksheet that writes a block of numbers a row at a time, as ``write_number`` cells would be written.

A 2,000-unit result's workbook has over two million numbers; per-cell ``write_number`` calls and their XML
cost about 6 µs each. :func:`.export.write_sheet` uses this class (and imports it, with xlsxwriter, only when
a workbook is written).
"""

from __future__ import annotations

import math

import numpy as np
from xlsxwriter import __version__ as xlsxwriter_version
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

#: xlsxwriter versions whose internal row writer :class:`BlockSheet` was checked against, byte for byte.
BLOCK_XLSXWRITER = frozenset({"3.3.1"})


class BlockSheet(Worksheet):
    """An xlsxwriter worksheet that also holds a block of numbers (finite ones are cells, NaN and
    ``±inf`` are not) and writes its rows as ``write_number`` cells would be written (``r`` then
    ``<v>`` as ``{:.16G}``, no format), with the same ``<row>`` spans and sheet dimension.

    Per-cell ``write_number`` calls and their XML cost about 6 µs a cell; a 2,000-unit result has
    over two million. Anything the fast rows do not cover (row or column formats, comments) first
    turns the block into ordinary cells and leaves the writing to xlsxwriter. It overrides
    xlsxwriter's internal ``_write_rows`` (and uses ``table``, ``_write_row``, ``_write_cell``):
    the tests comparing the bytes with ``DataFrame.to_excel``'s guard it against a new xlsxwriter.
    """

    def __init__(self) -> None:
        super().__init__()
        self._block: tuple[int, list[int], np.ndarray] | None = None

    def set_block(self, row0: int, cols: list[int], values: np.ndarray) -> None:
        """Numbers from row ``row0``, column ``cols[k]`` holding ``values[:, k]`` (columns increasing).

        With an xlsxwriter other than the versions :meth:`_write_rows` was checked against
        (:data:`BLOCK_XLSXWRITER`), the numbers are ordinary ``write_number`` cells: the same bytes, slower.
        """
        finite = np.isfinite(values)
        if xlsxwriter_version not in BLOCK_XLSXWRITER:
            for i, k in zip(*np.nonzero(finite), strict=True):
                self.write_number(row0 + int(i), cols[int(k)], float(values[i, k]))
            return
        rows, cols_hit = np.flatnonzero(finite.any(axis=1)), np.flatnonzero(finite.any(axis=0))
        if not len(rows):
            return
        self._check_dimensions(row0 + int(rows[0]), cols[int(cols_hit[0])])
        self._check_dimensions(row0 + int(rows[-1]), cols[int(cols_hit[-1])])
        self._block = (row0, cols, values)

    def _write_rows(self) -> None:
        if self._block is None:
            super()._write_rows()
            return
        row0, cols, values = self._block
        if self.row_info or self.comments or any(c in self.col_info for c in cols):
            self._block = None
            for i, row in enumerate(values.tolist()):
                for c, v in zip(cols, row, strict=True):
                    if math.isfinite(v):
                        self.write_number(row0 + i, c, v)
            super()._write_rows()
            return
        finite = np.isfinite(values)
        whole, any_row = finite.all(axis=1).tolist(), finite.any(axis=1).tolist()
        first = [cols[k] for k in finite.argmax(axis=1).tolist()] if cols else []
        last = [cols[len(cols) - 1 - k] for k in finite[:, ::-1].argmax(axis=1).tolist()] if cols else []
        letters = [xl_col_to_name(c) for c in cols]
        # a whole row of numbers is one %-format of a template ('%.16G' formats as '{:.16G}' does)
        template = "".join(f'<c r="{x}#"><v>%.16G</v></c>' for x in letters)
        cells_of, rows, fin_rows = self.table, values.tolist(), finite.tolist()
        spans = self._spans(row0, any_row, first, last)
        for r in range(self.dim_rowmin, self.dim_rowmax + 1):
            i, cells = r - row0, cells_of.get(r)
            numbers = 0 <= i < len(rows) and any_row[i]
            if not numbers and not cells:
                continue
            self._write_row(r, spans.get(r // 16))
            if numbers and ((cells and max(cells) > first[i]) or not whole[i]):
                pieces = {c: f'<c r="{x}{r + 1}"><v>{v:.16G}</v></c>' for c, x, v, f
                          in zip(cols, letters, rows[i], fin_rows[i], strict=True) if f}
                for c in sorted({*(cells or ()), *pieces}):  # by column, text cells among the numbers
                    if c in pieces:
                        self.fh.write(pieces[c])
                    else:
                        self._write_cell(r, c, cells[c])
            else:
                for c in sorted(cells or ()):
                    self._write_cell(r, c, cells[c])
                if numbers:
                    self.fh.write(template.replace("#", str(r + 1)) % tuple(rows[i]))
            self._xml_end_tag("row")

    def _spans(self, row0: int, any_row: list[bool], first: list[int], last: list[int]) -> dict[int, str]:
        """The ``spans`` of each block of 16 rows (first:last column, 1-based), as xlsxwriter reckons them."""
        spans: dict[int, str] = {}
        lo: int | None = None
        hi = 0
        for r in range(self.dim_rowmin, self.dim_rowmax + 1):
            ends = list(self.table.get(r) or ())
            i = r - row0
            if 0 <= i < len(any_row) and any_row[i]:
                ends += [first[i], last[i]]
            if ends:
                lo, hi = (min(ends), max(ends)) if lo is None else (min(lo, *ends), max(hi, *ends))
            if ((r + 1) % 16 == 0 or r == self.dim_rowmax) and lo is not None:
                spans[r // 16] = f"{lo + 1}:{hi + 1}"
                lo = None
        return spans
