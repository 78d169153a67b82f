"""OECD well-being dimensions: the unit's score on each dimension of the catalogue's well-being lens (the
lens whose role is ``wellbeing``) against the cohort median, as bars on the method's scale and as a table.
No section when the catalogue has no well-being lens or the result did not aggregate it (COINr's ASEM, a
framework of its own dimensions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._missing import as_float
from ...i18n import _, text
from .. import charts
from ..view import ReportView

#: Pixels per dimension in the bar chart, and the chart's margin below the last bar.
ROW, MARGIN = 22, 24


@dataclass(frozen=True)
class Dimension:
    """One dimension: its score and the cohort median (``None``: missing, or a cohort of one unit), and its
    bar (``bar.width`` the score's length, ``bar.tick`` the median's place, both on the method's scale)."""

    name: str
    value: float | None
    median: float | None
    bar: charts.Bar


@dataclass(frozen=True)
class Wellbeing:
    """The section: the unit's name (the chart's legend and the table's column), its dimensions in the
    lens's order and the chart's height."""

    unit: str
    rows: tuple[Dimension, ...]
    height: int
    id: str = "wellbeing"
    template: str = "scorecard/sections/wellbeing.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """One row per dimension: its name, score and the cohort median (no id: as the page's CSV always had)."""
        section = _("OECD well-being dimensions", lang)
        return [[section, "", r.name, None, "", None, r.value, "", None, r.median, None] for r in self.rows]


def build(rep: ReportView, key: Any) -> Wellbeing | None:
    """The section of ``key``, or ``None`` (see the module)."""
    olens = rep.wellbeing
    if olens is None or rep.wellbeing_median is None:
        return None
    dims = [leaf.id for leaf in olens.leaves()]
    value_row, median_row = rep.row(rep.r.aggregated[olens.id], key), rep.row(rep.wellbeing_median, key)
    values = [as_float(value_row[d]) for d in dims]
    medians = [as_float(median_row.get(d)) for d in dims]
    geo = charts.bars(values, medians, row=ROW, scale=rep.words.scale)
    rows = tuple(Dimension(text(olens.node(d).name, rep.lang), v, m, g)
                 for d, v, m, g in zip(dims, values, medians, geo, strict=True))
    return Wellbeing(rep.unit_label(key), rows, len(rows) * ROW + MARGIN)
