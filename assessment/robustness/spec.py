"""The robustness specification: which assumptions of a method are uncertain, as typed data.

A :class:`RobustnessSpec` loads from a YAML file or a mapping of the same shape
(:func:`load_robustness_spec`, which also takes a spec; :func:`spec_from_dict` for a mapping alone;
:func:`~assessment.uncertainty` and :func:`~assessment.sensitivity` take any of the three) and lists
assumptions of three kinds:

* ``discrete``: alternatives for one field of the method, addressed by a dotted path
  (``treat.winmax``, ``normalise``, ``aggregate.method``, ``aggregate.nodes.<id>.method``,
  ``impute.method``, ``screen.min_coverage`` …). A value is either a plain value for the field
  or, for a path naming a section, a partial mapping deep-merged into the nominal section.
* ``weights``: every weight of the chosen levels multiplied by ``1 + share·(2u − 1)``,
  ``u ~ U(0, 1)`` independently per weight, sampled as **one grouped factor**. Levels count
  as in COINr: 1 = indicators, 2 = the lowest aggregates, and so on up to the root's children.
* ``data``: every reported value multiplied by ``1 + b·(2u − 1)`` where the band ``b`` widens
  with the value's U4SSC data-quality flag (1 accurate measurement … 6 not traceable);
  ``draws`` perturbed copies of the data are drawn once and sampled as one discrete factor.

The spec is checked against the nominal method by :func:`check_spec` before anything runs;
see ``docs/robustness.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, Problem
from ..i18n import N_
from ..model_errors import invalid, pydantic_problems
from ..yamlfiles import read_yaml

SOURCE = "<robustness spec>"

#: Default data-uncertainty bands: the relative half-width of the perturbation per U4SSC
#: quality flag. 1 accurate measurement ±1 %; 2 survey extrapolation ±5 %; 3 extrapolated
#: from higher-level data ±10 %; 4 estimated from assumptions ±20 %; 5 personal estimation
#: ±30 %; 6 unknown methodology ±50 %.
DEFAULT_BANDS: dict[int, float] = {1: 0.01, 2: 0.05, 3: 0.10, 4: 0.20, 5: 0.30, 6: 0.50}


#: Above this many replicate × unit × node cells, ``node_ranks: auto`` ranks the index only.
NODE_RANKS_AUTO = 20_000_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiscreteAssumption(_Model):
    """Alternatives for one method field; a uniform draw picks one by equal-width bins (as COINr)."""

    kind: Literal["discrete"] = "discrete"
    name: str
    path: str = Field(min_length=1)
    values: tuple[Any, ...] = Field(min_length=1)


class WeightAssumption(_Model):
    """Weights of the given levels perturbed by ± ``share``, one grouped factor."""

    kind: Literal["weights"]
    name: str = "weights"
    levels: tuple[int, ...] = Field(min_length=1)
    share: float = Field(gt=0, lt=1)


class DataAssumption(_Model):
    """Values perturbed within a band set by their data-quality flag (see :data:`DEFAULT_BANDS`).

    ``unflagged`` is the band of values without a flag (``null``: left as reported).
    """

    kind: Literal["data"]
    name: str = "data"
    bands: dict[int, float] = Field(default_factory=lambda: dict(DEFAULT_BANDS))
    unflagged: float | None = Field(default=None, ge=0, lt=1)
    draws: int = Field(default=50, ge=1, le=10_000)

    @model_validator(mode="after")
    def _bands_valid(self) -> DataAssumption:
        bad = {k: v for k, v in self.bands.items() if not 0 <= v < 1}
        if bad:
            raise invalid("bad-band", N_("bands must be in [0, 1); found {bad}"), bad=bad)
        return self


Assumption = Annotated[DiscreteAssumption | WeightAssumption | DataAssumption, Field(discriminator="kind")]


class RobustnessSpec(_Model):
    """A complete robustness analysis: the assumptions and how they are sampled and summarised.

    ``n`` is the number of Monte Carlo replicates (uncertainty) or the base sample size ``N``
    (sensitivity: ``N (d + 2)`` runs). ``design`` ``sobol`` uses scrambled Sobol' points from
    ``scipy.stats.qmc`` (scipy must be installed). ``interval`` holds the two quantiles
    reported (default the 5–95 % interval). ``block`` replicates form one independent unit of
    work with its own random stream, whatever the number of workers. ``node_ranks``: rank every
    aggregate node in every replicate too (``auto``: when replicates × units × nodes is at most
    :data:`NODE_RANKS_AUTO`; ranking is the costliest step for large cohorts).
    """

    name: str = "robustness"
    description: str = ""
    assumptions: tuple[Assumption, ...] = Field(min_length=1)
    n: int = Field(default=500, ge=2)
    seed: int = Field(default=0, ge=0)
    design: Literal["montecarlo", "sobol"] = "montecarlo"
    interval: tuple[float, float] = (0.05, 0.95)
    top_k: int = Field(default=10, ge=1)
    bootstrap: int = Field(default=100, ge=0)
    pairwise: bool | tuple[str, ...] = False
    block: int = Field(default=64, ge=1)
    node_ranks: bool | Literal["auto"] = "auto"
    exact_grid_max: int = Field(default=1024, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _default_kind(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and isinstance(raw.get("assumptions"), list | tuple):
            items = [dict(a, kind="discrete") if isinstance(a, dict) and "kind" not in a and "values" in a else a
                     for a in raw["assumptions"]]
            raw = {**raw, "assumptions": items}
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> RobustnessSpec:
        lo, hi = self.interval
        if not 0 <= lo < hi <= 1:
            raise invalid("bad-interval", N_("interval must satisfy 0 <= low < high <= 1; found {interval}"),
                          interval=list(self.interval))
        names = [a.name for a in self.assumptions]
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            raise invalid("duplicate-name", N_("assumption names must be unique; repeated {names}"), names=dups)
        if sum(isinstance(a, DataAssumption) for a in self.assumptions) > 1:
            raise invalid("data-assumptions", N_("at most one data assumption"))
        return self

    @property
    def discrete(self) -> tuple[DiscreteAssumption, ...]:
        """The discrete assumptions, in spec order."""
        return tuple(a for a in self.assumptions if isinstance(a, DiscreteAssumption))


def spec_from_dict(raw: dict[str, Any], source: str = SOURCE) -> RobustnessSpec:
    """Validate a mapping (the shape of a spec YAML file) as a :class:`RobustnessSpec`.

    >>> spec_from_dict({"n": 100, "assumptions": [{"name": "win", "path": "treat.winmax", "values": [1, 5]}]}).n
    100

    Raises
    ------
    InputError
        Listing every problem at once, each placed at ``source``.
    """
    try:
        return RobustnessSpec.model_validate(raw)
    except ValidationError as exc:
        raise InputError(list(pydantic_problems(exc, source, "robustness", RobustnessSpec))) from None


def with_overrides(spec: RobustnessSpec, **changes: int | None) -> RobustnessSpec:
    """``spec`` with the given fields replaced (``None`` keeps the spec's), validated again."""
    updates = {k: v for k, v in changes.items() if v is not None}
    return spec_from_dict({**spec.model_dump(), **updates}) if updates else spec


SpecLike: TypeAlias = RobustnessSpec | Mapping[str, Any] | str | Path


def load_robustness_spec(spec: SpecLike) -> RobustnessSpec:
    """A :class:`RobustnessSpec` from the path of a YAML file (see ``examples/robustness/``), a mapping
    of the same shape (as :func:`spec_from_dict`), or a spec (returned as it is).

    Raises
    ------
    InputError
        Listing every unknown key or out-of-range value (the file's path named), or naming a
        missing file or an input of another type.
    """
    if isinstance(spec, RobustnessSpec):
        return spec
    if isinstance(spec, Mapping):
        return spec_from_dict(dict(spec))
    if not isinstance(spec, str | Path):
        raise InputError([Problem(SOURCE, code="unknown-input", found=type(spec).__name__, message=N_(
            "a robustness spec is a mapping, the path of a YAML file, or a RobustnessSpec"))])
    path = spec
    if not Path(path).exists():  # a pipe or a folder is refused by read_yaml, by name
        raise InputError([Problem(str(path), code="missing-file", message=N_("robustness spec not found"),
                                  fix=N_("check the path; an example is examples/robustness/asem-reference.yaml"))])
    problems: list[Problem] = []
    raw = read_yaml(Path(path), problems)
    if problems:
        raise InputError(problems)
    return spec_from_dict(raw, str(path))
