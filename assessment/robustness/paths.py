"""Dotted paths into a :class:`~assessment.scoring.method.Method`: checking and applying alternatives.

Conventions
-----------
* A path walks the method's fields (``treat.winmax``); a mapping field takes the key as the
  next segment (``aggregate.nodes.Conn.method``, ``aggregate.weights.Physical``,
  ``normalise.overrides.<indicator>``). Keys must be indicator or node ids of the catalogue.
* A value replaces the field; a mapping given for a section (``normalise: {method: zscore}``)
  is deep-merged into the nominal section, so unnamed fields keep their nominal values.
* **An alternative for a stage the nominal method does not run is applied, not skipped**:
  touching any field of ``treat`` turns ``treat.method`` from ``none`` to ``winsorise``;
  touching ``denominate``, ``levels``, ``rank`` or ``compare`` sets ``enabled: true`` — unless
  the alternative sets that switch itself.
* ``name``, ``description`` and ``aggregate.lenses`` cannot be varied (the lenses are what
  the ranks are summarised over).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from ..catalogue import Catalogue
from ..errors import AssessmentError, Problem, params, suggest
from ..i18n import N_
from ..model_errors import DID_YOU_MEAN
from ..scoring.method import Method, Normalise, merge_method, method_from_dict
from ..scoring.specs import NORMALISATION_MODELS
from .spec import SOURCE, DiscreteAssumption

#: Stage → (switch field, value when off, value that turns it on).
SWITCHES: dict[str, tuple[str, Any, Any]] = {
    "treat": ("method", "none", "winsorise"),
    "denominate": ("enabled", False, True),
    "levels": ("enabled", False, True),
    "rank": ("enabled", False, True),
    "compare": ("enabled", False, True),
}
FIXED = {"name", "description", "aggregate.lenses"}


def _models_of(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds: one, or every member of a (discriminated) union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) is Annotated or get_origin(annotation) in (Union, UnionType):
        return [m for a in get_args(annotation) for m in _models_of(a)]
    return []


#: Why a path does not address a method field: reason → message template (a UI msgid).
PATH_REASONS = {
    "fixed": N_("not a method path: '{path}' cannot be varied"),
    "no-field": N_("not a method path: {where} has no field '{name}'"),
    "unknown-field": N_("not a method path: {where} has no field '{name}'; its fields: {fields}"),
    "unknown-id": N_("not a method path: {where} has no id '{name}' in the catalogue"),
}
#: ``{where}`` for the top of the method.
THE_METHOD = N_("the method")


def path_problem(path: str, known_keys: set[str]) -> tuple[str, dict[str, str]] | None:
    """Why ``path`` does not address a method field, as ``(reason, values)`` of :data:`PATH_REASONS`
    (``where`` is a dotted path, or :data:`THE_METHOD`; ``near`` the path with the nearest field or id,
    when one is close, as :meth:`Method.with_` suggests keys); None when it does."""
    if path in FIXED or path.split(".")[0] in {"name", "description"}:
        return "fixed", {"path": path}
    segs = path.split(".")
    models: list[type[BaseModel]] = [Method]
    i = 0
    while i < len(segs):
        seg = segs[i]
        where = ".".join(segs[:i]) or THE_METHOD
        if not models:
            return "no-field", {"where": where, "name": seg}
        fields = {k: a for m in models for k, a in flat_fields(m).items()}
        if seg not in fields:
            near = suggest(seg, fields)
            return "unknown-field", {"where": where, "name": seg, "fields": ", ".join(fields),
                                     "near": ".".join([*segs[:i], near, *segs[i + 1:]]) if near else ""}
        annotation = fields[seg]
        i += 1
        if get_origin(annotation) is dict:
            if i == len(segs):
                return None
            key = segs[i]
            if key not in known_keys:
                near = suggest(key, sorted(known_keys))
                return "unknown-id", {"where": ".".join(segs[:i]), "name": key,
                                      "near": ".".join([*segs[:i], near, *segs[i + 1:]]) if near else ""}
            i += 1
            models = _models_of(get_args(annotation)[1])
        else:
            models = _models_of(annotation)
    return None


def flat_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field name → annotation as a method file spells them (``normalise``'s recipe is written flat)."""
    out = {k: f.annotation for k, f in model.model_fields.items()}
    if model is Normalise:
        del out["default"]
        for spec in NORMALISATION_MODELS.values():
            out |= {k: f.annotation for k, f in spec.model_fields.items()}
    return out


def nested(path: str, value: Any) -> dict[str, Any]:
    """``{"a": {"b": value}}`` for the path ``a.b``."""
    out: Any = value
    for seg in reversed(path.split(".")):
        out = {seg: out}
    return out


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``patch`` merged in: :func:`~assessment.scoring.method.merge_method`."""
    return copy.deepcopy(merge_method(base, patch))


def _sets_switch(path: str, value: Any, stage: str, switch: str) -> bool:
    if path == f"{stage}.{switch}":
        return True
    return path == stage and isinstance(value, dict) and switch in value


def apply_alternative(method: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """The method mapping with one alternative applied (switching its stage on when needed)."""
    out = deep_merge(method, nested(path, value))
    stage = path.split(".")[0]
    if stage in SWITCHES:
        switch, off, on = SWITCHES[stage]
        if out.get(stage, {}).get(switch) == off and not _sets_switch(path, value, stage, switch):
            out[stage] = {**out[stage], switch: on}
    return out


def known_ids(catalogue: Catalogue) -> set[str]:
    """Indicator ids and node ids of every lens: the keys a path may use."""
    return {i.id for i in catalogue.indicators} | {n.id for lens in catalogue.lenses for n in lens.nodes}


def discrete_problems(assumption: DiscreteAssumption, nominal: Method, catalogue: Catalogue) -> list[Problem]:
    """Problems with one discrete assumption: its path, then each alternative applied to the nominal method."""
    why = path_problem(assumption.path, known_ids(catalogue))
    if why is not None:
        reason, values = why
        near = values.pop("near", "")
        return [Problem(SOURCE, item=assumption.name, field=assumption.path, code="unknown-path",
                        message=PATH_REASONS[reason], params=params(**values, suggestion=repr(near)),
                        labels=("where",) if values.get("where") == THE_METHOD else (),
                        fix=DID_YOU_MEAN if near else
                        N_("use a dotted path such as treat.winmax, normalise, aggregate.method"))]
    base = nominal.model_dump(mode="json")
    problems = []
    for k, value in enumerate(assumption.values):
        try:
            method_from_dict(apply_alternative(base, assumption.path, value))
        except AssessmentError as exc:
            # the method's own problems, each kept whole (translatable), placed at this alternative
            problems.append(Problem(SOURCE, item=assumption.name, field=assumption.path, code="bad-value",
                                    message=N_("alternative {k} is not a valid method"), found=repr(value)[:80],
                                    params=params(k=k + 1)))
            problems += [replace(p, source=SOURCE, item=f"{assumption.name} [{k + 1}]")
                         for p in getattr(exc, "problems", ())]
    return problems


def scale(spec: Any) -> str:
    """The scale a normalisation recipe puts scores on, in numbers and ids (the same in every language):
    its range for the bounded methods (``0–100``: anchored, goalposts, min-max, percentile ranks and
    distances share it), ``zscore 10±2``, ``rank`` or ``none`` (each class's ``scale_label``)."""
    label: str = spec.scale_label()
    return label


def scale_problems(assumptions: tuple[DiscreteAssumption, ...], nominal: Method) -> list[Problem]:
    """A warning per assumption whose alternatives put scores on different scales (ranges, z-scores,
    ranks): the uncertainty analysis's score intervals would then mix them. Ranks are unaffected."""
    base = nominal.model_dump(mode="json")
    out = []
    for a in assumptions:
        if a.path.split(".")[0] != "normalise":
            continue
        scales = {scale(method_from_dict(apply_alternative(base, a.path, v)).normalise.default): None
                  for v in a.values}
        if len(scales) > 1:
            out.append(Problem(SOURCE, item=a.name, field=a.path, code="mixed-scales", severity="warning",
                               message=N_("the alternatives put scores on different scales ({scales}), so the score "
                                          "intervals mix them; the rank intervals are not affected"),
                               params=params(scales=", ".join(scales)),
                               fix=N_("give every alternative the same range, or read only the ranks")))
    return out
