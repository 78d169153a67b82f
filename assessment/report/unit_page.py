"""The model of a unit page (:func:`city_page`): plain, translated values from the
:class:`~assessment.report.view.ReportView`; the typed sections are in :mod:`assessment.report.sections`."""

from __future__ import annotations

from typing import Any

from .._missing import as_float
from ..i18n import _
from .sections import unit_sections
from .view import ReportView


def city_page(rep: ReportView, key: Any) -> dict[str, Any]:
    """The model of one city page (one unit, or one unit-year of a panel)."""
    r = rep.r
    prof = rep.profiles.loc[key]
    score_row, level_row = rep.row(rep.scores, key), rep.row(rep.levels, key) if rep.levels is not None else None

    def block(node: str) -> dict[str, Any]:
        lv = as_float(level_row[node]) if level_row is not None and node in level_row else None
        cov = rep.node_coverage(key, node)
        score = as_float(score_row[node])
        why = ""
        if score is None and cov is not None and cov["reported"] < cov["needed"]:
            why = _("No score: data for %(reported)s of %(total)s indicators (needs %(needed)s).", rep.lang) % cov
        return {"id": node, "name": rep.node_name(node), "score": score, "level": lv,
                "level_name": rep.level_badge(lv), "why": why}

    root = rep.cat.lens(rep.lens).root.id
    return {
        **rep.common(rep.unit_label(key) + " – " + rep.words.title, "../"),
        "city": rep.unit_label(key), "year": rep.year_of(key),
        "country": rep.country(key), "population": as_float(prof.get("population")),
        **rep.area_words(),
        "peer_group": rep.peer_label(key), "catalogue_version": r.recipe.catalogue_version,
        "overall": block(root), "outcomes": [block(o) for o in rep.outcomes if o in rep.scores.columns],
        "rank_text": rep.rank_text(key),
        "two_views": rep.area_lens != rep.lens,
        "sections": unit_sections(rep, key),
    }
