"""What every ``smartcity`` command shares: the typer apps, the consoles, the language and format
choices, the exit-code texts, and the helpers that print usage errors and problems in ``--lang``.

Only typer, rich and the light shared base are imported here (see :mod:`assessment.cli`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from .._missing import CONTROL
from .._version import __version__
from ..catalogue.choices import FORMATS
from ..i18n import LANGUAGES, N_, _
from .language import ENV, LocalisedGroup

if TYPE_CHECKING:
    from ..errors import AssessmentError, Problem

# Help texts are msgids: the help formatter of :mod:`.language` writes them in the run's language.
app = typer.Typer(help=N_("Smart-city maturity assessment (ASEAN Smart Cities Framework x OECD well-being)."),
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=LocalisedGroup)
catalogue_app = typer.Typer(help=N_("List the indicator catalogue, or check a custom one."),
                            short_help=N_("List the indicator catalogue, or check a custom one."),
                            invoke_without_command=True, cls=LocalisedGroup)
app.add_typer(catalogue_app, name="catalogue")

# Choices derive from the typed Literals, the single source of truth.
Lang = Enum("Lang", {x: x for x in LANGUAGES}, type=str)  # type: ignore[misc]
Fmt = Enum("Fmt", {x: x for x in FORMATS}, type=str)  # type: ignore[misc]

#: Exit codes, listed at the end of every command's help.
EXIT_USAGE = N_("Exit codes: 0 success; 2 usage error (an unknown option value, a missing file).")
EXIT_INPUT = N_("Exit codes: 0 success; 1 the input has errors (every problem is listed); "
                "2 usage error (an unknown option value, a missing file).")
EXIT_VALIDATE = N_("Exit codes: 0 no errors (warnings allowed); 1 errors found (every problem is listed); "
                   "2 usage error (a missing file, an unknown report format).")


def inputs_argument(help: str) -> Any:
    """The ``INPUTS...`` argument of a command (``help`` a msgid; the metavar is one too)."""
    return typer.Argument(metavar=N_("INPUTS"), help=help)


def lang_option(help: str) -> Any:
    """The ``--lang`` option of a command (``help`` a msgid); its default is ``SMARTCITY_LANG``, else English."""
    return typer.Option(help=help, envvar=ENV)

# User text (file names, cell values, ids) is printed as it is: no emoji codes (``:x:`` stays
# ``:x:``), and every line passes through :func:`shown`, which escapes markup and control characters.
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)


def shown(text: object) -> str:
    """User text as the console should print it, verbatim: rich markup escaped, and each control
    character written as its escape (``\\r``, ``\\x1b``), so a value cannot move the cursor, clear
    the screen or start a new line that looks like another message."""
    return escape(CONTROL.sub(lambda m: repr(m.group())[1:-1], str(text)))


def tr(message: str, lang: str, **values: object) -> str:
    """``message`` translated into ``lang`` with its placeholders filled, escaped for rich markup."""
    return shown(_(message, lang).format(**values))


def show_version(value: bool) -> None:
    if value:
        out.print(f"smartcity-assessment {__version__}")
        raise typer.Exit()


@app.callback(epilog=EXIT_USAGE)
def root(version: Annotated[bool, typer.Option("--version", callback=show_version, is_eager=True,
                                                help=N_("Show the version and exit."))] = False) -> None:
    """Smart-city maturity assessment."""


#: Words that start the lines of errors and problems.
USAGE, ERROR, WARNING, FOUND, FIX = N_("usage:"), N_("error:"), N_("warning:"), N_("found"), N_("Fix:")


def error(message: str, lang: str, **values: object) -> None:
    """Print an error line in ``lang`` (the caller decides the exit code)."""
    err.print(f"[bold red]{_(ERROR, lang)}[/] {tr(message, lang, **values)}", highlight=False)


def usage(message: str, lang: str, **values: object) -> NoReturn:
    """Print a usage error in ``lang`` and exit 2."""
    err.print(f"[bold red]{_(USAGE, lang)}[/] {tr(message, lang, **values)}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def writing(target: Path, lang: str = "en") -> Iterator[None]:
    """Turn a failure to write ``target`` (not a folder, no permission, disk full) into one message, exit 1."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        error(N_("cannot write {path}: {reason}"), lang, path=target, reason=reason)
        raise typer.Exit(1) from None


def folder_option(path: Path, option: str, lang: str = "en") -> None:
    """A folder option naming an existing file is a usage error (exit 2)."""
    if path.exists() and not path.is_dir():
        usage(N_("{option} must be a folder; {path} is a file"), lang, option=option, path=path)


def existing(inputs: list[Path], lang: str) -> None:
    """Inputs that do not exist are a usage error (exit 2)."""
    missing = [p for p in inputs if not p.exists()]
    if missing:
        usage(N_("not found: {paths}"), lang, paths=", ".join(map(str, missing)))


#: The first line of a list of problems, by what was read (``AssessmentError.kind``).
PROBLEMS_IN = {"catalogue": N_("{n} problem(s) in the catalogue:"), "method": N_("{n} problem(s) in the method:"),
               "input data": N_("{n} problem(s) in the input data:")}


#: Problems of one kind (one code in one file) printed on the console before the rest are counted.
MAX_SAME = 20
#: The line after the first :data:`MAX_SAME` problems of a kind.
MORE_OF_THE_SAME = N_("{file}: … and {n} more of the same kind ({code})")


def capped(problems: Iterable[Problem]) -> tuple[list[Problem], dict[tuple[str, str], int]]:
    """The problems to print (at most :data:`MAX_SAME` per file and code, in their order) and how
    many of each (file, code) were left out. A file of 100,000 bad rows would otherwise print
    100,000 lines; the report file (``--report``) always lists every one."""
    seen: Counter[tuple[str, str]] = Counter()
    shown_: list[Problem] = []
    for p in problems:
        seen[(p.source, p.code)] += 1
        if seen[(p.source, p.code)] <= MAX_SAME:
            shown_.append(p)
    return shown_, {k: n - MAX_SAME for k, n in seen.items() if n > MAX_SAME}


def print_left_out(left_out: dict[tuple[str, str], int], lang: str, console: Console | None = None) -> None:
    """One line per (file, code) whose problems :func:`capped` left out."""
    for (source, code), n in left_out.items():
        (console or err).print(tr(MORE_OF_THE_SAME, lang, file=Path(source).name, n=n, code=code), highlight=False)


def fail(exc: AssessmentError, lang: str = "en") -> NoReturn:
    """Every problem of ``exc``, each on its own line in ``lang`` (at most :data:`MAX_SAME` of a kind);
    exit 1."""
    if exc.problems:
        error(PROBLEMS_IN.get(exc.kind, N_("{n} problem(s):")), lang, n=len(exc.problems))
    else:
        err.print(f"[bold red]{_(ERROR, lang)}[/] {shown(exc)}", highlight=False)
    printed, left_out = capped(exc.problems)
    for p in printed:
        err.print(f"  - {shown(problem_line(p, lang))}", highlight=False)
    print_left_out(left_out, lang)
    raise typer.Exit(1)


def problem_line(p: Problem, lang: str) -> str:
    """Where, what, what was found and the fix, in ``lang`` (plain text: the caller makes it safe to print)."""
    where = p.source + (f":{p.row}" if p.row is not None and not p.sheet else "")
    where += "".join(f" {x}" for x in (p.sheet, p.item, p.field and f"[{p.field}]") if x)
    line = f"{where}: {p.text(lang)}"
    line += f" ({_(FOUND, lang)}: {p.found})" if p.found else ""
    line += f" {_(FIX, lang)} {p.fix_text(lang)}" if p.fix else ""
    return line


@contextmanager
def input_warnings(lang: str) -> Iterator[None]:
    """Print what the library warns about the input (an :class:`~assessment.errors.InputWarning`: an
    indicator no unit reported, alternatives on different scales) as problem lines in ``lang``, after
    the block, instead of Python's English warning text with a source line. Other warnings pass on."""
    import warnings

    from ..errors import InputWarning

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        for w in caught:
            if not isinstance(w.message, InputWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                continue
            for p in w.message.problems:
                err.print(f"[yellow]{_(WARNING, lang)}[/] {shown(problem_line(p, lang))}", highlight=False)


def choice(value: str | None, allowed: list[str], option: str, lang: str) -> None:
    """An option value outside ``allowed`` is a usage error (exit 2) that lists the allowed values."""
    if value is not None and value not in allowed:
        usage(N_("{option}: unknown value '{value}'; choose one of: {allowed}"), lang, option=option,
               value=value, allowed=", ".join(allowed))

