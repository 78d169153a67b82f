"""Every normalisation method, one class each, and what is derived from them.

A normaliser is one :class:`~assessment.scoring.normalisers.base.Normaliser` subclass, in one of
the modules below (by family: :mod:`.base` the identity, :mod:`.anchored` between goalposts,
:mod:`.cohort` by the cohort's own statistics, :mod:`.distance` as a distance), decorated with
``@stage_method``, which registers it; this package imports the modules in alphabetical order (``base`` first, through
``anchored``), which is the order of the names in messages and in the reference table.

From the classes come :data:`NORMALISERS` (name → class), the name ``Literal``
:data:`NormaliseName`, the union a method file's recipe is read as (:data:`NormaliseSpec`), the
reference table of ``docs/scoring.md`` (:func:`reference_table`) and the common tests' parameter
sets. Adding a normaliser: its class in one of these modules, the translation of its ``words``
and a known-answer test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

# in this order (alphabetical, as the linter keeps it), which is the order of the names
from ..methodbase import markdown_table, parameters_cell
from .anchored import ANCHORS, Anchored, Goalposts
from .base import Columns, NoNormalisation, Normaliser
from .cohort import MinMax, PercentRank, RankNormalisation, ZScore
from .distance import Dist2Max, Dist2Ref, Dist2Target

#: The class of each normalisation, by method name, in registry order.
NORMALISERS: dict[str, type[Normaliser]] = Normaliser.REGISTRY.by_name()
#: Every normalisation method name.
NAMES: tuple[str, ...] = Normaliser.REGISTRY.names()
DEFAULT_NORMALISATION = "anchored"

if TYPE_CHECKING:  # for type checkers: a name is a string, a recipe any normaliser
    NormaliseName = str
    NormaliseSpec = Normaliser
else:  # at run time: derived from the classes (pydantic validates through these)
    NormaliseName = Literal[NAMES]
    #: One normalisation recipe: the union of every class, chosen by ``method``.
    NormaliseSpec = Normaliser.REGISTRY.union(DEFAULT_NORMALISATION)
NORMALISE_SPEC = Normaliser.REGISTRY.adapter(DEFAULT_NORMALISATION)


def normalise_spec(method: str = DEFAULT_NORMALISATION, **params: Any) -> Normaliser:
    """Validate one normalisation recipe (``normalise_spec("minmax", range=(0, 10))``)."""
    spec: Normaliser = NORMALISE_SPEC.validate_python({"method": method, **params})
    return spec


NEEDS = {"goalposts": "catalogue goalposts", "thresholds": "catalogue thresholds", "target": "a target",
         "reference unit": "a reference unit"}


def reference_table() -> str:
    """The normalisation methods as a Markdown table, made from the classes (``docs/scoring.md`` holds it:
    :func:`assessment.scoring.specs.update_reference` writes it, a test checks that it is current)."""
    return markdown_table(Normaliser.REGISTRY, {
        "parameters (default)": parameters_cell, "definition": lambda c: c.summary(),
        "bounded": lambda c: "yes" if c.bounded else "no",
        "reads": lambda c: ", ".join(NEEDS[n] for n in sorted(c.needs)) or "–",
        "COINr": lambda c: f"`{c.coinr}`" if c.coinr else "–"})


__all__ = ["ANCHORS", "DEFAULT_NORMALISATION", "NAMES", "NORMALISERS", "NORMALISE_SPEC", "Anchored", "Columns",
           "Dist2Max", "Dist2Ref", "Dist2Target", "Goalposts", "MinMax", "NoNormalisation", "NormaliseName",
           "NormaliseSpec", "Normaliser", "PercentRank", "RankNormalisation", "ZScore", "normalise_spec",
           "reference_table"]
