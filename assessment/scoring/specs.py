"""Typed parameters of each normalisation and imputation method.

One model per method, joined as a pydantic *discriminated union* on ``method``: a method gets
exactly the parameters it uses, so a missing required one (``dist2ref`` without
``reference_unit``, ``mean-group`` without ``group``) or a foreign one (``minmax`` with
``target``) is an error that names it. The method-name ``Literal`` of each stage
(:data:`NormaliseName`, :data:`ImputeName`) is derived from the same models and feeds the
command line, the docs and the tests across every method.

The normalisations are classes holding their parameters, computation, documentation and needs
(:mod:`assessment.scoring.normalisers`, whose reference table ``docs/scoring.md`` shows); this
module re-exports what is derived from them.

Imputation: ``mean-group`` and ``median-group`` need ``group`` (a profile column); the other
methods take no parameter.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_args

from pydantic import Field, TypeAdapter

from .methodbase import StageMethod, default_method
from .normalisers import (
    DEFAULT_NORMALISATION,
    NORMALISE_SPEC,
    NORMALISERS,
    Anchored,
    NormaliseName,
    NormaliseSpec,
    normalise_spec,
)

#: The model of each normalisation, by method name (the classes of :mod:`assessment.scoring.normalisers`).
NORMALISATION_MODELS: dict[str, type[StageMethod]] = dict(NORMALISERS)

_Spec = StageMethod


class ImputeNone(_Spec):
    """``none`` (the default): missing stays missing."""

    method: Literal["none"] = "none"


class ImputeStatistic(_Spec):
    """``mean``/``median`` over units of the same year; ``latest``/``linear`` along a panel's years."""

    method: Literal["mean", "median", "latest", "linear"]


class ImputeGroup(_Spec):
    """``mean-group``/``median-group``: within the unit's group, the profile column ``group``."""

    method: Literal["mean-group", "median-group"]
    group: str


#: The model of each imputation, by method name.
IMPUTE_MODELS: dict[str, type[_Spec]] = {name: m for m in (ImputeNone, ImputeStatistic, ImputeGroup)
                                         for name in get_args(m.model_fields["method"].annotation)}

#: How missing values are filled: the union of the models above, chosen by ``method``.
Impute = Annotated[Union[ImputeNone, ImputeStatistic, ImputeGroup],  # noqa: UP007
                   Field(discriminator="method"), default_method("none")]
IMPUTE_SPEC: TypeAdapter[Any] = TypeAdapter(Impute)
ImputeName = Literal["none", "mean", "median", "mean-group", "median-group", "latest", "linear"]


def impute_spec(method: str = "none", **params: Any) -> Any:
    """Validate one imputation recipe (``impute_spec("mean-group", group="region")``)."""
    return IMPUTE_SPEC.validate_python({"method": method, **params})


__all__ = ["DEFAULT_NORMALISATION", "IMPUTE_MODELS", "IMPUTE_SPEC", "NORMALISATION_MODELS", "NORMALISE_SPEC",
           "Anchored", "Impute", "ImputeGroup", "ImputeName", "ImputeNone", "ImputeStatistic", "NormaliseName",
           "NormaliseSpec", "default_method", "impute_spec", "normalise_spec"]
assert set(IMPUTE_MODELS) == set(get_args(ImputeName))  # one source of truth, checked on import
