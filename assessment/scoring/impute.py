"""Impute missing values, flagging every imputed cell.

One pure function per method in :data:`IMPUTERS`; each takes the wide table (units × indicators,
index ``unit`` or ``(unit, year)``) and the unit profiles, and returns a new table.

Conventions
-----------
* ``none`` (the default): missing stays missing.
* ``mean`` / ``median``: the indicator's mean/median over the units of the same year.
* ``mean-group`` / ``median-group``: the same within the unit's group (a profile column, e.g.
  COINr's ``EurAsia_group``); a unit without a group, or a group with no value, stays missing.
* ``latest``: panels only; the unit's latest earlier value (carried forward, never backward).
* ``linear``: panels only; straight-line interpolation between the unit's years on either
  side (no extrapolation beyond the first or last reported year).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import N_
from .pools import pool_codes
from .specs import Impute, ImputeName

Imputer = Callable[[pd.DataFrame, pd.DataFrame, Impute], pd.DataFrame]


def _stat_fill(values: pd.DataFrame, how: str, group: pd.Series | None) -> pd.DataFrame:
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


def _group(profiles: pd.DataFrame, spec: Impute) -> pd.Series:
    group = str(getattr(spec, "group", ""))  # the group methods' model requires it
    if group not in profiles.columns:
        raise InputError([Problem("<profiles>", field=group, code="missing-group",
                                  message=N_("the imputation group column is not in the unit profiles"),
                                  found=", ".join(map(str, profiles.columns[:10])),
                                  fix=N_("name an existing profile column in impute.group"))])
    column = profiles[group]
    if isinstance(column.dtype, pd.StringDtype):  # already text: the same groups without a conversion
        return column
    return column.astype("string")


def impute_none(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Leave missing values missing (the same table: stage tables are never modified in place)."""
    return values


def impute_mean(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Fill with the indicator's mean over units of the same year."""
    return _stat_fill(values, "mean", None)


def impute_median(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Fill with the indicator's median over units of the same year."""
    return _stat_fill(values, "median", None)


def impute_mean_group(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Fill with the mean within the unit's group (COINr ``i_mean_grp``)."""
    return _stat_fill(values, "mean", _group(profiles, spec))


def impute_median_group(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Fill with the median within the unit's group (COINr ``i_median_grp``)."""
    return _stat_fill(values, "median", _group(profiles, spec))


def _along_years(values: pd.DataFrame, fill: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    if "year" not in values.index.names:
        return values.copy()
    ordered = values.sort_index(level=["unit", "year"])
    filled = ordered.groupby(level="unit", group_keys=False, sort=False).apply(fill)
    return filled.reindex(values.index)


def impute_latest(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Carry each unit's latest earlier value forward (panels)."""
    return _along_years(values, lambda g: g.ffill())


def impute_linear(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> pd.DataFrame:
    """Interpolate linearly in the year between a unit's reported years (panels)."""

    def interp(g: pd.DataFrame) -> pd.DataFrame:
        years = g.index.get_level_values("year").astype("float64")
        return g.set_axis(years).interpolate(method="index", limit_area="inside").set_axis(g.index)

    return _along_years(values, interp)


IMPUTERS: dict[ImputeName, Imputer] = {
    "none": impute_none,
    "mean": impute_mean,
    "median": impute_median,
    "mean-group": impute_mean_group,
    "median-group": impute_median_group,
    "latest": impute_latest,
    "linear": impute_linear,
}


def impute(values: pd.DataFrame, profiles: pd.DataFrame, spec: Impute) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the chosen imputer.

    Returns
    -------
    (imputed, flags)
        The new table, and a boolean table of the same shape: True where a value was imputed.
    """
    filled = IMPUTERS[spec.method](values, profiles, spec)
    flags = np.isnan(values.to_numpy(dtype="float64")) & ~np.isnan(filled.to_numpy(dtype="float64"))
    return filled, pd.DataFrame(flags, index=values.index, columns=values.columns)
