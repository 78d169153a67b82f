"""Data coverage: how many of the scored indicators the unit reported, had imputed or misses (the result's
``coverage_counts``), and for the overall score, each outcome and each focus area, the indicators reported
under it against how many its score needs (the method's ``aggregate.min_reported``). No section when the
framework scores no indicator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..view import ReportView


@dataclass(frozen=True)
class NodeCoverage:
    """One score: indicators reported under it (imputed values do not count), of ``total``, as a share
    (0 to 1), and how many its score needs."""

    name: str
    reported: int
    total: int
    share: float
    needed: int


@dataclass(frozen=True)
class Coverage:
    """The section: the unit's counts over every scored indicator, then one row per score (overall,
    outcomes, focus areas, in that order; a score the coverage table does not hold is left out)."""

    reported: int
    imputed: int
    missing: int
    total: int
    nodes: tuple[NodeCoverage, ...]
    id: str = "coverage"
    template: str = "scorecard/sections/coverage.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """No rows: the page's CSV holds scores and indicators, as before this section moved (coverage is
        in the full results workbook)."""
        return []


def build(rep: ReportView, key: Any) -> Coverage | None:
    """The section of ``key``, or ``None`` when the framework scores no indicator."""
    counts = rep.coverage(key)
    if not counts or not counts["total"]:
        return None
    root = rep.cat.lens(rep.lens).root.id
    nodes = []
    for node in [root, *(o for o in rep.outcomes if o in rep.scores.columns),
                 *(a for a in rep.areas if a in rep.scores.columns)]:
        cov = rep.node_coverage(key, node)
        if cov:
            nodes.append(NodeCoverage(rep.node_name(node), cov["reported"], cov["total"], cov["share"],
                                      cov["needed"]))
    return Coverage(counts["reported"], counts["imputed"], counts["missing"], counts["total"], tuple(nodes))
