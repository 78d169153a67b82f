"""Panels (several assessment years): one cohort page per year, trends and changes per city.

Conventions
-----------
* The latest year's cohort page is ``index.html``; every other year's is ``index-<year>.html``,
  each linking to the others. Ranks are within a year (as the scoring stage ranks a panel).
* The trend column of a cohort page is the change of the overall score since the city's previous
  assessed year (which may be more than one year earlier: the page then names that year).
* A city's trend lines (:mod:`assessment.report.sections.trend`) share one axis on the method's
  scale and place every year of the panel at the same distance: a year the city was not assessed
  leaves its place (the line joins the years around it); a year assessed without a score is a gap
  in the line and an empty cell in the table.
"""

from __future__ import annotations

import copy
from typing import Any

from .._missing import as_float
from .view import ReportView


class Panel:
    """The years of a panel and each city's assessed years, indexed once for the whole report."""

    def __init__(self, rep: ReportView) -> None:
        tuples = bool(rep.keys) and isinstance(rep.keys[0], tuple)
        years = sorted({k[1] for k in rep.keys}, key=str) if tuples else []
        #: The assessment years in order (empty unless the report holds two or more years).
        self.years: list[Any] = years if len(years) > 1 else []
        self.by_unit: dict[Any, list[Any]] = {}
        for k in rep.keys if self.years else []:
            self.by_unit.setdefault(k[0], []).append(k)
        for keys in self.by_unit.values():
            keys.sort(key=lambda k: str(k[1]))

    def cohort_file(self, year: Any) -> str:
        """File name of the cohort page of ``year`` (the latest year, or no panel: ``index.html``)."""
        return "index.html" if not self.years or year == self.years[-1] else f"index-{year}.html"

    def unit_keys(self, key: Any) -> list[Any]:
        """Every key of ``key``'s city, by year (``[]`` without a panel)."""
        return self.by_unit.get(key[0], []) if isinstance(key, tuple) else []

    def previous_year(self, key: Any) -> Any:
        """The city's latest assessed year before ``key``'s (``None`` for its first year or without a panel)."""
        keys = self.unit_keys(key)
        i = keys.index(key) if key in keys else 0
        return keys[i - 1][1] if i > 0 else None


def panel_of(rep: ReportView) -> Panel:
    """The panel of ``rep``'s report, indexed once and kept on the view (a year's copy of the view, made
    after, shares it: the years are the whole report's)."""
    if rep.panel is None:
        rep.panel = Panel(rep)
    return rep.panel


def year_view(rep: ReportView, year: Any) -> ReportView:
    """A shallow copy of ``rep`` holding only the units of ``year`` (for that year's cohort page)."""
    sub = copy.copy(rep)
    sub.keys = [k for k in rep.keys if k[1] == year]
    sub.scores = rep.scores.loc[sub.keys]
    sub._counts = {}  # ranked-city counts are cached per view: this one counts its own year's units
    return sub


def overall_change(rep: ReportView, panel: Panel, key: Any) -> tuple[float | None, Any]:
    """Change of the overall score since the previous assessed year, and that year."""
    ch = rep.r.change.get(rep.lens)
    root = rep.cat.lens(rep.lens).root.id
    if ch is None or ch.empty or key not in ch.index or root not in ch.columns:
        return None, None
    return as_float(ch.at[key, root]), panel.previous_year(key)
