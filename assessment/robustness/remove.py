"""Remove-one check (COINr's ``remove_elements``): rank shifts when one element's weight is set to 0.

Each indicator of a lens and each node below its root is dropped in turn by giving it weight
0 in ``aggregate.weights`` and re-aggregating the nominal normalised table with the scoring
stage's :func:`~assessment.scoring.aggregate_lens` (a weight of 0 still counts as a child
for ``min_coverage``; an aggregate below its ``min_reported`` stays missing). Ranks follow the rank
stage (``rank.decimals`` of the nominal method; units short of ``rank.min_coverage`` are not
ranked); shifts are ``|rank without element − nominal rank|`` over units ranked in both.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..scoring import Assessment
from ..scoring.aggregate import aggregate_lens
from ..scoring.pools import pool_codes
from .engine import rank_rows
from .setup import item_levels


def _root_ranks(scores: pd.Series, decimals: int | None) -> np.ndarray:
    codes = pool_codes(scores.to_frame()) if "year" in scores.index.names else None
    return rank_rows(scores.to_numpy(dtype="float64")[None, :], decimals, codes)[0]


def remove_one(result: Assessment, lens: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank shifts when each element of ``lens`` (default: every lens of the result) is dropped.

    Returns
    -------
    (summary, shifts)
        ``summary``: one row per lens and element (level as COINr: 1 = indicators) with the
        mean and largest absolute rank shift; ``shifts``: units × elements of one lens per
        column block (``lens:element``), the signed shift (positive = worse rank).
    """
    lenses = [lens] if lens else list(result.aggregated)
    method = result.method
    rows, columns = [], {}
    for lens_id in lenses:
        ranked = result.rank_status(lens_id)["ranked"]  # the rank stage's coverage rule: others have no rank
        nominal = _root_ranks(result.aggregated[lens_id].iloc[:, -1].where(ranked), method.rank.decimals)
        for element, (level, parent) in sorted(item_levels(result, lens_id).items(), key=lambda kv: (kv[1][0],
                                                                                                       kv[0])):
            spec = method.aggregate.model_copy(update={"weights": dict(method.aggregate.weights) | {element: 0.0}})
            scores = aggregate_lens(result.normalised, result.catalogue, lens_id, spec,
                                    result.coverage[lens_id]).iloc[:, -1]
            shift = _root_ranks(scores.where(ranked), method.rank.decimals) - nominal
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean, worst = float(np.nanmean(np.abs(shift))), float(np.nanmax(np.abs(shift)))
            rows.append({"lens": lens_id, "element": element, "level": level, "parent": parent,
                         "mean_abs_shift": mean, "max_abs_shift": worst})
            columns[f"{lens_id}:{element}"] = shift
    units = result.aggregated[lenses[0]].index
    return pd.DataFrame(rows), pd.DataFrame(columns, index=units)
