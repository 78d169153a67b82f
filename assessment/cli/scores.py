"""``smartcity report``, ``score`` and ``robustness``: scores, scorecards and their robustness."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from .._missing import frame_csv
from ..i18n import N_, _
from .common import (
    EXIT_INPUT,
    Lang,
    app,
    err,
    error,
    existing,
    fail,
    folder_option,
    input_warnings,
    inputs_argument,
    lang_option,
    out,
    shown,
    tr,
    usage,
    writing,
)
from .language import LocalisedCommand

if TYPE_CHECKING:
    from ..catalogue import Catalogue
    from ..intake import Intake


@app.command("report", cls=LocalisedCommand, epilog=EXIT_INPUT,
             help=N_("Build the cohort page and one page per city: self-contained HTML that opens offline."),
             short_help=N_("Build the cohort page and one page per city (HTML)."))
def report_cmd(
    inputs: Annotated[list[Path], inputs_argument(N_("Filled workbooks, CSVs, folders of them, or a saved result (a "
                                                     "folder written by 'smartcity score -o DIR')."))],
    output: Annotated[Path, typer.Option("--output", "-o", help=N_("Folder for index.html and cities/."))] = Path(
        "site"),
    method: Annotated[Path | None, typer.Option(help=N_("Method YAML file (see examples/methods/)."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of the pages and messages."))] = Lang["en"],
    pdf: Annotated[bool, typer.Option("--pdf", help=N_("Also write a PDF per page (needs the 'pdf' extra)."))] = False,
    robustness: Annotated[Path | None, typer.Option(help=N_("Robustness spec YAML: give ranks intervals."))] = None,
    full: Annotated[bool, typer.Option("--full", help=N_("Print every table, not a one-sheet summary."))] = False,
    compare: Annotated[list[str] | None, typer.Option(help=N_("2-4 cities, comma-separated (repeatable)."))] = None,
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
    queries: Annotated[Path | None, typer.Option("--review", help=N_("Folder of the latest query workbooks "
                                                 "('smartcity review -o'): values still under query are marked "
                                                 "(and left out with 'screen: {queries: exclude}' in the "
                                                 "method)."))] = None,
) -> None:
    """Build the cohort page and one page per city: self-contained HTML that opens offline."""
    lg = lang.value
    existing([*inputs, *([queries] if queries else [])], lg)
    if queries is not None:
        folder_option(queries, "--review", lg)
    if pdf:
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):
            usage(N_("--pdf needs WeasyPrint: pip install 'smartcity-assessment[pdf]'"), lg)
    folder_option(output, "--output", lg)
    from ..catalogue import load_catalogue
    from ..errors import AssessmentError
    from ..report import render_pdf, render_report, site_pages
    from ..scoring import assess
    from ..scoring.saved import is_saved_result, load_result

    with input_warnings(lg):
        try:
            if len(inputs) == 1 and is_saved_result(inputs[0]):
                result = load_result(inputs[0])
                if method is not None:
                    result = result.rerun(method)
            else:
                usable = usable_submissions(inputs, load_catalogue(catalogue) if catalogue else None, lg)
                if queries is not None:
                    from ..review import read_round, review

                    result = assess(review(usable, read_round(queries)), method=method)
                else:
                    result = assess(usable, method=method)
            with writing(output, lg):
                index = render_report(result, output, lang=lg, uncertainty=robustness, compare=compare or (), full=full,
                                      workers=None)
        except AssessmentError as exc:
            fail(exc, lg)
    if pdf:
        written = render_pdf(site_pages(index), workers=None)
        out.print(tr(N_("wrote {n} PDF file(s)"), lg, n=len(written)), highlight=False)
    out.print(shown(index.resolve()), highlight=False, soft_wrap=True)


def usable_submissions(inputs: list[Path], catalogue: Catalogue | None, lang: str) -> Intake:
    """The intake of workbooks and CSV forms with the files that have errors left out (and named); exit 1 when
    no file is left."""
    from ..intake import read_submissions

    intake = read_submissions(inputs, catalogue=catalogue, lang=lang)
    usable = intake.without_error_files()
    left_out = [Path(f).name for f in intake.files if f not in usable.files]
    if left_out:
        err.print(tr(N_("left out {n} file(s) with errors (see 'smartcity validate'): {files}"), lang,
                     n=len(left_out), files=", ".join(left_out)), highlight=False)
    if usable.profiles.empty:
        error(N_("no file without errors to report on"), lang)
        raise typer.Exit(1)
    return usable


def is_table(path: Path) -> bool:
    """A CSV file that is a plain table (long: unit, [year,] indicator, value; or wide), not the template's CSV
    form, or a folder holding only such files. Anything else is read by the intake, as ``validate`` reads it."""
    from ..intake.layout import LONG_CSV_COLUMNS, LONG_CSV_OPTIONAL
    from ..intake.read import WORKBOOK_SUFFIXES

    if path.is_dir():
        files = [f for f in path.iterdir() if f.suffix.lower() in (".csv", *WORKBOOK_SUFFIXES)]
        return bool(files) and all(is_table(f) for f in files)
    if path.suffix.lower() != ".csv":
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        header = {h.strip() for h in f.readline(65536).replace(";", ",").replace("\t", ",").split(",")}
    return not set(LONG_CSV_COLUMNS) - LONG_CSV_OPTIONAL <= header


def cohort_inputs(inputs: list[Path], catalogue: Catalogue | None, lang: str) -> object:
    """What ``score`` and ``robustness`` assess: plain CSV tables when every input is one (:func:`is_table`), else
    the workbooks and CSV forms as ``validate``, ``review`` and ``report`` read them."""
    existing(inputs, lang)
    if all(is_table(p) for p in inputs):
        return read_tables(inputs, lang)
    return usable_submissions(inputs, catalogue, lang)


def read_tables(paths: list[Path], lang: str = "en") -> object:
    """CSV tables (long or wide) from files and folders that :func:`is_table` accepted, concatenated."""
    import pandas as pd

    files = [f for p in paths for f in (sorted(p.glob("*.csv")) if p.is_dir() else [p])]
    from ..errors import InputError
    from ..intake.read import not_a_file

    refused = [p for p in map(not_a_file, files) if p is not None]  # a link, pipe or device is never opened
    if refused:
        fail(InputError(refused), lang)
    frames = []
    for f in files:
        try:
            frames.append(pd.read_csv(f, encoding="utf-8-sig"))
        except (ValueError, OSError) as exc:  # not UTF-8, not a table, unreadable: one message, no traceback
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            error(N_("{path}: not a readable CSV table: {reason}"), lang, path=f, reason=reason)
            raise typer.Exit(1) from None
    return pd.concat(frames, ignore_index=True)


@app.command("score", cls=LocalisedCommand, epilog=EXIT_INPUT,
             help=N_("Score a cohort: every stage of the method, exported as one workbook or a folder of CSVs."),
             short_help=N_("Score a cohort: every stage of the method."))
def score(
    inputs: Annotated[list[Path], inputs_argument(N_("Filled workbooks, CSV forms or folders of them (as "
                                                     "'smartcity validate' reads them), or CSV tables: long (unit, "
                                                     "[year,] indicator, value) or wide (one row per unit, one "
                                                     "column per indicator id)."))],
    method: Annotated[Path | None, typer.Option(help=N_("Method YAML file (see examples/methods/)."))] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                     help=N_("results.xlsx, or a folder for CSVs."))] = None,
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of the messages."))] = Lang["en"],
) -> None:
    """Score a cohort: every stage of the method, exported as one workbook or a folder of CSVs."""
    from rich.progress import Progress
    from rich.table import Table

    from .._missing import as_float
    from ..catalogue import load_catalogue
    from ..errors import AssessmentError
    from ..scoring import assess
    from ..scoring.pipeline import STAGES

    lg = lang.value
    with input_warnings(lg):
        try:
            cat = load_catalogue(catalogue) if catalogue else None
            data = cohort_inputs(inputs, cat, lg)
            with Progress(console=err, transient=True) as bar:
                task = bar.add_task(tr(N_("scoring"), lg), total=len(STAGES))

                def hook(stage: str) -> None:
                    bar.update(task, advance=1, description=stage)

                result = assess(data, catalogue=cat, method=method, on_stage=hook)
        except AssessmentError as exc:
            fail(exc, lg)
    if output is not None:
        if output.suffix.lower() != ".xlsx":
            folder_option(output, "--output", lg)
        with writing(output, lg):
            written = result.to_excel(output, lang=lg) if output.suffix.lower() == ".xlsx" else result.to_csv(output)
        out.print(tr(N_("wrote {path}"), lg, path=written), highlight=False)
    lens = next(iter(result.aggregated))
    scores = result.aggregated[lens]
    ranks = result.ranks.get(lens, {}).get("cohort")
    table = Table(title=tr(N_("{lens}: {n} units, method {method}"), lg, lens=lens, n=len(scores),
                           method=result.method.name))
    table.add_column(tr(N_("rank"), lg), justify="right")
    table.add_column(tr(N_("unit"), lg))
    table.add_column(tr(N_("coverage"), lg), justify="right")
    root = scores.columns[-1]
    table.add_column(root, justify="right")
    status = result.rank_status(lens) if lens in result.coverage else None
    order = scores[root] if ranks is None else -ranks[root]  # ranked units first, then the rest by score
    ordered = scores.assign(_key=order).sort_values("_key", ascending=False, na_position="last", kind="stable")
    for key, row in ordered.head(20).iterrows():
        rank = None if ranks is None else as_float(ranks.loc[key, root])
        score = as_float(row[root])
        r = "" if rank is None else str(int(rank))
        if rank is None and status is not None and ranks is not None and not status.loc[key, "ranked"]:
            r = tr(N_("not ranked ({reported} of {total}, needs {needed})"), lg,
                   **{k: int(status.loc[key, k]) for k in ("reported", "total", "needed")})
        cov = "" if status is None else f"{status.loc[key, 'coverage']:.0%}"
        table.add_row(r, shown(key), cov, "" if score is None else f"{score:.2f}")
    out.print(table)
    if status is not None and ranks is not None and not status["ranked"].all():
        least = result.method.rank.min_coverage
        out.print(tr(N_("{n} unit(s) not ranked: a unit is ranked only with data for at least {share}% of the "
                        "scored indicators (rank.min_coverage)"), lg, n=int((~status["ranked"]).sum()),
                     share=round(least * 100)), highlight=False)


#: Sensitivity designs named by the robustness stage, as UI msgids.
DESIGNS = (N_("exact grid"),)


@contextmanager
def cluster(address: str | None, lang: str) -> Iterator[Any]:
    """A client of the Dask scheduler at ``address`` (``None``: none); a missing extra or a scheduler that
    cannot be reached is one message, exit 1."""
    if address is None:
        yield None
        return
    try:
        import distributed
    except ImportError:
        error(N_("--scheduler needs Dask's distributed package: pip install 'smartcity-assessment[distributed]'"),
              lang)
        raise typer.Exit(1) from None
    try:
        client = distributed.Client(address)  # waits distributed.comm.timeouts.connect (Dask config), 30 s
    except (OSError, TimeoutError, ValueError) as exc:
        error(N_("cannot reach the Dask scheduler at {address}: {reason}"), lang, address=address,
              reason=str(exc) or type(exc).__name__)
        raise typer.Exit(1) from None
    with client:
        yield client


@app.command("robustness", cls=LocalisedCommand, epilog=EXIT_INPUT,
             help=N_("Uncertainty and sensitivity analysis, remove-one check and audit: CSV, XLSX and "
                 "robustness.html."),
             short_help=N_("Uncertainty and sensitivity analysis of the scores."))
def robustness_cmd(
    inputs: Annotated[list[Path], inputs_argument(N_("Filled workbooks, CSV files or folders, or a saved result (a "
                                                     "folder written by 'smartcity score -o DIR')."))],
    spec: Annotated[Path, typer.Option(help=N_("Robustness spec YAML (see examples/robustness/)."))],
    output: Annotated[Path, typer.Option("--output", "-o",
                                               help=N_("Folder for the tables and robustness.html."))] = Path(
        "robustness"),
    method: Annotated[Path | None, typer.Option(help=N_("Method YAML file (see examples/methods/)."))] = None,
    n: Annotated[int | None, typer.Option(help=N_("Replicates (uncertainty) and base sample N (sensitivity)."))] = None,
    seed: Annotated[int | None, typer.Option(help=N_("Random seed (default: the spec's)."))] = None,
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=N_("Run the replicates on this many local worker "
                                                              "processes (same results)."))] = None,
    scheduler: Annotated[str | None, typer.Option(help=N_("Address of a running Dask scheduler: run the replicates "
                                                          "on its workers (same results)."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of the page and messages."))] = Lang["en"],
) -> None:
    """Uncertainty and sensitivity analysis, remove-one check and audit: CSV, XLSX and robustness.html."""
    import pandas as pd
    from rich.progress import Progress
    from rich.table import Table

    from ..catalogue import load_catalogue
    from ..errors import AssessmentError
    from ..report.robustness import render_robustness
    from ..robustness import audit, load_robustness_spec, remove_one, sensitivity, uncertainty
    from ..scoring import assess
    from ..scoring.saved import is_saved_result, load_result

    lg = lang.value
    existing(inputs, lg)
    if workers is not None and scheduler is not None:
        usage(N_("give either {first} or {second}, not both"), lg, first="--workers", second="--scheduler")
    with input_warnings(lg):
        try:
            plan = load_robustness_spec(spec)
            cat = load_catalogue(catalogue) if catalogue else None
            if len(inputs) == 1 and is_saved_result(inputs[0]):
                result = load_result(inputs[0])
                result = result.rerun(method) if method is not None else result
            else:
                result = assess(cohort_inputs(inputs, cat, lg), catalogue=cat, method=method)
            with Progress(console=err, transient=True) as bar:
                tasks = {name: bar.add_task(tr(label, lg), total=None)
                         for name, label in (("uncertainty", N_("uncertainty")), ("sensitivity", N_("sensitivity")))}

                def tick(name: str) -> Callable[[int, int], None]:
                    return lambda done, total: bar.update(tasks[name], completed=done, total=total)

                with cluster(scheduler, lg) as client:
                    executor = client if client is not None else workers
                    unc = uncertainty(result, plan, n=n, seed=seed, executor=executor, progress=tick("uncertainty"))
                    sens = sensitivity(result, plan, n=n, seed=seed, executor=executor, progress=tick("sensitivity"))
            removed, shifts = remove_one(result)
            audited = audit(result, seed=plan.seed if seed is None else seed, interval=plan.interval)
        except AssessmentError as exc:
            fail(exc, lg)
    folder_option(output, "--output", lg)
    output.mkdir(parents=True, exist_ok=True)
    tables = {**unc.tables(), **sens.tables(), "remove-one": removed, "remove-one-shifts": shifts.reset_index(),
              **audited.tables()}
    with pd.ExcelWriter(output / "robustness.xlsx", engine="xlsxwriter") as xlsx:
        for name, table in tables.items():
            frame_csv(table, output / f"{name}.csv", index=False)
            table.to_excel(xlsx, sheet_name=name[:31], index=False)
    page = render_robustness(result, output / "robustness.html", lang=lg, uncertainty=unc,
                             sensitivity=sens, removed=removed, audited=audited)
    summary = Table(title=tr(N_("robustness: {name}, {n} replicates, sensitivity {design}"), lg, name=plan.name,
                             n=unc.spec.n, design=_(sens.design, lg)))
    heads = [_(h, lg) for h in (N_("lens"), N_("within ±3"), N_("median width"), N_("widest"))]
    for col in (*heads, *[f"ST {f.name}" for f in unc.factors]):
        summary.add_column(escape(col), justify="right")
    for lens in unc.summary:
        head = unc.headline(lens)
        st = sens.indices[sens.indices["lens"] == lens].set_index("factor")["ST"]
        summary.add_row(escape(lens), f"{float(head['share_within']):.0%}", f"{float(head['median_width']):.1f}",
                        f"{float(head['widest']):.0f} ({shown(head['widest_unit'])})",
                        *[f"{st.get(f.name, float('nan')):.3f}" for f in unc.factors])
    out.print(summary)
    out.print(tr(N_("wrote {n} tables (CSV and robustness.xlsx) and {page}"), lg, n=len(tables), page=page),
              highlight=False)
