"""Goalposts taken from the data: the bounds the ``goalposts`` normalisation scores between.

``normalise: {method: goalposts, bounds: …}`` (as a default or per indicator in ``overrides``):

* ``catalogue`` (the default): the catalogue's ``worst`` and ``best`` goalposts.
* ``observed``: the lowest and highest value of the indicator (as ``minmax``, but capped the same way
  as the other bounds, and named as goalposts).
* ``{kth: k}``: the *k*-th smallest and the *k*-th largest value (``k = 1`` is ``observed``). The OECD
  regional well-being scores put each indicator's bounds near the 17th lowest and 17th highest of the
  regions (about 4 % trimmed at each end of 429): ``{kth: 17}``.
* ``{percentile: [p, q]}``: the ``p``-th and ``q``-th percentiles of the values, numpy's default
  linear interpolation between order statistics (the type 7 of Hyndman and Fan, R's default): the
  Sustainable Development Report uses ``[2.5, 97.5]``. The OECD/JRC *Handbook on Constructing
  Composite Indicators* (2008) describes both trimming by percentiles and fixed goalposts.
* ``{fixed: [low, high]}``: fixed bounds in the indicator's units (the same for every unit and year).

Conventions: ``low`` and ``high`` are values, whatever the direction: for a higher-is-better indicator
``low`` is the worst goalpost, for a lower-is-better one the best. Values beyond the bounds are capped
(a value past the best bound scores the top of the range, one past the worst the bottom), as for the
catalogue's goalposts. Bounds are taken over the non-missing values of the units normalised together
(the whole cohort; each year with ``panel: per-year``); an indicator whose two bounds coincide (a
constant indicator, or fewer than ``2k - 1`` values) gets no score (NaN), as ``minmax`` does.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KthBounds(_Bounds):
    """Goalposts at the ``kth`` smallest and ``kth`` largest value."""

    kth: int = Field(ge=1)


class PercentileBounds(_Bounds):
    """Goalposts at two percentiles (0–100) of the values."""

    percentile: tuple[Annotated[float, Field(ge=0, le=100)], Annotated[float, Field(ge=0, le=100)]]

    @model_validator(mode="after")
    def _ordered(self) -> PercentileBounds:
        if not self.percentile[0] < self.percentile[1]:
            raise ValueError(f"percentile needs [low, high] with low < high; found {list(self.percentile)}")
        return self


class FixedBounds(_Bounds):
    """Goalposts fixed at two values in the indicator's units (``[low, high]``, ``low < high``)."""

    fixed: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> FixedBounds:
        if not self.fixed[0] < self.fixed[1]:
            raise ValueError(f"fixed needs [low, high] with low < high; found {list(self.fixed)}")
        return self


#: The ``bounds`` of the ``goalposts`` normalisation.
GoalpostBounds = Literal["catalogue", "observed"] | KthBounds | PercentileBounds | FixedBounds


def bounds_of(x: np.ndarray, bounds: object) -> tuple[np.ndarray, np.ndarray]:
    """The low and high bound of each column of ``x`` (rows: units) for a ``bounds`` setting other than
    ``catalogue`` (see the module docstring); NaN for a column without values."""
    cols = x.shape[1]
    if getattr(bounds, "fixed", None) is not None:
        lo, hi = bounds.fixed  # type: ignore[attr-defined]
        return np.full(cols, float(lo)), np.full(cols, float(hi))
    low, high = np.full(cols, np.nan), np.full(cols, np.nan)
    for j in range(cols):
        v = np.sort(x[:, j][~np.isnan(x[:, j])])
        if not v.size:
            continue
        if getattr(bounds, "percentile", None) is not None:
            low[j], high[j] = np.percentile(v, bounds.percentile)  # type: ignore[attr-defined]
        else:
            k = getattr(bounds, "kth", 1) if bounds != "observed" else 1
            if v.size >= 2 * k - 1:  # else the k-th smallest would lie above the k-th largest
                low[j], high[j] = v[k - 1], v[v.size - k]
    return low, high
