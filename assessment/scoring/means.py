"""Every aggregation method (a weighted mean), one class each: its formula, its domain, its words.

A mean is a :class:`Mean` subclass whose ``method`` is a ``Literal`` of its name, decorated with
``@stage_method`` (registered in definition order, the order messages list the names in); the names
a method file takes (:data:`AggregateName`) and the words of a page are derived from the classes.
Its parameters stay where a method file writes them (``aggregate.method``, ``aggregate.power``, per
node in ``aggregate.nodes``): ``power`` is the generalised mean's, refused with any other.

Each mean gets the children's values ``x`` with the mask of available ones and the weights ``w``
(children × parents) with ``Σ w`` over the available children (``wsum``): weights are renormalised
over the available children, as COINr's ``a_amean`` etc. Adding a mean: its class here, the
translation of its ``words`` and a known-answer test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from ..i18n import N_
from .methodbase import Registry, StageMethod, markdown_table, stage_method


class Mean(StageMethod):
    """An aggregation method (the base; not a method itself). Its ``words`` name the mean on a page
    ("Scores are combined with the … mean")."""

    REGISTRY: ClassVar[Registry[Mean]] = Registry("aggregate")

    def domain_problem(self, x: np.ndarray, power: float) -> str:
        """The message (a msgid) when the available values ``x`` are outside the mean's domain, else "".

        A mean without a domain does not override this (then nobody gathers the available values for it).
        """
        return ""

    def weighted(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        """Parents' values, ``n × p`` (NaN or infinite where a parent has no value: the caller clears them)."""
        raise NotImplementedError

    def cleared(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        """:meth:`weighted` of values already 0 wherever ``mask`` is False (as the aggregate stage lays them out):
        the same bits; a mean that would clear a copy of ``x`` first skips that copy here."""
        return self.weighted(x, mask, w, wsum, power)


@stage_method
class Arithmetic(Mean):
    """``Σ w x / Σ w`` (the default)."""

    method: Literal["arithmetic"] = "arithmetic"

    words: ClassVar[str] = N_("arithmetic")
    coinr: ClassVar[str] = "a_amean"

    def weighted(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        return self.cleared(np.where(mask, x, 0.0), mask, w, wsum, power)

    def cleared(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        return (x @ w) / wsum


@stage_method
class Geometric(Mean):
    """``exp(Σ w ln x / Σ w)``; needs every value > 0."""

    method: Literal["geometric"] = "geometric"

    words: ClassVar[str] = N_("geometric")
    coinr: ClassVar[str] = "a_gmean"

    def domain_problem(self, x: np.ndarray, power: float) -> str:
        return N_("the geometric mean cannot take zero or negative values") if (x <= 0).any() else ""

    def weighted(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        return np.exp((np.where(mask, np.log(np.where(mask, x, 1.0)), 0.0) @ w) / wsum)


@stage_method
class Harmonic(Mean):
    """``Σ w / Σ (w / x)``; needs every value ≠ 0."""

    method: Literal["harmonic"] = "harmonic"

    words: ClassVar[str] = N_("harmonic")
    coinr: ClassVar[str] = "a_hmean"

    def domain_problem(self, x: np.ndarray, power: float) -> str:
        return N_("the harmonic mean cannot take zero values") if (x == 0).any() else ""

    def weighted(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        return wsum / (np.where(mask, 1.0 / np.where(mask, x, 1.0), 0.0) @ w)


@stage_method
class Generalised(Mean):
    """``(Σ w x^p / Σ w)^(1/p)`` with ``p = power`` (unset: 2): ``p = 1`` is the arithmetic mean and ``p = 0``
    the geometric (computed as those); needs every value > 0 unless ``p`` is a positive whole number."""

    method: Literal["generalised"] = "generalised"

    words: ClassVar[str] = N_("generalised")

    def domain_problem(self, x: np.ndarray, power: float) -> str:
        if power > 0 and float(power).is_integer():
            return ""
        if (x <= 0).any():
            return N_("the generalised mean with a power that is not a positive whole number cannot take zero or "
                      "negative values")
        return ""

    def weighted(self, x: np.ndarray, mask: np.ndarray, w: np.ndarray, wsum: np.ndarray, power: float) -> np.ndarray:
        if power == 1:
            return Arithmetic().weighted(x, mask, w, wsum, power)
        if power == 0:
            return Geometric().weighted(x, mask, w, wsum, power)
        return ((np.where(mask, np.where(mask, x, 1.0) ** power, 0.0) @ w) / wsum) ** (1.0 / power)


def reference_table() -> str:
    """The aggregation methods as a Markdown table, made from the classes (in ``docs/scoring.md``)."""
    return markdown_table(Mean.REGISTRY, {"definition": lambda c: c.summary(),
                                          "COINr": lambda c: f"`{c.coinr}`" if c.coinr else "–"})


#: The class of each mean, by method name, in registry order.
MEANS: dict[str, type[Mean]] = Mean.REGISTRY.by_name()

if TYPE_CHECKING:  # for type checkers a name is a string; at run time the Literal of the classes' names
    AggregateName = str
else:
    AggregateName = Literal[Mean.REGISTRY.names()]
