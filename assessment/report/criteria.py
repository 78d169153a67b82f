"""The city page's section on criteria-based maturity models: the level reached and why.

Plain, translated values for the template; the evaluation itself is
:mod:`assessment.scoring.criteria`. Every model states its basis on the page (for the example
model: that its criteria are invented, not official).
"""

from __future__ import annotations

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


def criteria_sections(result: Assessment, key: Any, lang: str, by_unit: ByUnit | None = None) -> list[dict[str, Any]]:
    """One entry per criteria model of the catalogue: level reached, basis, and each level's criteria.

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
                items.append({"id": c.id, "name": text(c.name, lang), "kind": criterion_kind_text(c.kind, lang),
                              "status": status, "status_text": _(STATUS[status], lang)})
            blocks.append({"name": text(level.name, lang), "reached": k <= rank,
                           "met": int(row[f"{level.id}:met"]), "required": int(row[f"{level.id}:required"]),
                           "criteria": items})
        out.append({"id": model.id, "name": text(model.name, lang), "basis": text(model.basis, lang),
                    "official": model.official, "rank": rank, "of": len(model.levels),
                    "level": text(model.levels[rank - 1].name, lang) if rank else "",
                    "blocking": str(row["blocking"]), "optional_met": int(row["optional_met"]), "levels": blocks})
    return out
