"""Trend over the assessment years (panels only): the unit's overall, outcome and focus-area scores in
every year it was assessed, as small line charts sharing one axis on the method's scale and as a table.
Every year of the panel sits at the same distance on the axis: a year the unit was not assessed leaves its
place (the line joins the years around it); a year assessed without a score breaks the line and leaves
its cell empty. No section outside a panel or for a unit assessed in one year only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._missing import as_float
from .. import charts
from ..view import ReportView
from ..years import panel_of

#: The size of each small chart in pixels, and the inset of its lines from the frame.
WIDTH, HEIGHT, INSET = 150, 54, 6


@dataclass(frozen=True)
class Line:
    """One score over the unit's assessed years: its values (``None``: no score that year), the polylines
    between scored years (``"x,y x,y …"``) and a dot for each scored year."""

    name: str
    values: tuple[float | None, ...]
    segments: tuple[str, ...]
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Trend:
    """The section: the unit's name, its assessed years (``current`` is the page's year's place among
    them), one line per score and the charts' size and colour."""

    unit: str
    years: tuple[Any, ...]
    current: int
    lines: tuple[Line, ...]
    width: int = WIDTH
    height: int = HEIGHT
    colour: str = charts.PALETTE[0]
    id: str = "trend"
    template: str = "scorecard/sections/trend.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """No rows: the page's CSV holds this year's scores and indicators (earlier years have pages and
        CSVs of their own)."""
        return []


def build(rep: ReportView, key: Any) -> Trend | None:
    """The section of ``key`` (a ``(unit, year)`` key of a panel), or ``None`` (see the module)."""
    if not isinstance(key, tuple):
        return None
    panel = panel_of(rep)
    keys = panel.unit_keys(key)
    if len(keys) < 2:
        return None
    root = rep.cat.lens(rep.lens).root.id
    nodes = [root, *[o for o in rep.outcomes if o in rep.scores.columns],
             *[a for a in rep.areas if a in rep.scores.columns]]
    years = panel.years
    step = (WIDTH - 2 * INSET) / (len(years) - 1)
    xs = [round(INSET + years.index(k[1]) * step, 1) for k in keys]
    lines = []
    for node in nodes:
        values = tuple(as_float(rep.scores.at[k, node]) for k in keys)
        points = [None if v is None else (xs[i], round(HEIGHT - 4 - rep.words.scale.share(v) * (HEIGHT - 8), 1))
                  for i, v in enumerate(values)]
        segments: list[str] = []
        run: list[tuple[float, float]] = []
        for p in [*points, None]:  # a year without a score breaks the line
            if p is None:
                if len(run) > 1:
                    segments.append(" ".join(f"{x},{y}" for x, y in run))
                run = []
            else:
                run.append(p)
        lines.append(Line(rep.node_name(node), values, tuple(segments), tuple(p for p in points if p is not None)))
    return Trend(rep.unit_label(key), tuple(k[1] for k in keys), keys.index(key), tuple(lines))
