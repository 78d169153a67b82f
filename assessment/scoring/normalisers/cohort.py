"""Normalisations by the cohort's own statistics: min-max, z-scores, ranks, percentile ranks, Borda scores.

Statistics (min, max, mean, sd, ranks) are taken over the units normalised together: the whole
cohort, and for a panel all years pooled unless ``panel: per-year``. A constant indicator gives
no score (NaN) wherever a method divides by its spread.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from ...i18n import N_
from ..methodbase import stage_method
from .base import Columns, Normaliser, nanstats, ratio

Range = tuple[float, float]


@stage_method
class MinMax(Normaliser):
    """Min-max over the units given: ``(x' - min x') / (max x' - min x')`` onto ``range``.

    For ``d = -1`` this equals ``hi + lo - minmax(x)``. A constant indicator gives NaN.
    """

    method: Literal["minmax"] = "minmax"
    range: Range = (0.0, 100.0)

    words: ClassVar[str] = N_("between the lowest and the highest value of the cohort")
    bounded: ClassVar[bool] = True
    coinr: ClassVar[str] = "n_minmax(l_u = c(a, b))"

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        """As ``onto(ratio(xd - lo, hi - lo))``, the same operations in place: one table allocated
        instead of five, which is most of the time for a million units."""
        out = x * cols.direction
        lo, hi = nanstats(out)
        np.subtract(out, lo, out=out)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(out, hi - lo, out=out)
        out[~np.isfinite(out)] = np.nan
        a, b = self.scale
        out *= b - a
        out += a
        return out


@stage_method
class ZScore(Normaliser):
    """Standardised: ``(x' - mean x') / sd(x')·s + m``, the sample sd (n - 1), ``mean_sd = (m, s)``."""

    method: Literal["zscore"] = "zscore"
    mean_sd: Range = (0.0, 1.0)

    words: ClassVar[str] = N_("as standard scores within the cohort")
    coinr: ClassVar[str] = "n_zscore(m_sd = c(m, s))"

    def scale_label(self) -> str:
        m, sd = self.mean_sd
        return f"zscore {m:g}±{sd:g}"

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        xd = x * cols.direction
        with np.errstate(all="ignore"):
            n = np.isfinite(xd).sum(axis=0)
            mean = np.nansum(xd, axis=0) / n
            sd = np.sqrt(np.nansum((xd - mean) ** 2, axis=0) / (n - 1))
        m, s = self.mean_sd
        return ratio(xd - mean, sd) * s + m


def rank_min(x: np.ndarray) -> np.ndarray:
    """Column ranks, ties get the lowest rank (R's ``ties.method = "min"``), NaN kept."""
    return pd.DataFrame(x).rank(method="min", ascending=True, na_option="keep").to_numpy(dtype="float64")


@stage_method
class RankNormalisation(Normaliser):
    """Rank of ``x'``, ties get the lowest rank (R's ``ties.method = "min"``): the best unit ranks highest."""

    method: Literal["rank"] = "rank"

    words: ClassVar[str] = N_("by rank within the cohort")
    coinr: ClassVar[str] = "n_rank()"

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        return rank_min(x * cols.direction)


@stage_method
class PercentRank(Normaliser):
    """Percentile ranks ``(rank - 1) / (n - 1)`` over the ``n`` non-missing values, onto ``range``.

    Use ``range: [0, 1]`` for COINr's own scale.
    """

    method: Literal["prank"] = "prank"
    range: Range = (0.0, 100.0)

    words: ClassVar[str] = N_("by percentile rank within the cohort")
    bounded: ClassVar[bool] = True
    coinr: ClassVar[str] = "n_prank()"

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        r = rank_min(x * cols.direction)
        n = np.isfinite(x).sum(axis=0).astype("float64")
        return self.onto(ratio(r - 1.0, n - 1.0))


@stage_method
class Borda(Normaliser):
    """Borda scores: ``rank(x') - 1``, ties get the lowest rank, so a unit scores the number of units it beats.

    The worst unit scores 0, the best ``n - 1`` of the ``n`` units with a value (fewer when the best
    tie). Not mapped onto a range.
    """

    method: Literal["borda"] = "borda"

    words: ClassVar[str] = N_("as Borda scores: the number of others each one beats")
    coinr: ClassVar[str] = "n_borda()"

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        return rank_min(x * cols.direction) - 1.0

