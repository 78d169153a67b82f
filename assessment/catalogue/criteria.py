"""Criteria-based maturity models: ordered levels reached by meeting criteria on evidence.

Viet Nam's Decree 269/2025/NĐ-CP and Circular 03/2026/TT-BXD assess a city by maturity level
rather than by a composite score: three ascending levels (foundation building, system linkage,
governance innovation), each with criteria judged *met* or *not met* on evidence, basic criteria
every city must meet plus optional ones a city chooses, and local criteria a province may add.
A :class:`CriteriaModel` holds that structure as catalogue data (the ``criteria`` section of any
catalogue file). The official criteria list could not be read for this package, so no official
criterion ships with it; ``examples/criteria/`` holds a small model clearly marked as an example.

Evaluation rules (:func:`assessment.scoring.criteria.evaluate_criteria`):

* a criterion counts as met only when the city answered *met* **and** gave evidence (the
  Circular: a criterion without suitable evidence is not met); no answer is not met;
* a level is reached when every *basic* and *local* criterion of that level and of every lower
  level is met (the Circular's "after completing the criteria" of a level; our reading, since the
  article itself was not available);
* *optional* criteria never hold a city back; how many it met is reported beside the level.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .types import Id, LangText, Record

#: ``basic``: every city must meet it; ``optional``: a city may choose it; ``local``: added by a
#: province, and then required like a basic one.
CriterionKind = Literal["basic", "optional", "local"]
#: The kinds that gate a level.
GATING: frozenset[str] = frozenset({"basic", "local"})


class CriteriaLevel(Record):
    """One level of a criteria model, in ascending order in the file."""

    id: Id
    name: LangText
    description: LangText | None = None


class Criterion(Record):
    """One criterion: the level it belongs to, its kind, and the evidence that shows it is met."""

    id: Id
    level: str
    kind: CriterionKind = "basic"
    name: LangText
    evidence: LangText


class CriteriaModel(Record):
    """A criteria-based maturity model (see the module docstring).

    ``basis`` says where the structure and the criteria come from; ``official`` is true only for
    criteria copied from an official list (never for the example model).
    """

    id: Id
    name: LangText
    basis: LangText
    official: bool = False
    levels: tuple[CriteriaLevel, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

