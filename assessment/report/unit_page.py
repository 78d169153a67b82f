"""The model of a unit page (:func:`city_page`): plain, translated values from the
:class:`~assessment.report.view.ReportView`; the typed sections are in :mod:`assessment.report.sections`."""

from __future__ import annotations

from typing import Any

from .._missing import as_float
from .sections import unit_sections
from .view import ReportView


def city_page(rep: ReportView, key: Any) -> dict[str, Any]:
    """The model of one city page (one unit, or one unit-year of a panel)."""
    prof = rep.profiles.loc[key]
    return {
        **rep.common(rep.unit_label(key) + " – " + rep.words.title, "../"),
        "city": rep.unit_label(key), "year": rep.year_of(key),
        "country": rep.country(key), "population": as_float(prof.get("population")),
        **rep.area_words(),
        "peer_group": rep.peer_label(key), "catalogue_version": rep.r.recipe.catalogue_version,
        "sections": unit_sections(rep, key),
    }
