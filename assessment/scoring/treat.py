"""Outlier treatment, as COINr's default ``Treat()``.

For each indicator (and each year of a panel), over its non-missing values:

1. *Pass test* (COINr ``check_SkewKurt``): the indicator passes when ``|skew| < skew`` **or**
   ``kurtosis < kurtosis``. Skew is the bias-corrected sample skewness G1 and kurtosis the
   excess kurtosis G2, as Excel's SKEW/KURT and ``e1071`` type 2. Fewer than 4 values, or a
   constant indicator, cannot be tested and is left untreated.
2. *Winsorise* while it fails: if skew >= 0 every value equal to the maximum is replaced by the
   largest other value, else every value equal to the minimum by the smallest other value.
   The count of treated points is COINr's: the number of values at the current extreme(s)
   after the step (ties included); stop once it reaches ``winmax``. Only finite values take
   part: an infinite value is left as it is.
3. *Fallback*: if it still fails, ``log`` replaces the winsorised values by COINr's
   ``log_CT`` of the **original** values, ``log(x - min + 0.01 (max - min))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

import numpy as np
import pandas as pd

from ..i18n import N_
from .methodbase import Registry, StageMethod, markdown_table, stage_method


class TreatParams(Protocol):
    """The treatment's parameters as a method file gives them (:class:`~assessment.scoring.method.Treat`)."""

    @property
    def method(self) -> str: ...
    @property
    def winmax(self) -> int: ...
    @property
    def skew(self) -> float: ...
    @property
    def kurtosis(self) -> float: ...
    @property
    def fallback(self) -> str: ...
    @property
    def skip(self) -> tuple[str, ...]: ...


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Bias-corrected skewness G1 and excess kurtosis G2 of the finite values of ``x``.

    Returns NaN for fewer than 3 (skew) / 4 (kurtosis) values or zero variance.
    """
    return _moments(x[np.isfinite(x)])


def _moments(v: np.ndarray) -> tuple[float, float]:
    """:func:`skew_kurt` of values that are all finite."""
    n = v.size
    if n < 4:
        return float("nan"), float("nan")
    d = v - v.sum() / n  # the mean, as v.mean() computes it
    m2 = float(np.dot(d, d))
    if m2 == 0.0:
        return float("nan"), float("nan")
    d2 = d * d
    g1 = math.sqrt(n) * float(np.dot(d2, d)) / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    r = n * float(np.dot(d2, d2)) / m2**2
    g2 = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(g1), float(g2)


def _verdict(sk: float, ku: float, spec: TreatParams) -> bool | None:
    """The pass test on a skewness and kurtosis (None: not testable)."""
    if math.isnan(sk) or math.isnan(ku):
        return None
    return bool(abs(sk) < spec.skew or ku < spec.kurtosis)


def _passes(x: np.ndarray, spec: TreatParams) -> bool | None:
    return _verdict(*skew_kurt(x), spec)


@dataclass(frozen=True)
class Treatment:
    """What happened to one indicator in one period."""

    values: np.ndarray
    winsorised_low: int
    winsorised_high: int
    log: bool
    passes: bool | None
    skew: float
    kurtosis: float


def winsorise(x: np.ndarray, spec: TreatParams) -> Treatment:
    """Treat one indicator's values (NaN = missing) as described in the module docstring."""
    sk0, ku0 = skew_kurt(x)
    passing = _verdict(sk0, ku0, spec)
    if passing is None or passing:
        return Treatment(x.copy(), 0, 0, False, passing, sk0, ku0)
    finite = np.isfinite(x)
    v = x[finite]  # the finite values, the only ones winsorised (an infinite value is left as it is)
    at_max = at_min = 0  # how many values sit at the current maximum / minimum after the last step there
    nwin = 0
    sk = sk0  # the skewness of the current values: computed once per step
    while not passing and nwin < spec.winmax:
        extreme = v.max() if sk >= 0 else v.min()
        hit = v == extreme
        rest = v[~hit]
        if rest.size == 0:  # every value is the extreme: nothing left to winsorise to
            break
        v[hit] = rest.max() if sk >= 0 else rest.min()
        if sk >= 0:
            at_max = int(np.count_nonzero(hit))
        else:
            at_min = int(np.count_nonzero(hit))
        nwin = at_max + at_min
        sk, ku = _moments(v)
        passing = bool(_verdict(sk, ku, spec))
    y = x.copy()
    y[finite] = v
    low, high = int((y > x)[finite].sum()), int((y < x)[finite].sum())
    if not passing and spec.fallback == "log":
        lo, hi = np.nanmin(x), np.nanmax(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log(x - lo + 0.01 * (hi - lo))
        return Treatment(y, 0, 0, True, _passes(y, spec), sk0, ku0)
    return Treatment(y, low, high, False, passing, sk0, ku0)


Treated = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


class Treater(StageMethod):
    """An outlier treatment (the base; not a method itself). Its parameters are the ``treat`` section's; its
    ``words`` are one sentence on a page (``%(n)s`` is ``winmax``)."""

    REGISTRY: ClassVar[Registry[Treater]] = Registry("treat")

    def treat(self, values: pd.DataFrame, spec: TreatParams) -> Treated:
        """(treated, flags, details): the new table; a boolean table marking changed cells; one row per
        indicator (and year) saying what was done (empty when nothing can be said)."""
        raise NotImplementedError


@stage_method
class TreatNone(Treater):
    """Values used as reported (the default)."""

    method: Literal["none"] = "none"

    words: ClassVar[str] = N_("Values are used as reported; extreme values are not pulled in.")

    def treat(self, values: pd.DataFrame, spec: TreatParams) -> Treated:
        unchanged = pd.DataFrame(np.zeros(values.shape, dtype=bool), index=values.index, columns=values.columns)
        return values, unchanged, pd.DataFrame()


@stage_method
class Winsorise(Treater):
    """COINr's default: winsorise while the skew and kurtosis test fails, up to ``winmax`` points, then
    the ``log`` fallback; per indicator not in ``skip`` (and per year of a panel)."""

    method: Literal["winsorise"] = "winsorise"

    words: ClassVar[str] = N_("Extreme values are pulled in (winsorised, at most %(n)s per indicator) before "
                              "scaling.")
    coinr: ClassVar[str] = "Treat()"

    def treat(self, values: pd.DataFrame, spec: TreatParams) -> Treated:
        """Every indicator not in ``spec.skip`` through :func:`winsorise`; the details hold skew, kurtosis, points
        winsorised low/high, whether the log fallback was used, and whether the result passes."""
        x_t = np.ascontiguousarray(values.to_numpy(dtype="float64").T)  # one indicator per row: contiguous
        y_t = x_t.copy()
        panel = "year" in values.index.names
        if panel:
            years = np.asarray(values.index.get_level_values("year"))
            blocks: list[tuple[object, np.ndarray | slice]] = [(y, np.flatnonzero(years == y))
                                                               for y in pd.unique(years)]
        else:
            blocks = [(None, slice(None))]
        skip = set(spec.skip)
        names = ["indicator", *(["year"] if panel else []), "skew", "kurtosis", "winsorised_low", "winsorised_high",
                 "log", "passes"]
        rows: list[tuple[object, ...]] = []  # one per indicator (and year), in the order of ``names``
        for year, block in blocks:
            for j, col in enumerate(values.columns.tolist()):
                if col in skip:
                    continue
                t = winsorise(x_t[j, block], spec)
                y_t[j, block] = t.values
                rows.append((col, *([year] if panel else []), t.skew, t.kurtosis, t.winsorised_low, t.winsorised_high,
                             t.log, t.passes))
        out = pd.DataFrame(y_t.T, index=values.index, columns=values.columns)
        changed = pd.DataFrame(~((y_t == x_t) | (np.isnan(y_t) & np.isnan(x_t))).T,
                               index=values.index, columns=values.columns)
        if not rows:
            return out, changed, pd.DataFrame()
        details = {name: list(column) for name, column in zip(names, zip(*rows, strict=True), strict=True)}
        kinds = {"skew": "float64", "kurtosis": "float64", "winsorised_low": "int64", "winsorised_high": "int64",
                 "log": "bool"}  # the dtypes pandas would infer from these lists, given
        return out, changed, pd.DataFrame({k: np.array(v, dtype=kinds[k]) if k in kinds else v
                                           for k, v in details.items()})


#: The class of each treatment, by method name, in registry order.
TREATERS: dict[str, type[Treater]] = Treater.REGISTRY.by_name()

if TYPE_CHECKING:  # for type checkers a name is a string; at run time the Literal of the classes' names
    TreatName = str
else:
    TreatName = Literal[Treater.REGISTRY.names()]


def treat(values: pd.DataFrame, spec: TreatParams) -> Treated:
    """Treat every indicator not in ``spec.skip`` (per year for panels) with the method's class.

    Returns
    -------
    (treated, flags, details)
        The new table; a boolean table marking changed cells; and one row per indicator (and
        year) with skew, kurtosis, points winsorised low/high, whether the log fallback was
        used, and whether the result passes.
    """
    return TREATERS[spec.method]().treat(values, spec)


def reference_table() -> str:
    """The treatments as a Markdown table, made from the classes (in ``docs/scoring.md``)."""
    return markdown_table(Treater.REGISTRY, {"definition": lambda c: c.summary(),
                                             "COINr": lambda c: f"`{c.coinr}`" if c.coinr else "–"})
