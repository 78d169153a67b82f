"""Plausibility checks: one small pure function per rule kind, each returning query problems.

The functions take plain values (a city's values as ``indicator → value``, rows of metadata,
the cohort's values of one indicator) and a rule of :mod:`assessment.catalogue.rules`; they never
change a value. The numbers compared are in every message.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..catalogue.rules import (
    MAD_SCALE,
    ChangeRule,
    ConsistencyRule,
    DifferenceRule,
    MetadataRule,
    OutlierRule,
    RatioRule,
)
from ..errors import Problem
from ..i18n import N_
from .messages import number, query_problem

SCALE_LABELS = {"log": N_("log"), "linear": N_("linear")}


@dataclass(frozen=True)
class Place:
    """Where a value sits: file, sheet, row and column of its cell."""

    source: str
    sheet: str = ""
    row: int | None = None
    column: str = ""


def change_factor(old: float, new: float) -> float:
    """``max(new/old, old/new)`` for values of one sign; ``inf`` when one is 0 and the other is not.

    >>> change_factor(10, 100), change_factor(100, 10), change_factor(0, 0)
    (10.0, 10.0, 1.0)
    """
    if old == new:
        return 1.0
    if old == 0 or new == 0 or (old < 0) != (new < 0):
        return math.inf
    return float(max(new / old, old / new))


def check_change(rule: ChangeRule, indicator: str, old: float, old_year: int, new: float, year: int, unit: str,
                 place: Place) -> Iterator[Problem]:
    """A value that changed by more than ``rule.ratio`` times or ``rule.points`` since the previous submission."""
    factor = change_factor(old, new)
    if rule.ratio is not None and factor > rule.ratio:
        yield query_problem("change-ratio", place.source, rule=rule.id, item=indicator, found=new, sheet=place.sheet,
                            row=place.row, column=place.column, old=number(old), old_year=old_year, year=year,
                            times="∞" if math.isinf(factor) else number(round(factor, 2)), limit=number(rule.ratio))
    elif rule.points is not None and abs(new - old) > rule.points:
        yield query_problem("change-points", place.source, rule=rule.id, item=indicator, found=new, sheet=place.sheet,
                            row=place.row, column=place.column, old=number(old), old_year=old_year, year=year,
                            diff=number(new - old), unit=unit, limit=number(rule.points))


def robust_z(values: Sequence[float], scale: str) -> tuple[np.ndarray, float, int]:
    """Distance of each value from the median in scaled MADs, the median and the number of values used.

    On the ``log`` scale values ≤ 0 cannot be placed: their distance is NaN and they are not
    counted. A MAD of 0 (more than half the values equal) gives NaN distances: no judgement.
    """
    x = np.asarray(values, dtype="float64")
    usable = np.isfinite(x) & (x > 0 if scale == "log" else True)
    t = np.where(usable, np.log(np.where(usable, x, 1.0)) if scale == "log" else x, np.nan)
    if not usable.any():
        return np.full(x.shape, np.nan), math.nan, 0
    centre = float(np.nanmedian(t))
    mad = float(np.nanmedian(np.abs(t - centre))) * MAD_SCALE
    z = np.abs(t - centre) / mad if mad > 0 else np.full(x.shape, np.nan)
    median = math.exp(centre) if scale == "log" else centre
    return z, median, int(usable.sum())


def check_outliers(rule: OutlierRule, indicator: str, values: Sequence[float],
                   places: Sequence[Place]) -> list[tuple[int, Problem]]:
    """``(position, query)`` for every value beyond ``rule.k`` scaled MADs of the cohort median."""
    z, median, n = robust_z(values, rule.scale)
    if n < rule.min_cohort:
        return []
    out = []
    for i, (value, dist, place) in enumerate(zip(values, z, places, strict=True)):
        if np.isfinite(dist) and dist > rule.k:
            out.append((i, query_problem("outlier", place.source, rule=rule.id, item=indicator, found=value,
                                         sheet=place.sheet, row=place.row, column=place.column, n=n,
                                         median=significant(median), z=number(round(float(dist), 1)),
                                         scale=SCALE_LABELS[rule.scale], k=number(rule.k), labels=("scale",))))
    return out


def significant(x: float) -> str:
    """Four significant digits below 1000, whole numbers above (``530.6``, ``8481``)."""
    return number(round(x)) if abs(x) >= 1000 else number(float(f"{x:.4g}"))


def _outside(rule: ConsistencyRule, x: float) -> str:
    """``"low"``, ``"high"`` or ``""`` (within the rule's bounds; a tolerance of 1e-9 for rounding)."""
    if rule.min is not None and x < rule.min - 1e-9:
        return "low"
    if rule.max is not None and x > rule.max + 1e-9:
        return "high"
    return ""


def check_consistency(rule: ConsistencyRule, values: Mapping[str, float], place: Place) -> Iterator[Problem]:
    """A city's values against one ratio, difference or sum rule; skipped unless every term is reported."""
    got = {t: values.get(t) for t in rule.terms}
    if any(v is None or not math.isfinite(v) for v in got.values()):
        return
    bounds: dict[str, Any] = {"low": number(rule.min) if rule.min is not None else "",
              "high": number(rule.max) if rule.max is not None else ""}
    first = rule.terms[0]
    if isinstance(rule, RatioRule | DifferenceRule):
        a, b = float(got[rule.a] or 0.0), float(got[rule.b] or 0.0)
        extra: dict[str, Any]
        if isinstance(rule, RatioRule):
            if b == 0:
                return
            x, kind, extra = a / b, "ratio", {"ratio": number(round(a / b, 4))}
        else:
            x, kind, extra = a - b, "difference", {"diff": number(a - b)}
        side = _outside(rule, x)
        if side:
            yield query_problem(f"{kind}-{side}", place.source, rule=rule.id, item=first, found=a, sheet=place.sheet,
                                row=place.row, column=place.column, a=rule.a, b=rule.b, a_value=number(a),
                                b_value=number(b), **extra, **bounds)
        return
    total = sum(float(v or 0.0) for v in got.values())
    side = _outside(rule, total)
    if side:
        parts = " + ".join(f"{t} ({number(float(got[t] or 0.0))})" for t in rule.terms)
        yield query_problem(f"sum-{side}", place.source, rule=rule.id, item=first, found=got[first],
                            sheet=place.sheet, row=place.row, column=place.column, parts=parts, total=number(total),
                            **bounds)


def check_metadata(rule: MetadataRule, indicator: str, tier: str | None, value: float,
                   meta: Mapping[str, object], places: Mapping[str, Place]) -> Iterator[Problem]:
    """A reported value without its data year, source or quality flag; a flag the rule asks about."""
    codes = {"data_year": "no-data-year", "source": "no-source", "quality": "no-quality"}
    for field in rule.require:
        got = meta.get(field)
        if got is None or (isinstance(got, str) and not got.strip()) or (isinstance(got, float) and math.isnan(got)):
            p = places[field]
            yield query_problem(codes[field], p.source, rule=rule.id, item=indicator, found=value, sheet=p.sheet,
                                row=p.row, column=p.column)
    flag = meta.get("quality")
    if flag is not None and tier in rule.tiers and isinstance(flag, int | np.integer) and int(flag) in rule.flags:
        p = places["quality"]
        yield query_problem("flagged-quality", p.source, rule=rule.id, item=indicator, found=value, sheet=p.sheet,
                            row=p.row, column=p.column, flag=int(flag))
