"""Typed parameters of each normalisation and imputation method.

One model per method, joined as a pydantic *discriminated union* on ``method``: a method gets
exactly the parameters it uses, so a missing required one (``dist2ref`` without
``reference_unit``, ``mean-group`` without ``group``) or a foreign one (``minmax`` with
``target``) is an error that names it. The method-name ``Literal`` of each stage
(:data:`NormaliseName`, :data:`ImputeName`) is derived from the same models and feeds the
command line, the docs and the tests across every method.

Parameters (``range`` is the output interval of the bounded methods, their natural 0–1 mapped
onto it; see :mod:`assessment.scoring.normalise` for each definition):

============  ===================================================
method        parameters
============  ===================================================
none          –
anchored      ``range``
goalposts     ``range``, ``bounds`` (``catalogue``, ``observed``, ``{kth: k}``,
              ``{percentile: [p, q]}``, ``{fixed: [low, high]}``; see
              :mod:`assessment.scoring.goalposts`)
minmax        ``range``
zscore        ``mean_sd`` (mean, standard deviation)
rank          –
prank         ``range``
dist2max      ``range``
dist2ref      ``range``, ``cap``, ``reference_unit`` (required)
dist2target   ``range``, ``cap``, ``target`` (method-wide target;
              default the catalogue's target, else its best goalpost)
============  ===================================================

Imputation: ``mean-group`` and ``median-group`` need ``group`` (a profile column); the other
methods take no parameter.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    model_serializer,
    model_validator,
)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Range = tuple[float, float]


class NoNormalisation(_Spec):
    """``none``: the direction applied, values otherwise unchanged."""

    method: Literal["none"] = "none"


class Anchored(_Spec):
    """``anchored`` (the default): the catalogue's level thresholds at fixed points of ``range``."""

    method: Literal["anchored"] = "anchored"
    range: Range = (0.0, 100.0)


class KthBounds(_Spec):
    """Goalposts at the ``kth`` smallest and ``kth`` largest value."""

    kth: int = Field(ge=1)


class PercentileBounds(_Spec):
    """Goalposts at two percentiles (0–100) of the values."""

    percentile: tuple[Annotated[float, Field(ge=0, le=100)], Annotated[float, Field(ge=0, le=100)]]

    @model_validator(mode="after")
    def _ordered(self) -> PercentileBounds:
        if not self.percentile[0] < self.percentile[1]:
            raise ValueError(f"percentile needs [low, high] with low < high; found {list(self.percentile)}")
        return self


class FixedBounds(_Spec):
    """Goalposts fixed at two values in the indicator's units (``[low, high]``, ``low < high``)."""

    fixed: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> FixedBounds:
        if not self.fixed[0] < self.fixed[1]:
            raise ValueError(f"fixed needs [low, high] with low < high; found {list(self.fixed)}")
        return self


GoalpostBounds = Literal["catalogue", "observed"] | KthBounds | PercentileBounds | FixedBounds


class Goalposts(_Spec):
    """``goalposts``: share of the way from the worst to the best goalpost, capped; the goalposts are the
    catalogue's, or taken from the data or fixed by ``bounds`` (:mod:`assessment.scoring.goalposts`)."""

    method: Literal["goalposts"] = "goalposts"
    range: Range = (0.0, 100.0)
    bounds: GoalpostBounds = "catalogue"

    @model_serializer(mode="wrap")
    def _lean(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The default ``bounds`` is left out, so methods written before it keep their fingerprints."""
        out: dict[str, Any] = handler(self)
        if out.get("bounds") == "catalogue":
            del out["bounds"]
        return out


class MinMax(_Spec):
    """``minmax``: min-max over the units given (COINr ``n_minmax``)."""

    method: Literal["minmax"] = "minmax"
    range: Range = (0.0, 100.0)


class ZScore(_Spec):
    """``zscore``: standardised to ``mean_sd`` = (mean, sample standard deviation)."""

    method: Literal["zscore"] = "zscore"
    mean_sd: Range = (0.0, 1.0)


class RankNormalisation(_Spec):
    """``rank``: ranks, ties = min, the best unit highest (COINr ``n_rank``)."""

    method: Literal["rank"] = "rank"


class PercentRank(_Spec):
    """``prank``: percentile ranks ``(rank - 1) / (n - 1)`` onto ``range``."""

    method: Literal["prank"] = "prank"
    range: Range = (0.0, 100.0)


class Dist2Max(_Spec):
    """``dist2max``: distance to the best unit (COINr ``n_dist2max``)."""

    method: Literal["dist2max"] = "dist2max"
    range: Range = (0.0, 100.0)


class Dist2Ref(_Spec):
    """``dist2ref``: distance to a reference unit's value (COINr ``n_dist2ref``)."""

    method: Literal["dist2ref"] = "dist2ref"
    reference_unit: str
    range: Range = (0.0, 100.0)
    cap: bool = False


class Dist2Target(_Spec):
    """``dist2target``: distance to a target (COINr 1.1 ``n_dist2targ``)."""

    method: Literal["dist2target"] = "dist2target"
    range: Range = (0.0, 100.0)
    cap: bool = False
    target: float | None = None


NORMALISATIONS: tuple[type[_Spec], ...] = (NoNormalisation, Anchored, Goalposts, MinMax, ZScore, RankNormalisation,
                                           PercentRank, Dist2Max, Dist2Ref, Dist2Target)
#: The model of each normalisation, by method name.
NORMALISATION_MODELS: dict[str, type[_Spec]] = {m.model_fields["method"].default: m for m in NORMALISATIONS}

NormaliseName = Literal["none", "anchored", "goalposts", "minmax", "zscore", "rank", "prank", "dist2target",
                        "dist2max", "dist2ref"]
DEFAULT_NORMALISATION = "anchored"


def default_method(default: str) -> BeforeValidator:
    """A validator that fills a missing ``method`` key with ``default`` (the union needs its tag)."""

    def fill(value: Any) -> Any:
        if isinstance(value, dict) and "method" not in value:
            return {"method": default, **value}
        return value

    return BeforeValidator(fill)


#: One normalisation recipe: the union of the models above, chosen by ``method``.
NormaliseSpec = Annotated[
    Union[NoNormalisation, Anchored, Goalposts, MinMax, ZScore, RankNormalisation,  # noqa: UP007
          PercentRank, Dist2Max, Dist2Ref, Dist2Target],
    Field(discriminator="method"), default_method(DEFAULT_NORMALISATION)]
NORMALISE_SPEC: TypeAdapter[Any] = TypeAdapter(NormaliseSpec)


def normalise_spec(method: str = DEFAULT_NORMALISATION, **params: Any) -> Any:
    """Validate one normalisation recipe (``normalise_spec("minmax", range=(0, 10))``)."""
    return NORMALISE_SPEC.validate_python({"method": method, **params})


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


def _names(models: tuple[type[_Spec], ...]) -> tuple[str, ...]:
    return tuple(n for m in models for n in get_args(m.model_fields["method"].annotation))


assert set(_names(NORMALISATIONS)) == set(get_args(NormaliseName))  # one source of truth, checked on import
assert set(_names((ImputeNone, ImputeStatistic, ImputeGroup))) == set(get_args(ImputeName))
