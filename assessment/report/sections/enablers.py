"""Enablers: the level each enabler item reached (from the result's ``enabler_levels``), its descriptor and
what it takes to move up one level. No section when the framework has no enablers (COINr's ASEM, the OECD
Better Life Index, a framework of indicators only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._missing import as_float
from ...i18n import text
from ..view import ReportView

#: The highest maturity level of an enabler item: at it there is nothing "to move up" to.
TOP_LEVEL = 5


@dataclass(frozen=True)
class Enabler:
    """One enabler item: its level (``None``: not answered), that level's name and descriptor, and the next
    level's name and descriptor (empty at the top level or when not answered)."""

    id: str
    name: str
    level: int | None
    level_name: str
    descriptor: str
    next_name: str
    next: str


@dataclass(frozen=True)
class Enablers:
    """The section: every enabler item of the catalogue, in catalogue order."""

    items: tuple[Enabler, ...]
    id: str = "enablers"
    template: str = "scorecard/sections/enablers.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """No rows: the page's CSV holds scores and indicators, as before this section moved (the enabler
        levels are in the full results workbook, ``enabler_levels``)."""
        return []


def build(rep: ReportView, key: Any) -> Enablers | None:
    """The section of ``key``, or ``None`` when the catalogue has no enablers. A level is the answer's whole
    part (levels are 0 to 5); a missing answer is "not answered", with no next step."""
    if not rep.cat.enablers:
        return None
    answers = rep.row(rep.r.enabler_levels, key)
    items = []
    for ena in rep.cat.enablers:
        lv = as_float(answers[ena.id]) if ena.id in answers else None
        level = None if lv is None else int(lv)
        nxt = None if level is None or level >= TOP_LEVEL else level + 1
        items.append(Enabler(ena.id, text(ena.name, rep.lang), level, rep.level_name(level),
                             "" if level is None else text(ena.levels[level], rep.lang),
                             rep.level_name(nxt), "" if nxt is None else text(ena.levels[nxt], rep.lang)))
    return Enablers(tuple(items))
