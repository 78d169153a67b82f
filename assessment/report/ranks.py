"""Ranks with their uncertainty, for the scorecards: a sentence per city and a chart for the cohort.

The numbers come from the robustness stage (:func:`assessment.robustness.uncertainty`) run on
the same result; this module only words and draws them.

Conventions
-----------
* The interval is the spec's (default the 5–95 % quantiles of the rank over the method
  variants in which the city is ranked, numpy's linear interpolation). Quantiles of whole ranks
  can fall between two ranks; the sentence rounds the interval **outward** (low end down, high
  end up), so it never claims more certainty than the analysis found; so does the table ("5th–7th").
* The interval's coverage (high − low quantile, 90 % by default) is the share quoted.
* The peer-group interval counts, in each variant that ranks the city, the peers (same group
  and year) ranked strictly above it: the min-tie rank among them, as the scoring stage ranks.
* A city ranked in only some variants (another coverage rule, say) says in how many; its
  interval is over those.
* "Keeps its level": share of the variants ranking the city in which its overall score falls in
  the same maturity level as the nominal score (``p_keep_level`` of the robustness stage).
* Two neighbours in the nominal ranking (same year) **cannot be told apart** when the higher
  one ranks strictly above the lower one in fewer variants than the interval's coverage (a
  variant in which either is not ranked counts as not above). Neighbours that cannot be told
  apart chain into **groups** (A ≈ B and B ≈ C: one group A, B, C), listed in rank order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._missing import as_float
from ..i18n import _, fmt_fixed, ordinal
from ..robustness import UncertaintyResult
from . import charts
from .view import ReportView

WIDTH, ROW = 360, 20


def _pct(share: float, lang: str) -> str:
    return fmt_fixed(share * 100, lang, 0) + " %"


class RankUncertainty:
    """The uncertainty analysis's rank summary of the headline lens, aligned on the report's units."""

    def __init__(self, rep: ReportView, unc: UncertaintyResult) -> None:
        lens = rep.lens if rep.lens in unc.summary else next(iter(unc.summary))
        self.rep, self.unc, self.lens = rep, unc, lens
        table = unc.summary[lens]
        self._rows = dict(zip(table.index.tolist(), table.to_dict("records"), strict=True))
        lo, hi = unc.spec.interval
        self.coverage = hi - lo
        self.n = unc.spec.n
        self._pos = {k: i for i, k in enumerate(unc.units.tolist())}
        self.ranks = np.where(np.isfinite(unc.ranks[lens]), unc.ranks[lens], np.inf).astype("float64")
        # (peer group, year) -> the group's ranks (variant x member) and each member's column, made once
        self._groups: dict[tuple[Any, Any], tuple[np.ndarray, dict[Any, int]]] | None = None

    def row(self, key: Any) -> dict[str, float | None]:
        """Nominal, median and interval of ``key``'s rank, and its chance of keeping its level (``None``: missing)."""
        r = self._rows.get(key, {})
        return {k: as_float(r.get(k)) for k in ("nominal_rank", "median_rank", "rank_lo", "rank_hi", "p_keep_level",
                                            "p_ranked")}

    def above(self, a: Any, b: Any) -> float:
        """Share of variants in which ``a`` ranks strictly above ``b``."""
        i, j = self._pos[a], self._pos[b]
        return float((self.ranks[:, i] < self.ranks[:, j]).mean())

    def peer_interval(self, key: Any) -> tuple[int, int] | None:
        """The interval of ``key``'s rank within its peer group (same year), rounded outward; ``None`` if none.

        In each variant the peer-group rank is one plus the number of peers ranked strictly above
        the city: the cohort ranks already hold the scoring stage's rounding, ties and coverage
        rule, so this is the min-tie rank among the peers that variant ranks.
        """
        rep = self.rep
        if rep.rank_group is None or rep.peer_col is None or key not in self._pos:
            return None
        group = rep.peer_col.get(key)
        if not isinstance(group, str) or not group:
            return None
        if self._groups is None:  # once per report: each group's ranks, and each member's column in them
            members: dict[tuple[Any, Any], list[Any]] = {}
            for k in rep.keys:
                if k in self._pos:
                    members.setdefault((rep.peer_col.get(k), rep.year_of(k)), []).append(k)
            self._groups = {g: (self.ranks[:, [self._pos[k] for k in ks]], {k: j for j, k in enumerate(ks)})
                            for g, ks in members.items()}
        held = self._groups.get((group, rep.year_of(key)))
        if held is None or len(held[1]) - (key in held[1]) < 1:  # no peer but itself
            return None
        table = held[0]
        own = self.ranks[:, self._pos[key]]
        ranked = np.isfinite(own)
        if not ranked.any():
            return None
        # the city itself is never strictly above itself, so counting over the whole group counts its peers
        above = (table < own[:, None]).sum(axis=1)
        lo, hi = np.quantile(1.0 + above[ranked], self.unc.spec.interval)
        return math.floor(lo + 1e-9), math.ceil(hi - 1e-9)

    def interval(self, key: Any) -> str:
        """The rank interval in whole ranks, rounded outward: "5th–7th", or "5th" when both ends agree."""
        r = self.row(key)
        if r["rank_lo"] is None or r["rank_hi"] is None:
            return ""
        lo, hi = math.floor(r["rank_lo"] + 1e-9), math.ceil(r["rank_hi"] - 1e-9)
        return ordinal(lo, self.rep.lang) if lo == hi else f"{ordinal(lo, self.rep.lang)}–{ordinal(hi, self.rep.lang)}"

    def sentence(self, key: Any) -> str:
        """The interval and the chance of keeping the level, in words ("" when the city is not ranked)."""
        lang, r = self.rep.lang, self.row(key)
        if r["nominal_rank"] is None or r["rank_lo"] is None or r["rank_hi"] is None:
            return ""
        lo, hi = math.floor(r["rank_lo"] + 1e-9), math.ceil(r["rank_hi"] - 1e-9)
        k = round((r["p_ranked"] if r["p_ranked"] is not None else 1.0) * self.n)
        values = {"share": _pct(self.coverage, lang), "n": fmt_fixed(self.n, lang, 0), "k": fmt_fixed(k, lang, 0),
                  "lo": ordinal(lo, lang), "hi": ordinal(hi, lang)}
        if k == self.n and lo == hi:
            out = _("In %(share)s of %(n)s plausible method variants it ranks %(lo)s.", lang) % values
        elif k == self.n:
            out = _("In %(share)s of %(n)s plausible method variants it ranks between %(lo)s and %(hi)s.",
                    lang) % values
        elif lo == hi:
            out = _("In %(share)s of the %(k)s of %(n)s plausible method variants that rank it, it ranks %(lo)s.",
                    lang) % values
        else:
            out = _("In %(share)s of the %(k)s of %(n)s plausible method variants that rank it, it ranks between "
                    "%(lo)s and %(hi)s.", lang) % values
        peer = self.peer_interval(key)
        if peer is not None:
            plo, phi = peer
            msg = _("In its peer group it ranks %(lo)s in %(share)s of them.", lang) if plo == phi else \
                _("In its peer group it ranks between %(lo)s and %(hi)s in %(share)s of them.", lang)
            out += " " + msg % {"lo": ordinal(plo, lang), "hi": ordinal(phi, lang), "share": _pct(self.coverage, lang)}
        keep = r["p_keep_level"]
        level = self.rep.levels[self.rep.cat.lens(self.rep.lens).root.id].get(key) \
            if self.rep.levels is not None else None
        if keep is not None and as_float(level) is not None:
            out += " " + _("It keeps its maturity level (%(level)s) in %(p)s of the variants that rank it.", lang) % {
                "level": self.rep.level_name(as_float(level)), "p": _pct(keep, lang)}
        return out

    def cohort(self, order: list[Any]) -> dict[str, Any]:
        """Chart and table rows for the ranked units of ``order`` (nominal rank order), with their neighbours."""
        lang = self.rep.lang
        ranked = [k for k in order if self.row(k)["nominal_rank"] is not None]
        rows: list[dict[str, Any]] = []
        groups: list[list[str]] = []
        by_year: dict[Any, int] = {}
        for k in ranked:
            by_year[self.rep.year_of(k)] = by_year.get(self.rep.year_of(k), 0) + 1
        n = max([*by_year.values(), 2])
        for i, k in enumerate(ranked):
            r = self.row(k)
            nxt = ranked[i + 1] if i + 1 < len(ranked) and self.rep.year_of(ranked[i + 1]) == self.rep.year_of(k) \
                else None
            p = self.above(k, nxt) if nxt is not None else None
            apart = p is None or p >= self.coverage - 1e-12
            if not apart:
                if not rows or rows[-1]["apart"]:  # k starts a group (its upper neighbour told apart from it)
                    groups.append([self.rep.unit_label(k)])
                groups[-1].append(self.rep.unit_label(nxt))
            rows.append({"city": self.rep.unit_label(k), "slug": self.rep.slugs[k], **r, "interval": self.interval(k),
                         "next": self.rep.unit_label(nxt) if nxt is not None else "", "p_next": p, "apart": apart})
        geo = charts.whiskers([(r["nominal_rank"], r["median_rank"], r["rank_lo"], r["rank_hi"]) for r in rows], n,
                              WIDTH, ROW)
        return {"rows": [r | {"g": g} for r, g in zip(rows, geo, strict=True)], "n": n, "width": WIDTH,
                "left": charts.label_margin([r["city"] for r in rows]),
                "height": len(rows) * ROW + 30, "ticks": charts.rank_ticks(n, WIDTH),
                "groups": groups,
                "coverage": self.coverage * 100, "variants": self.n, "spec": self.unc.spec.name,
                "summary": _("Ranks of %(n)s plausible method variants (%(spec)s): the line spans the middle %(share)s "
                             "of each %(unit)s's ranks, the dot is the median rank, the square the published rank.",
                             lang) % {"n": fmt_fixed(self.n, lang, 0), "spec": self.unc.spec.name,
                                      "share": _pct(self.coverage, lang), "unit": self.rep.words.unit}}
