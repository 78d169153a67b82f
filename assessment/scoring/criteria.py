"""Evaluate criteria-based maturity models (:mod:`assessment.catalogue.criteria`).

Not a composite score: a city's level is the highest level whose gating criteria (``basic`` and
``local``), and those of every lower level, are all met. Conventions:

* a criterion is met only when answered *met* with evidence; *met* without evidence, *not met*,
  and no answer are all not met (Circular 03/2026: no suitable evidence, not met);
* levels are cumulative: a city that meets every criterion of the second level but one of the
  first is at level 0 (none reached), and the missing first-level criterion is what blocks it;
* ``optional`` criteria never gate; the number met is reported;
* rank 0 means no level reached; ``level`` is then the empty string.
"""

from __future__ import annotations

import pandas as pd

from .._missing import is_missing
from ..catalogue.criteria import GATING, CriteriaModel

#: Columns of the answers table (plus ``unit`` and, for panels, ``year``).
ANSWER_COLUMNS = ("criterion", "met", "evidence")


def criteria_detail(model: CriteriaModel, answers: pd.DataFrame, units: pd.Index) -> pd.DataFrame:
    """One row per unit and criterion: level, kind, the answer, whether evidence was given, and
    whether the criterion counts as met.

    ``answers`` is long (``unit``, [``year``,] ``criterion``, ``met``, ``evidence``); ``met`` is
    True, False or missing. ``units`` is the index of the assessed units (``unit`` or
    ``(unit, year)``): every unit gets every criterion, answered or not. Answers for criteria of
    other models are ignored.
    """
    keys = list(units.names)
    given: dict[tuple[object, ...], tuple[object, object]] = {}
    if not answers.empty:
        for rec in answers.to_dict("records"):
            key = (*(rec[k] for k in keys), rec["criterion"])
            given[key] = (rec["met"], rec["evidence"])
    rows = []
    for unit in units:
        unit_key = unit if isinstance(unit, tuple) else (unit,)
        for c in model.criteria:
            met, evidence = given.get((*unit_key, c.id), (None, None))
            answered = None if is_missing(met) else bool(met)
            has_evidence = not is_missing(evidence) and str(evidence).strip() != ""
            rows.append({**dict(zip(keys, unit_key, strict=True)), "criterion": c.id, "level": c.level,
                         "kind": c.kind, "answer": answered, "evidence": has_evidence,
                         "counts": answered is True and has_evidence})
    return pd.DataFrame(rows, columns=[*keys, "criterion", "level", "kind", "answer", "evidence", "counts"])


def criteria_levels(model: CriteriaModel, detail: pd.DataFrame) -> pd.DataFrame:
    """Per unit: the level reached and what blocks the next one (see the module docstring).

    Columns: ``rank`` (0 … number of levels), ``level`` (its id, "" for none), one
    ``<level>:met`` and ``<level>:required`` count of gating criteria per level, ``optional_met``,
    and ``blocking`` (the unmet gating criteria of the next level and below, comma-separated, in
    catalogue order; "" at the top level).
    """
    keys = [c for c in detail.columns if c in ("unit", "year")]
    order = {c.id: i for i, c in enumerate(model.criteria)}
    out = []
    for unit, group in detail.groupby(keys, sort=False):
        gating = group[group["kind"].isin(GATING)]
        row: dict[str, object] = dict(zip(keys, unit if isinstance(unit, tuple) else (unit,), strict=True))
        rank, blocked = 0, False
        for k, level in enumerate(model.levels, start=1):
            mine = gating[gating["level"] == level.id]
            row[f"{level.id}:met"] = int(mine["counts"].sum())
            row[f"{level.id}:required"] = len(mine)
            if not blocked and bool(mine["counts"].all()):
                rank = k
            else:
                blocked = True
        # the gating criteria still unmet up to the next level (none above the top level)
        upto = {lv.id for lv in model.levels[:rank + 1]} if rank < len(model.levels) else set()
        unmet = gating[gating["level"].isin(upto) & ~gating["counts"]]["criterion"]
        row.update(rank=rank, level=model.levels[rank - 1].id if rank else "",
                   optional_met=int(group[group["kind"] == "optional"]["counts"].sum()),
                   blocking=", ".join(sorted(unmet, key=order.__getitem__)))
        out.append(row)
    columns = [*keys, "rank", "level", *(f"{lv.id}:{s}" for lv in model.levels for s in ("met", "required")),
               "optional_met", "blocking"]
    return pd.DataFrame(out, columns=columns).set_index(keys)


def evaluate_criteria(model: CriteriaModel, answers: pd.DataFrame, units: pd.Index) -> tuple[pd.DataFrame,
                                                                                            pd.DataFrame]:
    """``(levels, detail)``: :func:`criteria_levels` and :func:`criteria_detail` in one call."""
    detail = criteria_detail(model, answers, units)
    return criteria_levels(model, detail), detail
