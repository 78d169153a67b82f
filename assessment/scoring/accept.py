"""What every entry point of scoring accepts: the intake's rules for values, the method's for weights.

``assess``, ``run``, ``rerun`` and the verbs on plain tables (``impute_frame``, ``treat_frame``,
``normalise_frame``, ``aggregate_frame``) take values the workbook intake never saw. They all
check them here, so the library refuses what intake refuses, and every problem is listed at once
(an :class:`~assessment.errors.InputError`):

* **values** are finite numbers between ``-LIMIT`` and ``LIMIT`` (NaN = missing). Infinity would
  top or bottom every ranking, and a value near the largest float (``1e308``) overflows the
  method's arithmetic: a min-max range ``max - min``, the squares of a z-score, the fourth powers
  of the outlier test's kurtosis. :data:`LIMIT` (``1e50``) keeps the fourth power of any
  difference of two values, summed over a billion units, far below the largest float, and is
  far beyond any quantity a city reports.
* **enabler levels** are whole numbers from 0 to 5, as the rubric's (NaN = not answered).
* **years** are whole numbers (an ``int`` or a float without fraction), none missing; text such as
  ``"2025"`` is refused, not read as a number, since a column mixing both sorts neither way.
* **a verb's parameters** (method names, ranges, ``winmax`` …) follow the method's own rules: they
  are checked as that stage's section of a method, so a typo gets the nearest valid value.
* **weights** are finite, not negative, not all zero (a parent whose children all weigh 0 has no
  score), and a weight named for a column names one the table has.

Warnings, not errors (an :class:`~assessment.errors.InputWarning`): an indicator no unit reported
(every unit's coverage of the aggregates above it counts it as missing, and it adds to no score),
and one whose reported values are all equal, from at least two units (it tells no unit apart, and
the normalisations relative to the cohort, min-max, z-score and the distances, give it no score).

The checks are vectorised: one ``fmin``/``fmax`` reduction per column finds every problem column;
cells are located only in the (rare) columns that have one.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, InputWarning, MethodError, Problem, params, suggest
from ..i18n import N_
from .method import method_from_dict

#: The largest magnitude a value may have (see the module docstring).
LIMIT = 1e50
SOURCE = "<DataFrame>"
SHOWN = 5  # cells named per problem


def _shown(value: object) -> str:
    """A cell as Python would write it (``inf``, ``1e+308``, ``'2025'``), numpy's scalar types as plain numbers."""
    return repr(float(value)) if isinstance(value, np.floating) else repr(value)


def _cells(index: pd.Index, rows: np.ndarray, column: np.ndarray) -> str:
    """``unit=value`` for the first :data:`SHOWN` rows, and how many more."""
    shown = ", ".join(f"{index[r]}={_shown(column[r])}" for r in rows[:SHOWN])
    return shown + (f" (+{len(rows) - SHOWN})" if len(rows) > SHOWN else "")


def value_problems(frame: pd.DataFrame, what: str = N_("indicator"),
                   warn: bool = True) -> tuple[list[Problem], list[Problem]]:
    """``(errors, warnings)`` for the float columns of ``frame`` (see the module docstring).

    ``what`` (a UI msgid) names the kind of value; ``warn=False`` skips the warnings.
    """
    x = frame.to_numpy(dtype="float64", copy=False)
    errors: list[Problem] = []
    notes: list[Problem] = []
    if x.size == 0:
        return errors, notes
    with warnings.catch_warnings():  # an all-NaN column reduces to NaN: that is the answer, not a fault
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.fmin.reduce(x, axis=0), np.fmax.reduce(x, axis=0)
    columns = frame.columns
    for j in np.flatnonzero((lo < -LIMIT) | (hi > LIMIT)):
        col = x[:, j]
        infinite = np.isinf(col)
        for code, rows, message in (
                ("not-finite", np.flatnonzero(infinite),
                 N_("{what} values must be finite numbers: infinity would top or bottom every ranking")),
                ("out-of-range", np.flatnonzero(~infinite & (np.abs(col) > LIMIT)),
                 N_("{what} values must lie between -{limit} and {limit}, or the method's arithmetic overflows "
                    "(every score 0, every unit first)"))):
            if rows.size:
                errors.append(Problem(SOURCE, item=str(columns[j]), code=code, message=message,
                                      found=_cells(frame.index, rows, col), labels=("what",),
                                      params=params(what=what, limit=f"{LIMIT:g}"),
                                      fix=N_("correct the values, or leave them empty (missing)")))
    if not warn:
        return errors, notes
    for j in np.flatnonzero(np.isnan(lo)):
        notes.append(Problem(SOURCE, item=str(columns[j]), code="no-values", severity="warning", labels=("what",),
                             message=N_("no unit has a value for this {what}: it counts as not reported for every "
                                        "unit, lowering every unit's coverage, and it adds to no score"),
                             params=params(what=what), fix=N_("check that its values were read, or drop the column")))
    for j in np.flatnonzero(lo == hi):
        if np.count_nonzero(~np.isnan(x[:, j])) >= 2:
            notes.append(Problem(SOURCE, item=str(columns[j]), code="constant", severity="warning", found=_shown(lo[j]),
                                 message=N_("every unit that reported this {what} has the same value: it tells no unit "
                                            "apart, and min-max, z-score and distance normalisations give it no score, "
                                            "so it drops out of every aggregate"),
                                 params=params(what=what), labels=("what",),
                                 fix=N_("check the values, or drop the indicator, or normalise it with goalposts")))
    return errors, notes


def level_problems(frame: pd.DataFrame) -> list[Problem]:
    """A problem per enabler column holding a level that is not a whole number from 0 to 5 (the
    intake's rule for the enabler rubric; NaN = not answered)."""
    x = frame.to_numpy(dtype="float64", copy=False)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(x) & ~((x >= 0) & (x <= 5) & (x == np.floor(x)))
    return [Problem(SOURCE, item=str(frame.columns[j]), code="enabler-level",
                    message=N_("enabler levels must be whole numbers from 0 to 5 (missing = not answered)"),
                    found=_cells(frame.index, np.flatnonzero(bad[:, j]), x[:, j]))
            for j in np.flatnonzero(bad.any(axis=0))]


def year_problems(year: pd.Series) -> tuple[list[Problem], pd.Series]:
    """Problems with a ``year`` column (whole numbers, none missing), and years the other checks can
    go on with, so that every problem is reported at once: the column itself, or where it is refused
    a code per distinct value (rows stay as distinct as they were: no duplicate is made or hidden)."""
    kind = year.dtype
    if pd.api.types.is_integer_dtype(kind) and not pd.api.types.is_bool_dtype(kind):
        return [], year
    number = pd.Series(np.nan, index=year.index)
    if pd.api.types.is_float_dtype(kind):
        number = year
    elif pd.api.types.is_object_dtype(kind):  # numbers only (text, booleans refused): cell by cell, here only
        numeric = np.frompyfunc(lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool), 1, 1)
        number = pd.to_numeric(year.where(numeric(year.to_numpy()).astype(bool)), errors="coerce")
    v = number.to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(v) | (v != np.floor(v))
    if not bad.any():
        return [], number
    rows = np.flatnonzero(bad)
    found = _cells(year.index, rows, year.to_numpy(dtype=object))
    return [Problem(SOURCE, field="year", code="bad-year", found=found,
                    message=N_("years must be whole numbers, such as 2025, with none missing (text is not read "
                               "as a number)"), fix=N_("convert the column, e.g. data['year'].astype(int)"))], \
        pd.Series(pd.factorize(year)[0], index=year.index)


def unknown_names(given: object, columns: Sequence[Hashable], field: str) -> list[Problem]:
    """A problem per key of ``given`` (a mapping or a list of names) that is not one of ``columns``,
    with the nearest column name when one is close (as an unknown id of a method)."""
    if isinstance(given, str) or not isinstance(given, Mapping | Sequence | set | frozenset):
        return []
    known, names = set(columns), [str(c) for c in columns]
    out = []
    for name in given:
        if name not in known:
            near = suggest(str(name), names)
            out.append(Problem(SOURCE, item=str(name), field=field, code="unknown-id", found=repr(name),
                               message=N_("not a column of the table"), params=params(near=near),
                               fix=N_("did you mean {near}?") if near else N_("use the table's column names")))
    return out


def weight_problems(weights: Mapping[Hashable, float] | Sequence[float] | np.ndarray,
                    columns: Sequence[Hashable], source: str = "<weights>") -> tuple[list[Problem], np.ndarray]:
    """Problems with weights for ``columns`` (one per column in order, or ``{column: weight}``, unnamed
    columns weighing 1), and the weights as one float per column."""
    problems: list[Problem] = []
    if isinstance(weights, Mapping):
        problems += unknown_names(weights, columns, "weights")
        w = np.array([weights.get(c, 1.0) for c in columns], dtype="float64")
    else:
        w = np.asarray(weights, dtype="float64").ravel()
        if w.shape != (len(columns),):
            problems.append(Problem(source, code="shape", message=N_("one weight per column is needed"),
                                    found=f"{w.size} weights for {len(columns)} columns"))
            return problems, w
    rules = ((~np.isfinite(w), "not-finite", N_("weights must be finite numbers")),
             (np.isfinite(w) & (w < 0), "negative-weight", N_("weights must be >= 0")))
    valid = True
    for bad, code, message in rules:
        if bad.any():
            valid = False
            problems.append(Problem(source, code=code, message=message,
                                    found=", ".join(f"{columns[int(j)]}={_shown(w[j])}" for j in np.flatnonzero(bad))))
    if valid and len(w) and not (w > 0).any():
        problems.append(Problem(source, code="zero-weights", found=", ".join(map(_shown, w[:SHOWN])),
                                message=N_("at least one weight must be above 0: with every weight 0 there is no "
                                           "score"),
                                fix=N_("give the columns that count a positive weight")))
    return problems, w


#: Cells pandas would turn into numbers that no one typed as one: booleans (1/0), dates and durations.
_NOT_NUMBERS = np.frompyfunc(lambda v: isinstance(v, bool | np.bool_ | dt.date | dt.timedelta | np.datetime64
                                                   | np.timedelta64), 1, 1)


def typed_problems(frame: pd.DataFrame, what: str = N_("indicator")) -> list[Problem]:
    """A problem per column that is not numbers (text, booleans, dates), naming its first cells."""
    problems = []
    for col, kind in frame.dtypes.items():
        if pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind):
            continue
        series = frame[col]
        bad = series.notna().to_numpy().copy()
        if pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind):  # cells of any type
            bad &= pd.to_numeric(series, errors="coerce").isna().to_numpy() | _NOT_NUMBERS(
                series.to_numpy(dtype=object)).astype(bool)
        if bad.any():
            problems.append(Problem(SOURCE, item=str(col), code="not-a-number", labels=("what",),
                                    message=N_("{what} values must be numbers (missing = empty)"),
                                    found=_cells(frame.index, np.flatnonzero(bad), series.to_numpy(dtype=object)),
                                    params=params(what=what),
                                    fix=N_("clean the values, or read workbooks with assessment.read_submissions")))
    return problems


def method_section(stage: str, fields: Mapping[str, Any], problems: list[Problem]) -> Any:
    """A verb's parameters checked by the method's own rules: the ``stage`` section of a
    :class:`~assessment.scoring.method.Method` made of ``fields``; or None, its problems (each naming
    the key, with the nearest valid key or value) appended to ``problems``."""
    try:
        return getattr(method_from_dict({stage: dict(fields)}, "<arguments>"), stage)
    except MethodError as exc:
        problems += exc.problems
        return None


def settle(errors: list[Problem], notes: list[Problem], stacklevel: int = 3) -> None:
    """Raise every error (with the warnings) as one :class:`InputError`; else issue the warnings as one
    :class:`InputWarning`."""
    if errors:
        raise InputError([*errors, *notes])
    if notes:
        warnings.warn(InputWarning(notes), stacklevel=stacklevel)


def check_frame(frame: pd.DataFrame, warn: bool = False, problems: Sequence[Problem] = ()) -> pd.DataFrame:
    """The verbs' check of a plain table: numbers, finite and in range (see the module docstring),
    raised together with the caller's own ``problems``; returns the table as floats.

    Raises
    ------
    InputError
        Listing every problem; with ``warn``, the warnings are issued as an :class:`InputWarning`.
    """
    errors = [*problems, *typed_problems(frame)]
    if len(errors) > len(problems):  # text cannot be checked as numbers
        raise InputError(errors)
    number = frame.astype("float64") if any(k != "float64" for k in frame.dtypes) else frame
    bad, notes = value_problems(number, warn=warn)
    settle([*errors, *bad], notes, stacklevel=4)
    return number
