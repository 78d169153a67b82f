"""The command line in the user's language: which language a run speaks, and typer's own texts in it.

The rule (README, "Languages"): ``--lang X`` anywhere on the command line (before a lone ``--``;
the last one wins), else the ``SMARTCITY_LANG`` environment variable, else English. The language
is read from the arguments *before* typer parses them, because typer (click) shows ``--help`` and
reports a usage error as soon as it meets them, possibly before it has seen ``--lang``; a value
that is not a UI language counts as not given (typer then reports it, in the language found so
far). Every ``--lang`` option also reads ``SMARTCITY_LANG``, so what a command prints and the
texts around it agree.

Typer's own texts are translated where they are written: the help formatter (usage line, section
headings, help texts, option descriptions with their ``[default: …]`` notes, type names) and the
usage errors, which :class:`LocalisedGroup` catches and writes itself (exit code 2 as before). The
help texts, epilogues and metavars of the commands are English msgids (``N_()``); the texts typer
makes itself are msgids here. A usage error whose wording this module does not know (a future
typer's) keeps its English detail after the translated lead-in.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from ..i18n import LANGUAGES, N_, _, draft_notice
from ..locales import registry

#: The environment variable naming the UI language when no ``--lang`` is given.
ENV = "SMARTCITY_LANG"

#: The language of the current run (set by :meth:`LocalisedGroup.main`).
CURRENT: ContextVar[str] = ContextVar("smartcity_lang", default="en")

# typer's usage-error and help-formatter classes, whichever click typer uses (its own copy or click)
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
ClickException: type[Exception] = UsageError.__mro__[1]
HelpFormatter: Any = typer.Context.formatter_class


def requested_language(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The UI language of a run: the last valid ``--lang`` in ``args``, else ``SMARTCITY_LANG``, else ``en``.

    >>> requested_language(["validate", "x.xlsx", "--lang", "vi"], {})
    'vi'
    >>> requested_language(["validate", "--lang=fr"], {"SMARTCITY_LANG": "vi"})
    'vi'
    """
    env = os.environ if environ is None else environ
    given = None
    words = iter(args)
    for word in words:
        if word == "--":
            break
        value = next(words, None) if word == "--lang" else None
        if word.startswith("--lang="):
            value = word.partition("=")[2]
        if value in LANGUAGES:
            given = value
    if given is None and env.get(ENV) in LANGUAGES:
        given = env[ENV]
    return given or "en"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Run the block with ``lang`` as the UI language of typer's texts."""
    token = CURRENT.set(lang)
    try:
        yield
    finally:
        CURRENT.reset(token)


def say(message: str, **values: object) -> str:
    """``message`` (a msgid) in the current language, placeholders filled."""
    text = _(message, CURRENT.get())
    return text.format(**values) if values else text


#: Words typer writes in usage lines and option lists (metavars, type names), and the metavars of
#: the commands' arguments; replaced as whole tokens, the longest first.
TOKENS = (N_("COMMAND [ARGS]..."), N_("[OPTIONS]"), N_("<list[Path]>"), N_("<list[str]>"), N_("<path>"),
          N_("<str>"), N_("<int>"), N_("INPUTS"), N_("OUT_DIR"), N_("PATH"))
_TOKEN = re.compile("|".join(rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in sorted(TOKENS, key=len, reverse=True)))

#: The notes typer adds after an option's help, in square brackets.
NOTES = {"default": N_("default: {default}"), "env var": N_("env var: {var}")}
REQUIRED = N_("required")


def tokens(text: str) -> str:
    """Metavars and type names of a usage line or an option list in the current language."""
    if CURRENT.get() == "en":
        return text
    return _TOKEN.sub(lambda m: say(m.group(0)), text)


def note(part: str) -> str:
    """One note of ``[default: en; required]`` in the current language."""
    if part == REQUIRED:
        return say(REQUIRED)
    key, sep, value = part.partition(": ")
    if sep and key in NOTES:
        return say(NOTES[key], **{"default" if key == "default" else "var": value})
    return part


def definition(text: str) -> str:
    """An option's help, with its bracketed notes, in the current language."""
    if CURRENT.get() == "en":
        return text
    head, sep, notes = text.rpartition("[") if text.endswith("]") else ("", "", "")
    if not sep or (head and not head.endswith("  ")):
        return say(text)
    notes = "; ".join(note(p) for p in notes[:-1].split("; "))
    return f"{say(head.rstrip()) + '  ' if head.strip() else ''}[{notes}]"


USAGE = N_("Usage:")


class LocalisedFormatter(HelpFormatter):
    """Typer's help formatter, writing every text in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, tokens(args), prefix=f"{say(USAGE)} ")

    def section(self, name: str) -> Any:
        return super().section(say(name))

    def write_text(self, text: str) -> None:
        super().write_text(say(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(tokens(term), definition(text)) for term, text in rows], col_max, col_spacing)


#: The section headings typer writes (msgids of this module, so the translation test sees them).
HEADINGS = (N_("Arguments"), N_("Options"), N_("Commands"), N_("Show this message and exit."))


class LocalisedContext(typer.Context):
    """A context whose help is written by :class:`LocalisedFormatter`."""

    formatter_class = LocalisedFormatter


#: The root help's paragraph on languages, and the word that marks a draft in it.
LANGUAGES_LINE = N_("Languages (--lang or SMARTCITY_LANG): {languages}.")
DRAFT_WORD = N_("draft, not yet reviewed")


def languages_line() -> str:
    """Every registered language with its own name, the drafts marked, in the current language."""
    names = [f"{code} ({found.native_name}{'' if found.reviewed else '; ' + say(DRAFT_WORD)})"
             for code, found in registry().items()]
    return say(LANGUAGES_LINE, languages=", ".join(names))


def write_help(base: Any, command: Any, ctx: Any, formatter: Any) -> None:
    """A command's help, led by the draft line when the run's language is not reviewed yet (one line,
    in the language and in English), and, for ``smartcity --help``, ending with the languages."""
    notice = draft_notice(CURRENT.get())
    if notice:
        formatter.write(f"{notice}\n\n")
    base(command, ctx, formatter)
    if ctx.parent is None:
        formatter.write_paragraph()
        HelpFormatter.write_text(formatter, languages_line())


class LocalisedCommand(TyperCommand):
    """A command whose help and usage line are in the run's language (``@app.command(cls=…)``)."""

    context_class = LocalisedContext

    def format_help(self, ctx: Any, formatter: Any) -> None:
        write_help(TyperCommand.format_help, self, ctx, formatter)


#: Usage errors typer (click) raises, by their English wording: (pattern, msgid of the same facts).
ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), m) for p, m in (
    (r"Missing argument (?P<name>.+)\.$", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.$", N_("Missing option {name}.")),
    (r"Missing parameter:? (?P<name>.+?)\.?$", N_("Missing parameter {name}.")),
    (r"No such option: (?P<name>\S+)(?: \(Possible options: (?P<near>.+)\))?$", N_("No such option: {name}")),
    (r"No such option: (?P<name>\S+)(?: Did you mean (?P<near>.+)\?)?$", N_("No such option: {name}")),
    (r"No such command '(?P<name>.+?)'\.(?: Did you mean (?P<near>.+)\?)?$", N_("No such command '{name}'.")),
    (r"Missing command\.$", N_("Missing command.")),
    (r"Got unexpected extra arguments? ?\(?(?P<args>.*?)\)?$", N_("Got unexpected extra argument(s): {args}")),
    (r"Option '(?P<name>.+)' requires an argument\.$", N_("Option '{name}' requires a value.")),
    (r"Option '(?P<name>.+)' requires (?P<n>\d+) arguments\.$", N_("Option '{name}' requires {n} values.")),
    (r"Option '(?P<name>.+)' does not take a value\.$", N_("Option '{name}' does not take a value.")),
    (r"Argument '(?P<name>.+)' takes (?P<n>\d+) values\.$", N_("Argument '{name}' takes {n} values.")),
    (r"Invalid value for (?P<name>'[^']+'(?: / '[^']+')*)(?: \(env var: '(?P<var>[^']+)'\))?: (?P<reason>.*)$",
     N_("Invalid value for {name}: {reason}")),
))
#: Why a value was refused (the ``reason`` of an invalid value), by typer's (or pydantic's) wording.
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), m) for p, m in (
    (r"(?:Value error, )?'(?P<value>.*)' is not one of (?P<choices>.+?)\.?$", N_("'{value}' is not one of {choices}.")),
    (r"(?:Input should be a valid integer|'(?P<value>.*)' is not a valid integer).*$",
     N_("a whole number is needed.")),
    (r"(?:Input should be a valid number|'(?P<value>.*)' is not a valid float).*$", N_("a number is needed.")),
))
#: What a suggestion list says, appended to the message it completes.
NEAR = N_("Did you mean {suggestions}?")
TRY_HELP = N_("Try '{command} {option}' for help.")
ERROR = N_("Error:")


def translate(message: str, table: tuple[tuple[re.Pattern[str], str], ...] = ERRORS) -> str:
    """A message of typer's in the current language (unchanged when its wording is not known)."""
    if CURRENT.get() == "en":
        return message
    for pattern, msgid in table:
        found = pattern.match(message)
        if found is None:
            continue
        values = {k: v or "" for k, v in found.groupdict().items()}
        if "name" in values:
            values["name"] = tokens(values["name"])
        if values.get("var"):  # the value came from the environment variable
            values["name"] += f" ({say(NOTES['env var'], var=values['var'])})"
        if "reason" in values:
            values["reason"] = translate(values["reason"], REASONS)
        text = say(msgid, **{k: v for k, v in values.items() if k not in ("near", "var")})
        return f"{text} {say(NEAR, suggestions=values['near'])}" if values.get("near") else text
    return message


def show_error(exc: Any) -> None:
    """Write a usage error as typer would (usage line, where to find help, the error), translated."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # the help itself, already written in the language
        typer.echo(exc.format_message(), err=True)
        return
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = say(TRY_HELP, command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
        typer.echo(f"{ctx.get_usage()}\n{hint}", err=True)
    typer.echo(f"{say(ERROR)} {translate(exc.format_message())}", err=True)


class LocalisedGroup(TyperGroup):
    """The ``smartcity`` group: reads the run's language first, then writes help and usage errors in it."""

    context_class = LocalisedContext

    def format_help(self, ctx: Any, formatter: Any) -> None:
        write_help(TyperGroup.format_help, self, ctx, formatter)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        words = sys.argv[1:] if args is None else list(args)
        with speaking(requested_language(words)):
            if not standalone_mode:
                return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            try:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except UsageError as exc:
                show_error(exc)
                leave(getattr(exc, "exit_code", 2))
            except ClickException as exc:  # a file typer could not open, say
                typer.echo(f"{say(ERROR)} {exc.format_message()}", err=True)  # type: ignore[attr-defined]
                leave(getattr(exc, "exit_code", 1))
            except typer.Abort:
                typer.echo(say(N_("Aborted!")), err=True)
                leave(1)
            leave(code if isinstance(code, int) else 0)


def leave(code: int) -> NoReturn:
    """End the run with ``code`` (what typer does in its standalone mode)."""
    sys.exit(code)
