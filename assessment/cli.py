"""The ``smartcity`` command line: thin commands over the public library functions.

Exit codes: 0 success, 1 the input has errors (problems are listed), 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from ._missing import as_float, cell_text
from .catalogue import load_catalogue
from .catalogue.views import FORMATS, IndicatorFilter, indicator_table, to_markdown_table, write_table
from .errors import AssessmentError
from .i18n import LANGUAGES, _

if TYPE_CHECKING:  # the stage is imported inside the command (start-up time)
    from .review import Review, Round

app = typer.Typer(help="Smart-city maturity assessment (ASEAN Smart Cities Framework x OECD well-being).",
                  no_args_is_help=True, add_completion=False)
catalogue_app = typer.Typer(help="List the indicator catalogue, or check a custom one.",
                            invoke_without_command=True)
app.add_typer(catalogue_app, name="catalogue")

# Choices derive from the typed Literals, the single source of truth.
Lang = Enum("Lang", {x: x for x in LANGUAGES}, type=str)  # type: ignore[misc]
Fmt = Enum("Fmt", {x: x for x in FORMATS}, type=str)  # type: ignore[misc]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"smartcity-assessment {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """Smart-city maturity assessment."""


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn a failure to write ``target`` (not a folder, no permission, disk full) into one message, exit 1."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        err.print(f"[bold red]error:[/] cannot write {escape(str(target))}: {escape(reason)}", highlight=False)
        raise typer.Exit(1) from None


def _folder_option(path: Path, option: str) -> None:
    """A folder option naming an existing file is a usage error (exit 2)."""
    if path.exists() and not path.is_dir():
        err.print(f"[bold red]usage:[/] {option} must be a folder; {escape(str(path))} is a file", highlight=False)
        raise typer.Exit(2)


def _fail(exc: AssessmentError) -> None:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
    raise typer.Exit(1)


@catalogue_app.callback()
def catalogue_list(
    ctx: typer.Context,
    focus_area: Annotated[str | None, typer.Option(help="Only this ASCF focus area (id).")] = None,
    outcome: Annotated[str | None, typer.Option(help="Only this ASCF strategic outcome (id).")] = None,
    dimension: Annotated[str | None, typer.Option(help="Only this OECD well-being dimension (id).")] = None,
    tier: Annotated[str | None, typer.Option(help="core or advanced.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of names and headings.")] = Lang["en"],
    fmt: Annotated[Fmt, typer.Option("--format", help="Output format.")] = Fmt["table"],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (csv/xlsx/markdown).")] = None,
    catalogue: Annotated[Path | None, typer.Option(help="A custom catalogue instead of the built-in one.")] = None,
) -> None:
    """List indicators of the catalogue, filtered and in the chosen language and format."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        cat = load_catalogue(catalogue)
    except AssessmentError as exc:
        _fail(exc)
    where = IndicatorFilter(focus_area=focus_area, outcome=outcome, dimension=dimension, tier=tier)
    frame = indicator_table(cat, lang.value, where)
    if fmt.value == "table":
        table = Table(title=f"{cat.id} {cat.version}: {len(frame)} indicators", show_lines=False)
        shown = list(frame.columns[:8])
        for col in shown:
            table.add_column(str(col), overflow="fold")
        for row in frame[shown].itertuples(index=False):
            table.add_row(*(str(v) for v in row))
        out.print(table)
        return
    if output is None:
        if fmt.value == "xlsx":
            err.print("error: --format xlsx needs --output FILE.xlsx")
            raise typer.Exit(2)
        if fmt.value == "csv":
            frame.to_csv(sys.stdout, index=False)
        else:
            sys.stdout.write(to_markdown_table(frame))
        return
    write_table(frame, output, fmt.value)
    out.print(f"wrote {len(frame)} indicators to {output}")


@catalogue_app.command("check")
def catalogue_check(
    path: Annotated[Path, typer.Argument(help="catalogue.yaml, a folder holding one, or a single YAML file.")],
    strict: Annotated[bool, typer.Option(help="Also require every field the built-in catalogue fills.")] = False,
) -> None:
    """Validate a custom catalogue; list every problem and exit 1 if there is any."""
    try:
        cat = load_catalogue(path, strict=strict)
    except AssessmentError as exc:
        _fail(exc)
    out.print(f"ok: {cat.id} {cat.version}: {len(cat.indicators)} indicators, {len(cat.enablers)} enablers, "
              f"{len(cat.lenses)} lenses")


@catalogue_app.command("docs")
def catalogue_docs(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write catalogue.md and catalogue.vi.md into.")],
    catalogue: Annotated[Path | None, typer.Option(help="A custom catalogue instead of the built-in one.")] = None,
) -> None:
    """Write the human-readable catalogue reference in every UI language."""
    from .catalogue import catalogue_markdown

    try:
        cat = load_catalogue(catalogue)
    except AssessmentError as exc:
        _fail(exc)
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        if lang not in cat.languages:
            continue
        path = out_dir / ("catalogue.md" if lang == "en" else f"catalogue.{lang}.md")
        path.write_text(catalogue_markdown(cat, lang), encoding="utf-8")
        out.print(f"wrote {path}")


@app.command("template")
def template_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="danang-2025.xlsx, or .csv for the long CSV form.")],
    city: Annotated[str, typer.Option(help="City name, pre-filled in the City profile.")] = "",
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 country code, e.g. VN.")] = "",
    year: Annotated[int | None, typer.Option(help="Assessment year (default: last year).")] = None,
    lang: Annotated[Lang, typer.Option(help="Template language.")] = Lang["en"],
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx or csv (default: from the file name).")] = None,
) -> None:
    """Write the indicator workbook a city fills in."""
    from .intake import write_template

    if fmt not in (None, "xlsx", "csv"):
        err.print("[bold red]usage:[/] --format must be xlsx or csv", highlight=False)
        raise typer.Exit(2)
    if fmt is not None and output.suffix.lower() != f".{fmt}":
        output = output.with_suffix(f".{fmt}")
    try:
        with _writing(output):
            path = write_template(output, city=city, country=country, year=year, lang=lang.value)
    except AssessmentError as exc:
        _fail(exc)
    out.print(f"wrote {path}")


@app.command("validate")
def validate_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="Workbooks (.xlsx .xlsm .xls .ods), CSVs, or folders.")],
    report: Annotated[Path | None, typer.Option(help="Also write the problems to .csv, .xlsx or .html.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang["en"],
) -> None:
    """Check filled workbooks; list every problem. Exit 0 without errors (warnings allowed), 1 with errors."""
    from .intake import read_submissions

    missing = [p for p in inputs if not p.exists()]
    if missing:
        err.print(f"[bold red]usage:[/] not found: {escape(', '.join(map(str, missing)))}", highlight=False)
        raise typer.Exit(2)
    if report is not None and report.suffix.lower() not in (".csv", ".xlsx", ".html", ".htm"):
        err.print("[bold red]usage:[/] --report must end in .csv, .xlsx or .html", highlight=False)
        raise typer.Exit(2)
    intake = read_submissions(inputs, lang=lang.value)
    s = intake.summary()
    out.print(f"{s['files']} file(s), {s['cities']} city profile(s), {s['values']} values, "
              f"{s['enabler_answers']} enabler answers: {s['errors']} error(s), {s['warnings']} warning(s)")
    shown = intake.issues[intake.issues["severity"] != "info"]
    colour = {"error": "red", "warning": "yellow"}
    for rec in shown.to_dict("records"):
        row = cell_text(rec["row"])
        where = f"{Path(rec['file']).name}: {rec['sheet']}" + (f"!{rec['column']}{row}" if row else "")
        what = f" [{rec['indicator']}]" if rec["indicator"] else ""
        # user text (file names, values in messages) is escaped so rich never reads it as markup
        out.print(f"{escape(where + what)} [{colour[rec['severity']]}]{rec['severity']}[/]: {escape(rec['message'])}",
                  highlight=False, markup=True)
    if report is not None:
        with _writing(report):
            out.print(f"wrote {intake.write_issues(report, lang.value)}")
    raise typer.Exit(0 if intake.ok else 1)


@app.command("review")
def review_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="Filled workbooks, CSVs or folders: the submissions to "
                                                 "review, and the year before for the year-over-year checks.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the query workbooks and the "
                                         "summary.")] = Path("queries"),
    previous: Annotated[Path | None, typer.Option(help="Folder of the previous round's query workbooks (answered "
                                                  "or not): closes what was confirmed or corrected.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the summary (each city's workbook is in its own "
                                       "template language).")] = Lang["en"],
) -> None:
    """Plausibility checks and a query workbook per city; with --previous, what changed and what is closed.

    Exit codes: 0 the workbooks were written (queries are not errors), 1 a file could not be written,
    2 usage error.
    """
    from .intake import read_submissions
    from .review import read_round, review, write_review

    missing = [p for p in [*inputs, *([previous] if previous else [])] if not p.exists()]
    if missing:
        err.print(f"[bold red]{_('usage:', lang.value)}[/] {_('not found:', lang.value)} "
                  f"{escape(', '.join(map(str, missing)))}", highlight=False)
        raise typer.Exit(2)
    _folder_option(output, "--output")
    if previous is not None:
        _folder_option(previous, "--previous")
    intake = read_submissions(inputs, lang=lang.value)
    before = read_round(previous) if previous is not None else None
    result = review(intake, before)
    with _writing(output):
        written = write_review(result, output, lang.value)
    _print_review(result, before, written, lang.value)


def _print_review(result: Review, before: Round | None, written: list[Path], lang: str) -> None:
    """The review's summary: questions per rule (a table), per city, what changed and what is closed."""
    from .review.summary import per_rule, summary_lines

    table = Table(title=_("Questions per rule", lang))
    for head, justify in ((_("Rule", lang), "left"), (_("Open", lang), "right"), (_("Closed", lang), "right")):
        table.add_column(head, justify=justify)  # type: ignore[arg-type]
    for rule, row in per_rule(result).iterrows():
        table.add_row(escape(str(rule)), str(int(row["open"])), str(int(row["closed"])))
    out.print(table)
    for line in summary_lines(result, before, written, lang):
        out.print(escape(line), highlight=False)


@app.command("report")
def report_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="Filled workbooks, CSVs, folders of them, or a saved result "
                                                 "(a folder written by 'smartcity score -o DIR').")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for index.html and cities/.")] = Path("site"),
    method: Annotated[Path | None, typer.Option(help="Method YAML file (see examples/methods/).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the pages.")] = Lang["en"],
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF per page (needs the 'pdf' extra).")] = False,
    robustness: Annotated[Path | None, typer.Option(help="Robustness spec YAML: give ranks intervals.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Print every table, not a one-sheet summary.")] = False,
    compare: Annotated[list[str] | None, typer.Option(help="2-4 cities, comma-separated (repeatable).")] = None,
    queries: Annotated[Path | None, typer.Option("--review", help="Folder of the latest query workbooks "
                                                 "('smartcity review -o'): values still under query are marked "
                                                 "(and left out with 'screen: {queries: exclude}' in the "
                                                 "method).")] = None,
) -> None:
    """Build the cohort page and one page per city: self-contained HTML that opens offline."""
    from .intake import read_submissions
    from .report import render_pdf, render_report, site_pages
    from .scoring import assess

    missing = [p for p in [*inputs, *([queries] if queries else [])] if not p.exists()]
    if missing:
        err.print(f"[bold red]usage:[/] not found: {escape(', '.join(map(str, missing)))}", highlight=False)
        raise typer.Exit(2)
    if queries is not None:
        _folder_option(queries, "--review")
    if pdf:
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):
            err.print("[bold red]usage:[/] --pdf needs WeasyPrint: pip install 'smartcity-assessment\\[pdf]'",
                      highlight=False)
            raise typer.Exit(2) from None
    _folder_option(output, "--output")
    from .scoring.saved import is_saved_result, load_result

    try:
        if len(inputs) == 1 and is_saved_result(inputs[0]):
            result = load_result(inputs[0])
            if method is not None:
                result = result.rerun(method)
        else:
            intake = read_submissions(inputs, lang=lang.value)
            usable = intake.without_error_files()
            left_out = [Path(f).name for f in intake.files if f not in usable.files]
            if left_out:
                err.print(f"left out {len(left_out)} file(s) with errors (see 'smartcity validate'): "
                          f"{', '.join(left_out)}", highlight=False)
            if usable.profiles.empty:
                err.print("[bold red]error:[/] no file without errors to report on", highlight=False)
                raise typer.Exit(1)
            if queries is not None:
                from .review import read_round, review

                result = assess(review(usable, read_round(queries)), method=method)
            else:
                result = assess(usable, method=method)
        with _writing(output):
            index = render_report(result, output, lang=lang.value, uncertainty=robustness, compare=compare or (),
                                  full=full)
    except AssessmentError as exc:
        _fail(exc)
    if pdf:
        out.print(f"wrote {len(render_pdf(site_pages(index), workers=None))} PDF file(s)")
    out.print(str(index.resolve()), highlight=False, soft_wrap=True)


def _read_tables(paths: list[Path]) -> object:
    """CSV tables (long or wide) from files and folders, concatenated; exit 2 on a usage error."""
    import pandas as pd

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(p.glob("*.csv"))
        elif p.is_file() and p.suffix.lower() == ".csv":
            files.append(p)
        else:
            err.print(f"[bold red]usage:[/] {escape(str(p))}: not a CSV file or a folder of CSV files "
                      "(workbooks are read by 'smartcity validate' once it lands)", highlight=False)
            raise typer.Exit(2)
    if not files:
        err.print("[bold red]usage:[/] no CSV file found in the inputs", highlight=False)
        raise typer.Exit(2)
    frames = []
    for f in files:
        try:
            frames.append(pd.read_csv(f, encoding="utf-8-sig"))
        except (ValueError, OSError) as exc:  # not UTF-8, not a table, unreadable: one message, no traceback
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            err.print(f"[bold red]error:[/] {escape(str(f))}: not a readable CSV table: {escape(reason)}",
                      highlight=False)
            raise typer.Exit(1) from None
    return pd.concat(frames, ignore_index=True)


@app.command("score")
def score(
    inputs: Annotated[list[Path], typer.Argument(help="CSV files or folders: long (unit, [year,] indicator, value) "
                                                 "or wide (one row per unit, one column per indicator id).")],
    method: Annotated[Path | None, typer.Option(help="Method YAML file (see examples/methods/).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="results.xlsx, or a folder for CSVs.")] = None,
    catalogue: Annotated[Path | None, typer.Option(help="A custom catalogue instead of the built-in one.")] = None,
) -> None:
    """Score a cohort: every stage of the method, exported as one workbook or a folder of CSVs."""
    from rich.progress import Progress

    from .scoring import assess
    from .scoring.pipeline import STAGES

    data = _read_tables(inputs)
    try:
        cat = load_catalogue(catalogue) if catalogue else None
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("scoring", total=len(STAGES))

            def hook(stage: str) -> None:
                bar.update(task, advance=1, description=stage)

            result = assess(data, catalogue=cat, method=method, on_stage=hook)
    except AssessmentError as exc:
        _fail(exc)
    if output is not None:
        if output.suffix.lower() != ".xlsx":
            _folder_option(output, "--output")
        with _writing(output):
            written = result.to_excel(output) if output.suffix.lower() == ".xlsx" else result.to_csv(output)
        out.print(f"wrote {written}")
    lens = next(iter(result.aggregated))
    scores = result.aggregated[lens]
    ranks = result.ranks.get(lens, {}).get("cohort")
    table = Table(title=f"{lens}: {len(scores)} units, method {result.method.name}")
    table.add_column("rank", justify="right")
    table.add_column("unit")
    table.add_column("coverage", justify="right")
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
            r = f"not ranked ({int(status.loc[key, 'reported'])} of {int(status.loc[key, 'total'])}, " \
                f"needs {int(status.loc[key, 'needed'])})"
        cov = "" if status is None else f"{status.loc[key, 'coverage']:.0%}"
        table.add_row(r, escape(str(key)), cov, "" if score is None else f"{score:.2f}")
    out.print(table)
    if status is not None and ranks is not None and not status["ranked"].all():
        least = result.method.rank.min_coverage
        out.print(f"{int((~status['ranked']).sum())} unit(s) not ranked: a unit is ranked only with data for at least "
                  f"{least:.0%} of the scored indicators (rank.min_coverage)", highlight=False)


def main() -> None:
    """Entry point of the ``smartcity`` console script."""
    app()


@app.command("robustness")
def robustness_cmd(
    inputs: Annotated[list[Path], typer.Argument(help="Filled workbooks, CSV files or folders, or a saved result "
                                                 "(a folder written by 'smartcity score -o DIR').")],
    spec: Annotated[Path, typer.Option(help="Robustness spec YAML (see examples/robustness/).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the tables and robustness.html.")] = Path(
        "robustness"),
    method: Annotated[Path | None, typer.Option(help="Method YAML file (see examples/methods/).")] = None,
    n: Annotated[int | None, typer.Option(help="Replicates (uncertainty) and base sample N (sensitivity).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the spec's).")] = None,
    catalogue: Annotated[Path | None, typer.Option(help="A custom catalogue instead of the built-in one.")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the page.")] = Lang["en"],
) -> None:
    """Uncertainty and sensitivity analysis, remove-one check and audit: CSV, XLSX and robustness.html."""

    import pandas as pd
    from rich.progress import Progress

    from .intake import read_submissions
    from .report.robustness import render_robustness
    from .robustness import audit, load_robustness_spec, remove_one, sensitivity, uncertainty
    from .scoring import assess
    from .scoring.saved import is_saved_result, load_result

    missing = [p for p in inputs if not p.exists()]
    if missing:
        err.print(f"[bold red]usage:[/] not found: {escape(', '.join(map(str, missing)))}", highlight=False)
        raise typer.Exit(2)
    tables_only = all(p.suffix.lower() == ".csv" or (p.is_dir() and any(p.glob("*.csv")) and not any(p.glob("*.xls*")))
                      for p in inputs)
    try:
        plan = load_robustness_spec(spec)
        cat = load_catalogue(catalogue) if catalogue else None
        if len(inputs) == 1 and is_saved_result(inputs[0]):
            result = load_result(inputs[0])
            result = result.rerun(method) if method is not None else result
        elif tables_only:
            result = assess(_read_tables(inputs), catalogue=cat, method=method)
        else:
            result = assess(read_submissions(inputs, lang=lang.value).without_error_files(), catalogue=cat,
                            method=method)
        with Progress(console=err, transient=True) as bar:
            tasks = {name: bar.add_task(name, total=None) for name in ("uncertainty", "sensitivity")}

            def tick(name: str) -> Callable[[int, int], None]:
                return lambda done, total: bar.update(tasks[name], completed=done, total=total)

            unc = uncertainty(result, plan, n=n, seed=seed, progress=tick("uncertainty"))
            sens = sensitivity(result, plan, n=n, seed=seed, progress=tick("sensitivity"))
        removed, shifts = remove_one(result)
        audited = audit(result, seed=plan.seed if seed is None else seed, interval=plan.interval)
    except AssessmentError as exc:
        _fail(exc)
    output.mkdir(parents=True, exist_ok=True)
    tables = {**unc.tables(), **sens.tables(), "remove-one": removed, "remove-one-shifts": shifts.reset_index(),
              **audited.tables()}
    with pd.ExcelWriter(output / "robustness.xlsx", engine="xlsxwriter") as xlsx:
        for name, table in tables.items():
            table.to_csv(output / f"{name}.csv", index=False)
            table.to_excel(xlsx, sheet_name=name[:31], index=False)
    page = render_robustness(result, output / "robustness.html", lang=lang.value, uncertainty=unc,
                             sensitivity=sens, removed=removed, audited=audited)
    summary = Table(title=f"robustness: {plan.name}, {unc.spec.n} replicates, sensitivity {sens.design}")
    for col in ("lens", "within ±3", "median width", "widest", *[f"ST {f.name}" for f in unc.factors]):
        summary.add_column(escape(col), justify="right")
    for lens in unc.summary:
        head = unc.headline(lens)
        st = sens.indices[sens.indices["lens"] == lens].set_index("factor")["ST"]
        summary.add_row(escape(lens), f"{float(head['share_within']):.0%}", f"{float(head['median_width']):.1f}",
                        f"{float(head['widest']):.0f} ({escape(str(head['widest_unit']))})",
                        *[f"{st.get(f.name, float('nan')):.3f}" for f in unc.factors])
    out.print(summary)
    out.print(f"wrote {len(tables)} tables (CSV and robustness.xlsx) and {page}", highlight=False)
