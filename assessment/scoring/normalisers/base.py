"""The base of every normalisation method, and the column arithmetic they share.

A normaliser is one :class:`Normaliser` subclass: its fields are its parameters, ``method`` its
name; :meth:`Normaliser.compute` works on a matrix ``x`` (units × indicators, NaN = missing) with
the per-column :class:`Columns` and returns a matrix of the same shape, missing staying missing.
Its class variables declare what it needs and promises (:attr:`Normaliser.needs`,
:attr:`Normaliser.bounded`), how a page says it (:attr:`Normaliser.words`) and the COINr function it
reproduces (:attr:`Normaliser.coinr`); a method's own rule for one indicator (``anchored`` without
anything to anchor on becomes ``minmax``) is :meth:`Normaliser.for_indicator`, and what it lacks for a
column is :meth:`Normaliser.column_problems`. The ``@stage_method`` decorator on the class registers
it (``Normaliser.REGISTRY``): the stage's names, union, docs table and common tests are derived from it.

Direction: ``x' = d·x`` as in COINr's ``Normalise``, unless a method's docstring says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from ...catalogue import Indicator
from ...errors import Problem
from ...i18n import N_
from ..methodbase import Registry, StageMethod, stage_method

#: What a normaliser may need beyond each indicator's direction: the catalogue's goalposts, its five
#: level thresholds, a target (the method's, the catalogue's or the best goalpost), a reference unit.
Need = Literal["goalposts", "thresholds", "target", "reference unit"]


@dataclass(frozen=True)
class Columns:
    """What is known of each column: arrays of one value per column (NaN where none).

    ``thresholds`` is columns × 5 level thresholds; ``ref_row`` the row of the reference unit in
    the matrix normalised (``dist2ref``), ``None`` when there is none.
    """

    direction: np.ndarray
    worst: np.ndarray
    best: np.ndarray
    target: np.ndarray
    thresholds: np.ndarray | None = None
    ref_row: int | None = None


class Normaliser(StageMethod):
    """A normalisation method (the base; not a method itself). Its ``words`` complete "Each indicator is put on
    a … scale …" on a page (empty: the page shows the method's name)."""

    #: Every score lies within ``range`` (a bounded output): the common test checks it.
    bounded: ClassVar[bool] = False
    #: What the method reads beyond the direction (the reference table lists it).
    needs: ClassVar[frozenset[Need]] = frozenset()
    #: The registry of every normaliser, in the order they are defined.
    REGISTRY: ClassVar[Registry[Normaliser]] = Registry("normalise")

    @property
    def scale(self) -> tuple[float, float]:
        """The output range (``range``; methods without one map nothing, so 0–1)."""
        lo, hi = getattr(self, "range", (0.0, 1.0))
        return float(lo), float(hi)

    @property
    def reference(self) -> str | None:
        """The reference unit the method scores against, if it has one."""
        return None

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        """The normalised matrix (same shape as ``x``; NaN stays NaN)."""
        raise NotImplementedError

    def for_indicator(self, ind: Indicator) -> Normaliser:
        """The method used for one catalogue indicator: this one, unless the method has its own rule
        for an indicator that lacks what it needs."""
        return self

    def target_for(self, ind: Indicator, best: float) -> float:
        """The target the method uses for an indicator: the catalogue's, else its best goalpost (NaN: none)."""
        return ind.target if ind.target is not None else best

    def scale_label(self) -> str:
        """The scale scores are put on, in numbers and ids (the same in every language): ``range`` as
        ``0–100``, else the method's name."""
        if not hasattr(self, "range"):
            return str(self.method)
        lo, hi = self.range
        return f"{lo:g}–{hi:g}"

    def column_problems(self, col: str, ind: Indicator, target: float) -> list[Problem]:
        """What the method lacks for one column (``target``: the target it would use, NaN when none)."""
        return []

    def reference_problems(self, units: set[Any]) -> list[Problem]:
        """What is wrong with the method's reference unit, given the units present."""
        return []

    def onto(self, y: np.ndarray) -> np.ndarray:
        """``y`` in 0–1 mapped onto the output range."""
        lo, hi = self.scale
        return y * (hi - lo) + lo


@stage_method
class NoNormalisation(Normaliser):
    """The direction applied (``x' = d·x``), values otherwise unchanged."""

    method: Literal["none"] = "none"

    words: ClassVar[str] = N_("without rescaling")

    def compute(self, x: np.ndarray, cols: Columns) -> np.ndarray:
        return x * cols.direction


def nanstats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column minimum and maximum over the finite values (NaN for a column without any)."""
    with np.errstate(all="ignore"):
        # NaN-skipping reductions, without a masked copy of ``x``; the same bits wherever no value is
        # infinite (an infinite value shows in ``lo`` or ``hi``; then the masked form below)
        if len(x):
            lo, hi = np.fmin.reduce(x, axis=0), np.fmax.reduce(x, axis=0)
            if not (np.isinf(lo).any() or np.isinf(hi).any()):
                return lo, hi
        has = np.isfinite(x).any(axis=0)
        lo = np.where(has, np.nanmin(np.where(np.isfinite(x), x, np.inf), axis=0), np.nan)
        hi = np.where(has, np.nanmax(np.where(np.isfinite(x), x, -np.inf), axis=0), np.nan)
    return lo, hi


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, NaN wherever that is not a finite number (a zero width, a missing value)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out[~np.isfinite(out)] = np.nan
    return out


CELLS_PER_BLOCK = 1 << 17  # cells worked at once: temporaries stay in cache, big tables need no big temporaries


def blocks(x: np.ndarray, cells: int | None = None) -> tuple[bool, list[tuple[slice, ...]]]:
    """Blocks of rows of ``x`` of about ``cells`` cells (default :data:`CELLS_PER_BLOCK`), in ``x``'s memory order.

    Returns whether ``x`` is laid out column by column (a DataFrame's values), and the blocks as
    index tuples for ``x`` itself, or for ``x.T`` in that case (so each block reads contiguous memory).
    """
    by_column = bool(x.flags.f_contiguous and not x.flags.c_contiguous)
    step = max(1, (cells or CELLS_PER_BLOCK) // max(1, x.shape[1]))
    rows = [slice(start, start + step) for start in range(0, x.shape[0], step)]
    return by_column, [(slice(None), r) if by_column else (r,) for r in rows]
