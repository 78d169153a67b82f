"""``smartcity template`` and ``smartcity validate``: the workbook a city fills in, and its check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import SEVERITY_LABELS
from ..i18n import N_, _
from .common import (
    EXIT_INPUT,
    EXIT_VALIDATE,
    Lang,
    app,
    capped,
    choice,
    existing,
    fail,
    inputs_argument,
    lang_option,
    out,
    print_left_out,
    shown,
    tr,
    usage,
    writing,
)
from .language import LocalisedCommand

if TYPE_CHECKING:
    from ..catalogue import Catalogue
    from ..intake.reference import Reference

#: Template files the command writes.
TEMPLATE_SUFFIXES = (".xlsx", ".csv")
#: Problem reports ``validate --report`` writes.
REPORT_SUFFIXES = (".csv", ".xlsx", ".html", ".htm")


@app.command("template", cls=LocalisedCommand, epilog=EXIT_INPUT,
             help=N_("Write the indicator workbook a city fills in.\n\nA country that is not an ISO code or a "
                     "country name, a year outside 1990-2100, or a file name not ending in .xlsx or .csv is a "
                     "usage error: nothing is written."),
             short_help=N_("Write the indicator workbook a city fills in."))
def template_cmd(
    output: Annotated[Path, typer.Option("--output", "-o",
                                         help=N_("danang-2025.xlsx, or .csv for the long CSV form."))],
    city: Annotated[str, typer.Option(help=N_("City name, pre-filled in the City profile."))] = "",
    country: Annotated[str, typer.Option(help=N_("ISO 3166-1 alpha-2 country code, e.g. VN (a country name such as "
                                              "Vietnam or Việt Nam is read as its code)."))] = "",
    year: Annotated[int | None, typer.Option(help=N_("Assessment year, four digits (default: last year)."))] = None,
    lang: Annotated[Lang, lang_option(N_("Template language (and of the messages)."))] = Lang["en"],
    fmt: Annotated[str | None, typer.Option("--format", help=N_("xlsx or csv (default: from the file name)."))] = None,
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
    reference: Annotated[Path | None, typer.Option(help=N_(
        "The city's filled workbook of an earlier year: its accepted values are shown beside each row as a "
        "reference, read-only and never read back (.xlsx only)."))] = None,
) -> None:
    """Write the indicator workbook a city fills in.

    A country that is not an ISO code or a country name, a year outside 1990-2100, or a file
    name not ending in .xlsx or .csv is a usage error: nothing is written.
    """
    from ..catalogue import load_catalogue
    from ..errors import AssessmentError
    from ..intake.layout import YEARS
    from ..intake.template import country_code, write_template

    lg = lang.value
    choice(fmt, [s.lstrip(".") for s in TEMPLATE_SUFFIXES], "--format", lg)
    if fmt is not None and output.suffix.lower() != f".{fmt}":
        output = output.with_suffix(f".{fmt}")
    if output.suffix.lower() not in TEMPLATE_SUFFIXES:
        usage(N_("{path}: the template is written as .xlsx or .csv (not '{suffix}')"), lg, path=output,
               suffix=output.suffix or output.name)
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        usage(N_("--year must be a four-digit year from {low} to {high}; got {year}"), lg, low=YEARS[0],
               high=YEARS[1], year=year)
    code = country_code(country) if country else ""
    if code is None:
        usage(N_("--country: '{value}' is neither an ISO 3166-1 alpha-2 code (such as VN) nor a country name"),
               lg, value=country)
    try:
        cat = load_catalogue(catalogue) if catalogue else None
        ref = last_years(reference, cat, city, output, lg) if reference is not None else None
        with writing(output, lg):
            path = write_template(output, city=city, country=code, year=year, lang=lg, catalogue=cat, reference=ref)
    except AssessmentError as exc:
        fail(exc, lg)
    out.print(tr(N_("wrote {path}"), lg, path=path), highlight=False)


def last_years(path: Path, cat: Catalogue | None, city: str, output: Path, lg: str) -> Reference:
    """The accepted values of ``--reference`` (one city-year, read as ``validate`` reads it) as a ``Reference``."""
    from ..intake import read_submissions
    from ..intake.reference import reference_from

    existing([path], lg)
    if output.suffix.lower() != ".xlsx":
        usage(N_("--reference needs the .xlsx template: the .csv form has no place for a reference column"), lg)
    intake = read_submissions([path], catalogue=cat, lang=lg)
    errors = sum(p.severity == "error" for p in intake.problems)
    if errors:
        usage(N_("{path}: the reference has {n} error(s); run 'smartcity validate' on it"), lg, path=path, n=errors)
    ref = reference_from(intake.accepted.data, city)
    if ref is None:
        usage(N_("{path}: the reference must hold the values of one city (name it with --city)"), lg, path=path)
    return ref


@app.command("validate", cls=LocalisedCommand, epilog=EXIT_VALIDATE,
             help=N_("Check filled workbooks; list every problem. Exit 0 without errors (warnings allowed), 1 "
                     "with errors."),
             short_help=N_("Check filled workbooks; list every problem."))
def validate_cmd(
    inputs: Annotated[list[Path], inputs_argument(N_("Workbooks (.xlsx .xlsm .xls .ods), CSVs, or folders."))],
    report: Annotated[Path | None, typer.Option(help=N_("Also write the problems to .csv, .xlsx or .html."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of the messages and of the report."))] = Lang["en"],
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
) -> None:
    """Check filled workbooks; list every problem. Exit 0 without errors (warnings allowed), 1 with errors."""
    lg = lang.value
    existing(inputs, lg)
    if report is not None and report.suffix.lower() not in REPORT_SUFFIXES:
        usage(N_("--report must end in .csv, .xlsx or .html"), lg)
    import gc

    from ..catalogue import load_catalogue
    from ..errors import AssessmentError
    from ..intake import read_submissions

    try:
        cat = load_catalogue(catalogue) if catalogue else None
    except AssessmentError as exc:
        fail(exc, lg)
    # A short-lived process: what is loaded now lives until exit, so the collector need not scan it
    # again, and the forked readers do not copy its pages (Python's advice before fork: gc.freeze)
    gc.freeze()
    intake = read_submissions(inputs, catalogue=cat, lang=lg)
    s = intake.summary()
    out.print(tr(N_("{files} file(s), {cities} city profile(s), {values} values, {enabler_answers} enabler "
                    "answers: {errors} error(s), {warnings} warning(s)"), lg, **s), highlight=False)
    colour = {"error": "red", "warning": "yellow"}
    printed, left_out = capped(p for p in intake.problems if p.severity != "info")
    for p in printed:
        row = "" if p.row is None else str(p.row)
        where = f"{Path(p.source).name}: {p.sheet}" + (f"!{p.column}{row}" if row else "")
        what = f" [{p.item}]" if p.item else ""
        # user text (file names, values in messages) is escaped so rich never reads it as markup
        out.print(f"{shown(where + what)} [{colour[p.severity]}]{_(SEVERITY_LABELS[p.severity], lg)}[/]: "
                  f"{shown(p.text(lg))}", highlight=False, markup=True)
    print_left_out(left_out, lg, out)
    if report is not None:
        with writing(report, lg):
            out.print(tr(N_("wrote {path}"), lg, path=intake.write_issues(report, lg)), highlight=False)
    elif left_out:
        out.print(tr(N_("write every problem to a file with --report problems.xlsx (or .csv, .html)"), lg),
                  highlight=False)
    raise typer.Exit(0 if intake.ok else 1)

