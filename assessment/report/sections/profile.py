"""The profile: the unit's score on each focus area (or each dimension of the area lens) against its
peer-group median and the cohort median, as a radar on the method's scale and as a table. Without peer
groups only the cohort median is drawn (the peer-group median would be the same); in a cohort of one unit
no median is shown and the section says why. No section when the area lens has no scored area."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._missing import as_float
from ...i18n import _
from .. import charts
from ..view import ReportView


@dataclass(frozen=True)
class Area:
    """One area: the unit's score and level (its badge), the peer-group median and the cohort median
    (``None``: missing, or a cohort of one unit; without peer groups ``peer`` is the cohort median)."""

    id: str
    name: str
    score: float | None
    level_name: str
    peer: float | None
    cohort: float | None


@dataclass(frozen=True)
class Profile:
    """The section: the unit's name, the areas in the lens's order and the radar's geometry. ``area_word``
    and ``area_words`` name the axes ("Focus area(s)", else "Dimension(s)"); ``two_views``: the headline
    lens is not the area lens (the page then says the profile is not a second overall score)."""

    unit: str
    rows: tuple[Area, ...]
    radar: charts.Radar
    against_peers: bool
    alone: bool
    two_views: bool
    area_word: str
    area_words: str
    id: str = "focus-areas"
    template: str = "scorecard/sections/profile.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """One "Scores" row per area (after the overall and outcome rows): id, name, score, level and the
        two medians."""
        section = _("Scores", lang)
        return [[section, a.id, a.name, None, "", None, a.score, a.level_name, a.peer, a.cohort, None]
                for a in self.rows]


def build(rep: ReportView, key: Any) -> Profile | None:
    """The section of ``key``, or ``None`` when no area of the area lens has a score column."""
    areas = [a for a in rep.areas if a in rep.scores.columns]
    if not areas:
        return None
    score_row = rep.row(rep.scores, key)
    level_row = rep.row(rep.levels, key) if rep.levels is not None else {}
    peer_row, cohort_row = rep.row(rep.peer_scores, key), rep.row(rep.cohort_scores, key)
    rows = []
    for a in areas:
        lv = as_float(level_row[a]) if a in level_row else None
        rows.append(Area(a, rep.node_name(a), as_float(score_row[a]), rep.level_badge(lv),
                         as_float(peer_row.get(a)), as_float(cohort_row.get(a))))
    peers = rep.peer_col is not None
    series = [[r.score for r in rows], *([[r.peer for r in rows]] if peers else []), [r.cohort for r in rows]]
    radar = charts.radar(series, colours=[charts.MEDIAN_COLOURS[k] for k in ((0, 1, 2) if peers else (0, 2))],
                         scale=rep.words.scale)
    words = rep.area_words()
    return Profile(rep.unit_label(key), tuple(rows), radar, peers, rep.alone, rep.area_lens != rep.lens,
                   words["area_word"], words["area_words"])
