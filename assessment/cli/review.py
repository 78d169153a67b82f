"""``smartcity review``: plausibility checks and a query workbook per city; with --previous, what
changed since the last round and which queries are closed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from ..i18n import N_, _
from .common import Lang, app, existing, folder_option, inputs_argument, lang_option, out, shown, writing
from .language import LocalisedCommand

if TYPE_CHECKING:  # the stage is imported inside the command (start-up time)
    from ..review import Review, Round

EXIT_REVIEW = N_("Exit codes: 0 the workbooks were written (queries are not errors); 1 a file could not be "
                 "written, or a query workbook of the previous round could not be read; 2 usage error (a missing "
                 "file or folder).")


@app.command("review", cls=LocalisedCommand, epilog=EXIT_REVIEW,
             help=N_("Plausibility checks and a query workbook per city; with --previous, what changed and what is "
                 "closed."),
             short_help=N_("Plausibility checks and a query workbook per city."))
def review_cmd(
    inputs: Annotated[list[Path], inputs_argument(N_("Filled workbooks, CSVs or folders: the submissions to review, "
                                                     "and the year before for the year-over-year checks."))],
    output: Annotated[Path, typer.Option("--output", "-o", help=N_("Folder for the query workbooks and the "
                                         "summary."))] = Path("queries"),
    previous: Annotated[Path | None, typer.Option(help=N_("Folder of the previous round's query workbooks (answered "
                                                  "or not): closes what was confirmed or corrected."))] = None,
    lang: Annotated[Lang, lang_option(N_("Language of the summary (each city's workbook is in its own "
                                       "template language)."))] = Lang["en"],
) -> None:
    """Plausibility checks and a query workbook per city; with --previous, what changed and what is closed."""
    lg = lang.value
    existing([*inputs, *([previous] if previous else [])], lg)
    folder_option(output, "--output", lg)
    if previous is not None:
        folder_option(previous, "--previous", lg)
    from ..intake import read_submissions
    from ..review import read_round, review, write_review

    intake = read_submissions(inputs, lang=lg)
    before = read_round(previous) if previous is not None else None
    result = review(intake, before)
    with writing(output, lg):
        written = write_review(result, output, lg)
    print_review(result, before, written, lg)
    if before is not None and any(p.severity == "error" for p in before.problems):
        raise typer.Exit(1)  # a city's answers could not be read: the round is incomplete (printed above)


def print_review(result: Review, before: Round | None, written: list[Path], lang: str) -> None:
    """The review's summary: questions per rule (a table), per city, what changed and what is closed."""
    from rich.table import Table

    from ..review.summary import per_rule_label, summary_lines

    table = Table(title=_(N_("Questions per rule"), lang))
    for head, justify in ((N_("Rule"), "left"), (N_("Open"), "right"), (N_("Closed"), "right")):
        table.add_column(escape(_(head, lang)), justify=justify)  # type: ignore[arg-type]
    for rule, row in per_rule_label(result, lang).iterrows():
        table.add_row(escape(str(rule)), str(int(row["open"])), str(int(row["closed"])))
    out.print(table)
    for line in summary_lines(result, before, written, lang):
        out.print(shown(line), highlight=False)
