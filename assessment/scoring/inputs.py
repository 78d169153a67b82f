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

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..catalogue import Catalogue, CoinrImport, load_catalogue
from ..errors import InputError, Problem, params
from ..intake import Intake
from ..review import Review
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


def _index(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Move unit (and year, if several) into the index; report duplicate units."""
    out = frame  # pandas copy-on-write: the renames below never touch the caller's frame
    col = _unit_column(out)
    if col is None:
        out = out.set_axis(out.index, axis=0)
        out.index = out.index.astype(str)
        out.index.name = "unit"
    else:
        out = out.rename(columns={col: "unit"})
        out["unit"] = out["unit"].astype(str)
        keys = ["unit", "year"] if "year" in out.columns and out["year"].nunique(dropna=True) > 1 else ["unit"]
        out = out.set_index(keys)
    if out.index.duplicated().any():
        dups = sorted({str(k) for k in out.index[out.index.duplicated()]})
        problems.append(Problem(SOURCE, field="unit", code="duplicate-unit",
                                message="each unit (and year) may appear only once",
                                found=", ".join(dups[:10]), fix="remove or merge the duplicate rows"))
    return out


def _numeric(frame: pd.DataFrame, problems: list[Problem], what: str) -> pd.DataFrame:
    """Columns as float; report (never coerce) non-numeric cells."""
    kinds = frame.dtypes
    if all(pd.api.types.is_float_dtype(k) or pd.api.types.is_integer_dtype(k) for k in kinds):
        return frame.astype("float64")
    out = {}
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            out[col] = series.astype("float64")
            continue
        converted = pd.to_numeric(series, errors="coerce")
        bad = series.notna() & converted.isna()
        if bad.any():
            examples = ", ".join(f"{u}={series[u]!r}" for u in list(series.index[bad])[:5])
            problems.append(Problem(SOURCE, item=str(col), code="not-a-number",
                                    message="{what} values must be numbers (missing = empty)", found=examples,
                                    params=params(what=what),
                                    fix="clean the values, or read workbooks with assessment.read_submissions"))
        out[col] = converted.astype("float64")
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _long_to_wide(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    unit = _unit_column(frame)
    if unit is None:
        problems.append(Problem(SOURCE, field="unit", code="missing-column",
                                message="a long table needs a unit column ({allowed})",
                                params=params(allowed=", ".join(UNIT_COLUMNS))))
        return pd.DataFrame()
    long = frame.rename(columns={unit: "unit"})
    keys = ["unit", "year"] if "year" in long.columns else ["unit"]
    dup = long.duplicated(subset=[*keys, "indicator"], keep=False)
    if dup.any():
        found = long.loc[dup, [*keys, "indicator"]].drop_duplicates().astype(str).agg("/".join, axis=1)
        problems.append(Problem(SOURCE, field="indicator", code="duplicate-row",
                                message="each unit, year and indicator may appear only once",
                                found=", ".join(found.head(10))))
        long = long.loc[~long.duplicated(subset=[*keys, "indicator"], keep="first")]
    wide = long.pivot(index=keys, columns="indicator", values="value").reset_index()
    wide.columns.name = None
    return wide


def _split(wide: pd.DataFrame, catalogue: Catalogue, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = {i.id for i in catalogue.indicators}
    value_cols = [c for c in wide.columns if c in ids]
    if not value_cols:
        problems.append(Problem(SOURCE, code="no-indicators",
                                message="no column is an indicator id of catalogue {catalogue}",
                                params=params(catalogue=f"{catalogue.id} {catalogue.version}"),
                                found=", ".join(map(str, list(wide.columns)[:8]))))
    profile_cols = [c for c in wide.columns if c not in ids and c != "year"]
    profiles = wide[profile_cols].copy()
    if "year" in wide.columns and "year" not in wide.index.names:
        profiles["year"] = wide["year"]
    return _numeric(wide[value_cols], problems, "indicator"), profiles


def digest(*frames: pd.DataFrame) -> str:
    """Content hash of tables: labels, dtypes and values (NaN-stable, no text formatting)."""
    h = hashlib.sha256()
    for frame in frames:
        h.update(repr((list(frame.columns), list(frame.index.names), [str(t) for t in frame.dtypes])).encode())
        h.update(pd.util.hash_pandas_object(frame.index.to_frame(index=False), index=False).to_numpy().tobytes())
        numeric = [c for c in frame.columns if frame[c].dtype == "float64"]
        h.update(np.ascontiguousarray(frame[numeric].to_numpy(dtype="float64")).tobytes())
        others = [c for c in frame.columns if c not in numeric]
        if others:  # every other column as text, hashed row-wise in one call
            text = frame[others].astype(str)
            h.update(pd.util.hash_pandas_object(text, index=False).to_numpy().tobytes())
    return h.hexdigest()


def input_digest(values: pd.DataFrame, profiles: pd.DataFrame, enablers: pd.DataFrame,
                 details: pd.DataFrame | None, enabler_details: pd.DataFrame | None = None,
                 criteria: pd.DataFrame | None = None, queried: pd.DataFrame | None = None) -> str:
    """The recipe's input hash: values, profiles, enabler levels and, for workbooks, every detail
    (data year, source, quality flag, notes; enablers' evidence and notes; criteria answers) —
    content only, never where the files were. For a review, the values under query (unit, year,
    indicator; not the reasons' wording) are part of the inputs too: ``screen.queries: exclude``
    scores depend on them."""
    base = digest(values, profiles, enablers, *(d for d in (details, enabler_details, criteria) if d is not None))
    if queried is None or queried.empty:
        return base
    keys = sorted({(str(u), str(y), str(i)) for u, y, i in queried[["unit", "year", "indicator"]].itertuples(
        index=False)})
    return hashlib.sha256((base + json.dumps(keys, ensure_ascii=False)).encode()).hexdigest()


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
                                message="{n} error(s) in the submissions; scores need valid data",
                                fix="fix the workbooks, or score intake.without_error_files()",
                                params=params(n=len(errors))))
        return pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    label = unit_labels(data.profiles)
    long = data.data.assign(unit=_labelled(data.data, label))
    wide = _index(_long_to_wide(long[["unit", "year", "indicator", "value"]], problems), problems)
    values, _ = _split(wide, catalogue, problems)
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


def prepare_inputs(data: Any, catalogue: Catalogue | None = None) -> Inputs:
    """Validate and reshape ``data`` (see the module docstring) into :class:`Inputs`.

    Raises
    ------
    InputError
        Listing every problem: no unit column, duplicate units or rows, non-numeric values,
        no indicator of the catalogue.
    """
    problems: list[Problem] = []
    details: pd.DataFrame | None = None
    enabler_details: pd.DataFrame | None = None
    criteria: pd.DataFrame | None = None
    queried: pd.DataFrame | None = None
    if isinstance(data, Review):
        label = unit_labels(data.intake.profiles)
        under = data.under_query()
        queried = under.assign(unit=_labelled(under, label))[list(QUERIED_COLUMNS)].reset_index(drop=True)
        data = data.intake
    if isinstance(data, CoinrImport):
        catalogue = catalogue or data.catalogue
        frame = data.data.reset_index().rename(columns={"uCode": "unit"})
        wide = _index(frame, problems)
        values, profiles = _split(wide, catalogue, problems)
        enablers = pd.DataFrame(index=values.index)
    elif isinstance(data, Intake):
        catalogue = catalogue or load_catalogue()
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
        is_long = {"indicator", "value"} <= set(data.columns)
        if is_long:
            known = {i.id for i in catalogue.indicators}
            unknown = sorted(set(data["indicator"].astype(str)) - known)
            if unknown:
                problems.append(Problem(SOURCE, field="indicator", code="unknown-indicator",
                                        message="not an indicator of catalogue {catalogue}",
                                        params=params(catalogue=f"{catalogue.id} {catalogue.version}"),
                                        found=", ".join(unknown[:10]),
                                        fix="correct the id, or pass the catalogue that defines it"))
        frame = _long_to_wide(data, problems) if is_long else data
        wide = _index(frame, problems)
        values, profiles = _split(wide, catalogue, problems)
        ena_ids = [e.id for e in catalogue.enablers if e.id in profiles.columns]
        enablers = _numeric(profiles[ena_ids], problems, "enabler")
        profiles = profiles.drop(columns=ena_ids)
    else:
        raise InputError([Problem(SOURCE, code="unknown-input",
                                  message="assess() takes a workbook intake, a COINr import, or a long or wide "
                                  "pandas DataFrame", found=type(data).__name__)])
    if problems:
        raise InputError(problems)
    if not values.index.is_monotonic_increasing:
        values = values.sort_index(kind="stable")
    if not profiles.index.equals(values.index):
        profiles = profiles.reindex(values.index)
    if not enablers.index.equals(values.index):
        enablers = enablers.reindex(values.index)
    return Inputs(values=values, profiles=profiles, enablers=enablers, catalogue=catalogue,
                  digest=input_digest(values, profiles, enablers, details, enabler_details, criteria, queried),
                  details=details, enabler_details=enabler_details, criteria=criteria, queried=queried)


def pool_codes(frame: pd.DataFrame, group: pd.Series | None = None) -> np.ndarray:
    """Integer code of each row's pool (year of a panel × ``group``); -1 where the group is missing.

    Imputation statistics and ranks are computed within these pools.
    """
    codes = np.zeros(len(frame), dtype=np.int64)
    parts = []
    if "year" in frame.index.names:
        parts.append(np.asarray(frame.index.get_level_values("year")))
    if group is not None:
        parts.append(group.reindex(frame.index).to_numpy(dtype=object))
    for values in parts:
        part, uniques = pd.factorize(values)
        codes = np.where((codes < 0) | (part < 0), -1, codes * max(len(uniques), 1) + part)
    return codes
