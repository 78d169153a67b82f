"""The scoring method as typed data: one source of truth for the engine, the CLI, the docs and
validation.

A :class:`Method` lists the nine pipeline stages in their fixed order. Every choice is a
``Literal`` so that an unknown name is rejected with the list of allowed ones, and every
method name maps to one small pure function in that stage's registry. A method loads from a
YAML file (:func:`load_method`) whose keys are exactly the fields below; see
``examples/methods/*.yaml``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._missing import RANK_MIN_COVERAGE
from ..catalogue.load import pydantic_problems, read_yaml
from ..errors import InputError, Problem

ImputeName = Literal["none", "mean", "median", "mean-group", "median-group", "latest", "linear"]
TreatName = Literal["none", "winsorise"]
NormaliseName = Literal["none", "anchored", "goalposts", "minmax", "zscore", "rank", "prank", "dist2target", "dist2max",
                        "dist2ref"]
AggregateName = Literal["arithmetic", "geometric", "harmonic", "generalised"]
IndicatorLevelName = Literal["thresholds", "target-bands"]
EnablerGroupName = Literal["median", "min"]
PanelNormalisation = Literal["pooled", "per-year"]

#: Where the ``anchored`` normalisation puts level thresholds 1–5, in tenths of the output range
#: (worst goalpost 0, best 10): on 0–100 the fixed points 10, 30, 50, 70, 90.
ANCHORS: tuple[int, ...] = (1, 3, 5, 7, 9)


def anchor_cutoffs(lo: float = 0.0, hi: float = 100.0) -> tuple[float, float, float, float, float]:
    """The scores at which ``anchored`` puts thresholds 1–5 on the range ``[lo, hi]``."""
    a, b, c, d, e = (lo + (hi - lo) * k / 10 for k in ANCHORS)
    return a, b, c, d, e


IMPUTE_METHODS: tuple[str, ...] = get_args(ImputeName)
NORMALISE_METHODS: tuple[str, ...] = get_args(NormaliseName)
AGGREGATE_METHODS: tuple[str, ...] = get_args(AggregateName)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Denominate(_Model):
    """Divide indicators by the profile column the catalogue names in ``denominator``.

    ``overrides`` maps an indicator id to another column (or ``null`` for none).
    """

    enabled: bool = True
    overrides: dict[str, str | None] = Field(default_factory=dict)


class Screen(_Model):
    """Drop units whose share of non-missing indicators is below ``min_coverage`` (COINr ``byNA``).

    ``after`` chooses the table screened: the denominated one (default: the coverage a city
    actually reported) or the imputed one (as COINr's ASEM example does). ``keep`` lists
    units never dropped (COINr's ``Force``).
    """

    min_coverage: float = Field(default=0.0, ge=0, le=1)
    after: Literal["denominate", "impute"] = "denominate"
    keep: tuple[str, ...] = ()


class Impute(_Model):
    """How missing values are filled. ``none`` (the default) leaves them missing.

    ``group`` names the profile column for ``mean-group``/``median-group``. ``latest`` and
    ``linear`` work along the years of a panel.
    """

    method: ImputeName = "none"
    group: str | None = None

    @model_validator(mode="after")
    def _group_needed(self) -> Impute:
        if self.method.endswith("-group") and not self.group:
            raise ValueError(f"impute method {self.method!r} needs 'group': the profile column to group by")
        return self


class Treat(_Model):
    """COINr's default outlier treatment, per indicator on or off.

    While ``|skew| >= skew`` and ``kurtosis >= kurtosis`` the most extreme value(s) on the
    side of the skew are replaced by the next value, up to ``winmax`` points; if the
    indicator still fails, ``fallback: log`` applies COINr's ``log_CT`` to the original values.
    """

    method: TreatName = "none"
    winmax: int = Field(default=5, ge=0)
    skew: float = Field(default=2.0, gt=0)
    kurtosis: float = 3.5
    fallback: Literal["log", "none"] = "log"
    skip: tuple[str, ...] = ()


class NormaliseSpec(_Model):
    """One normalisation recipe.

    ``anchored`` (the default) maps the catalogue's five level thresholds to fixed points of
    ``range`` (:data:`ANCHORS`), so that scores and levels share one scale.
    ``range`` is the output interval of the bounded methods (anchored, goalposts, minmax, prank,
    dist2max, dist2ref, dist2target: their natural 0–1 is mapped onto it); ``zscore`` uses
    ``mean_sd``; ``rank`` returns ranks. ``cap`` truncates dist2ref/dist2target at the top of
    the range (goalposts are always capped).
    """

    method: NormaliseName = "anchored"
    range: tuple[float, float] = (0.0, 100.0)
    mean_sd: tuple[float, float] = (0.0, 1.0)
    cap: bool = False
    reference_unit: str | None = None
    target: float | None = None


class Normalise(NormaliseSpec):
    """The default recipe plus per-indicator overrides and how panels are normalised."""

    overrides: dict[str, NormaliseSpec] = Field(default_factory=dict)
    panel: PanelNormalisation = "pooled"


class NodeSpec(_Model):
    """Per-node aggregation choices; unset fields fall back to the lens-wide ones."""

    method: AggregateName | None = None
    power: float | None = None
    min_coverage: float | None = Field(default=None, ge=0, le=1)
    min_reported: float | None = Field(default=None, ge=0, le=1)


class Aggregate(_Model):
    """How every lens is aggregated, level by level.

    ``lenses``: the indicator lenses to aggregate; empty (the default) means every complete
    indicator lens of the catalogue, so the default method works for any framework (the
    built-in catalogue's are ``ascf``, ``ascf-focus-areas`` and ``oecd-wellbeing``).

    ``weights`` overrides catalogue weights for indicators or lens nodes (by id);
    ``nodes`` overrides the method, generalised-mean power, ``min_coverage`` (COINr's
    ``dat_thresh``: below this share of available children the aggregate is missing) or
    ``min_reported`` per node. ``min_reported``: below this share of the node's catalogue
    indicators *reported* by the unit (imputed values do not count; see
    :mod:`assessment.scoring.coverage`) the aggregate shows no score. The default 0.5 is our
    judgement: a focus area or outcome score must rest on at least half of what it claims to
    measure. Set it to 0 to reproduce COINr or the OECD Better Life Index.
    """

    lenses: tuple[str, ...] = ()  # empty: every complete indicator lens of the catalogue given
    method: AggregateName = "arithmetic"
    power: float = 2.0
    min_coverage: float = Field(default=0.0, ge=0, le=1)
    min_reported: float = Field(default=0.5, ge=0, le=1)
    weights: dict[str, float] = Field(default_factory=dict)
    nodes: dict[str, NodeSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _weights_non_negative(self) -> Aggregate:
        bad = {k: v for k, v in self.weights.items() if v < 0}
        if bad:
            raise ValueError(f"weights must be >= 0; found {bad}")
        return self


class Levels(_Model):
    """Maturity levels.

    ``indicators``: ``thresholds`` (the catalogue's five cut-offs, ITU-T Y.4904 style) or
    ``target-bands`` (U4SSC % of target: 1 <33 %, 2 33–66 %, 3 66–95 %, 4 >=95 %).
    ``cutoffs``: scores at which indicator scores and aggregates reach levels 1–5. Unset (the
    default), they are the fixed points where the ``anchored`` normalisation puts the
    thresholds on its range (10/30/50/70/90 on 0–100), so an indicator's score falls in its
    level's band, and a mean of scores, which lies between its children, gets a level between
    theirs; see :attr:`Method.level_cutoffs`. ``enabler_group``: a
    group's level is the median (rounded down) or the minimum of its items' levels.
    """

    enabled: bool = True
    indicators: IndicatorLevelName = "thresholds"
    cutoffs: tuple[float, float, float, float, float] | None = None
    enabler_group: EnablerGroupName = "median"

    @model_validator(mode="after")
    def _increasing(self) -> Levels:
        if self.cutoffs is not None and any(b <= a for a, b in zip(self.cutoffs, self.cutoffs[1:], strict=False)):
            raise ValueError(f"cutoffs must increase strictly; found {list(self.cutoffs)}")
        return self


class Rank(_Model):
    """Ranks (1 = best, ties share the lowest rank, missing stays missing) overall and within
    each peer-group column (``population-class`` is derived from ``population``).

    ``decimals`` rounds scores before ranking, so that units shown with equal scores share a
    rank (COINr's ``get_results`` ranks scores rounded to 2 decimals); ``null`` ranks full
    precision.

    ``min_coverage``: a unit is ranked only when it reported at least this share of the
    lens's scored indicators (default 0.8: the Sustainable Development Report ranks only
    countries with data for at least 80 % of its indicators). Units below it keep their scores
    but get no rank, and do not take a rank from anyone. Set it to 0 to rank every unit with a
    score (as COINr and the OECD Better Life Index do).
    """

    enabled: bool = True
    peer_groups: tuple[str, ...] = ("population-class", "country")
    decimals: int | None = Field(default=None, ge=0)
    min_coverage: float = Field(default=RANK_MIN_COVERAGE, ge=0, le=1)


class Compare(_Model):
    """Strengths and weaknesses: the ``top`` indicators furthest above/below the peer median."""

    enabled: bool = True
    top: int = Field(default=3, ge=0)
    peer_group: str | None = "population-class"


class Method(_Model):
    """A complete scoring method. Every stage is optional and runs in this order."""

    name: str = "default"
    description: str = ""
    denominate: Denominate = Denominate()
    screen: Screen = Screen()
    impute: Impute = Impute()
    treat: Treat = Treat()
    normalise: Normalise = Normalise()
    aggregate: Aggregate = Aggregate()
    levels: Levels = Levels()
    rank: Rank = Rank()
    compare: Compare = Compare()

    @model_validator(mode="after")
    def _one_scale(self) -> Method:
        """With ``anchored`` scores and threshold levels, cut-offs set by hand must be the anchors."""
        n, lv = self.normalise, self.levels
        if n.method == "anchored" and lv.enabled and lv.indicators == "thresholds" and lv.cutoffs is not None:
            want = anchor_cutoffs(*n.range)
            if not all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(lv.cutoffs, want, strict=True)):
                raise ValueError(f"with normalise: anchored on {list(n.range)} the level cut-offs must be the anchors "
                                 f"{list(want)} (so scores and levels agree); found {list(lv.cutoffs)}")
        return self

    @property
    def level_cutoffs(self) -> tuple[float, float, float, float, float]:
        """The cut-offs in force: ``levels.cutoffs``, else the anchors on the normalisation's range."""
        if self.levels.cutoffs is not None:
            return self.levels.cutoffs
        return anchor_cutoffs(*self.normalise.range)

    def with_(self, **changes: Any) -> Method:
        """A copy with ``changes`` deep-merged per stage: mappings merge key by key, anything else
        replaces. ``method.with_(aggregate={"weights": {"LPI": 3}})`` changes one weight only.

        Raises
        ------
        InputError
            When the merged method is not valid (every problem listed).
        """
        return method_from_dict(deep_merge(self.model_dump(mode="json"), changes), "<Method.with_>")

    def __repr__(self) -> str:
        return (f"Method(name={self.name!r}, fingerprint={self.fingerprint[:12]!r}, "
                f"normalise={self.normalise.method!r}, aggregate={self.aggregate.method!r}, "
                f"lenses={list(self.aggregate.lenses) or 'every complete lens'!r})")

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON of the method (same method, same fingerprint)."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_yaml(self) -> str:
        """The method as YAML, loadable again by :func:`load_method`."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` applied: where both hold a mapping the two merge, otherwise the change
    replaces (lists and tuples included). Models in ``changes`` are taken as their fields."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
        old = out.get(key)
        out[key] = deep_merge(old, value) if isinstance(value, Mapping) and isinstance(old, Mapping) else value
    return out


def method_from_dict(raw: dict[str, Any], source: str = "<dict>") -> Method:
    """Validate a mapping as a :class:`Method`, reporting every problem at once."""
    try:
        return Method.model_validate(raw)
    except ValidationError as exc:
        problems = list(pydantic_problems(exc, source, "method"))
        raise InputError(problems) from None


def load_method(path: str | Path) -> Method:
    """Read a method YAML file.

    Raises
    ------
    InputError
        Listing every unknown key, unknown method name or out-of-range value.
    """
    if not Path(path).is_file():
        raise InputError([Problem(str(path), code="missing-file", message="method file not found",
                                  fix="check the path; examples are in examples/methods/")])
    problems: list[Problem] = []
    raw = read_yaml(Path(path), problems)
    if problems:
        raise InputError(problems)
    return method_from_dict(raw, str(path))
