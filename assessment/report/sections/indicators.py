"""All indicators: every indicator of the unit, grouped by focus area (the area lens), with its value, unit,
data year, source and quality (when the inputs give them), score, level, the peer-group median (the cohort
median without peer groups) and rank; imputed values and values under query are marked. No section when no
indicator is listed under the focus areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from ..._missing import as_float
from ...i18n import fmt_fixed
from ..downloads import whole
from ..view import ReportView


class Row(NamedTuple):
    """One indicator (a named tuple, not a dataclass: a page of a large cohort holds hundreds, and a tuple is
    made several times faster; it is immutable all the same).

    ``shown`` is value (2 decimals), score and median (1 decimal) and rank as the page shows them,
    formatted once here for the page's longest table. ``rank`` is ``None`` in a cohort of one unit (a rank
    of one unit is no rank); ``quality`` is the catalogue's quality-flag name; ``query`` the reviewer's
    question, empty when the value is not under query."""

    id: str
    name: str
    unit: str
    shown: tuple[str, str, str, str]
    value: float | None
    data_year: float | None
    source: str
    quality: str
    imputed: bool
    score: float | None
    level: float | None
    level_name: str
    peer: float | None
    rank: float | None
    context: bool
    query: str


@dataclass(frozen=True)
class Group:
    """The indicators of one focus area, in catalogue order."""

    name: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Indicators:
    """The section. ``details``: the inputs give data years, sources and quality (their columns are shown);
    ``levels``: some indicator has a level (the level column is shown); ``against_peers``: the median column
    is the peer group's (else the cohort's); ``queried``: some value is under query; ``queries_excluded``:
    the method leaves queried values out of the scores."""

    groups: tuple[Group, ...]
    details: bool
    levels: bool
    against_peers: bool
    queried: bool
    queries_excluded: bool
    id: str = "indicators"
    template: str = "scorecard/sections/indicators.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """One row per indicator: its focus area as the section, id, name, value, unit, data year (whole),
        score, level, the median (in the peer column whichever median it is, as the page heads it) and rank
        (whole); the values unrounded."""
        return [[g.name, r.id, r.name, r.value, r.unit, whole(r.data_year), r.score, r.level_name, r.peer, None,
                 whole(r.rank)] for g in self.groups for r in g.rows]


def _num(value: Any) -> float | None:
    """:func:`as_float`, with a shortcut for the common case (a float that is not NaN: itself)."""
    return value if type(value) is float and value == value else as_float(value)


def build(rep: ReportView, key: Any) -> Indicators | None:
    """The section of ``key``, or ``None`` when no indicator is listed under the focus areas."""
    r, lang = rep.r, rep.lang
    details = rep.details.get(key, {})
    queried = rep.queried.get(key, {})
    value, flags, score = rep.row(r.imputed, key), rep.row(r.imputed_flags, key), rep.row(r.normalised, key)
    level, peer = rep.row(r.indicator_levels, key), rep.row(rep.peer_indicators, key)
    rank = rep.row(r.indicator_ranks, key)
    groups: dict[str, list[Row]] = {a: [] for a in rep.areas}
    for area, ind_id, name, unit, context in rep.indicator_labels():
        det = details.get(ind_id, {})
        lv = _num(level.get(ind_id))
        q = as_float(det.get("quality"))
        v, s, m = _num(value.get(ind_id)), _num(score.get(ind_id)), _num(peer.get(ind_id))
        rk = None if rep.alone else _num(rank.get(ind_id))
        groups[area].append(Row(
            ind_id, name, unit,
            (fmt_fixed(v, lang, 2), fmt_fixed(s, lang, 1), fmt_fixed(m, lang, 1), "" if rk is None else str(int(rk))),
            v, as_float(det.get("data_year")), det.get("source") or "",
            rep.quality.get(int(q), "") if q is not None else "", bool(flags.get(ind_id, False)), s,
            lv, rep.level_badge(lv), m, rk, context, queried.get(ind_id, "")))
    if not any(groups.values()):
        return None
    return Indicators(tuple(Group(rep.node_name(a), tuple(rows)) for a, rows in groups.items()),
                      details=bool(rep.details), levels=any(x.level is not None for g in groups.values() for x in g),
                      against_peers=rep.peer_col is not None, queried=bool(queried),
                      queries_excluded=r.method.screen.queries == "exclude")
