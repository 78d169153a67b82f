"""Bring any accepted input into the engine's one internal shape.

Accepted inputs
---------------
* the validated workbook intake, :class:`~assessment.intake.Intake`;
* a :class:`~assessment.catalogue.CoinrImport` (its own catalogue is used);
* a tidy long DataFrame with a unit column (``unit``, ``city`` or ``uCode``), ``indicator``,
  ``value`` and optionally ``year``;
* a wide DataFrame, one row per unit (unit in the index or a unit column, optionally
  ``year``): catalogue indicator ids are values, every other column is profile data.

The internal shape is :class:`Inputs`: wide float tables indexed by ``unit`` (one period) or
by ``(unit, year)`` (a panel: more than one year present).
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..catalogue import Catalogue, CoinrImport, load_catalogue
from ..errors import InputError, Problem, params
from ..i18n import N_
from ..intake import Intake
from . import accept
from .hashing import HASH_CHUNK, PendingDigest
from .hashing import digest as digest  # re-exported: the hash of tables, where it always was
from .hashing import input_digest as input_digest
from .queried import QUERIED_COLUMNS

UNIT_COLUMNS = ("unit", "city", "uCode")
SOURCE = "<DataFrame>"


@dataclass(frozen=True)
class Inputs:
    """Validated engine input.

    Attributes
    ----------
    values
        Indicator values, units (× years) by indicator id, float (NaN = missing).
    profiles
        Everything else known about each unit (country, population, groups …), same index.
    enablers
        Enabler rubric levels 0–5 (float, NaN = not answered), same index.
    catalogue
        The catalogue the ids refer to.
    digest
        SHA-256 of the values, profiles, enablers and details (the recipe's input hash; see
        :func:`input_digest`).
    details
        For workbook intakes: data year, source, quality flag and notes per unit and indicator.
    enabler_details
        For workbook intakes: evidence and notes per unit and enabler item.
    criteria
        For workbook intakes with a Criteria sheet: the answers per unit and criterion (model,
        criterion, met, evidence, notes); see :mod:`assessment.scoring.criteria`.
    queried
        For reviews: the values still under a plausibility query (unit, year, indicator, the reason
        in each language; :mod:`assessment.scoring.queried`).
    """

    values: pd.DataFrame
    profiles: pd.DataFrame
    enablers: pd.DataFrame
    catalogue: Catalogue
    digest: str
    details: pd.DataFrame | None = None
    enabler_details: pd.DataFrame | None = None
    criteria: pd.DataFrame | None = None
    queried: pd.DataFrame | None = None


def _unit_column(frame: pd.DataFrame) -> str | None:
    return next((c for c in UNIT_COLUMNS if c in frame.columns), None)


def _keys(frame: pd.DataFrame, problems: list[Problem],
          units: pd.Series | None = None) -> tuple[pd.Index, list[Hashable]]:
    """The index of a wide table (unit, and year if several), and the columns it is made of.

    As ``frame.set_index(...)`` would make it, without re-building the table: the unit column (or
    ``units``, or else the table's index) as text, plus ``year`` when more than one year is present.
    Duplicate units (and years) are reported.
    """
    col = "unit" if units is not None else _unit_column(frame)
    taken: list[Hashable] = []
    if col is None:
        index = frame.index.astype(str)
        index.name = "unit"
    else:
        if units is None:
            units, taken = frame[col], [col]
        units = units.astype(str)
        if "year" in frame.columns and frame["year"].nunique(dropna=True) > 1:
            index = pd.MultiIndex.from_arrays([units, frame["year"]], names=["unit", "year"])
            taken.append("year")
        else:
            index = pd.Index(units, name="unit")
    if index.duplicated().any():
        dups = sorted({str(k) for k in index[index.duplicated()]})
        problems.append(Problem(SOURCE, field="unit", code="duplicate-unit",
                                message=N_("each unit (and year) may appear only once"),
                                found=", ".join(dups[:10]), fix=N_("remove or merge the duplicate rows")))
    return index, taken


def sort_order(index: pd.Index) -> np.ndarray:
    """The row order ``sort_index(kind="stable")`` gives a table on ``index`` (an unsorted one).

    One level without missing labels: the index's own stable argsort, which is what ``sort_index``
    runs on such an index; otherwise ``sort_index`` itself (levels, missing labels last).
    """
    if not isinstance(index, pd.MultiIndex) and not index.hasnans:
        return np.asarray(index.argsort(kind="stable"))
    return pd.Series(np.arange(len(index)), index=index).sort_index(kind="stable").to_numpy()


def _in_order(frame: pd.DataFrame, index: pd.Index,
              taken: list[Hashable]) -> tuple[pd.DataFrame, pd.Index, list[Hashable]]:
    """The wide table and its index with the rows sorted by the index (once, before the table is split)."""
    if index.is_monotonic_increasing:
        return frame, index, taken
    order = sort_order(index)
    return frame.iloc[order], index[order], taken


def _float_block(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain numpy number columns as one float64 block in pandas' own layout (each column contiguous).

    A table that already is one such block (the usual case: ``read_csv``, ``pd.DataFrame(array)``)
    is taken as pandas' copy-on-write view, without copying its numbers (a million units × 100
    indicators are 0.8 GB); the caller's table stays untouched either way. Any other table (a
    row-major block from ``pd.DataFrame(array, copy=False)``, several blocks, integers) is copied once,
    a few thousand rows at a time (a whole-array transposing copy is 8 times slower). The layout is
    always pandas' own, as the stages' column sums were written against.
    """
    a = frame.to_numpy(dtype="float64")
    if not a.flags.writeable and a.flags.f_contiguous:  # a read-only view of one column-major block
        return frame.astype("float64")
    block = np.empty((a.shape[1], a.shape[0]))  # the one copy, laid out as pandas lays out a block
    step = max(1, HASH_CHUNK // max(a.shape[1] * 8, 1))
    for start in range(0, len(a), step):
        block[:, start:start + step] = a[start:start + step].T
    return pd.DataFrame(block.T, index=frame.index, columns=frame.columns, copy=False)


def _numeric(frame: pd.DataFrame, problems: list[Problem], what: str) -> pd.DataFrame:
    """Columns as float; report (never coerce) non-numeric cells."""
    kinds = frame.dtypes
    if all(isinstance(k, np.dtype) and k.kind in "fiu" for k in kinds):  # plain numpy numbers: one float block
        return _float_block(frame)
    if all(pd.api.types.is_float_dtype(k) or pd.api.types.is_integer_dtype(k) for k in kinds):
        return frame.astype("float64")
    problems += accept.typed_problems(frame, what)  # text, booleans, dates: the rule of every entry point
    out = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[col] = series.astype("float64")
            continue
        out[col] = pd.to_numeric(series, errors="coerce").astype("float64")
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _long_to_wide(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    unit = _unit_column(frame)
    if unit is None:
        problems.append(Problem(SOURCE, field="unit", code="missing-column",
                                message=N_("a long table needs a unit column ({allowed})"),
                                params=params(allowed=", ".join(UNIT_COLUMNS))))
        return pd.DataFrame()
    long = frame.rename(columns={unit: "unit"})
    keys = ["unit", "year"] if "year" in long.columns else ["unit"]
    dup = long.duplicated(subset=[*keys, "indicator"], keep=False)
    if dup.any():
        found = long.loc[dup, [*keys, "indicator"]].drop_duplicates().astype(str).agg("/".join, axis=1)
        problems.append(Problem(SOURCE, field="indicator", code="duplicate-row",
                                message=N_("each unit, year and indicator may appear only once"),
                                found=", ".join(found.head(10))))
        long = long.loc[~long.duplicated(subset=[*keys, "indicator"], keep="first")]
    wide = long.pivot(index=keys, columns="indicator", values="value").reset_index()
    wide.columns.name = None
    return wide


def _split(frame: pd.DataFrame, index: pd.Index, taken: list[Hashable], catalogue: Catalogue,
           problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicator values (float) and profiles (every other column) of a wide table, on ``index``
    (from :func:`_keys`; the ``taken`` columns are in it)."""
    ids = {i.id for i in catalogue.indicators}
    columns = [c for c in frame.columns.tolist() if c not in taken]
    value_cols = [c for c in columns if c in ids]
    if not value_cols:
        problems.append(Problem(SOURCE, code="no-indicators",
                                message=N_("no column is an indicator id of catalogue {catalogue}"),
                                params=params(catalogue=f"{catalogue.id} {catalogue.version}"),
                                found=", ".join(map(str, columns[:8]))))
    profile_cols = [c for c in columns if c not in ids and c != "year"]
    if frame.columns.is_unique:  # by position: as ``frame[cols]`` (a take), without looking the labels up
        where = {c: k for k, c in enumerate(frame.columns.tolist())}
        profiles = frame.take([where[c] for c in profile_cols], axis=1).set_axis(index)
        values = frame.take([where[c] for c in value_cols], axis=1).set_axis(index)
    else:
        profiles, values = frame[profile_cols].set_axis(index), frame[value_cols].set_axis(index)
    if "year" in columns:
        profiles["year"] = frame["year"].set_axis(index)
    return _numeric(values, problems, N_("indicator")), profiles


def unit_labels(profiles: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(city, country) → the unit's label: the city name, or ``"City (CC)"`` where cities of two countries
    share that name, so that a unit is always one city of one country (and year, in panels)."""
    pairs = profiles[["city", "country"]].astype(str).drop_duplicates()
    shared = set(pairs.loc[pairs["city"].duplicated(keep=False), "city"])
    return {(c, k): f"{c} ({k})" if c in shared else c for c, k in pairs.itertuples(index=False)}


def _labelled(frame: pd.DataFrame, label: dict[tuple[str, str], str]) -> pd.Series:
    keys = zip(frame["city"].astype(str), frame["country"].astype(str), strict=True)
    return pd.Series([label.get(k, k[0]) for k in keys], index=frame.index, dtype=object)


def _from_intake(data: Intake, catalogue: Catalogue, problems: list[Problem]) -> tuple[pd.DataFrame, ...]:
    if not data.ok:
        errors = [p for p in data.problems if p.severity == "error"]
        problems += errors[:50]
        problems.append(Problem("<intake>", code="intake-errors",
                                message=N_("{n} error(s) in the submissions; scores need valid data"),
                                fix=N_("fix the workbooks, or score intake.without_error_files()"),
                                params=params(n=len(errors))))
        return pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    label = unit_labels(data.profiles)
    long = data.data.assign(unit=_labelled(data.data, label))
    wide = _long_to_wide(long[["unit", "year", "indicator", "value"]], problems)
    values, _ = _split(wide, *_keys(wide, problems), catalogue, problems)
    # content only: the file a city's values came from is not part of its profile (same bytes in any folder)
    prof = data.profiles.drop(columns=["file"]).assign(unit=_labelled(data.profiles, label)).drop(columns="city")
    multi = "year" in values.index.names
    prof = prof.set_index(["unit", "year"] if multi else ["unit"])
    if len(data.enablers):
        ena = data.enablers.assign(unit=_labelled(data.enablers, label))
        keys = ["unit", "year"] if multi else ["unit"]
        enab = ena.pivot_table(index=keys, columns="enabler", values="level", aggfunc="first")
        enab.columns.name = None
    else:
        enab = pd.DataFrame(index=values.index)
    return values, prof.reindex(values.index), enab.reindex(values.index).astype("float64")


def _aligned(values: pd.DataFrame, profiles: pd.DataFrame,
             enablers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three tables sorted by unit (and year), on one index object (so that it is hashed once)."""
    if not values.index.is_monotonic_increasing:
        unsorted = values.index
        # the order sort_index gives; profiles and enablers on the same rows follow by position
        order = sort_order(unsorted)
        values = values.iloc[order]
        if profiles.index is unsorted:
            profiles = profiles.iloc[order].set_axis(values.index)
        if enablers.index is unsorted:
            enablers = enablers.iloc[order].set_axis(values.index)
    if not profiles.index.equals(values.index):
        profiles = profiles.reindex(values.index)
    elif profiles.index is not values.index and profiles.index.identical(values.index):
        profiles = profiles.set_axis(values.index)  # one index object for the three: hashed once
    if not enablers.index.equals(values.index):
        enablers = enablers.reindex(values.index)
    elif enablers.index is not values.index and enablers.index.identical(values.index):
        enablers = enablers.set_axis(values.index)
    return values, profiles, enablers


def _years_checked(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """``frame`` with its ``year`` column checked first (a column mixing numbers and text cannot be
    sorted); where refused, a stand-in lets the other checks go on (:func:`accept.year_problems`)."""
    if "year" not in frame.columns:
        return frame
    bad, years = accept.year_problems(frame["year"])
    problems += bad
    return frame.assign(year=years) if bad else frame


def _is_review(data: Any) -> bool:
    """Whether ``data`` is a :class:`~assessment.review.Review`, without loading the review stage (its
    workbook writer and reader are a tenth of a second of a one-shot script's start): a review exists
    only once its module is loaded."""
    run = sys.modules.get(f"{__package__.rpartition('.')[0]}.review.run")
    return run is not None and isinstance(data, run.Review)


def prepare_inputs(data: Any, catalogue: Catalogue | None = None) -> Inputs:
    """Validate and reshape ``data`` (see the module docstring) into :class:`Inputs`.

    Raises and warns as :func:`prepare_pending`.
    """
    inputs, pending = prepare_pending(data, catalogue)
    return replace(inputs, digest=pending.result())


def prepare_pending(data: Any, catalogue: Catalogue | None = None) -> tuple[Inputs, PendingDigest]:
    """:func:`prepare_inputs` with its input hash still being computed: the :class:`Inputs` (``digest`` empty)
    and the :class:`PendingDigest` that gives it, so that scoring runs while the hash is computed.

    Raises
    ------
    InputError
        Listing every problem: no unit column, duplicate units or rows, non-numeric values,
        values not finite or beyond the range the method can compute with, years that are not
        whole numbers, no indicator of the catalogue (:mod:`assessment.scoring.accept`).

    Warns
    -----
    InputWarning
        For a table or COINr import: an indicator no unit reported, or with one value for every unit.
    """
    problems: list[Problem] = []
    details: pd.DataFrame | None = None
    enabler_details: pd.DataFrame | None = None
    criteria: pd.DataFrame | None = None
    queried: pd.DataFrame | None = None
    if _is_review(data):
        label = unit_labels(data.intake.profiles)
        under = data.under_query()
        queried = under.assign(unit=_labelled(under, label))[list(QUERIED_COLUMNS)].reset_index(drop=True)
        data = data.intake
    if isinstance(data, CoinrImport):
        catalogue = catalogue or data.catalogue
        frame = _years_checked(data.data, problems)  # indexed by uCode, which becomes the unit
        values, profiles = _split(*_in_order(frame, *_keys(frame, problems, frame.index.to_series())), catalogue,
                                  problems)
        enablers = pd.DataFrame(index=values.index)
    elif isinstance(data, Intake):
        catalogue = catalogue or data.catalogue  # the catalogue the submissions were checked against
        values, profiles, enablers = _from_intake(data, catalogue, problems)
        label = unit_labels(data.profiles)
        details = data.data.assign(unit=_labelled(data.data, label))[
            ["unit", "year", "indicator", "data_year", "source", "quality", "notes"]].copy()
        enabler_details = data.enablers.assign(unit=_labelled(data.enablers, label))[
            ["unit", "year", "enabler", "evidence", "notes"]].reset_index(drop=True)
        if not data.criteria.empty:
            criteria = data.criteria.assign(unit=_labelled(data.criteria, label))[
                ["unit", "year", "model", "criterion", "met", "evidence", "notes"]].reset_index(drop=True)
    elif isinstance(data, pd.DataFrame):
        catalogue = catalogue or load_catalogue()
        data = _years_checked(data, problems)
        is_long = {"indicator", "value"} <= set(data.columns)
        if is_long:
            known = {i.id for i in catalogue.indicators}
            unknown = sorted(set(data["indicator"].astype(str)) - known)
            if unknown:
                problems.append(Problem(SOURCE, field="indicator", code="unknown-indicator",
                                        message=N_("not an indicator of catalogue {catalogue}"),
                                        params=params(catalogue=f"{catalogue.id} {catalogue.version}"),
                                        found=", ".join(unknown[:10]),
                                        fix=N_("correct the id, or pass the catalogue that defines it")))
        frame = _long_to_wide(data, problems) if is_long else data
        values, profiles = _split(*_in_order(frame, *_keys(frame, problems)), catalogue, problems)
        ena_ids = [e.id for e in catalogue.enablers if e.id in profiles.columns]
        enablers = _numeric(profiles[ena_ids], problems, N_("enabler"))
        profiles = profiles.drop(columns=ena_ids)
    else:
        raise InputError([Problem(SOURCE, code="unknown-input",
                                  message=N_("assess() takes a workbook intake, a COINr import, or a long or wide "
                                  "pandas DataFrame"), found=type(data).__name__)])
    # the intake's rules for values, whatever the input (one place: scoring.accept); a workbook intake
    # has reported its own blank values, so only the other inputs are warned about empty or constant ones
    errors, notes = accept.value_problems(values, warn=not isinstance(data, Intake))
    errors += accept.level_problems(enablers)
    numeric = [c for c, k in profiles.dtypes.items() if k.kind in "fiu"]
    errors += accept.value_problems(profiles[numeric], N_("profile"), warn=False)[0]
    accept.settle([*problems, *errors], notes, stacklevel=4)
    values, profiles, enablers = _aligned(values, profiles, enablers)
    inputs = Inputs(values=values, profiles=profiles, enablers=enablers, catalogue=catalogue, digest="",
                    details=details, enabler_details=enabler_details, criteria=criteria, queried=queried)
    return inputs, PendingDigest(values, profiles, enablers, details, enabler_details, criteria, queried)
