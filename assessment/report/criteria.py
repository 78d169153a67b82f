"""The models behind the unit page's criteria section (:mod:`assessment.report.sections.criteria`):
criteria-based maturity models, the level reached and why.

Plain, translated values for the template; the evaluation itself is
:mod:`assessment.scoring.criteria`. Every model states its basis on the page (for the example
model: that its criteria are invented, not official).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import N_, _, text
from ..intake.criteria import criterion_kind_text
from ..intake.layout import MET_CHOICES
from ..scoring import Assessment

#: How a criterion's answer shows on the page (met / not met in the workbook's own words).
STATUS = {"met": MET_CHOICES[True], "no-evidence": N_("marked met, but no evidence: not counted"),
          "not-met": MET_CHOICES[False], "none": N_("not answered: counts as not met")}


def _status(answer: object, counts: bool) -> str:
    if counts:
        return "met"
    if answer is True:
        return "no-evidence"
    return "not-met" if answer is False else "none"


@dataclass(frozen=True)
class Criterion:
    """One criterion and its answer: ``status`` is ``met``, ``no-evidence`` (marked met without evidence:
    not counted), ``not-met`` or ``none`` (not answered: counts as not met); ``status_text`` words it."""

    id: str
    name: str
    kind: str
    status: str
    status_text: str


@dataclass(frozen=True)
class Level:
    """One level of a model: whether the unit reached it, its required criteria met of all required, and
    its criteria in catalogue order."""

    name: str
    reached: bool
    met: int
    required: int
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Model:
    """One criteria-based maturity model for a unit: the level reached (``rank``, 1-based; 0: none yet) of
    ``of`` levels and its name, the criteria blocking the next level, the optional criteria met, and every
    level. ``basis`` says what the model rests on (the example model: invented criteria, not official)."""

    id: str
    name: str
    basis: str
    official: bool
    rank: int
    of: int
    level: str
    blocking: str
    optional_met: int
    levels: tuple[Level, ...]


#: A criteria model's answers by unit key: the records of its detail table, in their order.
ByUnit = dict[str, dict[Any, list[dict[str, Any]]]]


def criteria_rows(result: Assessment) -> ByUnit:
    """Each criteria model's detail records grouped by unit key (one pass over each table, so a report
    does not filter the whole table once per city page)."""
    out: ByUnit = {}
    for model in result.catalogue.criteria:
        levels, detail = result.criteria[model.id]
        names = list(levels.index.names)
        groups: dict[Any, list[dict[str, Any]]] = {}
        for rec in detail.to_dict("records"):
            unit = tuple(rec[n] for n in names) if len(names) > 1 else rec[names[0]]
            groups.setdefault(unit, []).append(rec)
        out[model.id] = groups
    return out


def criteria_sections(result: Assessment, key: Any, lang: str, by_unit: ByUnit | None = None) -> list[Model]:
    """One entry per criteria model of the catalogue that has a row for ``key``: level reached, basis, and
    each level's criteria.

    ``by_unit``: :func:`criteria_rows` of ``result``, when made once for many pages."""
    out = []
    for model in result.catalogue.criteria:
        levels, detail = result.criteria[model.id]
        if key not in levels.index:
            continue
        row = levels.loc[key]
        if by_unit is not None:
            records = by_unit[model.id].get(key, [])
        else:
            mine = detail
            for name, value in zip(levels.index.names, key if isinstance(key, tuple) else (key,), strict=True):
                mine = mine[mine[name] == value]
            records = mine.to_dict("records")
        by_id = {rec["criterion"]: rec for rec in records}
        rank = int(row["rank"])
        blocks = []
        for k, level in enumerate(model.levels, start=1):
            items = []
            for c in model.criteria:
                if c.level != level.id:
                    continue
                rec = by_id.get(c.id, {"answer": None, "counts": False})
                status = _status(rec["answer"], bool(rec["counts"]))
                items.append(Criterion(c.id, text(c.name, lang), criterion_kind_text(c.kind, lang), status,
                                       _(STATUS[status], lang)))
            blocks.append(Level(text(level.name, lang), k <= rank, int(row[f"{level.id}:met"]),
                                int(row[f"{level.id}:required"]), tuple(items)))
        out.append(Model(model.id, text(model.name, lang), text(model.basis, lang), model.official, rank,
                         len(model.levels), text(model.levels[rank - 1].name, lang) if rank else "",
                         str(row["blocking"]), int(row["optional_met"]), tuple(blocks)))
    return out
