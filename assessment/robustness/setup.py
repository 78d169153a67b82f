"""Check a spec against a nominal result and lay it out for the engine, before anything runs.

Weight levels follow COINr: level 1 is the indicators, level 2 the lowest aggregates, and a
node's level is ``max depth - depth + 2`` in its lens (the root has no weight to perturb).
Weights are renormalised within each parent (in the first lens of the method holding the
item): as every mean divides by the weight of the available children, this changes no score.

Data bands: a value's band is ``bands[flag]`` of its U4SSC quality flag (workbook intake);
values without a flag take ``unflagged`` (default: left as reported).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, params
from ..i18n import N_
from ..scoring import Assessment
from ..scoring.inputs import Inputs
from ..scoring.method import Method
from .design import build_factors
from .engine import Setup
from .paths import discrete_problems
from .spec import SOURCE, DataAssumption, DiscreteAssumption, RobustnessSpec, WeightAssumption


def item_levels(result: Assessment, lens_id: str) -> dict[str, tuple[int, str]]:
    """Item id → (COINr level, parent id) for the indicators and non-root nodes of one lens."""
    cat = result.catalogue
    lens = cat.lens(lens_id)
    top = max(lens.depth(n.id) for n in lens.nodes)
    out = {n.id: (top - lens.depth(n.id) + 2, str(n.parent)) for n in lens.nodes if n.parent is not None}
    leaves = {n.id for n in lens.leaves()}
    for item, leaf in cat.membership(lens_id).items():
        if item in result.normalised.columns and leaf in leaves:
            out[item] = (1, leaf)
    return out


def _weight_layout(result: Assessment, spec: RobustnessSpec, lenses: tuple[str, ...],
                   problems: list[Problem]) -> tuple[tuple[str, ...], dict[str, tuple[int, ...]],
                                                     tuple[tuple[int, ...], ...]]:
    by_lens = {lens: item_levels(result, lens) for lens in lenses}
    ids: list[str] = []
    parent: dict[str, str] = {}
    owned: dict[str, tuple[int, ...]] = {}
    for a in spec.assumptions:
        if not isinstance(a, WeightAssumption):
            continue
        mine = []
        for level in a.levels:
            hits = [(i, p) for lv in by_lens.values() for i, (lvl, p) in lv.items() if lvl == level]
            if not hits:
                problems.append(Problem(SOURCE, item=a.name, field=f"assumptions.{a.name}.levels", code="no-level",
                                        message=N_("no lens of the method has weights at level {level} (1 = "
                                        "indicators, 2 = lowest aggregates, …; the root has none)"),
                                        found=str(level), params=params(level=level)))
            for i, p in hits:
                if i in ids and i not in mine:
                    problems.append(Problem(SOURCE, item=a.name, field=f"assumptions.{a.name}.levels",
                                            code="overlap", message=N_("a weight is perturbed by two assumptions"),
                                            found=i))
                elif i not in ids:
                    ids.append(i)
                    parent[i] = p
                    mine.append(i)
        owned[a.name] = tuple(ids.index(i) for i in mine)
    groups: dict[str, list[int]] = {}
    for k, i in enumerate(ids):
        groups.setdefault(parent[i], []).append(k)
    return tuple(ids), owned, tuple(tuple(g) for g in groups.values())


def data_bands(inputs: Inputs, assumption: DataAssumption) -> np.ndarray:
    """Band per value (units × indicators of ``inputs.values``) from the quality flags."""
    values = inputs.values
    flags = pd.DataFrame(np.nan, index=values.index, columns=values.columns)
    if inputs.details is not None and len(inputs.details):
        d = inputs.details.dropna(subset=["quality"])
        keys = ["unit", "year"] if "year" in values.index.names else ["unit"]
        if len(d):
            wide = d.pivot_table(index=keys, columns="indicator", values="quality", aggfunc="first")
            flags = wide.reindex(index=values.index, columns=values.columns).astype("float64")
    band_of = {float(k): v for k, v in assumption.bands.items()}
    x = flags.to_numpy(dtype="float64")
    out = np.vectorize(lambda f: band_of.get(f, 0.0), otypes=["float64"])(x) if x.size else x
    out[np.isnan(x)] = assumption.unflagged or 0.0
    return np.asarray(out, dtype="float64")


def result_lenses(result: Assessment) -> tuple[str, ...]:
    """The lenses the nominal result aggregated."""
    return tuple(result.aggregated)


def make_setup(result: Assessment, spec: RobustnessSpec) -> Setup:
    """Validate ``spec`` against ``result`` and lay it out.

    Raises
    ------
    InputError
        Naming the path (or field) of every invalid assumption: unknown path, invalid
        alternative, weight level absent, data uncertainty without any quality flag.
    """
    nominal: Method = result.method
    problems: list[Problem] = []
    for a in spec.assumptions:
        if isinstance(a, DiscreteAssumption):
            problems += discrete_problems(a, nominal, result.catalogue)
    lenses = result_lenses(result)
    ids, owned, groups = _weight_layout(result, spec, lenses, problems)
    bands = None
    for a in spec.assumptions:
        if isinstance(a, DataAssumption):
            bands = data_bands(result.inputs, a)
            if not (bands > 0).any():
                problems.append(Problem(SOURCE, item=a.name, field=f"assumptions.{a.name}.bands", code="no-flags",
                                        message=N_("no value has a data-quality flag with a band above 0, so the "
                                        "data uncertainty would change nothing"),
                                        fix=N_("read workbooks with quality flags, or set 'unflagged' to a band")))
    if not isinstance(spec.pairwise, bool):
        missing = [u for u in spec.pairwise if u not in set(result.inputs.values.index.get_level_values("unit"))]
        if missing:
            problems.append(Problem(SOURCE, field="pairwise", code="unknown-unit", message=N_("not a unit of the data"),
                                    found=", ".join(map(str, missing[:10]))))
    if problems:
        raise InputError(problems)
    counts = {a.name: len(owned.get(a.name, ())) for a in spec.assumptions}
    factors = build_factors(spec, counts)
    factor_weights = tuple(owned.get(f.name, ()) if f.kind == "weights" else () for f in factors)
    token = hashlib.sha256(f"{result.inputs.digest}|{nominal.fingerprint}|{spec.model_dump_json()}".encode())
    return Setup(inputs=result.inputs, nominal=nominal, spec=spec, factors=factors, lenses=lenses,
                 weight_ids=ids, weight_groups=groups, factor_weights=factor_weights, bands=bands,
                 token=token.hexdigest()[:16])
