"""Plausibility rules: what a reviewer asks a city to confirm, kept in the catalogue as data.

A rule never changes a value; it raises a *query* (see :mod:`assessment.review`). Rules are
records of the ``rules`` section of any catalogue file (the built-in ones are in
``indicators/rules.yaml``), one discriminated union on ``kind``:

``change``
    Year over year: a value is queried when it changed by more than ``ratio`` times (up or down,
    ``max(new/old, old/new)``) or by more than ``points`` (absolute, in the indicator's unit),
    against the same city's previous submission. Without ``indicator`` the rule is the default
    for every indicator that has no rule of its own. ``indicator`` may also name a profile
    denominator (``population``, ``area_km2``): profile fields are checked only under a rule that
    names them.
``outlier``
    Across the cohort: a value is queried when it lies more than ``k`` scaled median absolute
    deviations from the cohort median, on the ``log`` scale (skewed, positive indicators: rates
    per inhabitant, concentrations) or the ``linear`` one. MAD is scaled by 1.4826 so that it
    estimates the standard deviation of normal data (Rousseeuw & Croux 1993; Leys et al. 2013,
    who recommend k = 3, "2.5 reasonable"; we default to a conservative 3.5 because a query costs
    a city work). A cohort smaller than ``min_cohort`` values raises no outlier query.
``ratio`` / ``difference`` / ``sum``
    Consistency between values of one city: ``a / b``, ``a - b`` or the sum of ``terms`` must lie
    within ``[min, max]``. A term is an indicator id or a profile field named as a catalogue
    denominator (``population``, ``area_km2``); a rule whose terms are not all reported is skipped.
``metadata``
    Data quality: a value without a data year, a source or a quality flag, and a value whose
    quality flag is one of ``flags`` on an indicator of tier ``tiers``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..i18n import N_
from ..model_errors import invalid
from .types import Id, LangText, Record

#: Scale on which the cohort median and MAD are taken.
OutlierScale = Literal["log", "linear"]
#: MAD → standard deviation of normal data (1 / Φ⁻¹(3/4)).
MAD_SCALE = 1.4826


class _Rule(Record):
    id: Id
    note: LangText | None = None  # why the rule holds, shown to the city


class ChangeRule(_Rule):
    """Year-over-year limit for one indicator (or, without ``indicator``, the default)."""

    kind: Literal["change"]
    indicator: str | None = None
    ratio: float | None = Field(default=None, gt=1)
    points: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _some_limit(self) -> ChangeRule:
        if self.ratio is None and self.points is None:
            raise invalid("no-limit", N_("a change rule needs 'ratio', 'points' or both"))
        return self


class OutlierRule(_Rule):
    """Robust cohort outlier rule (median ± k·MAD) for one indicator, or the default."""

    kind: Literal["outlier"]
    indicator: str | None = None
    scale: OutlierScale = "log"
    k: float = Field(default=3.5, gt=0)
    min_cohort: int = Field(default=8, ge=3)


class _Bounds(_Rule):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> _Bounds:
        if self.min is None and self.max is None:
            raise invalid("no-limit", N_("a consistency rule needs 'min', 'max' or both"))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise invalid("bounds-reversed", N_("min ({min}) is above max ({max})"), min=str(self.min),
                          max=str(self.max))
        return self


class _Pair(_Bounds):
    a: str
    b: str

    @property
    def terms(self) -> tuple[str, ...]:
        """Every indicator or profile field the rule reads."""
        return (self.a, self.b)


class RatioRule(_Pair):
    """``a / b`` within ``[min, max]``."""

    kind: Literal["ratio"]


class DifferenceRule(_Pair):
    """``a - b`` within ``[min, max]``."""

    kind: Literal["difference"]


class SumRule(_Bounds):
    """The sum of ``terms`` (shares of one whole: a share and its complement) within ``[min, max]``."""

    kind: Literal["sum"]
    parts: tuple[str, ...] = Field(min_length=2)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every indicator or profile field the rule reads."""
        return self.parts


class MetadataRule(_Rule):
    """Data-quality metadata: required fields, and quality flags that need a query on some tiers."""

    kind: Literal["metadata"]
    require: tuple[Literal["data_year", "source", "quality"], ...] = ("data_year", "source", "quality")
    flags: tuple[int, ...] = ()
    tiers: tuple[Literal["core", "advanced"], ...] = ("core",)


Rule = Annotated[ChangeRule | OutlierRule | RatioRule | DifferenceRule | SumRule | MetadataRule,
                 Field(discriminator="kind")]
ConsistencyRule = RatioRule | DifferenceRule | SumRule
