"""Typed sections of a unit page: one module per section .

Each section module has a frozen dataclass built from the result by ``build(rep, key) -> Section | None``
(``None`` when the framework or method has nothing for it), names the template partial that renders it
(``templates/scorecard/sections/<id>.html.j2``, given the section as ``s``) and yields its own rows for
the page's CSV (:meth:`Section.csv_rows`, in :data:`assessment.report.downloads.CITY_COLUMNS` order).
A unit page holds its sections as an ordered tuple; adding a section is its module, its partial and its
translations, listed in :data:`UNIT_SECTIONS`. The sections: the overview (overall and outcome scores, rank
and rank interval), the profile (focus areas against peers), OECD well-being dimensions, enablers,
criteria, strengths and weaknesses, change since the previous year, the trend over the years, data
coverage, all indicators. The page's CSV is each section's rows in page order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..view import ReportView
from . import change, coverage, criteria, enablers, indicators, overview, profile, strengths, trend, wellbeing


class Section(Protocol):
    """What every section offers the page."""

    @property
    def id(self) -> str:
        """The section's key on the page (its HTML id where it has one)."""

    @property
    def template(self) -> str:
        """Its template partial."""

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """Its rows of the page's CSV."""


#: The unit page's typed sections, in page order (their builders).
UNIT_SECTIONS: tuple[Callable[[ReportView, Any], Section | None], ...] = (
    overview.build, profile.build, wellbeing.build, enablers.build, criteria.build, strengths.build, change.build,
    trend.build, coverage.build, indicators.build)


def unit_sections(rep: ReportView, key: Any) -> dict[str, Section]:
    """The sections of ``key``'s page that have something to show, by id, in page order."""
    built = (build(rep, key) for build in UNIT_SECTIONS)
    return {s.id: s for s in built if s is not None}
