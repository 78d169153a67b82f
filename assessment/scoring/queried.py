"""Values under query: the review's open plausibility queries as the scoring stages see them.

A :class:`~assessment.review.Review` passed to :func:`~assessment.scoring.assess` brings, with its
intake, the values still under a plausibility query (:attr:`Inputs.queried`: unit, year,
indicator and the reason in each language). The method's ``screen.queries`` says what to do:
``keep`` (the default) scores them and the scorecard marks them; ``exclude`` treats them as not
reported, before any stage (so they count as missing in coverage, imputation and ranks).
"""

from __future__ import annotations

import pandas as pd

from ..i18n import LANGUAGES

QUERIED_COLUMNS = ("unit", "year", "indicator", *(f"reason_{lang}" for lang in LANGUAGES))


def queried_mask(values: pd.DataFrame, queried: pd.DataFrame | None) -> pd.DataFrame:
    """True where a value of ``values`` (units × indicators) is under query."""
    mask = pd.DataFrame(False, index=values.index, columns=values.columns)
    if queried is None or queried.empty:
        return mask
    multi = "year" in (values.index.names or [])
    for rec in queried.to_dict("records"):
        key = (rec["unit"], rec["year"]) if multi else rec["unit"]
        if rec["indicator"] in mask.columns and key in mask.index:
            mask.loc[key, rec["indicator"]] = True
    return mask


def exclude_queried(values: pd.DataFrame, queried: pd.DataFrame | None) -> pd.DataFrame:
    """``values`` with every value under query set to NaN (not reported)."""
    return values.mask(queried_mask(values, queried))
