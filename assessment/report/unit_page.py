"""The model of a unit page (:func:`city_page`): plain, translated values from the
:class:`~assessment.report.view.ReportView`; the typed sections are in :mod:`assessment.report.sections`."""

from __future__ import annotations

from typing import Any

from .._missing import as_float
from ..i18n import _
from . import charts
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
    areas = rep.areas
    peer_row, cohort_row = rep.row(rep.peer_scores, key), rep.row(rep.cohort_scores, key)
    series = {"city": [as_float(score_row[a]) for a in areas],
              "peer": [as_float(peer_row.get(a)) for a in areas],
              "cohort": [as_float(cohort_row.get(a)) for a in areas]}
    radar_rows = [{"name": rep.node_name(a), **{k: v[i] for k, v in series.items()}} for i, a in enumerate(areas)]
    if rep.peer_col is None:  # no peer groups: the "peer-group median" would be the cohort median again
        del series["peer"]
    radar = charts.radar(list(series.values()), colours=[charts.MEDIAN_COLOURS[k] for k in
                                                         ((0, 1, 2) if "peer" in series else (0, 2))],
                         scale=rep.words.scale)
    return {
        **rep.common(rep.unit_label(key) + " – " + rep.words.title, "../"),
        "city": rep.unit_label(key), "year": rep.year_of(key),
        "country": rep.country(key), "population": as_float(prof.get("population")),
        "has_peer": rep.peer_col is not None,
        "levels_on": rep.levels is not None, "details": bool(rep.details),
        **rep.area_words(),
        "peer_group": rep.peer_label(key), "catalogue_version": r.recipe.catalogue_version,
        "overall": block(root), "outcomes": [block(o) for o in rep.outcomes if o in rep.scores.columns],
        "areas": [block(a) for a in rep.areas if a in rep.scores.columns], "rank_text": rep.rank_text(key),
        "two_views": rep.area_lens != rep.lens,
        "radar": radar, "radar_rows": radar_rows,
        "sections": unit_sections(rep, key),
        "alone": rep.alone,
    }
