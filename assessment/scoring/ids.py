"""Strict ids: every id a method names must exist, or the run stops before it starts.

A misspelt id in ``aggregate.weights`` or ``aggregate.nodes``, ``normalise.overrides``,
``denominate.overrides``, ``treat.skip`` or ``screen.keep`` would otherwise be ignored
silently, and the result would not be the one the method describes. Each unknown id is one
problem, with the nearest known ids as a suggestion (:func:`difflib.get_close_matches`).
Peer-group columns are not checked here: a framework without populations or countries simply
has no such peer groups (see :func:`assessment.scoring.rank.peer_column`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..errors import Problem, params
from ..i18n import N_
from .inputs import Inputs
from .method import Method


def _unknown(field: str, kind: str, named: Iterable[str], known: set[str]) -> list[Problem]:
    out = []
    for name in named:
        if name in known:
            continue
        near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        out.append(Problem("<method>", item=name, field=field, code="unknown-id",
                           message=N_("not a known {kind}"), found=repr(name),
                           fix=N_("did you mean {near}?") if near else
                           N_("use one of the catalogue's or the data's ids"),
                           params=params(kind=kind, near=", ".join(near)), labels=("kind",)))
    return out


def id_problems(method: Method, inputs: Inputs, lenses: Iterable[str]) -> list[Problem]:
    """Every id the method names that the catalogue (its lenses in use) or the data does not have."""
    cat = inputs.catalogue
    indicators = {i.id for i in cat.indicators}
    nodes = {n.id for lens_id in lenses for n in cat.lens(lens_id).nodes}
    units = {str(u) for u in inputs.values.index.get_level_values("unit")} if method.screen.keep else set()
    return [
        *_unknown("aggregate.weights", N_("indicator or lens node"), method.aggregate.weights, indicators | nodes),
        *_unknown("aggregate.nodes", N_("lens node"), method.aggregate.nodes, nodes),
        *_unknown("normalise.overrides", N_("indicator"), method.normalise.overrides, indicators),
        *_unknown("denominate.overrides", N_("indicator"), method.denominate.overrides, indicators),
        *_unknown("treat.skip", N_("indicator"), method.treat.skip, indicators),
        *_unknown("screen.keep", N_("unit"), method.screen.keep, units),
    ]
