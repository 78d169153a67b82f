"""Normalisations as a distance: to the best unit (``dist2max``), to a reference unit (``dist2ref``), to
a target (``dist2target``)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np

from ...catalogue import Indicator
from ...errors import InputError, Problem
from ...i18n import N_
from ..methodbase import stage_method
from .base import Columns, Need, Normaliser, nanstats, ratio

Range = tuple[float, float]


@stage_method
class Dist2Max(Normaliser):
    """Distance to the best unit: ``1 - (max x' - x') / (max x' - min x')`` onto ``range``."""

    method: Literal["dist2max"] = "dist2max"
    range: Range = (0.0, 100.0)

    words: ClassVar[str] = N_("as the distance to the best value of the cohort")
    bounded: ClassVar[bool] = True
    coinr: ClassVar[str] = "n_dist2max()"

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        xd = x * cols.direction
        lo, hi = nanstats(xd)
        return self.onto(1.0 - ratio(hi - xd, hi - lo))


@stage_method
class Dist2Ref(Normaliser):
    """Distance to a reference unit's value: ``1 - (x'_ref - x') / (x'_ref - min x')``, capped at 1 when
    ``cap``, onto ``range``.

    NaN where the reference unit's value is missing or is the minimum.
    """

    method: Literal["dist2ref"] = "dist2ref"
    reference_unit: str
    range: Range = (0.0, 100.0)
    cap: bool = False

    words: ClassVar[str] = N_("as the distance to the value of the reference %(unit)s")
    needs: ClassVar[frozenset[Need]] = frozenset({"reference unit"})
    coinr: ClassVar[str] = "n_dist2ref(iref, cap_max)"

    @property
    def reference(self) -> str | None:
        return self.reference_unit

    def reference_problems(self, units: set[Any]) -> list[Problem]:
        if self.reference_unit in units:
            return []
        return [Problem("<method>", field="normalise.reference_unit", code="unknown-unit",
                        message=N_("dist2ref's reference unit must be one of the units"),
                        found=repr(self.reference_unit))]

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        if cols.ref_row is None:
            raise InputError([Problem("<method>", field="normalise.reference_unit", code="missing-reference",
                                      message=N_("dist2ref needs reference_unit: a unit present in the data"))])
        xd = x * cols.direction
        lo, _ = nanstats(xd)
        ref = xd[cols.ref_row]
        y = 1.0 - ratio(ref - xd, ref - lo)
        if self.cap:
            y = np.minimum(y, 1.0)
        return self.onto(y)


@stage_method
class Dist2Target(Normaliser):
    """Distance to a target: for ``d = 1`` ``(x - min x) / (t - min x)``, for ``d = -1``
    ``(max x - x) / (max x - t)`` (COINr 1.1), capped at 1 when ``cap``, onto ``range``.

    The target is ``target`` in the method, else the catalogue's target, else its ``best`` goalpost.
    """

    method: Literal["dist2target"] = "dist2target"
    range: Range = (0.0, 100.0)
    cap: bool = False
    target: float | None = None

    words: ClassVar[str] = N_("as the distance to the target")
    needs: ClassVar[frozenset[Need]] = frozenset({"target"})
    coinr: ClassVar[str] = "n_dist2targ(targ, cap_max)"

    def target_for(self, ind: Indicator, best: float) -> float:
        """The method's own ``target`` (one for every indicator), else the catalogue's target or best goalpost."""
        return self.target if self.target is not None else super().target_for(ind, best)

    def column_problems(self, col: str, ind: Indicator, target: float) -> list[Problem]:
        if not np.isnan(target):
            return []
        return [Problem("<catalogue>", item=col, field="target", code="no-target", message=N_(
            "dist2target needs a target (method, catalogue target or best goalpost)"))]

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        lo, hi = nanstats(x)
        up = cols.direction >= 0
        y = np.where(up, ratio(x - lo, cols.target - lo), ratio(hi - x, hi - cols.target))
        if self.cap:
            y = np.minimum(y, 1.0)
        return self.onto(y)
