"""Cohort views beyond the headline lens: heatmaps of the OECD well-being dimensions and of the
enabler levels, and the names behind the coverage matrix.

Rows follow the cohort ranking table (rank, then name); colours are the scorecards' blue scale
(:func:`assessment.report.charts.heat_colour` for scores, the maturity-level colours for enabler
levels), each with a legend giving the numbers it encodes.
"""

from __future__ import annotations

from typing import Any

from .._missing import as_float
from ..i18n import text
from . import charts
from .view import ReportView


def wellbeing_heatmap(rep: ReportView, order: list[Any]) -> dict[str, Any] | None:
    """Dimension scores of every city (rows in ``order``), or ``None`` without a ``wellbeing`` lens."""
    lens = rep.cat.lens_for("wellbeing")
    if lens is None or lens.id not in rep.r.aggregated:
        return None
    table = rep.r.aggregated[lens.id]
    dims = [leaf.id for leaf in lens.leaves() if leaf.id in table.columns]
    rows = []
    for key in order:
        values = [as_float(table.at[key, d]) if key in table.index else None for d in dims]
        rows.append({"city": rep.unit_label(key), "slug": rep.slugs[key], "year": rep.year_of(key),
                     "cells": [(v, *charts.heat_colour(v, rep.words.scale)) for v in values]})
    return {"columns": [text(lens.node(d).name, rep.lang) for d in dims], "rows": rows}


def enabler_heatmap(rep: ReportView, order: list[Any]) -> dict[str, Any] | None:
    """Enabler levels (0–5) of every city (rows in ``order``), or ``None`` when the catalogue has none."""
    answers = rep.r.enabler_levels
    items = [e for e in rep.cat.enablers if e.id in answers.columns]
    if not items:
        return None
    rows = []
    for key in order:
        cells = []
        row = rep.row(answers, key)
        for e in items:
            lv = as_float(row[e.id]) if row else None
            level = None if lv is None else int(lv)
            colour = ("#ffffff", "#595959") if level is None else \
                (charts.LEVEL_COLOURS[level], charts.LEVEL_TEXT[level])
            cells.append((level, *colour, rep.level_name(level)))
        rows.append({"city": rep.unit_label(key), "slug": rep.slugs[key], "year": rep.year_of(key), "cells": cells})
    legend = [(k, charts.LEVEL_COLOURS[k], charts.LEVEL_TEXT[k], rep.level_name(k)) for k in range(6)]
    return {"columns": [{"id": e.id, "name": text(e.name, rep.lang)} for e in items], "rows": rows,
            "legend": legend}


def coverage_names(rep: ReportView) -> list[dict[str, Any]]:
    """Id, name and focus area of every scored indicator, in the coverage matrix's (catalogue) order, with
    its cell's x position in the matrix and the start of the cell's title (the same in every row)."""
    membership = rep.cat.membership(rep.area_lens)
    out = []
    for k, ind in enumerate(rep.scored, start=1):
        area = membership.get(ind.id)
        name = text(ind.name, rep.lang)
        out.append({"n": str(k), "id": ind.id, "name": name,
                    "area": rep.node_name(area) if isinstance(area, str) and area in rep.areas else "",
                    "x": (k - 1) * 6 + 0.5, "label": f"{k}. {ind.id} {name}"})
    return out

