"""The framework's own words and scale on the pages: what its units are called, its title, the score
scale of the method, unit names and profile columns found whatever their case.

A page never assumes the built-in smart-city framework: the catalogue header's ``units`` and
``scorecard_title`` word it (see :class:`assessment.catalogue.models.UnitWords`), the method's
normalisation range scales every chart, legend and sentence about scores, and a unit is shown by
its name (a profile column ``name`` or COINr's ``uName``) rather than its code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..i18n import N_, _, fmt_fixed, text
from ..scoring import Assessment
from ..scoring.rank import profile_column
from ..scoring.rank import unit_names as names_of
from .charts import Scale

__all__ = ["capital", "profile_column", "score_scale", "unit_names", "words"]


def unit_names(profiles: pd.DataFrame) -> dict[Any, str]:
    """Each unit's name from its profile (:func:`assessment.scoring.rank.unit_names`: a column ``name`` or
    ``uName``, any case); units whose name is missing or blank are left out (they are shown by their key)."""
    column = names_of(profiles)
    if column is None:
        return {}
    return {k: v.strip() for k, v in zip(profiles.index, column.tolist(), strict=True)
            if isinstance(v, str) and v.strip()}


def capital(word: str) -> str:
    """``word`` with its first letter upper case (``"region"`` → ``"Region"``; the rest kept as it is)."""
    return word[:1].upper() + word[1:]


def score_scale(result: Assessment) -> Scale:
    """The scale scores are drawn and described on: the method's normalisation ``range`` (0–100 by default,
    0–10 for the OECD Better Life Index); for a method without one (``zscore``, ``rank``, ``none``), the
    lowest and highest aggregate score of the result, rounded outwards to whole numbers (0–1 when there is
    no score)."""
    spec = result.method.normalise.default
    if hasattr(spec, "range"):
        lo, hi = spec.range
        return Scale(float(lo), float(hi))
    values = [v for frame in result.aggregated.values() for v in frame.to_numpy(dtype=float).ravel()
              if not math.isnan(v)]
    if not values:
        return Scale(0.0, 1.0)
    lo, hi = math.floor(min(values)), math.ceil(max(values))
    return Scale(float(lo), float(hi if hi > lo else lo + 1))


@dataclass(frozen=True)
class Words:
    """The framework's words and scale in one page language."""

    unit: str  #: one unit, lower case: "city", "country", "đơn vị"
    units: str  #: several units
    title: str  #: the scorecards' title ("Smart-city scorecard")
    framework: str  #: the catalogue's title
    scale: Scale
    scale_text: str  #: "Scores are on a 0 to 10 scale."
    lang: str

    def as_dict(self) -> dict[str, str]:
        """The words for templates: ``unit``, ``units`` and their capitalised ``Unit``, ``Units``."""
        return {"unit": self.unit, "units": self.units, "Unit": capital(self.unit), "Units": capital(self.units)}

    def fmt(self, value: float) -> str:
        """A point of the scale as its axis labels show it: whole numbers without decimals (``10``), others
        with one (``2.5``)."""
        return fmt_fixed(value, self.lang, 0 if float(value).is_integer() else 1)


def words(result: Assessment, lang: str) -> Words:
    """The words of ``result``'s framework in ``lang``: its unit words (``unit``/``units`` when the catalogue
    names none), its scorecard title (else its title) and the method's scale."""
    header = result.catalogue.header
    given: Mapping[str, Any] | None = header.units.model_dump() if header.units is not None else None
    unit = text(given["singular"], lang) if given else _(N_("unit"), lang)
    units = text(given["plural"], lang) if given else _(N_("units"), lang)
    scale = score_scale(result)
    out = Words(unit, units, text(header.scorecard_title or header.title, lang), text(header.title, lang), scale,
                "", lang)
    sentence = _("Scores are on a %(lo)s to %(hi)s scale.", lang) % {"lo": out.fmt(scale.lo), "hi": out.fmt(scale.hi)}
    return Words(unit, units, out.title, out.framework, scale, sentence, lang)
