"""What is derived from the method classes: names, models by name, the unions a method file is read as.

One model per method, joined as a pydantic *discriminated union* on ``method``: a method gets
exactly the parameters it uses, so a missing required one (``dist2ref`` without
``reference_unit``, ``mean-group`` without ``group``) or a foreign one (``minmax`` with
``target``) is an error that names it. The method-name ``Literal`` of each stage
(:data:`NormaliseName`, :data:`ImputeName`) is derived from the same models and feeds the
command line, the docs and the tests across every method.

The methods are classes holding their parameters, computation, documentation and needs
(:mod:`assessment.scoring.normalisers`, :mod:`assessment.scoring.imputers`,
:mod:`assessment.scoring.treat`, :mod:`assessment.scoring.means`); this module gathers what is
derived from them, and writes their tables into ``docs/scoring.md`` (:func:`update_reference`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import TypeAdapter

from . import imputers, means, normalisers, treat
from .imputers import IMPUTERS, ImputeNone, Imputer
from .methodbase import StageMethod
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

#: The model of each imputation, by method name (the classes of :mod:`assessment.scoring.imputers`).
IMPUTE_MODELS: dict[str, type[StageMethod]] = dict(IMPUTERS)

if TYPE_CHECKING:  # for type checkers: a name is a string, a recipe any imputer
    ImputeName = str
    Impute = Imputer
else:  # at run time: derived from the classes
    ImputeName = Literal[Imputer.REGISTRY.names()]
    #: How missing values are filled: the union of every imputation class, chosen by ``method``.
    Impute = Imputer.REGISTRY.union("none")
IMPUTE_SPEC: TypeAdapter[Any] = Imputer.REGISTRY.adapter("none")


def impute_spec(method: str = "none", **params: Any) -> Imputer:
    """Validate one imputation recipe (``impute_spec("mean-group", group="region")``)."""
    spec: Imputer = IMPUTE_SPEC.validate_python({"method": method, **params})
    return spec


#: Each table of ``docs/scoring.md`` made from the method classes: its name (in its marks) and its maker.
TABLES: dict[str, Callable[[], str]] = {"normalise": normalisers.reference_table, "impute": imputers.reference_table,
                                        "treat": treat.reference_table, "aggregate": means.reference_table}


def marks(name: str) -> tuple[str, str]:
    """The two lines between which ``docs/scoring.md`` holds the table of a stage's methods."""
    return (f"<!-- {name} methods: made from the classes by assessment.scoring.specs.update_reference() -->",
            f"<!-- /{name} methods -->")


def with_tables(text: str) -> str:
    """``text`` (a Markdown document) with every table of :data:`TABLES` whose marks it holds made anew."""
    for name, make in TABLES.items():
        begin, end = marks(name)
        if begin in text:
            start, stop = text.index(begin) + len(begin), text.index(end)
            text = f"{text[:start]}\n{make()}{text[stop:]}"
    return text


def update_reference(path: str | Path = "docs/scoring.md") -> None:
    """Write the current method tables into the document at ``path`` (``make docs`` does)."""
    doc = Path(path)
    doc.write_text(with_tables(doc.read_text(encoding="utf-8")), encoding="utf-8")


__all__ = ["DEFAULT_NORMALISATION", "IMPUTE_MODELS", "IMPUTE_SPEC", "NORMALISATION_MODELS", "NORMALISE_SPEC",
           "Anchored", "Impute", "ImputeName", "ImputeNone", "NormaliseName", "NormaliseSpec", "impute_spec",
           "normalise_spec", "update_reference", "with_tables"]
