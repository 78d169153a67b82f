"""The comparison page: two to four cities side by side.

Sections: a card per city (overall score, level and rank), their focus-area profiles overlaid on
one radar (one colour and dash pattern each, with a legend), outcome and well-being dimension
bars side by side, the indicators where their scores differ most, and their enablers level by
level. Every chart has a table of the same numbers.

Conventions
-----------
* A city is named as in the data (``"Da Nang"``), case and accents as given or by its page
  slug (``da-nang``); in a panel the latest year of each city is compared.
* "Differ most": the largest range (highest minus lowest 0–100 indicator score) among the
  compared cities, over indicators scored for at least two of them; ties in catalogue order.
* Peer-group comparisons (linked from the cohort page): the members of each peer group in rank
  order (unranked last, then by name), split into consecutive pages of two to four cities of
  near-equal size (11 members: 4, 4 and 3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._missing import as_float
from ..errors import InputError, Problem, params, suggest
from ..i18n import N_, _, text
from . import charts
from .view import ReportView, slugify

#: How many of the most different indicators the page lists.
TOP_DIFFERENT = 12
MIN_CITIES, MAX_CITIES = 2, 4


def compare_slug(rep: ReportView, keys: Sequence[Any]) -> str:
    """File name (without ``.html``) of the comparison of ``keys``: their page slugs joined by ``--``."""
    return "--".join(rep.slugs[k] for k in keys)


def resolve(rep: ReportView, groups: Sequence[Sequence[str]]) -> list[list[Any]]:
    """Report keys of each group of city names; every unknown name and every group of the wrong size at once.

    Raises
    ------
    InputError
        Naming each unknown city (with the nearest known name) and each group of fewer than two or
        more than four cities.
    """
    latest: dict[str, Any] = {}
    for key in rep.keys:  # keys of a panel are (unit, year): keep each city's latest year
        label = rep.unit_label(key)
        if label not in latest or str(rep.year_of(key)) > str(rep.year_of(latest[label])):
            latest[label] = key
    lookup = {**{slugify(n): k for n, k in latest.items()}, **{n.casefold(): k for n, k in latest.items()}}
    problems: list[Problem] = []
    out = []
    for group in groups:
        keys: list[Any] = []
        unknown = 0
        for name in group:
            key = latest.get(name, lookup.get(name.casefold(), lookup.get(slugify(name))))
            if key is None:
                unknown += 1
                near = suggest(name, list(latest))
                problems.append(Problem(
                    "--compare", item=name, code="unknown-city",
                    message=N_("no city named '{city}' in the report"),
                    fix=N_("use a name as in the data, e.g. '{near}'") if near else "",
                    params=params(city=name, near=near)))
            elif key not in keys:
                keys.append(key)
        n = len(keys) + unknown
        if not MIN_CITIES <= n <= MAX_CITIES:
            problems.append(Problem(
                "--compare", item=", ".join(group), code="compare-size",
                message=N_("a comparison takes 2 to 4 different cities; found {n}"), params=params(n=n)))
        out.append(keys)
    if problems:
        raise InputError(problems)
    return out


def split_pages(items: list[Any]) -> list[list[Any]]:
    """Consecutive runs of 2 to 4 items of near-equal size (empty when fewer than two items)."""
    if len(items) < MIN_CITIES:
        return []
    pages = math.ceil(len(items) / MAX_CITIES)
    size, extra = divmod(len(items), pages)
    out, start = [], 0
    for i in range(pages):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def peer_groups(rep: ReportView) -> list[list[Any]]:
    """Comparison pages of every peer group (latest year of a panel), in the group order of the data."""
    if rep.peer_col is None:
        return []
    root = rep.cat.lens(rep.lens).root.id
    ranks = rep.r.ranks.get(rep.lens, {}).get("cohort")
    years = sorted({str(rep.year_of(k)) for k in rep.keys})
    keys = [k for k in rep.keys if str(rep.year_of(k)) == years[-1]] if years else []
    members: dict[Any, list[Any]] = {}
    for key in keys:
        group = rep.peer_col.get(key)
        if isinstance(group, str) and group:
            members.setdefault(group, []).append(key)

    def order(k: Any) -> tuple[bool, float, str]:
        r = as_float(ranks.at[k, root]) if ranks is not None else None
        return (r is None, r or 0.0, rep.unit_label(k))

    return [chunk for group in sorted(members) for chunk in split_pages(sorted(members[group], key=order))]


def compare_page(rep: ReportView, keys: Sequence[Any]) -> dict[str, Any]:
    """The model of the comparison page of ``keys`` (2 to 4 report keys)."""
    r, lang = rep.r, rep.lang
    names = [rep.unit_label(k) for k in keys]
    root = rep.cat.lens(rep.lens).root.id
    cards = []
    scores = {k: rep.row(rep.scores, k) for k in keys}
    for k in keys:
        lv = as_float(rep.row(rep.levels, k)[root]) if rep.levels is not None else None
        cards.append({"city": rep.unit_label(k), "slug": rep.slugs[k], "year": rep.year_of(k),
                      "country": rep.country(k),
                      "peer_group": rep.peer_label(k), "score": as_float(scores[k][root]), "level": lv,
                      "level_name": rep.level_badge(lv), "rank_text": rep.rank_text(k)})
    areas = [a for a in rep.areas if a in rep.scores.columns]
    radar = charts.overlay([[as_float(scores[k][a]) for a in areas] for k in keys], scale=rep.words.scale)
    radar_rows = [{"name": rep.node_name(a), "values": [as_float(scores[k][a]) for k in keys]} for a in areas]
    heads = [root, *[o for o in rep.outcomes if o in rep.scores.columns]]
    outcome_rows = [{"name": rep.node_name(o), "values": [as_float(scores[k][o]) for k in keys]}
                    for o in heads]
    wellbeing = None
    olens = rep.cat.lens_for("wellbeing")
    if olens is not None and olens.id in r.aggregated:
        ow = r.aggregated[olens.id]
        wellbeing = [{"name": text(olens.node(d.id).name, lang), "values": [as_float(ow.at[k, d.id]) for k in keys]}
                     for d in olens.leaves()]
    return {
        **rep.common(_("Comparison: %(cities)s", lang) % {"cities": ", ".join(names)}, "../"),
        "cities": cards, "names": names, "colours": list(charts.COMPARE_COLOURS[:len(keys)]),
        "dashes": list(charts.DASHES[:len(keys)]),
        "radar": radar, "radar_rows": radar_rows,
        "outcomes": _bars(outcome_rows, rep), "wellbeing": _bars(wellbeing, rep) if wellbeing else None,
        "different": _different(rep, keys), "enablers": _enablers(rep, keys), "ticks": rep.scale_ticks(),
        "has_outcomes": len(heads) > 1, **rep.area_words(),
    }


def _bars(rows: list[dict[str, Any]], rep: ReportView) -> dict[str, Any]:
    geo = charts.grouped_bars([x["values"] for x in rows], scale=rep.words.scale)
    k = len(rows[0]["values"]) if rows else 0
    block = k * 10 + 8
    return {"rows": [x | {"bars": g, "y": i * block} for i, (x, g) in enumerate(zip(rows, geo, strict=True))],
            "height": len(rows) * block + 24}


def _different(rep: ReportView, keys: Sequence[Any]) -> list[dict[str, Any]]:
    ids = [i.id for i in rep.scored]
    norm = rep.r.normalised.reindex(index=list(keys), columns=ids)
    raw = rep.r.imputed.reindex(index=list(keys), columns=ids)
    spread = (norm.max() - norm.min())[norm.notna().sum() >= 2]
    gaps = spread.tolist()
    order = sorted(range(len(gaps)), key=lambda j: -float(gaps[j]))[:TOP_DIFFERENT]  # ties: catalogue order
    names = {i.id: i for i in rep.scored}
    out = []
    for j in order:
        ind = names[spread.index[j]]
        out.append({"id": ind.id, "name": text(ind.name, rep.lang), "unit": text(ind.unit, rep.lang),
                    "spread": float(gaps[j]), "scores": [as_float(v) for v in norm[ind.id]],
                    "values": [as_float(v) for v in raw[ind.id]]})
    return out


def _enablers(rep: ReportView, keys: Sequence[Any]) -> list[dict[str, Any]]:
    answers = [rep.row(rep.r.enabler_levels, k) for k in keys]
    rows = []
    for ena in rep.cat.enablers:
        cells = []
        for row in answers:
            lv = as_float(row[ena.id]) if ena.id in row else None
            level = None if lv is None else int(lv)
            cells.append({"level": level, "level_name": rep.level_name(level),
                          "descriptor": "" if level is None else text(ena.levels[level], rep.lang)})
        rows.append({"name": text(ena.name, rep.lang), "cells": cells})
    return rows
