"""The result of scoring: every stage's table beside the recipe that made it.

:func:`assess` prepares the inputs, runs the pipeline (:func:`assessment.scoring.pipeline.run_stages`)
and returns an :class:`Assessment`, which keeps the recipe (method, catalogue id/version/hash,
package version, input hash), can re-run itself with another method, and exports every stage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..catalogue import Catalogue
from ..i18n import text
from ..templating import notebook_html, short_repr
from . import accept, export, rank
from . import coverage as cov
from .criteria import ANSWER_COLUMNS, evaluate_criteria
from .hashing import PendingDigest
from .inputs import Inputs, prepare_pending
from .method import Method, load_method, method_from_dict
from .pipeline import StageHook, Stages, run_stages


@dataclass(frozen=True)
class Recipe:
    """Everything needed to reproduce a result."""

    method: Method
    catalogue_id: str
    catalogue_version: str
    catalogue_hash: str
    package_version: str
    input_hash: str

    def as_dict(self) -> dict[str, Any]:
        """Plain-data view (method as a nested mapping)."""
        return {"catalogue_id": self.catalogue_id, "catalogue_version": self.catalogue_version,
                "catalogue_hash": self.catalogue_hash, "package_version": self.package_version,
                "input_hash": self.input_hash, "method_fingerprint": self.method.fingerprint,
                "method": self.method.model_dump(mode="json")}


@dataclass(frozen=True, repr=False)
class Assessment(Stages):
    """The result of :func:`assess`: every stage's table (see :class:`Stages`) plus the recipe.

    The indicator-level comparisons (``indicator_ranks``, ``strengths``) are computed on first use.
    """

    inputs: Inputs
    recipe: Recipe

    def __repr__(self) -> str:
        r = self.recipe
        return short_repr("Assessment", units=len(self.normalised), indicators=self.normalised.shape[1],
                          lenses=list(self.aggregated), method=self.method.name,
                          fingerprint=self.method.fingerprint[:12],
                          catalogue=f"{r.catalogue_id} {r.catalogue_version}")

    def _repr_html_(self) -> str:
        """A notebook summary: the headline scores with their rank and coverage, then the recipe."""
        lens = next(iter(self.aggregated), None)
        tables: list[tuple[str, pd.DataFrame]] = []
        if lens is not None:
            root = self.aggregated[lens].columns[-1]
            table = pd.DataFrame({"score": self.aggregated[lens][root]})
            if lens in self.ranks:
                table["rank"] = self.ranks[lens]["cohort"][root]
            if lens in self.coverage:
                table["coverage"] = self.coverage[lens][root]
            tables.append(("", table.sort_values("score", ascending=False)))
        recipe = {k: v for k, v in self.recipe.as_dict().items() if k != "method"}
        tables.append(("", pd.Series(recipe, name="recipe").to_frame()))
        return notebook_html("Assessment", {"units": len(self.normalised), "method": self.method.name}, tables)

    @cached_property
    def indicator_ranks(self) -> pd.DataFrame:
        """Cohort ranks of every normalised indicator (computed on first use, then kept).

        Same conventions as ``ranks``; rounded to ``method.rank.decimals`` first when set.
        """
        dp = self.method.rank.decimals
        return rank.rank_table(self.normalised if dp is None else self.normalised.round(dp))

    @cached_property
    def strengths(self) -> pd.DataFrame:
        """Strengths and weaknesses per unit, computed on first use and then kept.

        Long table: unit, (year,) kind, order, indicator, score, peer_median, gap.
        """
        cmp = self.method.compare
        peer = rank.peer_column(self.profiles, cmp.peer_group) if cmp.peer_group else None
        return rank.strengths_weaknesses(self.normalised, peer, cmp.top if cmp.enabled else 0)

    @cached_property
    def coverage_counts(self) -> pd.DataFrame:
        """Per unit (and year): how many scored indicators it reported, had imputed or misses (computed on
        first use, then kept; what each unit page's data coverage says).

        Columns ``reported``, ``imputed``, ``missing`` and ``total`` (whole numbers), one row per row of
        ``raw``. Counted over the catalogue's scored indicators that were normalised. ``reported``: a value
        was given in the inputs (even one the method then left out, such as a value under query);
        ``imputed``: flagged in ``imputed_flags`` (a unit absent from that table has none); ``missing``: the
        rest, ``total - reported - imputed``.
        """
        ids = [i.id for i in self.catalogue.scored_indicators if i.id in self.normalised.columns]
        raw = self.raw.reindex(columns=ids)
        # a unit or indicator absent from the flags has nothing imputed (fill_value fills only added labels)
        flags = self.imputed_flags.reindex(index=raw.index, columns=ids, fill_value=False)
        reported = raw.notna().sum(axis=1).astype(int)
        imputed = flags.astype(bool).sum(axis=1).astype(int)
        return pd.DataFrame({"reported": reported, "imputed": imputed, "missing": len(ids) - reported - imputed,
                             "total": len(ids)}, index=raw.index)

    @cached_property
    def criteria(self) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
        """Per criteria-based maturity model of the catalogue: ``(levels, detail)``.

        ``levels``: each unit's level reached and what blocks the next one; ``detail``: each
        unit's answer to each criterion and whether it counts (see
        :mod:`assessment.scoring.criteria`). A unit without answers reaches no level. Empty for
        catalogues without criteria models.
        """
        answers = self.inputs.criteria
        if answers is None:
            answers = pd.DataFrame(columns=["unit", "year", "model", *ANSWER_COLUMNS])
        return {m.id: evaluate_criteria(m, answers[answers["model"] == m.id], self.normalised.index)
                for m in self.catalogue.criteria}

    @property
    def method(self) -> Method:
        """The method that produced this result."""
        return self.recipe.method

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue the indicator ids refer to."""
        return self.inputs.catalogue

    def scores(self, lens: str | None = None) -> pd.DataFrame:
        """Aggregated scores of one lens (default: the first one)."""
        return self.aggregated[lens or next(iter(self.aggregated))]

    def summary(self, lens: str | None = None, depth: int | None = 1) -> pd.DataFrame:
        """One row per unit, best first: the headline table a paper prints.

        Like COINr's ``get_results(coin, dset = "Aggregated", tab_type = "Aggs")``: the lens
        root's score and cohort rank, the data coverage and whether the unit is ranked (see
        :meth:`rank_status`), then the scores of the nodes down to ``depth`` below the root
        (``None``: every node, leaves included) in lens order. When the profiles name the units
        (a column ``name`` or COINr's ``uName``, any case), a first column ``name`` gives them.

        Conventions: rows are sorted by rank, ties by unit (and year) id; units without a rank
        (coverage below ``method.rank.min_coverage``, or a missing score) come last, in id
        order. Scores are not rounded.
        """
        lens = lens or next(iter(self.aggregated))
        tree = self.catalogue.lens(lens)
        root = tree.root.id
        table = self.aggregated[lens]
        status = self.rank_status(lens)
        cohort = self.ranks.get(lens, {}).get("cohort")
        out = pd.DataFrame({root: table[root],
                            "rank": cohort[root] if cohort is not None else pd.Series(float("nan"), table.index),
                            "coverage": status["coverage"], "ranked": status["ranked"]}, index=table.index)
        nodes = [n.id for n in tree.nodes if n.id != root and n.id in table.columns
                 and (depth is None or tree.depth(n.id) <= depth)]
        out = out.join(table[nodes])
        names = rank.unit_names(self.profiles)
        if names is not None:
            out.insert(0, "name", names.reindex(out.index))
        return out.sort_index(kind="stable").sort_values("rank", na_position="last", kind="stable")

    def rank_status(self, lens: str | None = None) -> pd.DataFrame:
        """Per unit: indicators ``reported`` of ``total``, ``coverage`` share, ``needed`` to be ranked, ``ranked``.

        Computed from the lens root's coverage and ``method.rank.min_coverage``.
        """
        lens = lens or next(iter(self.aggregated))
        root = self.catalogue.lens(lens).root.id
        total = len(cov.node_indicators(self.catalogue, lens)[root])
        share = self.coverage[lens][root]
        out = pd.DataFrame({"reported": (share * total).round().astype("int64"), "total": total,
                            "coverage": share, "needed": cov.needed(total, self.method.rank.min_coverage)},
                           index=share.index)
        cohort = self.ranks.get(lens, {}).get("cohort")
        out["ranked"] = cohort[root].reindex(share.index).notna() if cohort is not None else False
        return out

    def rerun(self, method: Method | str | Path | None = None, **changes: Any) -> Assessment:
        """Run again from the raw data with ``method`` (default: the same method), after deep-merging
        ``changes`` per stage (see :meth:`Method.with_`): ``result.rerun(aggregate={"weights": {"LPI": 3}})``
        changes that one weight and keeps everything else; the new recipe records the merged method."""
        base = as_method(method) if method is not None else self.method
        return _scored(self.inputs, base.with_(**changes) if changes else base)  # inputs checked when made

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every stage as ``name → wide table`` in pipeline order (names fit Excel sheet names)."""
        return {sheet.name: table for sheet, table in self._sheets()}

    def _sheets(self) -> list[tuple[export.Sheet, pd.DataFrame]]:
        """Every stage table with its sheet: name, and what it holds (a msgid and its values)."""
        S = export.sheet
        sheets = [(S("raw", "raw"), self.raw), (S("denominated", "denominated"), self.denominated),
                  (S("screening", "screening"), self.screening), (S("imputed", "imputed"), self.imputed),
                  (S("imputed-flags", "imputed-flags"), self.imputed_flags.astype("int8")),
                  (S("treated", "treated"), self.treated),
                  (S("treated-flags", "treated-flags"), self.treated_flags.astype("int8"))]
        if not self.treatment.empty:
            sheets.append((S("treatment", "treatment"), self.treatment.set_index("indicator")))
        sheets.append((S("normalised", "normalised"), self.normalised))
        sheets += [(S(f"coverage-{lens}", "coverage", lens=lens), t) for lens, t in self.coverage.items()]
        sheets += [(S(f"aggregated-{lens}", "aggregated", lens=lens), t) for lens, t in self.aggregated.items()]
        sheets.append((S("levels-indicators", "levels-indicators"), self.indicator_levels))
        sheets += [(S(f"levels-{lens}", "levels", lens=lens), t) for lens, t in self.aggregate_levels.items()]
        if self.enabler_levels.shape[1]:
            sheets.append((S("levels-enablers", "levels-enablers"), self.enabler_levels))
        sheets.append((S("ranks-indicators", "ranks-indicators"), self.indicator_ranks))
        for name, groups in self.ranks.items():
            status = self.rank_status(name)[["reported", "total", "coverage", "needed", "ranked"]]
            for group, table in groups.items():
                # coverage beside every ranking: a missing rank says why (coverage below 'needed')
                sheets.append((S(f"ranks-{name}-{group}", "ranks", lens=name, group=group),
                               table.join(status.astype({"ranked": "int8"}))))
        sheets.append((S("strengths", "strengths"), self.strengths.set_index(list(self.normalised.index.names))))
        sheets += [(S(f"criteria-{m}", "criteria", model=m), levels) for m, (levels, _) in self.criteria.items()]
        if "year" in self.normalised.index.names:
            sheets += [(S(f"change-{lens}", "change", lens=lens), t) for lens, t in self.change.items()]
        return sheets

    def to_frame(self) -> pd.DataFrame:
        """All numeric stage tables in one long table: stage, unit, (year,) code, value."""
        return export.to_long(self.tables())

    def to_excel(self, path: str | Path, lang: str = "en") -> Path:
        """Write every stage to one workbook (one sheet each, plus ``method``); returns the path.

        The first sheet lists every sheet with what it holds, in ``lang``; sheet names and column
        headings are the stable stage and indicator ids, the same in every language, for scripts.
        """
        cat = self.catalogue
        names = {x.id: text(x.name, lang) for x in cat.lenses} | {m.id: text(m.name, lang) for m in cat.criteria}
        return export.write_excel(self._sheets(), self.recipe.as_dict(), self.method.to_yaml(), Path(path),
                                  lang=lang, names=names)

    def to_csv(self, directory: str | Path) -> Path:
        """Write every stage as ``<stage>.csv`` plus a saved result (see :func:`~assessment.load_result`)."""
        out = export.write_csv(self.tables(), Path(directory))
        return export.write_saved(self.inputs, self.recipe.as_dict(), self.method.to_yaml(), out)


def as_method(method: Method | str | Path | dict[str, Any] | None) -> Method:
    """A :class:`Method` from a method, a mapping, or the path of a method YAML file (``None``: defaults)."""
    if method is None:
        return Method()
    if isinstance(method, Method):
        return method
    if isinstance(method, dict):
        return method_from_dict(method)
    return load_method(method)


def run(inputs: Inputs, method: Method, on_stage: StageHook | None = None) -> Assessment:
    """Run every stage of ``method`` on prepared :class:`Inputs` and keep the recipe (see :func:`assess`).

    Raises
    ------
    InputError
        For values that are not finite or beyond the range the method can compute with (inputs built
        by hand; :func:`prepare_inputs` has refused them already), or a method that cannot run.
    """
    accept.settle(accept.value_problems(inputs.values, warn=False)[0], [])
    return _scored(inputs, method, on_stage)


def _scored(inputs: Inputs, method: Method, on_stage: StageHook | None = None,
            pending: PendingDigest | None = None) -> Assessment:
    """:func:`run` on inputs already checked (by :func:`prepare_inputs`, or when the result was made); with
    ``pending``, the input hash being computed meanwhile (:func:`prepare_pending`), waited for at the end."""
    stages = run_stages(inputs, method, on_stage)
    if pending is not None:
        inputs = replace(inputs, digest=pending.result())
    cat = inputs.catalogue
    recipe = Recipe(method=method, catalogue_id=cat.id, catalogue_version=cat.version,
                    catalogue_hash=cat.content_hash, package_version=__version__, input_hash=inputs.digest)
    return Assessment(**vars(stages), inputs=inputs, recipe=recipe)


def assess(data: Any, catalogue: Catalogue | None = None, method: Method | str | Path | dict[str, Any] | None = None,
           *, on_stage: StageHook | None = None) -> Assessment:
    """Score a cohort of units.

    Parameters
    ----------
    data
        The workbook intake (:class:`~assessment.Intake`), a :class:`~assessment.CoinrImport`, a tidy
        long DataFrame (unit, [year,] indicator, value) or a wide one (one row per unit). Never modified.
    catalogue
        The catalogue; default the built-in one (or the COINr import's own).
    method
        A :class:`Method`, a mapping, or a path to a method YAML file; default ``Method()``
        (anchored normalisation on 0–100, arithmetic means through the ASCF outcomes, focus areas
        and OECD dimensions, levels, ranks of units with enough data).
    on_stage
        Called with each stage name as it starts (progress reporting).

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        Listing every problem with the data or the method.
    """
    inputs, pending = prepare_pending(data, catalogue)  # the input hash is computed while the stages run
    return _scored(inputs, as_method(method), on_stage, pending)
