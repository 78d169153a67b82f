"""The overview: the unit's overall score and the scores of the leading lens's children (the strategic
outcomes of the built-in catalogue, a framework's pillars), each with its level badge and, when it has no
score, why; the unit's rank (or why it has none) and, when the report carries an uncertainty analysis, its
rank interval. Always present: a unit without an overall score is told why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._missing import as_float
from ...i18n import _
from ..view import ReportView


@dataclass(frozen=True)
class Card:
    """One score: the node's id and name, the score and level (``None``: missing), the level's badge and,
    for a missing score, why (too few indicators reported)."""

    id: str
    name: str
    score: float | None
    level: float | None
    level_name: str
    why: str


@dataclass(frozen=True)
class Overview:
    """The section: the overall card, then the children's cards in the lens's order; the rank sentence and
    the rank interval's sentence (``""``: none); ``heading`` says what the cards are ("overall" only,
    "outcomes" of the catalogue's headline lens, or a framework's "components"); ``two_views``: the
    outcomes are scored from another view than the focus areas (the page says how)."""

    overall: Card
    outcomes: tuple[Card, ...]
    rank_text: str
    rank_detail: str
    heading: str
    two_views: bool
    #: Where the rank interval's method is explained (unit pages sit in ``cities/``, beside the cohort's pages).
    robustness_href: str = "../robustness.html"
    id: str = "overview"
    template: str = "scorecard/sections/overview.html.j2"

    @property
    def cards(self) -> tuple[Card, ...]:
        """The overall card and the outcomes' cards, in page order."""
        return (self.overall, *self.outcomes)

    def csv_rows(self, lang: str) -> list[list[Any]]:
        """One "Scores" row per card: id, name, score and level badge. No medians: the cards show none (the
        profile's rows give the areas' medians; an outcome is never an area, see ``ReportView.outcomes``)."""
        section = _("Scores", lang)
        return [[section, c.id, c.name, None, "", None, c.score, c.level_name, None, None, None] for c in self.cards]


def build(rep: ReportView, key: Any) -> Overview:
    """The section of ``key`` (see the module); the rank interval comes from ``rep.rank_uncertainty`` when the
    report was given an uncertainty analysis."""
    score_row = rep.row(rep.scores, key)
    level_row = rep.row(rep.levels, key) if rep.levels is not None else None

    def card(node: str) -> Card:
        lv = as_float(level_row[node]) if level_row is not None and node in level_row else None
        cov = rep.node_coverage(key, node)
        score = as_float(score_row[node])
        why = ""
        if score is None and cov is not None and cov["reported"] < cov["needed"]:
            why = _("No score: data for %(reported)s of %(total)s indicators (needs %(needed)s).", rep.lang) % cov
        return Card(node, rep.node_name(node), score, lv, rep.level_badge(lv), why)

    root = rep.cat.lens(rep.lens).root.id
    outcomes = tuple(card(o) for o in rep.outcomes if o in rep.scores.columns)
    heading = "overall" if not outcomes else "outcomes" if rep.cat.lens(rep.lens).role == "headline" else "components"
    ru = rep.rank_uncertainty
    return Overview(card(root), outcomes, rep.rank_text(key), ru.sentence(key) if ru is not None else "", heading,
                    rep.area_lens != rep.lens)
