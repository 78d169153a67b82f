"""Every imputation method, one class each: its parameters, how it fills, its words and its needs.

A method is an :class:`Imputer` subclass whose ``method`` is a ``Literal`` of its name; the
``@stage_method`` decorator registers it (``Imputer.REGISTRY``, in definition order, the order messages list the names
in), and the stage's names, union and page words are derived from the classes. :meth:`Imputer.fill`
takes the wide table (units × indicators, index ``unit`` or ``(unit, year)``) and the unit profiles
and returns a new table; a cell it cannot fill stays missing. Adding a method: its class here, the
translation of its ``words`` and a known-answer test.

Conventions: statistics are taken per year over the cohort (a pool of :func:`~.pools.pool_codes`),
or within the unit's group; a unit without a group, or a group with no value, stays missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import N_
from .methodbase import Registry, StageMethod, markdown_table, parameters_cell, stage_method
from .pools import pool_codes

#: What an imputation may need: a profile column naming each unit's group, a panel of years.
ImputeNeed = Literal["group", "panel"]


class Imputer(StageMethod):
    """An imputation method (the base; not a method itself). Its ``words`` complete "Missing values are
    estimated from …" on a page (``%(unit)s`` is the framework's word for a unit)."""

    #: What the method needs beyond the table.
    needs: ClassVar[frozenset[ImputeNeed]] = frozenset()
    REGISTRY: ClassVar[Registry[Imputer]] = Registry("impute")

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        """A new table with the missing values this method can estimate filled."""
        raise NotImplementedError


@stage_method
class ImputeNone(Imputer):
    """Missing stays missing (the default)."""

    method: Literal["none"] = "none"

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        """The same table: stage tables are never modified in place."""
        return values


@stage_method
class ImputeMean(Imputer):
    """The indicator's mean over the units of the same year."""

    method: Literal["mean"] = "mean"

    words: ClassVar[str] = N_("the cohort mean")
    coinr: ClassVar[str] = "i_mean()"

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        return stat_fill(values, "mean", None)


@stage_method
class ImputeMedian(Imputer):
    """The indicator's median over the units of the same year."""

    method: Literal["median"] = "median"

    words: ClassVar[str] = N_("the cohort median")
    coinr: ClassVar[str] = "i_median()"

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        return stat_fill(values, "median", None)


@stage_method
class ImputeLatest(Imputer):
    """Panels only: the unit's latest earlier value, carried forward (never backward)."""

    method: Literal["latest"] = "latest"

    words: ClassVar[str] = N_("the %(unit)s's latest earlier value")
    needs: ClassVar[frozenset[ImputeNeed]] = frozenset({"panel"})

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        return along_years(values, lambda g: g.ffill())


@stage_method
class ImputeLinear(Imputer):
    """Panels only: a straight line in the year between the unit's reported years on either side (no
    extrapolation beyond its first or last reported year)."""

    method: Literal["linear"] = "linear"

    words: ClassVar[str] = N_("a straight line through the city's other years")
    needs: ClassVar[frozenset[ImputeNeed]] = frozenset({"panel"})

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        def interp(g: pd.DataFrame) -> pd.DataFrame:
            years = g.index.get_level_values("year").astype("float64")
            return g.set_axis(years).interpolate(method="index", limit_area="inside").set_axis(g.index)

        return along_years(values, interp)


@stage_method
class ImputeMeanGroup(Imputer):
    """The mean within the unit's group, the profile column ``group`` (e.g. COINr's ``EurAsia_group``)."""

    method: Literal["mean-group"] = "mean-group"
    group: str

    words: ClassVar[str] = N_("the mean of the peer group")
    coinr: ClassVar[str] = "i_mean_grp(f_group)"
    needs: ClassVar[frozenset[ImputeNeed]] = frozenset({"group"})

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        return stat_fill(values, "mean", group_of(profiles, self.group))


@stage_method
class ImputeMedianGroup(Imputer):
    """The median within the unit's group, the profile column ``group``."""

    method: Literal["median-group"] = "median-group"
    group: str

    words: ClassVar[str] = N_("the median of the peer group")
    coinr: ClassVar[str] = "i_median_grp(f_group)"
    needs: ClassVar[frozenset[ImputeNeed]] = frozenset({"group"})

    def fill(self, values: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
        return stat_fill(values, "median", group_of(profiles, self.group))


def stat_fill(values: pd.DataFrame, how: str, group: pd.Series | None) -> pd.DataFrame:
    """Missing cells filled with the column's ``how`` (mean or median) over the cell's pool (year × group)."""
    if group is None and "year" not in values.index.names:
        return values.fillna(values.agg(how))
    x = values.to_numpy(dtype="float64")
    codes = pool_codes(values, group)
    if how == "mean":  # sums and counts of the non-missing values per pool and column, in one bincount
        ok = np.isfinite(x) & (codes >= 0)[:, None]
        pool = np.where(codes >= 0, codes, 0)
        n_pools = int(pool.max()) + 1 if len(pool) else 0
        # bin (column j, pool p) = j * n_pools + p; column-major order, so each bin adds its values in row
        # order, exactly as one bincount per column would
        bins = (pool[None, :] + n_pools * np.arange(x.shape[1])[:, None])[ok.T]
        size = n_pools * x.shape[1]
        sums = np.bincount(bins, weights=x.T[ok.T], minlength=size).reshape(x.shape[1], n_pools)
        counts = np.bincount(bins, minlength=size).reshape(sums.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        stat = np.where((codes >= 0)[:, None], means[:, pool].T, np.nan)
    else:
        frame = values.groupby(codes, sort=False).transform(how)
        frame[codes < 0] = np.nan
        stat = frame.to_numpy(dtype="float64")
    return pd.DataFrame(np.where(np.isnan(x), stat, x), index=values.index, columns=values.columns)


def group_of(profiles: pd.DataFrame, group: str) -> pd.Series:
    """Each unit's group, the profile column ``group`` as text; a clear problem when there is no such column."""
    if group not in profiles.columns:
        raise InputError([Problem("<profiles>", field=group, code="missing-group",
                                  message=N_("the imputation group column is not in the unit profiles"),
                                  found=", ".join(map(str, profiles.columns[:10])),
                                  fix=N_("name an existing profile column in impute.group"))])
    column = profiles[group]
    if isinstance(column.dtype, pd.StringDtype):  # already text: the same groups without a conversion
        return column
    return column.astype("string")


def along_years(values: pd.DataFrame, fill: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """``fill`` applied to each unit's rows in year order (a table without years: a copy, unfilled)."""
    if "year" not in values.index.names:
        return values.copy()
    ordered = values.sort_index(level=["unit", "year"])
    filled = ordered.groupby(level="unit", group_keys=False, sort=False).apply(fill)
    return filled.reindex(values.index)


#: The class of each imputation, by method name, in registry order.
IMPUTERS: dict[str, type[Imputer]] = Imputer.REGISTRY.by_name()

NEEDS = {"group": "a profile column (`group`)", "panel": "a panel of years"}


def reference_table() -> str:
    """The imputation methods as a Markdown table, made from the classes (in ``docs/scoring.md``)."""
    return markdown_table(Imputer.REGISTRY, {
        "parameters (default)": parameters_cell, "definition": lambda c: c.summary(),
        "needs": lambda c: ", ".join(NEEDS[n] for n in sorted(c.needs)) or "–",
        "COINr": lambda c: f"`{c.coinr}`" if c.coinr else "–"})

