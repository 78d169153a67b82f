"""Last year's values beside each indicator row of the template: a reference the reader never reads.

The reference column sits right of the Indicators sheet's input columns, locked, headed
"Accepted in {year} (reference only, not read)" and shaded so it is not taken for an input. The
workbook's marker records the reference year (:data:`~assessment.intake.layout.REFERENCE_MARKER`),
and the reader skips exactly :data:`~assessment.intake.layout.REFERENCE_COLUMNS` column(s) after
the inputs when it is there,
so a filled template with the reference column reads exactly as one without it. Without the
marker key, a value there is a stray cell, reported as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._missing import is_missing
from ..i18n import N_, _
from .layout import INDICATOR_TABLE, REFERENCE_MARKER, YEARS

#: The column's header (a msgid; ``{year}`` the reference year).
REFERENCE_HEADER = N_("Accepted in {year} (reference only, not read)")
REFERENCE_WIDTH = 18


@dataclass(frozen=True)
class Reference:
    """Values shown beside each indicator's input cells, read-only, as a reference.

    Parameters
    ----------
    year
        The year the values were accepted for (the previous round's), shown in the header.
    values
        Indicator id -> the accepted value (a finite number, or text as accepted). An indicator
        without a value, or with a missing one (``None``, NaN), has a blank reference cell; ids not
        in the template's catalogue have no row to stand beside and are not shown (the catalogue
        decides the rows, as it does for the input cells).

    Raises
    ------
    ValueError
        If ``year`` is outside 1990–2100 or a value is infinite.
    """

    year: int
    values: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not YEARS[0] <= self.year <= YEARS[1]:
            raise ValueError(f"reference year must be from {YEARS[0]} to {YEARS[1]}; got {self.year}")
        bad = sorted(k for k, v in self.values.items() if isinstance(v, float) and math.isinf(v))
        if bad:
            raise ValueError(f"reference values must be finite; infinite for {', '.join(bad)}")


def needs_workbook(out: Path, ref: Reference | None) -> None:
    """Refuse a reference for the long CSV, which has no column to hold it beside the inputs.

    Raises
    ------
    ValueError
        If ``ref`` is given and ``out`` ends in ``.csv``.
    """
    if ref is not None and out.suffix.lower() == ".csv":
        raise ValueError("a reference column needs the .xlsx template; the .csv form has no place for it")


def reference_marker(ref: Reference | None) -> list[tuple[str, object]]:
    """The marker row of a reference (none without one, so a template without it is the same bytes as before)."""
    return [(REFERENCE_MARKER, ref.year)] if ref is not None else []


def write_reference(wb: Any, ws: Any, ref: Reference, ids: list[str], lang: str) -> None:
    """Write the reference column right of the Indicators sheet's table (rows in ``ids`` order)."""
    col = len(INDICATOR_TABLE)
    head = wb.add_format({"bold": True, "italic": True, "bg_color": "#E7E6E6", "border": 1, "text_wrap": True,
                          "valign": "top", "locked": True, "font_color": "#595959"})
    cell = wb.add_format({"italic": True, "bg_color": "#F2F2F2", "locked": True, "font_color": "#595959",
                          "valign": "top", "num_format": "#,##0.###"})
    ws.set_column(col, col, REFERENCE_WIDTH)
    ws.write(0, col, _(REFERENCE_HEADER, lang).format(year=ref.year), head)
    for r, ind in enumerate(ids, start=1):
        value = ref.values.get(ind)
        if is_missing(value):
            ws.write_blank(r, col, None, cell)
        else:
            ws.write(r, col, value, cell)


def reference_from(rows: Iterable[Mapping[str, Any]], city: str = "") -> Reference | None:
    """One city-year's accepted values (rows of ``Intake.accepted.data``) as a :class:`Reference`.

    ``city`` picks the city when the rows hold several (a name as the profile gives it). ``None``
    when the rows do not hold exactly one city-year (none, or several and ``city`` picks none or
    several): the caller says so, nothing is guessed. Missing values stay missing (blank cells).
    """
    chosen = [r for r in rows if not city or r["city"] == city]
    keys = {(r["city"], int(r["year"])) for r in chosen}
    if len(keys) != 1:
        return None
    (_city, year), = keys
    return Reference(year, {r["indicator"]: r["value"] for r in chosen})
