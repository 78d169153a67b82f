"""The scoring stages as verbs on plain DataFrames, for researchers who bring their own tables.

Each verb takes a units × indicators table (any index; a level named ``year`` makes it a
panel) and plain arguments, and returns a new table; the input is never modified. They run
the same pure functions as :func:`assessment.assess` (conventions in each stage's module
docstring), so a result obtained verb by verb equals the pipeline's.

* :func:`impute_frame` → :mod:`assessment.scoring.impute`
* :func:`treat_frame` → :mod:`assessment.scoring.treat`
* :func:`~assessment.scoring.normalise.normalise_frame` → :mod:`assessment.scoring.normalise`
* :func:`~assessment.scoring.aggregate.aggregate_frame` → :mod:`assessment.scoring.aggregate`

Examples
--------
>>> import pandas as pd
>>> from assessment import aggregate_frame, impute_frame, normalise_frame, treat_frame
>>> X = pd.DataFrame({"a": [1.0, None, 3.0], "b": [10.0, 20.0, 60.0]}, index=["P", "Q", "R"])
>>> impute_frame(X, "mean")["a"].tolist()
[1.0, 2.0, 3.0]
>>> normalise_frame(X, "minmax", directions={"b": -1}).round(1)["b"].tolist()
[100.0, 80.0, 0.0]
>>> aggregate_frame(normalise_frame(impute_frame(X, "mean"), "minmax")).round(2).tolist()  # (50 + 20) / 2 = 35
[0.0, 35.0, 100.0]
>>> treat_frame(X)["b"].tolist()  # |skew| < 2: nothing to winsorise
[10.0, 20.0, 60.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..errors import InputError, Problem
from ..i18n import N_
from .accept import check_frame, method_section, unknown_names
from .impute import impute
from .specs import ImputeName
from .treat import treat


def _indexed(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with its index named as the stages expect (``unit`` or ``(unit, year)``)."""
    if isinstance(data.index, pd.MultiIndex):
        if "year" not in data.index.names or data.index.nlevels != 2:
            raise InputError([Problem("<data>", field="index", code="bad-index",
                                      message=N_("a two-level index must be (unit, year) with a level named 'year'"),
                                      found=repr(list(data.index.names)))])
        other = next(n for n in data.index.names if n != "year")
        return data.rename_axis(index={other: "unit"}).reorder_levels(["unit", "year"])
    return data.rename_axis(index="unit")


def impute_frame(data: pd.DataFrame, method: ImputeName = "mean", *,
                 group: pd.Series | Mapping[Any, Any] | None = None) -> pd.DataFrame:
    """Fill missing values of a plain table (see :mod:`assessment.scoring.impute`).

    Parameters
    ----------
    data
        Units × indicators; NaN = missing. A two-level index with a level named ``year`` is a
        panel: statistics are then taken within each year, and ``latest``/``linear`` work along
        each unit's years.
    method
        Any of :data:`~assessment.scoring.imputers.IMPUTERS` (``none``, ``mean``, ``median``, ``mean-group``,
        ``median-group``, ``latest``, ``linear``; the table in ``docs/scoring.md``).
    group
        For the ``-group`` methods: each unit's group (a Series or mapping keyed by the unit).

    Returns
    -------
    pandas.DataFrame
        The filled table, with ``data``'s index and columns. Cells the method cannot fill stay NaN.

    Raises
    ------
    InputError
        Listing every value that is not a finite number within range, and a method the method
        model refuses (with the nearest valid one; :mod:`assessment.scoring.accept`).
    """
    problems: list[Problem] = []
    grouped = isinstance(method, str) and method.endswith("-group")
    spec = method_section("impute", {"method": method, **({"group": "group"} if grouped else {})}, problems)
    frame = _indexed(check_frame(data, problems=problems))
    units = frame.index.get_level_values("unit")
    profiles = pd.DataFrame(index=frame.index)
    if group is not None:
        lookup = group if isinstance(group, Mapping) else group.to_dict()
        profiles["group"] = [lookup.get(u) for u in units]
    filled, _ = impute(frame, profiles, spec)
    return filled.set_axis(data.index)


def treat_frame(data: pd.DataFrame, *, winmax: int = 5, skew: float = 2.0, kurtosis: float = 3.5,
                fallback: str = "log", skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """COINr's default outlier treatment on a plain table (see :mod:`assessment.scoring.treat`).

    While an indicator has ``|skewness| >= skew`` and ``kurtosis >= kurtosis``, its most
    extreme value on the side of the skew is winsorised, up to ``winmax`` points; if it still
    fails, ``fallback="log"`` log-transforms the original values (COINr's ``log_CT``). Columns in
    ``skip`` are left alone; a panel (index level ``year``) is treated year by year.

    Returns
    -------
    pandas.DataFrame
        The treated table, with ``data``'s index and columns.

    Raises
    ------
    InputError
        Listing every value that is not a finite number within range, every name in ``skip``
        that is not a column, and every parameter the method model refuses (``winmax=-1``).
    """
    problems = unknown_names(skip, data.columns.tolist(), "skip")
    spec = method_section("treat", {"method": "winsorise", "winmax": winmax, "skew": skew, "kurtosis": kurtosis,
                                    "fallback": fallback, "skip": tuple(skip)}, problems)
    checked = check_frame(data, problems=problems)
    treated, _, _ = treat(_indexed(checked), spec)
    return treated.set_axis(data.index)
