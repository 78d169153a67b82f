"""Strict ids: every id a method names must exist, or the run stops before it starts.

A misspelt id in ``aggregate.weights`` or ``aggregate.nodes``, ``normalise.overrides``,
``denominate.overrides``, ``treat.skip`` or ``screen.keep`` would otherwise be ignored
silently, and the result would not be the one the method describes. Each unknown id is one
problem, with the nearest known ids as a suggestion (:func:`difflib.get_close_matches`).
A lens node whose children all weigh 0 (catalogue weights with the method's ``aggregate.weights``
over it) would have no score for any unit, so it is a problem too.
Peer-group columns are not checked here: a framework without populations or countries simply
has no such peer groups (see :func:`assessment.scoring.rank.peer_column`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..errors import Problem, params
from ..i18n import N_
from .aggregate import lens_children
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
        *_weightless(method, inputs, lenses),
    ]


def _weightless(method: Method, inputs: Inputs, lenses: Iterable[str]) -> list[Problem]:
    """A problem per lens node whose children (nodes, and indicators the data has) all weigh 0."""
    cat = inputs.catalogue
    given = {i.id: i.weight for i in cat.indicators} | dict(method.aggregate.weights)
    out = []
    for lens_id in lenses:
        lens = cat.lens(lens_id)
        weight = given | {n.id: method.aggregate.weights.get(n.id, n.weight) for n in lens.nodes}
        for node, kids in lens_children(cat, lens, inputs.values.columns.tolist()).items():
            if kids and not any(weight.get(k, 1.0) > 0 for k in kids):
                out.append(Problem("<method>", item=node, field="aggregate.weights", code="zero-weights",
                                   message=N_("every child of this node weighs 0, so it has no score"),
                                   found=", ".join(f"{k}=0" for k in kids[:5]),
                                   fix=N_("give at least one of its children a weight above 0")))
    return out
