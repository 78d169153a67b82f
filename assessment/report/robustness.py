"""The robustness page of the report site: ``robustness.html``, self-contained like the scorecards.

Sections: ranks with their intervals (nominal against median rank, units ordered by nominal
rank as COINr's ``plot_uncertainty``), sensitivity bars with intervals, the remove-one check,
and the audit (Cronbach's alpha, flagged correlations, weight against importance, and a
heatmap of indicator–aggregate correlations). Inline CSS and SVG only, a Content-Security-
Policy that forbids every fetch and every script, no clock or random ids: the same inputs
give the same bytes. Every string from the data is escaped by jinja2.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..i18n import text
from ..robustness import AuditResult, SensitivityResult, UncertaintyResult
from ..scoring import Assessment
from ..templating import environment, stylesheet
from . import charts
from .view import LARGE_COHORT, ReportView
from .words import unit_names

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
ROW, LEFT, WIDTH = 14, 90, 520


def _f(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _whole(lo: float | None, hi: float | None) -> str:
    """An interval of ranks in whole ranks, rounded outward: "5–7", or "5" when both ends agree."""
    if lo is None or hi is None:
        return ""
    a, b = math.floor(lo + 1e-9), math.ceil(hi - 1e-9)
    return str(a) if a == b else f"{a}–{b}"


def axis_length(summary: pd.DataFrame) -> int:
    """The last rank of the axis: the number of units, or the highest interval end if that is higher."""
    return int(max(summary["rank_hi"].max(skipna=True) if summary["rank_hi"].notna().any() else 1, len(summary)))


def rank_rows(summary: pd.DataFrame, names: dict[Any, str] | None = None, n: int | None = None) -> dict[str, Any]:
    """Units ordered by nominal rank (unranked last), with SVG coordinates of interval, median and nominal.

    Units are labelled by ``names`` (key → name) where given; the left margin holds the longest label
    (:func:`charts.label_margin`) and the rank axis, from 1 to ``n`` (default :func:`axis_length`), is
    labelled at :func:`charts.nice_ranks`."""
    names = names or {}
    s = summary.sort_values(["nominal_rank", "median_rank"], na_position="last", kind="stable")
    n = n or axis_length(s)
    labels = [names.get(unit) or str(unit[0] if isinstance(unit, tuple) else unit) for unit in s.index]
    left = charts.label_margin(labels, LEFT)

    def _x(rank: float | None, n: int) -> float | None:
        return None if rank is None else round(left + (rank - 1) / max(n - 1, 1) * WIDTH, 1)

    rows = []
    for k, (label, (unit, r)) in enumerate(zip(labels, s.iterrows(), strict=True)):
        lo, hi = _f(r["rank_lo"]), _f(r["rank_hi"])
        rows.append({"unit": label, "key": str(unit[0] if isinstance(unit, tuple) else unit), "y": 20 + k * ROW,
                     # whole ranks, rounded outward (as the scorecards' rank sentences)
                     "whole": _whole(lo, hi), "nominal": _f(r["nominal_rank"]),
                     "median": _f(r["median_rank"]), "lo": _f(r["rank_lo"]), "hi": _f(r["rank_hi"]),
                     "p_top": _f(r["p_top_k"]), "p_level": _f(r["p_keep_level"]),
                     "x_lo": _x(_f(r["rank_lo"]), n), "x_hi": _x(_f(r["rank_hi"]), n),
                     "x_med": _x(_f(r["median_rank"]), n), "x_nom": _x(_f(r["nominal_rank"]), n)})
    ticks = charts.nice_ranks(n)
    return {"rows": rows, "height": 30 + len(rows) * ROW, "width": left + WIDTH + 20, "left": left,
            "ticks": [{"label": t, "x": _x(float(t), n)} for t in ticks]}


def facets(summary: pd.DataFrame, names: dict[Any, str] | None, groups: dict[Any, str]) -> list[dict[str, Any]]:
    """One rank chart per peer group (``groups``: unit → group name; units without one are only in the
    chart of every unit), groups in alphabetical order, each on the whole cohort's rank axis so that
    facets compare: a reader finds a unit among its peers without scrolling through every unit."""
    n = axis_length(summary)
    by_group: dict[str, list[Any]] = {}
    for unit in summary.index:
        if groups.get(unit):
            by_group.setdefault(groups[unit], []).append(unit)
    return [{"group": g, "id": f"facet-{i}", "count": len(by_group[g]),
             "chart": rank_rows(summary.loc[by_group[g]], names, n)} for i, g in enumerate(sorted(by_group), 1)]


def _facets(result: Assessment, summary: pd.DataFrame, lang: str,
            groups: dict[Any, str] | None) -> list[dict[str, Any]]:
    """The peer-group charts of a large cohort in two groups or more (else none)."""
    if len(summary) <= LARGE_COHORT:
        return []
    if groups is None:
        rep = ReportView(result, lang)
        groups = {k: rep.peer_label(k) for k in rep.keys}
    if len(set(groups.values()) - {""}) < 2:
        return []
    return facets(summary, unit_names(result.profiles), groups)


def main_drivers(per_unit: pd.DataFrame, lens: str) -> dict[str, str]:
    """Unit → the assumption with the largest total-order index of its rank (ties: spec order)."""
    part = per_unit[(per_unit["lens"] == lens) & per_unit["ST"].notna()]
    if part.empty:
        return {}
    best = part.loc[part.groupby("unit", sort=False)["ST"].idxmax()]
    return dict(zip(best["unit"].astype(str), best["factor"].astype(str), strict=True))


def sensitivity_bars(indices: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per lens and factor: first and total order with interval, as bar coordinates (0–1 → 0–300 px)."""
    out = []
    for k, r in enumerate(indices.itertuples(index=False)):
        def px(v: Any) -> float:
            f = _f(v)
            return round(max(0.0, min(1.0, f if f is not None else 0.0)) * 300, 1)

        out.append({"lens": r.lens, "factor": r.factor, "y": 10 + k * 34, "S1": _f(r.S1), "ST": _f(r.ST),
                    "ST_lo": _f(r.ST_lo), "ST_hi": _f(r.ST_hi), "w1": px(r.S1), "wt": px(r.ST),
                    "lo": LEFT + 40 + px(r.ST_lo), "hi": LEFT + 40 + px(r.ST_hi)})
    return out


def _colour(r: float | None) -> str:
    """Diverging blue (positive) – white – vermilion (negative) fill for a correlation."""
    if r is None:
        return "#ffffff"
    t = max(-1.0, min(1.0, r))
    end = (0, 114, 178) if t >= 0 else (213, 94, 0)
    mix = [round(255 + (c - 255) * abs(t)) for c in end]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def heatmap(matrix: pd.DataFrame, rows: list[str], cols: list[str]) -> dict[str, Any]:
    """Cells of a rows × cols correlation heatmap (12 px squares)."""
    cells = []
    for i, a in enumerate(rows):
        for j, b in enumerate(cols):
            r = _f(matrix.loc[a, b])
            cells.append({"x": 110 + j * 16, "y": 60 + i * 12, "fill": _colour(r), "title": f"{a} – {b}",
                          "r": r})
    legend = [{"r": r, "fill": _colour(r)} for r in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    return {"cells": cells, "legend": legend, "rows": [{"label": a, "y": 60 + i * 12 + 9} for i, a in enumerate(rows)],
            "cols": [{"label": b, "x": 110 + j * 16 + 8} for j, b in enumerate(cols)],
            "width": 110 + len(cols) * 16 + 10, "height": 60 + len(rows) * 12 + 10}


def _audit_context(audited: AuditResult | None, lens: str, result: Assessment) -> dict[str, Any] | None:
    if audited is None:
        return None
    corr = audited.correlations
    flagged = corr[(corr["flag"] != "") & (corr["lens"] == lens)] if len(corr) else corr
    matrix = audited.matrices.get(lens)
    heat = None
    if matrix is not None:
        nodes = list(result.aggregated[lens].columns)
        inds = [c for c in matrix.index if c not in nodes]
        heat = heatmap(matrix, inds, nodes)
    imp = audited.importance
    return {"cronbach": audited.cronbach[audited.cronbach["lens"] == lens].to_dict("records"),
            "flagged": flagged.to_dict("records"),
            "importance": imp[imp["lens"] == lens].to_dict("records") if len(imp) else [],
            "heat": heat}


def render_robustness(result: Assessment, out_path: str | Path, *, lang: str = "en",
                      uncertainty: UncertaintyResult | None = None, sensitivity: SensitivityResult | None = None,
                      removed: pd.DataFrame | None = None, audited: AuditResult | None = None,
                      lens: str | None = None, home: str | None = None,
                      groups: dict[Any, str] | None = None) -> Path:
    """Write ``robustness.html`` for one lens (default: the first) and return its path.

    Any section whose result is not given is left out. ``home``: the address of the cohort page
    to link back to (when the page is part of a report site). A cohort of more than
    :data:`~assessment.report.view.LARGE_COHORT` units in two peer groups or more also gets one rank
    chart per group (:func:`facets`) before the chart of every unit; ``groups`` (unit → peer group
    name, as the scorecards name it) saves working them out again.
    """
    lens = lens or next(iter(result.aggregated))
    env = environment(lang)
    head = uncertainty.headline(lens) if uncertainty is not None else None
    page = {
        "lang": lang, "csp": CSP, "lens": lens, "home": home, "method": result.method.name, "version": __version__,
        "framework": text(result.catalogue.header.title, lang),
        "style": stylesheet(lang),
        "uncertainty": None if uncertainty is None else {
            "n": uncertainty.spec.n, "spec": uncertainty.spec.name, "interval": uncertainty.spec.interval,
            "top_k": uncertainty.spec.top_k, "head": head,
            "chart": rank_rows(uncertainty.summary[lens], unit_names(result.profiles)),
            "facets": _facets(result, uncertainty.summary[lens], lang, groups),
            "drivers": {} if sensitivity is None else main_drivers(sensitivity.per_unit, lens),
            "levels": bool(uncertainty.summary[lens]["p_keep_level"].notna().any())},
        "sensitivity": None if sensitivity is None else {
            "design": sensitivity.design, "n": sensitivity.n, "runs": sensitivity.runs,
            "bars": sensitivity_bars(sensitivity.indices[sensitivity.indices["lens"] == lens])},
        "removed": None if removed is None else
        removed[removed["lens"] == lens].sort_values("mean_abs_shift", ascending=False).head(15).to_dict("records"),
        "audit": _audit_context(audited, lens, result),
    }
    html = env.get_template("scorecard/robustness.html.j2").render(page=page)
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("utf-8"))
    return path
