"""Denominate and screen.

Both are pure functions of wide tables (units × indicators); neither mutates its input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..errors import InputError, Problem
from ..i18n import N_
from .method import Denominate, Screen


def denominators_for(catalogue: Catalogue, columns: pd.Index, spec: Denominate) -> dict[str, str]:
    """Map indicator id → profile column to divide by (catalogue ``denominator``, then overrides)."""
    out = {i.id: i.denominator for i in catalogue.indicators if i.id in columns and i.denominator}
    for ind, col in spec.overrides.items():
        if col is None:
            out.pop(ind, None)
        elif ind in columns:
            out[ind] = col
    return {k: v for k, v in out.items() if v is not None}


def denominate(values: pd.DataFrame, profiles: pd.DataFrame, denominators: dict[str, str]) -> pd.DataFrame:
    """Divide each indicator by its denominator column.

    Parameters
    ----------
    values
        Units × indicators.
    profiles
        Units × profile columns, same index; must hold every denominator column.
    denominators
        Indicator id → profile column.

    Returns
    -------
    pandas.DataFrame
        A new table. A zero or missing denominator gives a missing value (never infinity).

    Raises
    ------
    InputError
        When a denominator column is absent from ``profiles``.
    """
    missing = sorted({c for c in denominators.values() if c not in profiles.columns})
    if missing:
        raise InputError([Problem("<profiles>", item=ind, field=col, code="missing-denominator",
                                  message=N_("the denominator column is not in the unit profiles"),
                                  fix=N_("add the column (e.g. population) or override the denominator"))
                          for ind, col in sorted(denominators.items()) if col in missing])
    if not denominators:
        return values
    x = values.to_numpy(dtype="float64", copy=True)
    at = {c: j for j, c in enumerate(values.columns.tolist())}
    columns: dict[str, np.ndarray] = {}  # each denominator column read once
    for ind, col in denominators.items():
        if col not in columns:
            den = profiles[col]
            if den.dtype != "float64":
                den = pd.to_numeric(den, errors="coerce")
            columns[col] = den.to_numpy(dtype="float64")
        den = columns[col]
        j = at[ind]
        with np.errstate(divide="ignore", invalid="ignore"):
            res = x[:, j] / den
        res[~np.isfinite(res)] = np.nan
        x[:, j] = res
    return pd.DataFrame(x, index=values.index, columns=values.columns)


def coverage(values: pd.DataFrame) -> pd.Series:
    """Share of non-missing indicator values per unit (COINr's ``Dat_Avail``)."""
    if values.shape[1] == 0:
        return pd.Series(0.0, index=values.index)
    if not (values.dtypes == "float64").all():
        return pd.Series(values.notna().to_numpy().mean(axis=1), index=values.index, name="coverage")
    # a float table: its missing values counted (one table of flags, not two), the count over the columns
    # is the mean of the flags bit for bit (a sum of ones and zeros is a whole number, exact in float64)
    x = values.to_numpy()
    return pd.Series((x.shape[1] - np.isnan(x).sum(axis=1)) / x.shape[1], index=values.index, name="coverage")


def screen(values: pd.DataFrame, spec: Screen) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep units whose data coverage is at least ``spec.min_coverage`` (units in ``keep`` always stay).

    Returns
    -------
    (kept, report)
        ``kept`` is the screened table; ``report`` has one row per unit with ``coverage`` and
        ``included``.
    """
    cov = coverage(values)
    units = values.index.get_level_values("unit")
    included = (cov.to_numpy() >= spec.min_coverage) | np.isin(units, list(spec.keep))
    report = pd.DataFrame({"coverage": cov.to_numpy(), "included": included}, index=values.index)
    return values if included.all() else values.iloc[np.flatnonzero(included)], report
