"""Strengths and weaknesses: the indicators furthest above and below the peer-group median (the cohort
median without peer groups), from the result's ``strengths`` table (the compare stage). No section when
the method's compare stage is off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...i18n import _, text
from ..view import ReportView


@dataclass(frozen=True)
class Gap:
    """One indicator: its score, the median it is compared with and the difference (score points)."""

    id: str
    name: str
    score: float | None
    median: float | None
    gap: float | None


@dataclass(frozen=True)
class Strengths:
    """The section: up to ``compare.top`` strengths and weaknesses, best and worst first."""

    strengths: tuple[Gap, ...]
    weaknesses: tuple[Gap, ...]
    against_peers: bool  #: compared with the peer-group median (else the cohort median)
    id: str = "strengths"
    template: str = "scorecard/sections/strengths.html.j2"

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """One row per indicator: section, id, name, score and the median in its column (peer or cohort)."""
        out = []
        for label, items in ((_("Strengths", lang), self.strengths), (_("Weaknesses", lang), self.weaknesses)):
            for g in items:
                peer, cohort = (g.median, None) if self.against_peers else (None, g.median)
                out.append([label, g.id, g.name, None, "", None, g.score, "", peer, cohort, None])
        return out


def build(rep: ReportView, key: Any) -> Strengths | None:
    """The section of ``key``, or ``None`` when the method compares nothing (``compare.enabled: false``) or the
    cohort has one unit (above or below a median of one: no strength or weakness to show)."""
    if not rep.r.method.compare.enabled or rep.alone:
        return None
    kinds: dict[str, list[Gap]] = {"strength": [], "weakness": []}
    for rec in rep.strength_rows(key):
        ind = rep.cat.indicator(rec["indicator"])
        kinds[rec["kind"]].append(Gap(ind.id, text(ind.name, rep.lang), rec["score"], rec["peer_median"], rec["gap"]))
    return Strengths(tuple(kinds["strength"]), tuple(kinds["weakness"]), rep.peer_col is not None)
