"""The unit pages of a site (each page and its CSV), written in this process or, for a large cohort, shared
among worker processes with ``results.xlsx`` (:func:`write_unit_pages`).

Every unit page depends only on the result, the uncertainty analysis and the language, so a worker that
rebuilds the report's view from them writes the same bytes as this process would: the site does not depend
on the number of workers. Workers are fresh interpreters (``spawn``: forking a process that already runs
threads, as numpy's do, can deadlock); each receives the result once, then batches of units.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..i18n import _, fmt_fixed
from ..robustness import UncertaintyResult
from ..scoring import Assessment
from ..templating import environment
from .downloads import city_table, write_csv
from .ranks import RankUncertainty
from .unit_page import city_page
from .view import ReportView
from .years import panel_of

#: Unit pages from which a site is shared among worker processes when there is more than one CPU (starting
#: a worker and sending it the result costs about two seconds; a unit page about ten milliseconds).
PARALLEL_FROM = 500
#: Units per batch sent to a worker (small enough that the workers finish together).
BATCH = 100


def report_view(result: Assessment, lang: str, uncertainty: UncertaintyResult | None) -> ReportView:
    """The report's view of ``result`` with its rank uncertainty attached (``None`` without an analysis)."""
    rep = ReportView(result, lang)
    rep.rank_uncertainty = RankUncertainty(rep, uncertainty) if uncertainty is not None else None
    return rep


def write_units(rep: ReportView, keys: Sequence[Any], out: Path, assets: dict[str, Any]) -> None:
    """Write the page and CSV of each unit of ``keys`` into ``out / "cities"``."""
    lang, panel = rep.lang, panel_of(rep)
    tpl = environment(lang).get_template("scorecard/city.html.j2")

    def fmt(v: float | None, d: int = 1) -> str:
        return fmt_fixed(v, lang, d)

    for key in keys:
        slug = rep.slugs[key]
        extra = {"robustness": rep.rank_uncertainty is not None, "cohort_href": panel.cohort_file(rep.year_of(key)),
                 "downloads": [{"href": f"{slug}.csv", "label": _("Data of this page (CSV)", lang)}]}
        model = city_page(rep, key)
        html = tpl.render(page={**model, **extra, **assets}, fmt=fmt)
        (out / "cities" / f"{slug}.html").write_text(html, encoding="utf-8")
        write_csv(city_table(model, lang), out / "cities" / f"{slug}.csv")


_WORKER: dict[str, Any] = {}  # a worker's report view, output folder and page assets (set once per worker)


def _start(result: Assessment, lang: str, uncertainty: UncertaintyResult | None, out: Path,
           assets: dict[str, Any]) -> None:
    _WORKER.update(rep=report_view(result, lang, uncertainty), out=out, assets=assets)


def _batch(keys: Sequence[Any]) -> None:
    write_units(_WORKER["rep"], keys, _WORKER["out"], _WORKER["assets"])


def _workbook(path: Path) -> None:
    _WORKER["rep"].r.to_excel(path, lang=_WORKER["rep"].lang)


def workers_for(pages: int, workers: int | None) -> int:
    """How many worker processes write ``pages`` unit pages: ``workers`` when given (0 or 1: none), else one per
    CPU from :data:`PARALLEL_FROM` pages on (none below, or on one CPU)."""
    if workers is None:
        workers = (os.cpu_count() or 1) if pages >= PARALLEL_FROM else 1
    return 0 if workers <= 1 else min(workers, max(1, -(-pages // BATCH)))


def write_unit_pages(rep: ReportView, uncertainty: UncertaintyResult | None, keys: Sequence[Any], out: Path,
                     assets: dict[str, Any], workbook: bool, workers: int | None,
                     then: Callable[[], None] | None = None) -> None:
    """Write the unit pages of ``keys`` (and ``results.xlsx`` when ``workbook``), calling ``then()`` (the rest of
    the site) meanwhile; with workers (:func:`workers_for`) the pages and the workbook are written by them."""
    n = workers_for(len(keys), workers)
    if n == 0:
        write_units(rep, keys, out, assets)
        if then is not None:
            then()
        if workbook:
            rep.r.to_excel(out / "results.xlsx", lang=rep.lang)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_start,
                             initargs=(rep.r, rep.lang, uncertainty, out, assets)) as pool:
        jobs: list[Future[None]] = [pool.submit(_workbook, out / "results.xlsx")] if workbook else []
        jobs += [pool.submit(_batch, list(keys[i:i + BATCH])) for i in range(0, len(keys), BATCH)]
        if then is not None:
            then()
        for job in jobs:
            job.result()  # a worker's failure is raised here
