"""Comparative HTML scorecards, one self-contained file per page (and PDF on request).

:func:`render_report` writes ``index.html`` (the cohort; for a panel, the latest year, and
``index-<year>.html`` for the others), ``cities/<slug>.html`` (one per city, and per year when
there are several), ``compare/<slug>--<slug>….html`` (2–4 cities side by side: the ones asked
for and every peer group), ``robustness.html`` when given an uncertainty analysis, and beside
each page its data as CSV (``results.xlsx``: every stage). Pages carry inline CSS and inline SVG charts, an
optional inline script (table sorting; the page reads fully without it) allowed by its hash
in a Content-Security-Policy that forbids every fetch, and nothing that changes from run to
run (no clock, no random ids). Every user-supplied string is escaped by jinja2.
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..i18n import _, fmt_fixed
from ..resources import templates_dir
from ..robustness import RobustnessSpec, UncertaintyResult, load_robustness_spec
from ..robustness import uncertainty as run_uncertainty
from ..scoring import Assessment
from ..templating import environment, stylesheet
from . import charts
from .cohort_views import coverage_names, enabler_heatmap, wellbeing_heatmap
from .compare import compare_page, compare_slug, peer_groups, resolve
from .downloads import cohort_table, compare_table, write_csv
from .ranks import RankUncertainty
from .robustness import render_robustness
from .unit_files import report_view, write_unit_pages
from .view import LARGE_COHORT, ReportView, cohort_page
from .years import overall_change, panel_of, year_view


def _asset(name: str) -> str:
    return (templates_dir() / "scorecard" / name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'; "
            "base-uri 'none'; form-action 'none'")


def page_assets(lang: str = "en") -> dict[str, str]:
    """The inline script, its CSP and the stylesheet (in ``lang``'s fonts) every page carries (read once per
    report)."""
    script = _asset("sort.js")
    return {"script": script, "style": stylesheet(lang), "csp": _csp(script)}


def render_report(result: Assessment, out_dir: str | Path, lang: str = "en",
                  units: Iterable[Any] | None = None, *,
                  uncertainty: UncertaintyResult | RobustnessSpec | str | Path | None = None,
                  compare: Sequence[str | Sequence[str]] = (), full: bool = False, workbook: bool = True,
                  workers: int | None = 1) -> Path:
    """Write the cohort page and every city page; returns the path of ``index.html``.

    Parameters
    ----------
    result
        An :class:`~assessment.Assessment` (from workbooks, a DataFrame or a COINr import).
    out_dir
        Output folder (created). Same inputs give byte-identical files. Pages are written to a
        temporary folder inside it and moved into place once all are written, so a failure
        never leaves a partial site that looks complete.
    lang
        ``en`` or ``vi``: every label, name, level and number format follows it.
    units
        Only write these city pages (default: all).
    uncertainty
        The robustness stage's uncertainty analysis of ``result``
        (:func:`assessment.robustness.uncertainty`), or a spec (a :class:`RobustnessSpec` or the
        path of its YAML file) to run one: every city page then gives its rank interval and the
        chance of keeping its level, the cohort page charts the intervals, and
        ``robustness.html`` is written beside the pages.
    compare
        Groups of 2 to 4 cities (names as in the data; a group may be one text, the names
        separated by commas) to put side by side, one page each in ``compare/``; the cohort page
        also links comparisons of every peer group.
    full
        Print (and PDF) every table; by default a city page prints as a one-sheet summary and
        the cohort page without its long views (the screen always shows everything).
    workbook
        Also write ``results.xlsx`` (every stage of the result, linked from the cohort page). It
        is the slowest file of a large cohort (about 3 s for 500 cities); the CSV of each page is
        always written.
    workers
        Worker processes that write the unit pages and ``results.xlsx`` while this process writes the
        rest (fresh interpreters, each sent the result once): 1 (default) or 0 writes everything here;
        ``None`` uses one per CPU from 500 unit pages on (the command line's choice). A script that asks
        for workers needs the ``if __name__ == "__main__":`` guard (they are started with ``spawn``).
        The bytes do not depend on it.
    """
    if isinstance(uncertainty, str | Path):
        uncertainty = load_robustness_spec(uncertainty)
    if isinstance(uncertainty, RobustnessSpec):
        uncertainty = run_uncertainty(result, uncertainty)
    compare = [[c.strip() for c in g.split(",") if c.strip()] if isinstance(g, str) else g for g in compare]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".partial-") as tmp:  # pages move in only when all are written
        _write_pages(result, Path(tmp), lang, units, uncertainty, compare, full, workbook, workers)
        for entry in sorted(Path(tmp).iterdir()):
            if entry.is_dir() and not (out / entry.name).exists():
                os.replace(entry, out / entry.name)  # a new folder moves in whole (one rename, not thousands)
                continue
            for page in sorted([entry] if entry.is_file() else (p for p in entry.rglob("*") if p.is_file())):
                target = out / page.relative_to(tmp)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(page, target)
    return out / "index.html"


def _write_pages(result: Assessment, out: Path, lang: str, units: Iterable[Any] | None,
                 uncertainty: UncertaintyResult | None, compare: Sequence[Sequence[str]], full: bool,
                 workbook: bool, workers: int | None = 1) -> Path:
    (out / "cities").mkdir(parents=True, exist_ok=True)
    rep = report_view(result, lang, uncertainty)
    ru = rep.rank_uncertainty
    asked = resolve(rep, compare)
    # a large cohort gets no automatic peer-group comparisons (hundreds of pages of 4 units each)
    by_group = peer_groups(rep) if len(rep.keys) <= LARGE_COHORT else []
    panel = panel_of(rep)
    assets: dict[str, Any] = {**page_assets(lang), "print_full": full}

    def fmt(v: float | None, d: int = 1) -> str:
        return fmt_fixed(v, lang, d)

    wanted = set(units) if units is not None else None
    keys = [k for k in rep.keys if wanted is None or k in wanted or rep.unit_label(k) in wanted]

    def rest() -> None:  # every other page, written while the unit pages are (by workers, for a large cohort)
        _compare_pages(rep, out, [*asked, *by_group], assets, fmt)
        _cohort_pages(rep, ru, panel, out, by_group, workbook, assets, fmt)
        if uncertainty is not None:
            render_robustness(result, out / "robustness.html", lang=lang, uncertainty=uncertainty, lens=rep.lens,
                              home="index.html", groups={k: rep.peer_label(k) for k in rep.keys})

    write_unit_pages(rep, uncertainty, keys, out, assets, workbook, workers, then=rest)
    return out / "index.html"


def _compare_pages(rep: ReportView, out: Path, groups: list[Sequence[Any]], assets: dict[str, Any],
                   fmt: Any) -> None:
    lang = rep.lang
    compare_tpl = environment(lang).get_template("scorecard/compare.html.j2")
    if groups:
        (out / "compare").mkdir(exist_ok=True)
    for keys in dict.fromkeys(tuple(k) for k in groups):
        slug = compare_slug(rep, keys)
        model = compare_page(rep, keys)
        downloads = [{"href": f"{slug}.csv", "label": _("Data of this page (CSV)", lang)}]
        html = compare_tpl.render(page={**model, "downloads": downloads, **assets}, fmt=fmt)
        (out / "compare" / f"{slug}.html").write_text(html, encoding="utf-8")
        write_csv(compare_table(model, lang), out / "compare" / f"{slug}.csv")


def _cohort_pages(rep: ReportView, ru: RankUncertainty | None, panel: Any, out: Path, by_group: list[Any],
                  workbook: bool, assets: dict[str, Any], fmt: Any) -> None:
    lang = rep.lang
    comparisons = [{"group": rep.peer_label(keys[0]), "href": f"compare/{compare_slug(rep, keys)}.html",
                    "cities": [rep.unit_label(k) for k in keys]} for keys in by_group]
    years = panel.years
    cohort_tpl = environment(lang).get_template("scorecard/cohort.html.j2")
    for year in years or [None]:
        view = year_view(rep, year) if years else rep
        name = panel.cohort_file(year)
        cohort = cohort_page(view)
        by_slug = {rep.slugs[k]: k for k in view.keys}
        order = [by_slug[row["slug"]] for row in cohort["rows"]]
        trend = {rep.slugs[k]: overall_change(rep, panel, k) for k in view.keys} if years else {}
        extra = {"robustness": ru is not None, "heat_legend": charts.heat_legend(rep.words.scale),
                 "heat_decimals": 0 if all(float(t).is_integer() for t in rep.words.scale.ticks(5)) else 1,
                 "comparisons": comparisons,
                 "wellbeing": None if cohort["large"] else wellbeing_heatmap(view, order),
                 "enabler_heat": None if cohort["large"] else enabler_heatmap(view, order),
                 "intervals": {rep.slugs[k]: (ru.interval(k), ru.row(k)["rank_lo"]) for k in view.keys
                               if ru.interval(k)} if ru else None,
                 "indicator_names": coverage_names(view),
                 "downloads": [{"href": name.replace(".html", ".csv"), "label": _("Data of this page (CSV)", lang)},
                               *([{"href": "results.xlsx", "label": _("Full results, every stage (XLSX)", lang)}]
                                 if workbook else [])],
                 "uncertainty": ru.cohort(_rank_order(view, ru)) if ru else None,
                 "year": year, "years": [{"year": y, "href": panel.cohort_file(y)} for y in years],
                 "trend": [trend.get(row["slug"], (None, None)) for row in cohort["rows"]] if years else None}
        write_csv(cohort_table(cohort, lang), out / name.replace(".html", ".csv"))
        (out / name).write_text(cohort_tpl.render(page={**cohort, **extra, **assets}, fmt=fmt), encoding="utf-8")


def site_pages(index: str | Path) -> list[Path]:
    """Every scorecard page of the site whose cohort page is ``index`` (for PDFs): cohort pages of every
    year, then the city pages, then the comparisons (the robustness page is left out)."""
    root = Path(index).parent
    return [*sorted(root.glob("index*.html")), *sorted((root / "cities").glob("*.html")),
            *sorted((root / "compare").glob("*.html"))]


def _rank_order(rep: ReportView, ru: RankUncertainty) -> list[Any]:
    """Report keys by year, then nominal rank (unranked last), then name."""
    def sort_key(k: Any) -> tuple[Any, ...]:
        r = ru.row(k)["nominal_rank"]
        return (str(rep.year_of(k)), r is None, r or 0.0, rep.unit_label(k))

    return sorted(rep.keys, key=sort_key)


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: every fetch is refused (pages are self-contained)."""
    raise ValueError(f"fetching {url} is not allowed")


#: What the print stylesheet hides in a summary print (``.full-only`` blocks, which never nest, and the
#: closed method file): removed before WeasyPrint reads the page, as its time grows with every element,
#: shown or not. A page built with ``full=True`` (``<body class="print-full">``) is read whole.
HIDDEN_IN_PRINT = re.compile(r'<(section|table|div|ul)\b[^>]*\bclass="[^"]*\bfull-only\b[^"]*"[^>]*>.*?</\1>\n?'
                             r'|<details>.*?</details>\n?|<script>.*?</script>\n?', re.S)


def printable(html: str) -> str:
    """The page as it prints: without the blocks the print stylesheet hides (see :data:`HIDDEN_IN_PRINT`)."""
    if '<body class="print-full">' in html:
        return re.sub(r"<script>.*?</script>\n?", "", html, flags=re.S)
    return HIDDEN_IN_PRINT.sub("", html)


def _pdf_batch(paths: list[Path]) -> list[Path]:
    """PDFs of ``paths`` in this process, sharing one font configuration."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    out = []
    for path in paths:
        pdf = path.with_suffix(".pdf")
        # no base URL: links stay relative to the page (cities/x.html), so the bytes do not depend on the folder
        page = weasyprint.HTML(string=printable(path.read_text(encoding="utf-8")), url_fetcher=_refuse)
        page.write_pdf(str(pdf), font_config=fonts)
        out.append(pdf)
    return out


def render_pdf(html_files: Iterable[Path], workers: int | None = 1) -> list[Path]:
    """Write a PDF next to each page with WeasyPrint (the optional ``pdf`` extra), fetching nothing.

    The PDF follows the print stylesheet: a city page is a one-sheet summary unless the report
    was built with ``full=True``. With ``workers`` > 1 the pages are shared among that many fresh
    processes (``spawn``: a script calling this needs the usual ``if __name__ == "__main__":``
    guard); each PDF depends only on its page, so the bytes do not depend on the number of workers.
    ``workers=None``: one per CPU for 8 pages or more (starting a worker costs about a second), else 1.

    Raises
    ------
    ImportError
        When WeasyPrint is not installed (``pip install 'smartcity-assessment[pdf]'``).
    """
    import weasyprint  # noqa: F401  (fail early, in this process, when the extra is missing)

    files = [Path(p) for p in html_files]
    if workers is None:
        workers = (os.cpu_count() or 1) if len(files) >= 8 else 1
    n = max(1, min(workers, len(files)))
    if n == 1:
        return _pdf_batch(files)
    batches = [files[k::n] for k in range(n)]
    # spawn: a fresh interpreter per worker (forking a process that already runs threads, as numpy's do,
    # can deadlock)
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_pdf_batch, batches))
    return [path.with_suffix(".pdf") for path in files]
