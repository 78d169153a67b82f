"""The scoring method as typed data: one source of truth for the engine, the CLI, the docs and
validation.

A :class:`Method` lists the nine pipeline stages in their fixed order. Every choice is a
``Literal`` so that an unknown name is rejected with the list of allowed ones; the method names
of imputation, treatment, normalisation and aggregation are those of their classes (one class
per method, :mod:`assessment.scoring.methodbase`), which also compute. A method loads from a
YAML file (:func:`load_method`) whose keys are exactly the fields below; see
``examples/methods/*.yaml``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from .._missing import RANK_MIN_COVERAGE
from ..errors import MethodError, Problem, params, short_repr
from ..i18n import N_
from ..model_errors import DID_YOU_MEAN, allowed_keys, invalid, message, nearest
from ..yamlfiles import line_of, read_yaml, yaml_lines
from .means import AggregateName
from .normalisers import ANCHORS
from .specs import (
    IMPUTE_MODELS,
    NORMALISATION_MODELS,
    Anchored,
    Impute,
    ImputeName,
    ImputeNone,
    NormaliseName,
    NormaliseSpec,
)
from .treat import TreatName

IndicatorLevelName = Literal["thresholds", "target-bands"]
EnablerGroupName = Literal["median", "min"]
PanelNormalisation = Literal["pooled", "per-year"]

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
    units never dropped (COINr's ``Force``). ``queries`` says what becomes of values still under a
    plausibility query when a review is scored (:mod:`assessment.scoring.queried`): ``keep`` scores
    them (the scorecard marks them), ``exclude`` treats them as not reported.
    """

    min_coverage: float = Field(default=0.0, ge=0, le=1)
    after: Literal["denominate", "impute"] = "denominate"
    keep: tuple[str, ...] = ()
    queries: Literal["keep", "exclude"] = "keep"


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


class Normalise(_Model):
    """The default normalisation recipe, per-indicator overrides, and how panels are normalised.

    Written flat, as in a method file: ``{method: minmax, range: [0, 100], overrides: {…},
    panel: pooled}``. The recipe itself (``method`` and the parameters that method takes, see
    :mod:`assessment.scoring.specs`) is kept as :attr:`default`; a parameter the chosen method
    does not take is an error, as is a missing required one. ``anchored`` (the default) maps
    the catalogue's five level thresholds to fixed points of ``range`` (:data:`ANCHORS`), so
    that scores and levels share one scale.
    """

    default: NormaliseSpec = Anchored()
    overrides: dict[str, NormaliseSpec] = Field(default_factory=dict)
    panel: PanelNormalisation = "pooled"

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "default" not in data:
            spec = {k: v for k, v in data.items() if k not in ("overrides", "panel")}
            rest = {k: v for k, v in data.items() if k in ("overrides", "panel")}
            return {**rest, "default": spec} if spec else rest
        return data

    @model_serializer(mode="wrap")
    def _flatten(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out = handler(self)
        return {**out.pop("default"), **out}

    @property
    def method(self) -> NormaliseName:
        """The default recipe's method."""
        name: NormaliseName = self.default.method
        return name

    @property
    def range(self) -> tuple[float, float]:
        """The default recipe's output range (0–100 for the methods without one)."""
        return getattr(self.default, "range", (0.0, 100.0))


class NodeSpec(_Model):
    """Per-node aggregation choices; unset fields fall back to the lens-wide ones."""

    method: AggregateName | None = None
    power: float | None = Field(default=None, description="generalised mean only")
    min_coverage: float | None = Field(default=None, ge=0, le=1)
    min_reported: float | None = Field(default=None, ge=0, le=1)


class Aggregate(_Model):
    """How every lens is aggregated, level by level.

    ``lenses``: the indicator lenses aggregated; empty (the default) means every complete
    indicator lens of the catalogue given, in catalogue order, so a researcher's own framework
    is aggregated without naming it. ``power`` is the generalised mean's ``p`` (unset: 2), refused
    with any other mean.
    ``weights`` overrides catalogue weights for indicators or lens nodes (by id);
    ``nodes`` overrides the method, generalised-mean power, ``min_coverage`` (COINr's
    ``dat_thresh``: below this share of available children the aggregate is missing) or
    ``min_reported`` per node. ``min_reported``: below this share of the node's catalogue
    indicators *reported* by the unit (imputed values do not count; see
    :mod:`assessment.scoring.coverage`) the aggregate shows no score. The default 0.5 is our
    judgement: a focus area or outcome score must rest on at least half of what it claims to
    measure. Set it to 0 to reproduce COINr or the OECD Better Life Index.
    """

    lenses: tuple[str, ...] = ()
    method: AggregateName = "arithmetic"
    power: float | None = None
    min_coverage: float = Field(default=0.0, ge=0, le=1)
    min_reported: float = Field(default=0.5, ge=0, le=1)
    weights: dict[str, float] = Field(default_factory=dict)
    nodes: dict[str, NodeSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _weights_non_negative(self) -> Aggregate:
        bad = {k: v for k, v in self.weights.items() if v < 0}
        if bad:
            raise invalid("negative-weight", N_("weights must be >= 0; found {bad}"), bad=bad)
        return self

    @model_validator(mode="after")
    def _power_where_used(self) -> Aggregate:
        """``power`` belongs to the generalised mean: refused anywhere else."""
        lens_wide = self.method == "generalised" or any(n.method == "generalised" and n.power is None
                                                        for n in self.nodes.values())
        if self.power is not None and not lens_wide:
            raise invalid("power-unused", N_("'power' is a parameter of the generalised mean only, not of '{method}' "
                                             "(remove it, or set method: generalised)"), method=self.method)
        foreign = sorted(k for k, n in self.nodes.items() if n.power is not None
                         and (n.method or self.method) != "generalised")
        if foreign:
            raise invalid("power-unused", N_("'power' is a parameter of the generalised mean only; nodes {nodes} do "
                                             "not use it"), nodes=foreign)
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
            raise invalid("cutoffs-not-increasing", N_("cutoffs must increase strictly; found {cutoffs}"),
                          cutoffs=list(self.cutoffs))
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
    impute: Impute = ImputeNone()
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
                raise invalid("cutoffs-not-anchors", N_("with normalise: anchored on {range} the level cut-offs must "
                                                        "be the anchors {anchors} (so scores and levels agree); "
                                                        "found {cutoffs}"),
                              range=list(n.range), anchors=list(want), cutoffs=list(lv.cutoffs))
        return self

    @property
    def level_cutoffs(self) -> tuple[float, float, float, float, float]:
        """The cut-offs in force: ``levels.cutoffs``, else the anchors on the normalisation's range."""
        if self.levels.cutoffs is not None:
            return self.levels.cutoffs
        return anchor_cutoffs(*self.normalise.range)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON of the method (same method, same fingerprint)."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def with_(self, changes: Mapping[str, Any] | None = None, /, **stages: Any) -> Method:
        """A new method: this one with ``changes`` (and keyword ``stages``) deep-merged in.

        ``method.with_(aggregate={"weights": {"x00": 3}})`` changes one weight and keeps every
        other choice; merge rules in :func:`merge_method` (mappings merge, everything else
        replaces). Raises :class:`~assessment.errors.MethodError` when the result is not valid.

        >>> m = Method().with_(normalise={"method": "minmax", "range": [1, 100]}, aggregate={"weights": {"x": 3}})
        >>> m.normalise.method, m.normalise.range, dict(m.aggregate.weights), m.levels == Method().levels
        ('minmax', (1.0, 100.0), {'x': 3.0}, True)
        """
        patch = {**(changes or {}), **stages}
        return method_from_dict(merge_method(self.model_dump(mode="json"), patch), "<method changes>")

    def __repr__(self) -> str:
        a = self.aggregate
        lenses = ", ".join(a.lenses) if a.lenses else "every complete lens"
        return (f"Method({self.name!r}, impute={self.impute.method}, treat={self.treat.method}, "
                f"normalise={self.normalise.method}, aggregate={a.method} over {lenses}, "
                f"fingerprint={self.fingerprint[:12]})")

    def _repr_html_(self) -> str:
        import html  # only when a notebook shows the method

        rows = "".join(f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(json.dumps(v, ensure_ascii=False))}"
                       f"</code></td></tr>" for k, v in self.model_dump(mode="json").items())
        return (f"<table><caption>Method <b>{html.escape(self.name)}</b> "
                f"(fingerprint {self.fingerprint[:12]})</caption>{rows}</table>")

    def to_yaml(self) -> str:
        """The method as YAML, loadable again by :func:`load_method`."""
        import yaml  # PyYAML only when a method is read or written: ``assess`` with the default method needs none

        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _shown(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A pydantic location as the method file spells it: the flattened ``normalise`` recipe and
    the discriminated unions' tags dropped (``normalise.default.minmax.target`` → ``normalise.target``)."""
    if not loc or loc[0] not in ("normalise", "impute"):
        return loc
    out: list[str | int] = [loc[0]]
    tags = set(NORMALISATION_MODELS) | set(IMPUTE_MODELS)
    for i, seg in enumerate(loc[1:], start=1):
        if (i == 1 and seg == "default" and loc[0] == "normalise") or (seg in tags and i < len(loc) - 1):
            continue
        if seg in tags and i == len(loc) - 1 and loc[0] == "impute" and i == 1:
            continue
        out.append(seg)
    return tuple(out)


#: The messages of an unknown key in a method (a parameter another method takes; any other key).
FOREIGN = N_("'{key}' is not a parameter of {stage} method '{method}'; it takes: {allowed}")
UNKNOWN_KEY = N_("unknown key; allowed here: {allowed}")
NO_PARAMETER = N_("no parameter")


def method_problems(exc: ValidationError, source: str = "<method>",
                    lines: Mapping[tuple[str | int, ...], int] | None = None) -> list[Problem]:
    """One problem per validation error, each naming the key as the method file spells it, the
    file's line when ``lines`` (from :func:`~assessment.yamlfiles.yaml_lines`) is given, and
    the nearest valid key or value."""
    problems = []
    for err in exc.errors(include_url=False):
        shown = _shown(tuple(err["loc"]))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            shown = (*shown, "method")
        found = "" if err["type"] == "missing" else short_repr(err.get("input"))
        template, values = message(err)
        labels: tuple[str, ...] = ()
        if err["type"] == "extra_forbidden":
            allowed = [k for k in allowed_keys(Method, err["loc"]) if k != "default"]
            tag = next((s for s in err["loc"][1:-1] if s in NORMALISATION_MODELS or s in IMPUTE_MODELS), None)
            takes = ", ".join(a for a in allowed if a != "method")
            if tag:
                template, labels = FOREIGN, () if takes else ("allowed",)
                values = params(key=err["loc"][-1], stage=err["loc"][0], method=tag, allowed=takes or NO_PARAMETER)
            else:
                template, values = UNKNOWN_KEY, params(allowed=", ".join(allowed))
        near = nearest(err, Method)
        line = line_of(lines, shown) if lines else None
        problems.append(Problem(source, item="method", field=".".join(map(str, shown)), code=err["type"],
                                message=template, found=found, fix=DID_YOU_MEAN if near else "",
                                params=params(**dict(values), suggestion=repr(near)), row=line, labels=labels))
    return problems


def method_from_dict(raw: Mapping[str, Any], source: str = "<dict>",
                     lines: Mapping[tuple[str | int, ...], int] | None = None) -> Method:
    """Validate a mapping as a :class:`Method`, reporting every problem at once.

    Raises
    ------
    MethodError
        Listing every unknown key (with the nearest allowed one), unknown method name (with the
        nearest allowed one), missing or foreign parameter, and out-of-range value.
    """
    try:
        return Method.model_validate(raw)
    except ValidationError as exc:
        raise MethodError(method_problems(exc, source, lines)) from None


def load_method(path: str | Path) -> Method:
    """Read a method YAML file.

    Raises
    ------
    MethodError
        Listing every problem, each with the file and line of the key it is about.
    """
    if not Path(path).exists():  # a pipe or a folder is refused by read_yaml, by name
        raise MethodError([Problem(str(path), code="missing-file", message=N_("method file not found"),
                                   fix=N_("check the path; examples are in examples/methods/"))])
    problems: list[Problem] = []
    raw = read_yaml(Path(path), problems)
    if problems:
        raise MethodError(problems)
    try:
        return Method.model_validate(raw)
    except ValidationError as exc:  # only now read the marks: composing the YAML tree is slower
        raise MethodError(method_problems(exc, str(path), yaml_lines(Path(path)))) from None


#: Where a changed ``method`` drops the parameters of the old method (see :func:`merge_method`).
_UNIONS: dict[str, dict[str, type[BaseModel]]] = {"normalise": dict(NORMALISATION_MODELS),
                                                  "impute": dict(IMPUTE_MODELS)}


def _union_at(path: tuple[str, ...]) -> dict[str, type[BaseModel]] | None:
    if path in (("normalise",), ("impute",)):
        return _UNIONS[path[0]]
    if len(path) == 3 and path[:2] == ("normalise", "overrides"):
        return _UNIONS["normalise"]
    return None


def merge_method(base: Mapping[str, Any], patch: Mapping[str, Any], _path: tuple[str, ...] = ()) -> dict[str, Any]:
    """``base`` with ``patch`` deep-merged in (both plain method mappings); the inputs are not changed.

    Semantics: **mappings merge, everything else replaces.** A key of ``patch`` whose value and
    base value are both mappings is merged key by key (so ``{"aggregate": {"weights": {"x": 3}}}``
    changes one weight and keeps the others); any other value (a number, a string, a list such
    as ``lenses`` or ``keep``) replaces the base value. One rule follows from typed parameters:
    where the patch changes the ``method`` of ``normalise``, an override or ``impute``, the
    parameters that only the old method takes are dropped (``range`` when minmax becomes zscore).
    """
    out: dict[str, Any] = dict(base)
    union = _union_at(_path)
    if union is not None and "method" in patch and patch["method"] != base.get("method"):
        old, new = union.get(str(base.get("method"))), union.get(str(patch["method"]))
        if old is not None and new is not None:
            for key in set(old.model_fields) - set(new.model_fields):
                out.pop(key, None)
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge_method(out[key], value, (*_path, str(key)))
        else:
            out[key] = value
    return out
