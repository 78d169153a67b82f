"""A round's languages: the languages its cities work in and its scorecards are published in.

Conventions:

* A round's languages are chosen when it is made, among those the service's interface speaks (the
  locale registry, :data:`assessment.i18n.LANGUAGES`) and its catalogue has texts in. The form offers
  the registered languages the built-in catalogue has; a custom catalogue (uploaded, or the previous
  round's) is checked when the form is sent, and a language it has no texts in is a form error.
* English is always one of them, whatever the form says: it is the source language of every text,
  the scorecard site's top folder (``smartcity report`` writes the other languages beside it, in
  ``site/<lang>``), and the language reviewers and researchers of every country share. The form
  offers Vietnamese too, ticked (the issue's scorecards are "en and vi"); it may be unticked for a
  round outside Viet Nam.
* A round started from a previous one keeps the previous round's languages (its cities, carried
  over, work in them) and may add more.
* The order is the registry's (English first, then by code), whatever order they were given in.
* A city's language (the form, or the ``language`` column of a CSV) must be one of its round's; an
  empty one is English. Anything else is a problem naming the row, what was found and what is
  allowed, never a silent change to English.
* The reader still picks any registered language for the pages (the language buttons): a round's
  languages decide what a city works in and what is published, not what a person may read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..i18n import LANGUAGES, N_
from ..locales import SOURCE, locale
from .jinja import gettext

if TYPE_CHECKING:
    from .models import Round

#: Ticked on the round form: the issue's scorecards are English and Vietnamese.
DEFAULT_LANGUAGES = tuple(code for code in (SOURCE, "vi") if code in LANGUAGES)


def ordered(codes: Iterable[str]) -> list[str]:
    """The registered ones of ``codes`` in the registry's order (English first)."""
    wanted = set(codes)
    return [code for code in LANGUAGES if code in wanted]


def described(codes: Iterable[str]) -> str:
    """Codes with each language's own name, for a message (``en (English), vi (Tiếng Việt)``)."""
    return ", ".join(f"{code} ({locale(code).native_name})" for code in codes)


def builtin_languages() -> tuple[str, ...]:
    """The languages the built-in catalogue has texts in (loaded once per process)."""
    from ..catalogue import load_catalogue

    return load_catalogue().languages


def offered() -> list[tuple[str, str]]:
    """The round form's choices: (code, own name) of every registered language the built-in catalogue has."""
    have = set(builtin_languages())
    return [(code, locale(code).native_name) for code in LANGUAGES if code in have]


def chosen_languages(codes: Iterable[str], catalogue: Iterable[str],
                     previous: Round | None = None) -> tuple[list[str], list[str]]:
    """A new round's languages from the form's codes, and every problem, worded in the page language.

    Parameters
    ----------
    codes
        The ticked codes (case and spaces ignored); English is added.
    catalogue
        The languages the round's catalogue has texts in.
    previous
        The round this one starts from: its languages are kept.
    """
    problems: list[str] = []
    wanted = {SOURCE}
    for raw in codes:
        code = raw.strip().lower()
        if code in LANGUAGES:
            wanted.add(code)
        else:
            problems.append(gettext(N_("'{found}' is not a language of this service; choose among {languages}."))
                            .format(found=raw, languages=described(LANGUAGES)))
    if previous is not None:
        wanted |= set(ordered(previous.languages))
    have = set(catalogue)
    missing = [code for code in ordered(wanted) if code not in have]
    if missing:
        problems.append(gettext(N_(
            "The round's catalogue has no texts in {languages}. Leave them out (a round started from a previous "
            "one keeps that round's languages), or give a catalogue that has them.")).format(
                languages=described(missing)))
    return ordered(wanted), problems


def round_choices(rnd: Round) -> list[tuple[str, str]]:
    """(code, own name) of each language of a round, for the city form."""
    return [(code, locale(code).native_name) for code in ordered(rnd.languages)]


def city_language(rnd: Round, found: str, row: int | None = None, city: str = "") -> tuple[str, str | None]:
    """A city's language as given (empty: English) and its problem, worded in the page language (``None``: good).

    ``row`` is the line of a CSV the value came from (``None``: the form).
    """
    code = found.strip().lower() or SOURCE
    if code in ordered(rnd.languages):
        return code, None
    allowed = described(ordered(rnd.languages))
    if row is None:
        return code, gettext(N_("'{found}' is not one of this round's languages ({languages}).")).format(
            found=found, languages=allowed)
    return code, gettext(N_("Row {row} ({city}): the language '{found}' is not one of this round's languages "
                            "({languages}). Give one of them, or leave the cell empty for English.")).format(
        row=row, city=city, found=found, languages=allowed)
