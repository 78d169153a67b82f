"""Change since the previous year (panels only): each score's change since the unit's previous assessed
year (the result's ``change`` table of the page's lens), and which year that was. No section outside a
panel, for a unit's first assessed year, or when no score has a change to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._missing import as_float
from ..view import ReportView
from ..years import panel_of


@dataclass(frozen=True)
class ScoreChange:
    """One score (the lens's columns, in order) and its change in score points (``None``: no change known,
    as when the score is missing in either year)."""

    name: str
    change: float | None


@dataclass(frozen=True)
class Change:
    """The section: the changes, the previous assessed year (which may be more than one year earlier) and
    the framework's word for a unit ("city", "country" …) for the sentence naming that year."""

    rows: tuple[ScoreChange, ...]
    since: Any
    unit_word: str
    id: str = "change"
    template: str = "scorecard/sections/change.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """No rows: the page's CSV holds scores and indicators, as before this section moved (the changes
        are in the full results workbook)."""
        return []


def build(rep: ReportView, key: Any) -> Change | None:
    """The section of ``key`` (a ``(unit, year)`` key of a panel), or ``None`` (see the module)."""
    ch = rep.r.change.get(rep.lens)
    if ch is None or ch.empty or not isinstance(key, tuple) or key not in ch.index:
        return None
    row = rep.row(ch, key)
    rows = tuple(ScoreChange(rep.node_name(c), as_float(row[c])) for c in ch.columns)
    if all(x.change is None for x in rows):  # the first year has nothing to compare
        return None
    return Change(rows, panel_of(rep).previous_year(key), rep.words.unit)
