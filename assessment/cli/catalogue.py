"""``smartcity catalogue``: list the indicators (filtered, in a language and a format), check a
custom catalogue, write the reference documents."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from .._missing import frame_csv
from ..catalogue.choices import TIERS
from ..i18n import LANGUAGES, N_
from .common import (
    EXIT_INPUT,
    Fmt,
    Lang,
    catalogue_app,
    choice,
    fail,
    folder_option,
    lang_option,
    out,
    shown,
    tr,
    usage,
    writing,
)
from .language import LocalisedCommand

if TYPE_CHECKING:
    from ..catalogue.models import LensRole

assert TIERS == ("core", "advanced"), "the --tier help names the tiers"  # one source of truth, checked on import


@catalogue_app.callback(epilog=EXIT_INPUT)
def catalogue_list(
    ctx: typer.Context,
    focus_area: Annotated[str | None, typer.Option(help=N_("Only this ASCF focus area (id)."))] = None,
    outcome: Annotated[str | None, typer.Option(help=N_("Only this ASCF strategic outcome (id)."))] = None,
    dimension: Annotated[str | None, typer.Option(help=N_("Only this OECD well-being dimension (id)."))] = None,
    tier: Annotated[str | None, typer.Option(help=N_("Only this tier: core or advanced."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of names, headings and messages."))] = Lang["en"],
    fmt: Annotated[Fmt, typer.Option("--format", help=N_("Output format."))] = Fmt["table"],
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                     help=N_("File to write (csv/xlsx/markdown)."))] = None,
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
) -> None:
    """List indicators of the catalogue, filtered and in the chosen language and format.

    An unknown --focus-area, --outcome, --dimension or --tier is a usage error listing the ids
    the catalogue has.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..catalogue import IndicatorFilter, load_catalogue
    from ..errors import AssessmentError

    lg = lang.value
    try:
        cat = load_catalogue(catalogue)
    except AssessmentError as exc:
        fail(exc, lg)

    def ids(role: LensRole, field: Callable[[Any], list[str]]) -> list[str]:
        """The leaves of the lens playing ``role``, else the values the indicators carry."""
        lens = cat.lens_for(role)
        if lens is not None:
            return [leaf.id for leaf in lens.leaves()]
        return sorted({v for ind in cat.indicators for v in field(ind) if v})

    choice(focus_area, ids("areas", lambda i: [i.focus_area]), "--focus-area", lg)
    choice(outcome, ids("headline", lambda i: [i.outcome]), "--outcome", lg)
    choice(dimension, ids("wellbeing", lambda i: list(i.oecd_dimensions)), "--dimension", lg)
    choice(tier, list(TIERS), "--tier", lg)
    if fmt.value == "xlsx" and output is None:
        usage(N_("--format xlsx needs --output FILE.xlsx"), lg)
    where = IndicatorFilter(focus_area=focus_area, outcome=outcome, dimension=dimension, tier=tier)
    list_indicators(cat, where, lg, fmt.value, output)


def list_indicators(cat: Any, where: Any, lang: str, fmt: str, output: Path | None) -> None:
    """Print or write the listing (the terminal table fits its width: fewer columns when narrow)."""
    from rich.table import Table

    from ..catalogue.views import indicator_table, to_markdown_table, write_table

    frame = indicator_table(cat, lang, where)
    if fmt == "table":
        title = tr(N_("{catalogue}: {n} indicators"), lang, catalogue=f"{cat.id} {cat.version}", n=len(frame))
        table = Table(title=title, show_lines=False, expand=False)
        # id, name, unit and tier fit 80 columns; a wide terminal also shows direction, focus area, outcome
        keep = [0, 1, 2, 4] if out.width < 140 else [0, 1, 2, 3, 4, 5, 6]
        cols = [frame.columns[i] for i in keep]
        widths = {0: 13, 2: 14, 4: 9}
        for i, col in zip(keep, cols, strict=True):
            table.add_column(escape(str(col)), no_wrap=i == 0, min_width=widths.get(i), overflow="fold")
        for row in frame[cols].itertuples(index=False):
            table.add_row(*(shown(v) for v in row))
        out.print(table, soft_wrap=False)
        return
    if output is None:
        if fmt == "csv":
            sys.stdout.write(frame_csv(frame, index=False))
        else:
            sys.stdout.write(to_markdown_table(frame))
        return
    with writing(output, lang):
        write_table(frame, output, fmt)  # type: ignore[arg-type]
    out.print(tr(N_("wrote {n} indicators to {path}"), lang, n=len(frame), path=output), highlight=False)


@catalogue_app.command("check", cls=LocalisedCommand, epilog=EXIT_INPUT,
                       help=N_("Validate a custom catalogue; list every problem and exit 1 if there is any."),
                       short_help=N_("Validate a custom catalogue; list every problem."))
def catalogue_check(
    path: Annotated[Path, typer.Argument(metavar=N_("PATH"), help=N_("catalogue.yaml, a folder holding one, or a "
                                                                      "single YAML file."))],
    strict: Annotated[bool, typer.Option("--strict", help=N_("Also require every field the built-in catalogue "
                                                           "fills."))] = False,
    lang: Annotated[Lang, lang_option(N_("Language of the messages."))] = Lang["en"],
) -> None:
    """Validate a custom catalogue; list every problem and exit 1 if there is any."""
    from ..catalogue import load_catalogue
    from ..errors import AssessmentError

    lg = lang.value
    try:
        cat = load_catalogue(path, strict=strict)
    except AssessmentError as exc:
        fail(exc, lg)
    out.print(tr(N_("ok: {catalogue}: {indicators} indicators, {enablers} enablers, {lenses} lenses"), lg,
                 catalogue=f"{cat.id} {cat.version}", indicators=len(cat.indicators), enablers=len(cat.enablers),
                 lenses=len(cat.lenses)), highlight=False)


@catalogue_app.command("docs", cls=LocalisedCommand, epilog=EXIT_INPUT,
                       help=N_("Write the human-readable catalogue reference in every UI language."),
                       short_help=N_("Write the catalogue reference in every UI language."))
def catalogue_docs(
    out_dir: Annotated[Path, typer.Argument(metavar=N_("OUT_DIR"), help=N_("Folder to write catalogue.md and "
                                                                            "catalogue.vi.md into."))],
    catalogue: Annotated[Path | None, typer.Option(help=N_("A custom catalogue instead of the built-in one."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of the messages (the documents are written in every "
                                         "language)."))] = Lang["en"],
) -> None:
    """Write the human-readable catalogue reference in every UI language."""
    from ..catalogue import catalogue_markdown, load_catalogue
    from ..errors import AssessmentError

    lg = lang.value
    try:
        cat = load_catalogue(catalogue)
    except AssessmentError as exc:
        fail(exc, lg)
    folder_option(out_dir, "OUT_DIR", lg)
    with writing(out_dir, lg):
        out_dir.mkdir(parents=True, exist_ok=True)
        for doc_lang in LANGUAGES:
            if doc_lang not in cat.languages:
                continue
            path = out_dir / ("catalogue.md" if doc_lang == "en" else f"catalogue.{doc_lang}.md")
            path.write_text(catalogue_markdown(cat, doc_lang), encoding="utf-8")
            out.print(tr(N_("wrote {path}"), lg, path=path), highlight=False)

