"""Criteria-based maturity models: for each model of the catalogue, the level the unit reached, the criteria
blocking the next level, and every level's criteria with the unit's answers (typed by
:func:`assessment.report.criteria.criteria_sections`). No section when the catalogue has no criteria
models (COINr's ASEM, the OECD Better Life Index) or none has a row for the unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..criteria import Model, criteria_sections
from ..view import ReportView


@dataclass(frozen=True)
class Criteria:
    """The section: one model after another, in catalogue order (each its own ``criteria-<id>`` part)."""

    models: tuple[Model, ...]
    id: str = "criteria"
    template: str = "scorecard/sections/criteria.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """No rows: the page's CSV holds scores and indicators, as before this section moved (the answers
        and levels are in the full results workbook)."""
        return []


def build(rep: ReportView, key: Any) -> Criteria | None:
    """The section of ``key``, or ``None`` (see the module)."""
    models = criteria_sections(rep.r, key, rep.lang, rep.criteria)
    return Criteria(tuple(models)) if models else None
