"""The page model of the scorecards: plain, already computed and translated values per page.

:class:`ReportView` holds what every page shares (scores of the headline lens, peer medians,
labels in the page language); :func:`city_page` and :func:`cohort_page` return the plain
mappings the templates render. Templates do no arithmetic; chart geometry comes from
:mod:`assessment.report.charts`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd
from babel import Locale

from .._missing import as_float, is_missing
from .._version import __version__
from ..catalogue import Catalogue
from ..i18n import N_, _, decimal_mark, ordinal, text
from ..scoring import Assessment
from ..scoring.coverage import needed, node_indicators
from ..scoring.rank import CLASS_LABELS, peer_column, peer_median
from . import charts
from .criteria import criteria_rows
from .method_words import method_words
from .words import profile_column, unit_names, words

NOTICE = N_("Illustrative example data: these values were generated to demonstrate the method and are not "
            "official statistics of any city.")
COVERAGE_LABELS = {"reported": N_("reported"), "imputed": N_("imputed"), "missing": N_("missing")}


#: A cohort of more units than this gets the light cohort page: the ranking table (searchable, with a
#: peer-group filter) and per-indicator coverage; no per-unit heat maps, profile radars, coverage grid or
#: rank-interval chart (the unit pages and ``robustness.html`` hold them), histograms instead of dot plots,
#: and no automatic peer-group comparison pages.
LARGE_COHORT = 100

#: Longest slug: file names stay far below every file system's limit (255 bytes), whatever the city name.
MAX_SLUG = 60


def slugify(name: str) -> str:
    """ASCII file-name slug of at most :data:`MAX_SLUG` characters: ``"Hồ Chí Minh"`` → ``"ho-chi-minh"``."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower())[:MAX_SLUG].strip("-") or "city"


def page_lenses(cat: Catalogue, aggregated: Mapping[str, pd.DataFrame]) -> tuple[str, str]:
    """The lens that leads the pages and the one drawn on the radar, found by their roles.

    The catalogue's ``headline`` lens leads when it was aggregated, else the first aggregated
    lens (a researcher's own framework); the ``areas`` lens is the radar's profile only beside
    the headline lens, otherwise the leading lens shows its own leaves.
    """
    head, areas = cat.lens_for("headline"), cat.lens_for("areas")
    lens = head.id if head is not None and head.id in aggregated else next(iter(aggregated))
    both = head is not None and lens == head.id and areas is not None and areas.id in aggregated
    return lens, (areas.id if both and areas is not None else lens)


class ReportView:
    """Everything the pages share, computed once for the whole cohort."""

    def __init__(self, result: Assessment, lang: str) -> None:
        self.r, self.lang, self.cat = result, lang, result.catalogue
        self.lens, self.area_lens = page_lenses(self.cat, result.aggregated)
        lens = self.cat.lens(self.lens)
        self.areas = [leaf.id for leaf in self.cat.lens(self.area_lens).leaves()]
        # a lens whose root's children are its leaves plays both roles: its nodes are listed once, as areas
        self.outcomes = [n.id for n in lens.children(lens.root.id) if n.id not in self.areas]
        self.scores = self._both(result.aggregated)
        self.levels = self._both(result.aggregate_levels) if result.aggregate_levels else None
        self.profiles = result.profiles
        self.words = words(result, lang)
        self.names = unit_names(self.profiles)
        self.country_col = profile_column(self.profiles, "country")
        self.keys = list(self.scores.index)
        self._counts: dict[tuple[str, bool], dict[tuple[Any, Any], int]] = {}
        self._tables: dict[int, tuple[pd.DataFrame, dict[Any, dict[Any, Any]] | None]] = {}
        self._coverage: dict[Any, tuple[Any, Any]] | None = None
        self._by_unit: dict[bool, dict[Any, list[dict[str, Any]]]] = {}
        self._labels: list[tuple[str, str, str, str, bool]] | None = None
        self._badges: dict[float, str] = {}  # level -> its badge, worded once per report
        #: The report's :class:`~assessment.report.years.Panel`, made on first use by
        #: :func:`~assessment.report.years.panel_of` (typed ``Any``: years builds on this module).
        self.panel: Any = None
        #: The report's :class:`~assessment.report.ranks.RankUncertainty` when it was given an uncertainty
        #: analysis (set by :func:`~assessment.report.render.render_report`; typed ``Any``: ranks builds on
        #: this module). The overview section reads each unit's rank interval from it.
        self.rank_uncertainty: Any = None
        self.quality = {q.code: text(q.name, lang) for q in self.cat.header.quality_flags}
        cmp = result.method.compare
        self.peer_col = peer_column(self.profiles, cmp.peer_group) if cmp.peer_group else None
        self.peer_scores = peer_median(self.scores, self.peer_col)
        self.cohort_scores = peer_median(self.scores, None)
        self.slugs = self._slugs()
        self.notice = bool("notice" in self.profiles.columns and self.profiles["notice"].fillna("").astype(str)
                           .str.len().gt(0).any())
        self.scored = [i for i in self.cat.scored_indicators if i.id in result.normalised.columns]
        self.peer_indicators = peer_median(result.normalised, self.peer_col)
        self.details = self._details()
        self.queried = _queried(result, lang)
        self.appendix = self._appendix()
        self.status = result.rank_status(self.lens) if self.lens in result.coverage else None
        self.cover = self._both(result.coverage) if self.lens in result.coverage else None
        self.totals = {**node_indicators(self.cat, self.area_lens), **node_indicators(self.cat, self.lens)}
        self.rank_group = cmp.peer_group if cmp.peer_group in result.ranks.get(self.lens, {}) else None
        wellbeing = self.cat.lens_for("wellbeing")
        self.wellbeing = wellbeing if wellbeing is not None and wellbeing.id in result.aggregated else None
        self.wellbeing_median = (peer_median(result.aggregated[self.wellbeing.id], None)
                                 if self.wellbeing is not None else None)
        self.criteria = criteria_rows(result)
        self.alone = cohort_of_one(self.keys, self.year_of)
        if self.alone:  # a median of one city is its own value: no median is shown, rank_text says why
            self.peer_scores, self.cohort_scores = self.scores.iloc[0:0], self.scores.iloc[0:0]
            self.peer_indicators = self.peer_indicators.iloc[0:0]
            self.wellbeing_median = (self.wellbeing_median.iloc[0:0] if self.wellbeing_median is not None
                                     else None)

    def row(self, frame: pd.DataFrame, key: Any) -> dict[Any, Any]:
        """``frame.loc[key].to_dict()``, or ``{}`` when ``key`` is not a row of ``frame``: read from every
        row of ``frame`` as dicts, made on the first call for that frame (pages would otherwise each
        pay pandas' ``.loc`` many times over)."""
        held = self._tables.get(id(frame))
        if held is None or held[0] is not frame:
            held = (frame, frame.to_dict("index") if frame.index.is_unique else None)
            self._tables[id(frame)] = held
        if held[1] is None:  # a repeated label: .loc gives a table, kept as it was
            return frame.loc[key].to_dict() if key in frame.index else {}
        return held[1].get(key, {})

    def _both(self, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """The headline lens's table, then the focus-area view's areas (one column per node id)."""
        head = tables[self.lens]
        if self.area_lens == self.lens:
            return head
        return pd.concat([head, tables[self.area_lens][[a for a in self.areas if a not in head.columns]]], axis=1)

    def _details(self) -> dict[Any, dict[str, dict[str, Any]]]:
        """Data year, source, quality and notes by unit key and indicator (workbook intakes only)."""
        d = self.r.inputs.details
        out: dict[Any, dict[str, dict[str, Any]]] = {}
        if d is None:
            return out
        panel = bool(self.keys) and isinstance(self.keys[0], tuple)
        for rec in d.to_dict("records"):
            key = (rec["unit"], rec["year"]) if panel else rec["unit"]
            out.setdefault(key, {})[rec["indicator"]] = rec
        return out

    # -- labels ------------------------------------------------------------------------
    def t(self, msg: str) -> str:
        return _(msg, self.lang)

    def node_name(self, node_id: str, lens_id: str | None = None) -> str:
        if lens_id is None and node_id in self.areas and self.area_lens != self.lens:
            lens_id = self.area_lens
        return text(self.cat.lens(lens_id or self.lens).node(node_id).name, self.lang)

    def level_name(self, level: float | None) -> str:
        return "" if level is None else self.cat.maturity_level_name(int(level), self.lang)

    def level_badge(self, level: float | None) -> str:
        """Where a level sits on its scale: "Alignment — level 2 of 5" ("Level 2 of 5" when the catalogue
        names no levels); "" for no level."""
        if level is None:
            return ""
        held = self._badges.get(level)
        if held is not None:
            return held
        self._badges[level] = self._badge(level)
        return self._badges[level]

    def _badge(self, level: float) -> str:
        top = max((m.level for m in self.cat.header.maturity_levels), default=5)
        if any(m.level == int(level) for m in self.cat.header.maturity_levels):
            return _("%(name)s — level %(level)s of %(top)s", self.lang) % {
                "name": self.level_name(level), "level": int(level), "top": top}
        return _("Level %(level)s of %(top)s", self.lang) % {"level": int(level), "top": top}

    def country(self, key: Any) -> str:
        """The country of unit ``key`` (its name in the page language for an ISO code), from the profile column
        ``country`` whatever its case; "" without one."""
        if self.country_col is None:
            return ""
        return self.country_name(self.row(self.profiles, key).get(self.country_col))

    def country_name(self, code: Any) -> str:
        if not isinstance(code, str) or not code:
            return ""
        return str(Locale.parse(self.lang).territories.get(code.upper(), code))

    def unit_label(self, key: Any) -> str:
        """The unit's name (profile column ``name`` or ``uName``), else its key (the unit of a panel key)."""
        return self.names.get(key) or str(key[0] if isinstance(key, tuple) else key)

    def year_of(self, key: Any) -> Any:
        if isinstance(key, tuple):
            return key[1]
        return self.row(self.profiles, key).get("year") if "year" in self.profiles.columns else None

    def _slugs(self) -> dict[Any, str]:
        out: dict[Any, str] = {}
        used: set[str] = set()
        panel = isinstance(self.keys[0], tuple) if self.keys else False
        for key in self.keys:
            base = slugify(self.unit_label(key))
            if panel:
                base = f"{base}-{key[1]}"
            slug, k = base, 2
            while slug in used:
                slug, k = f"{base}-{k}", k + 1
            used.add(slug)
            out[key] = slug
        return out

    def peer_label(self, key: Any) -> str:
        col = profile_column(self.profiles, "peer_group")
        given = self.row(self.profiles, key).get(col) if col is not None else None
        if isinstance(given, str) and given:
            return given
        group = self.peer_col.loc[key] if self.peer_col is not None else None
        return self.t(CLASS_LABELS[group]) if isinstance(group, str) and group in CLASS_LABELS else ""

    # -- shared blocks -----------------------------------------------------------------
    def _appendix(self) -> dict[str, Any]:
        rec = self.r.recipe
        return {"method": rec.method.name, "method_yaml": rec.method.to_yaml(), "fingerprint": rec.method.fingerprint,
                "method_words": method_words(rec.method, self.words),
                "catalogue": f"{rec.catalogue_id} {rec.catalogue_version}", "catalogue_hash": rec.catalogue_hash,
                "input_hash": rec.input_hash, "package": __version__}

    def _cells(self, key: Any) -> tuple[Any, Any] | None:
        """Whether each scored indicator of ``key`` was reported, and whether it was imputed (two rows of
        booleans, from the whole tables once), or ``None`` when ``key`` is not in both tables."""
        if self._coverage is None:
            ids = [i.id for i in self.scored]
            raw, flags = self.r.raw, self.r.imputed_flags
            both = raw.index.intersection(flags.index) if raw.index.is_unique and flags.index.is_unique else []
            reported = raw.loc[both, ids].notna().to_numpy()
            imputed = flags.loc[both, ids].astype(bool).to_numpy()
            self._coverage = {k: (reported[i], imputed[i]) for i, k in enumerate(both)}
        return self._coverage.get(key)

    def indicator_labels(self) -> list[tuple[str, str, str, str, bool]]:
        """Focus area, id, name, unit and whether it is context only, of each indicator listed on the city
        pages (catalogue order; made once per report)."""
        if self._labels is None:
            membership = self.cat.membership(self.area_lens)
            self._labels = [(area, ind.id, text(ind.name, self.lang), text(ind.unit, self.lang), not ind.scored)
                            for ind in self.cat.indicators
                            if (area := membership.get(ind.id)) is not None and area in self.areas]
        return self._labels

    def strength_rows(self, key: Any) -> list[dict[str, Any]]:
        """The strengths table's records of ``key`` (its unit's, and year's for a panel key), in order; the
        table is grouped once (one pass), not filtered once per page."""
        panel = isinstance(key, tuple)
        if panel not in self._by_unit:
            groups: dict[Any, list[dict[str, Any]]] = {}
            for rec in self.r.strengths.to_dict("records"):
                groups.setdefault((rec["unit"], rec["year"]) if panel else rec["unit"], []).append(rec)
            self._by_unit[panel] = groups
        return self._by_unit[panel].get(key, [])

    def coverage(self, key: Any) -> dict[str, int]:
        """Scored indicators of ``key`` reported, imputed and missing, and their total (the result's
        :attr:`~assessment.scoring.result.Assessment.coverage_counts`, read as a row)."""
        return self.row(self.r.coverage_counts, key)

    def indicator_coverage(self) -> list[dict[str, Any]]:
        """Per scored indicator (catalogue order): how many units reported it, how many had it imputed and how
        many miss it, over every unit of the report (the cohort page's coverage view of a large cohort)."""
        ids = [i.id for i in self.scored]
        raw = self.r.raw.reindex(index=self.keys, columns=ids)
        flags = self.r.imputed_flags.reindex(index=self.keys, columns=ids).fillna(False).astype(bool)
        reported = raw.notna() & ~flags
        out = []
        for ind in self.scored:
            rep, imp = int(reported[ind.id].sum()), int(flags[ind.id].sum())
            out.append({"id": ind.id, "name": text(ind.name, self.lang), "reported": rep, "imputed": imp,
                        "missing": len(self.keys) - rep - imp})
        return out

    def coverage_cells(self, key: Any) -> list[str]:
        """Each scored indicator of ``key``: ``imputed``, ``missing`` or ``reported``."""
        cells = self._cells(key)
        if cells is not None:
            return ["imputed" if imp else "reported" if rep else "missing" for rep, imp in zip(*cells, strict=True)]
        ids = [i.id for i in self.scored]
        raw = self.r.raw.loc[key, ids]
        imp = self.r.imputed_flags.loc[key, ids] if key in self.r.imputed_flags.index else raw * 0
        return ["imputed" if bool(imp[i]) else "missing" if is_missing(raw[i]) else "reported" for i in ids]

    def node_coverage(self, key: Any, node: str) -> dict[str, Any] | None:
        """Indicators reported under ``node`` of ``total``, and how many its score needs."""
        if self.cover is None or node not in self.cover.columns:
            return None
        total = len(self.totals.get(node, []))
        spec = self.r.method.aggregate
        ns = spec.nodes.get(node)
        least = ns.min_reported if ns and ns.min_reported is not None else spec.min_reported
        share = as_float(self.row(self.cover, key)[node])
        reported = round((share or 0.0) * total)
        return {"reported": reported, "total": total, "share": share, "needed": needed(total, least)}

    def rank_text(self, key: Any) -> str:
        """"13th of 26 ranked cities; 5th of 11 in its peer group", or why there is no rank ("" if ranking is off)."""
        if self.status is None or not self.r.method.rank.enabled:
            return ""
        if self.alone:
            return _(ALONE, self.lang)
        st = self.row(self.status, key)
        root = self.cat.lens(self.lens).root.id
        cohort = self.r.ranks[self.lens]["cohort"][root]
        rank = as_float(cohort.get(key))
        if rank is None:
            if not bool(st["coverage"] >= self.r.method.rank.min_coverage - 1e-12):
                return _("Not ranked: data for %(reported)s of %(total)s indicators (needs %(needed)s).", self.lang) % {
                    "reported": int(st["reported"]), "total": int(st["total"]), "needed": int(st["needed"])}
            return _("Not ranked: no overall score.", self.lang)
        year = self.year_of(key)
        n = self._ranked_counts("cohort", cohort, False).get((year, None), 0)
        out = _("Overall rank: %(rank)s of %(n)s ranked %(units)s", self.lang) % {
            "rank": ordinal(int(rank), self.lang), "n": n, "units": self.words.units}
        if self.rank_group is not None and self.peer_col is not None:
            peer = self.r.ranks[self.lens][self.rank_group][root]
            prank = as_float(peer.get(key))
            group = self.peer_col.get(key)
            if prank is not None and isinstance(group, str):
                m = self._ranked_counts(self.rank_group, peer, True).get((year, group), 0)
                out += _("; %(rank)s of %(n)s in its peer group", self.lang) % {
                    "rank": ordinal(int(prank), self.lang), "n": m}
        return out + "."

    def _ranked_counts(self, name: str, ranks: pd.Series, by_group: bool) -> dict[tuple[Any, Any], int]:
        """Ranked units per (year, peer group or None), counted once per report, not once per page."""
        cache_key = (name, by_group)
        if cache_key not in self._counts:
            counts: dict[tuple[Any, Any], int] = {}
            for k, r in zip(self.keys, ranks.reindex(self.keys), strict=True):
                if as_float(r) is not None:
                    group = self.peer_col.get(k) if by_group and self.peer_col is not None else None
                    counts[(self.year_of(k), group)] = counts.get((self.year_of(k), group), 0) + 1
            self._counts[cache_key] = counts
        return self._counts[cache_key]

    def common(self, title: str, root: str) -> dict[str, Any]:
        return {"lang": self.lang, "title": title, "notice": self.t(NOTICE) if self.notice else "", "root": root,
                "appendix": self.appendix, "catalogue_title": self.words.framework, "words": self.words.as_dict(),
                "scale_text": self.words.scale_text, "levels_text": self.levels_text()}

    def area_words(self) -> dict[str, Any]:
        """What the profile's axes are called: "Focus area(s)" for a lens in the ``areas`` role, else
        "Dimension(s)"; and whether the leading lens is the catalogue's ``headline`` one (its children
        are then "strategic outcomes")."""
        areas = self.cat.lens(self.area_lens).role == "areas"
        return {"area_word": self.t(N_("Focus area") if areas else N_("Dimension")),
                "area_words": self.t(N_("Focus areas") if areas else N_("Dimensions")),
                "headline_role": self.cat.lens(self.lens).role == "headline"}

    def levels_text(self) -> str:
        """The methodology's sentence on maturity levels: their names when the method gives levels and the
        catalogue names them, else "" (nothing is said of levels a page does not show)."""
        named = self.cat.header.maturity_levels
        if not self.r.method.levels.enabled or not named:
            return ""
        return _("Maturity levels: %(levels)s.", self.lang) % {
            "levels": ", ".join(f"{m.level} {text(m.name, self.lang)}" for m in named)}

    def scale_ticks(self, width: float = 300) -> list[tuple[str, float]]:
        """Axis labels of a score axis ``width`` long: five points of the scale, with their x."""
        sc = self.words.scale
        return [(self.words.fmt(v), round(width * sc.share(v), 1)) for v in sc.ticks()]


def _queried(result: Assessment, lang: str) -> dict[Any, dict[str, str]]:
    """Values still under a plausibility query, by unit key and indicator: the reason in ``lang``."""
    q = result.inputs.queried
    if q is None or q.empty:
        return {}
    multi = "year" in (result.normalised.index.names or [])
    out: dict[Any, dict[str, str]] = {}
    for rec in q.to_dict("records"):
        key = (rec["unit"], rec["year"]) if multi else rec["unit"]
        reasons = out.setdefault(key, {})
        shown = reasons.get(rec["indicator"])  # every question about the value, in order
        reasons[rec["indicator"]] = f"{shown} {rec[f'reason_{lang}']}" if shown else rec[f"reason_{lang}"]
    return out


def cohort_page(rep: ReportView) -> dict[str, Any]:
    """The model of the cohort page."""
    cols = [rep.cat.lens(rep.lens).root.id, *[o for o in rep.outcomes if o in rep.scores.columns], *rep.areas]
    ranks = rep.r.ranks.get(rep.lens, {}).get("cohort")
    rows = []
    large = len(rep.keys) > LARGE_COHORT
    for key in rep.keys:
        cov = rep.node_coverage(key, cols[0])
        rank = as_float(ranks.at[key, cols[0]]) if ranks is not None else None
        score_row = rep.row(rep.scores, key)
        rows.append({
            "slug": rep.slugs[key], "city": rep.unit_label(key), "year": rep.year_of(key),
            "country": rep.country(key),
            "rank": rank, "coverage": cov["share"] * 100 if cov and cov["share"] is not None else None,
            "why": rep.rank_text(key) if rank is None and ranks is not None else "",
            "scores": [as_float(score_row[c]) for c in cols],
            "group": rep.peer_label(key) if rep.peer_col is not None else "",
            "heat": [] if large else [charts.heat_colour(as_float(score_row[a]), rep.words.scale) for a in rep.areas],
            "radar": None if large else charts.radar([[as_float(score_row[a]) for a in rep.areas]], size=140,
                                                     labels=False, scale=rep.words.scale),
        })
    rows.sort(key=lambda x: (x["rank"] is None, x["rank"] or 0, x["city"]))
    unranked = [{"city": x["city"], "why": x["why"]} for x in rows if x["why"]]
    draw = charts.histogram if large else charts.strip
    distributions = [{"name": rep.node_name(o), "strip": draw([as_float(v) for v in rep.scores[o]],
                                                              scale=rep.words.scale)}
                     for o in cols[:1 + len(rep.outcomes)]]
    ids = [i.id for i in rep.scored]
    status = [] if large else [{"city": rep.unit_label(key), "year": rep.year_of(key), "cells": rep.coverage_cells(key),
                                "coverage": rep.coverage(key)} for key in rep.keys]
    return {
        **rep.common(_("%(title)s: all %(units)s", rep.lang) % {"title": rep.words.title, "units": rep.words.units},
                     ""),
        "columns": [{"id": c, "name": rep.node_name(c)} for c in cols], "rows": rows,
        "areas": [rep.node_name(a) for a in rep.areas], "distributions": distributions,
        "coverage": status, "indicator_ids": ids, "unranked": unranked,
        "min_coverage": rep.r.method.rank.min_coverage * 100, "two_views": rep.area_lens != rep.lens,
        "coverage_labels": {k: rep.t(v) for k, v in COVERAGE_LABELS.items()},
        "n_units": len(rep.keys), "lens_name": text(rep.cat.lens(rep.lens).name, rep.lang),
        "has_country": any(r["country"] for r in rows), "ticks": rep.scale_ticks(), **rep.area_words(),
        "areas_name": text(rep.cat.lens(rep.area_lens).name, rep.lang), "large": large,
        "decimal": decimal_mark(rep.lang), "by_indicator": rep.indicator_coverage() if large else [],
    }


#: Why a report of one city shows no rank and no medians.
ALONE = N_("Not ranked, and no medians: the cohort has this city only, so there is no other city to rank it "
           "against or to compare it with.")


def cohort_of_one(keys: list[Any], year_of: Any) -> bool:
    """True when every year of the report holds one city: a rank would be "1st of 1" and every median the
    city's own value, so neither is shown."""
    years: dict[Any, int] = {}
    for k in keys:
        years[year_of(k)] = years.get(year_of(k), 0) + 1
    return bool(years) and max(years.values()) == 1
