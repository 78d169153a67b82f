"""The locale registry: every language the package speaks, one folder each.

A language is a folder ``templates/locale/<code>/`` holding

* ``locale.toml``: its conventions (TOML, which the standard library reads, so the command line
  learns its languages without loading a YAML parser; every field below), and
* ``LC_MESSAGES/messages.po``: the user interface's translations (none for English, the source).

The built-in catalogue's texts in that language are a third file, ``indicators/locale/<code>.po``
(see :mod:`assessment.catalogue.texts`). Adding a language is adding that folder and that file;
everything that offers a choice of language (``--lang``, ``SMARTCITY_LANG``, the service, the
template) reads :func:`registry`.

Fields of ``locale.toml`` (all required unless a default is named):

``name``, ``native_name``
    The language's name in English and in itself (``Vietnamese``, ``Tiếng Việt``).
``decimal_mark``, ``group_mark``
    How numbers are written and read (CLDR's symbols for the language; a test compares them).
``missing_words``
    Words a person types in a cell for *no data* in this language (lower case). A cell holding one
    of them is read as missing (reported as information), in a template of any language: a word
    that means *not available* in one language means nothing else in another.
``digits``
    The digits people type in this language, 0 to 9 (``0123456789``; Thai adds ``๐๑๒๓๔๕๖๗๘๙`` as
    a second string). The intake reads the decimal digits of any one script; a test checks that
    every registered language's digits are among them.
``era_offsets`` (default none)
    Years a calendar in common use is ahead of the Gregorian one (Thai Buddhist Era: ``543``, so
    2568 is 2025), for the intake to recognise a year written in it.
``countries`` (default none)
    ISO 3166 alpha-2 codes of the countries whose cities work in this language by default (the
    service's demo round invites a city in its country's language; English otherwise).
``plural_forms``
    gettext's ``Plural-Forms`` of the language (the UI's ``.po`` header must say the same).
``fonts``
    The font-family list of pages and PDFs in this language, most wanted first, ending in a
    generic family; the stylesheet takes it per page language.
``word_spaces`` (default true)
    Whether the script puts spaces between words. Thai, Lao, Khmer and Myanmar do not: their pages
    let a line break inside a run of letters where it would overflow (the browser and Pango find
    the word breaks themselves from the page's ``lang``).
``reviewed``, ``reviewed_by``, ``reviewed_on``
    Whether a native speaker signed the translations off, who, and when (an ISO date). Until then
    every page, workbook and the command line's help say in one line that the language is a draft.

``SMARTCITY_LOCALES`` may name a further folder of language folders, read after the package's own
(a translator tries a draft before it joins the package; the tests use it for a throw-away
language). A language there with the code of a packaged one replaces it.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .resources import templates_dir

#: The environment variable naming an extra folder of language folders.
ENV = "SMARTCITY_LOCALES"
#: The source language: catalogue texts and UI msgids are written in it.
SOURCE = "en"
_CODE = re.compile(r"[a-z]{2,3}")
_MAX_BYTES = 64_000


class LocaleError(ValueError):
    """A language folder that cannot be used (every problem of it listed)."""


@dataclass(frozen=True)
class Locale:
    """One language's conventions, as its ``locale.toml`` gives them (see the module docstring)."""

    code: str
    name: str
    native_name: str
    decimal_mark: str
    group_mark: str
    missing_words: tuple[str, ...]
    digits: tuple[str, ...]
    era_offsets: tuple[int, ...]
    countries: tuple[str, ...]
    plural_forms: str
    fonts: tuple[str, ...]
    word_spaces: bool
    reviewed: bool
    reviewed_by: str | None
    reviewed_on: datetime.date | None
    folder: Path

    @property
    def messages(self) -> Path:
        """The UI translations (``LC_MESSAGES/messages.po``; English has none)."""
        return self.folder / "LC_MESSAGES" / "messages.po"

    @property
    def font_family(self) -> str:
        """The CSS ``font-family`` value: names with a space quoted, generic families bare."""
        return ", ".join(f'"{f}"' if " " in f else f for f in self.fonts)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _check(raw: Any, folder: Path) -> list[str]:
    """Every problem of one ``locale.toml`` (its fields, types and the review record)."""
    if not isinstance(raw, dict):
        return ["locale.toml must be a table of fields"]
    bad: list[str] = []
    text_fields = ("name", "native_name", "decimal_mark", "group_mark", "plural_forms")
    list_fields = ("missing_words", "digits", "fonts")
    known = {*text_fields, *list_fields, "era_offsets", "countries", "word_spaces", "reviewed", "reviewed_by",
             "reviewed_on"}
    bad += [f"unknown field '{k}'; allowed: {', '.join(sorted(known))}" for k in sorted(set(raw) - known, key=str)]
    bad += [f"'{f}' must be a text" for f in text_fields if not isinstance(raw.get(f), str) or not raw.get(f)]
    bad += [f"'{f}' must be a list of texts" for f in list_fields if not _strings(raw.get(f))]
    if raw.get("decimal_mark") == raw.get("group_mark"):
        bad.append("'decimal_mark' and 'group_mark' must differ")
    if _strings(raw.get("digits")) and any(len(d) != 10 or not d.isdecimal() for d in raw["digits"]):
        bad.append("each entry of 'digits' must be the ten decimal digits 0 to 9 of one script")
    offsets = raw.get("era_offsets", [])
    if not isinstance(offsets, list) or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets):
        bad.append("'era_offsets' must be a list of whole numbers of years")
    countries = raw.get("countries", [])
    if not isinstance(countries, list) or not all(isinstance(c, str) and re.fullmatch("[A-Z]{2}", c)
                                                   for c in countries):
        bad.append("'countries' must be a list of ISO 3166 alpha-2 codes (VN, TH)")
    if not isinstance(raw.get("word_spaces", True), bool):
        bad.append("'word_spaces' must be true or false")
    if not isinstance(raw.get("reviewed"), bool):
        bad.append("'reviewed' must be true or false")
    if raw.get("reviewed") is True and (not raw.get("reviewed_by") or not isinstance(raw.get("reviewed_on"),
                                                                                      datetime.date)):
        bad.append("a reviewed language names 'reviewed_by' and 'reviewed_on' (a TOML date, YYYY-MM-DD)")
    if folder.name != SOURCE and not (folder / "LC_MESSAGES" / "messages.po").is_file():
        bad.append("LC_MESSAGES/messages.po is missing")
    return bad


def read_locale(folder: Path) -> Locale:
    """The language of one folder (its name is the language code).

    Raises
    ------
    LocaleError
        Listing every problem of the folder.
    """
    code = folder.name
    path = folder / "locale.toml"
    if not _CODE.fullmatch(code):
        raise LocaleError(f"{folder}: a language folder is named by its code (two or three lower-case letters)")
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise LocaleError(f"{path}: larger than {_MAX_BYTES} bytes")
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LocaleError(f"{path}: cannot be read ({exc})") from None
    problems = _check(raw, folder)
    if problems:
        raise LocaleError(f"{path}: " + "; ".join(problems))
    return Locale(code=code, name=raw["name"], native_name=raw["native_name"], decimal_mark=raw["decimal_mark"],
                  group_mark=raw["group_mark"], missing_words=tuple(w.lower() for w in raw["missing_words"]),
                  digits=tuple(raw["digits"]), era_offsets=tuple(raw.get("era_offsets", [])),
                  countries=tuple(raw.get("countries", [])),
                  plural_forms=raw["plural_forms"], fonts=tuple(raw["fonts"]),
                  word_spaces=raw.get("word_spaces", True), reviewed=raw["reviewed"],
                  reviewed_by=raw.get("reviewed_by"), reviewed_on=raw.get("reviewed_on"), folder=folder)


def _folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "locale.toml").is_file()) if root.is_dir() else []


@cache
def registry() -> dict[str, Locale]:
    """Every language, English first, then by code (the order of every language list and column).

    Read once per process: the package's ``templates/locale/`` and, when set, ``SMARTCITY_LOCALES``. A
    folder of the package that cannot be used is a broken install (:class:`LocaleError`); one of
    ``SMARTCITY_LOCALES`` is left out, its problems written to standard error.
    """
    found = {f.name: read_locale(f) for f in _folders(templates_dir() / "locale")}
    extra = os.environ.get(ENV)
    for folder in _folders(Path(extra)) if extra else ():
        try:
            found[folder.name] = read_locale(folder)
        except LocaleError as exc:  # a draft being tried: say what is wrong with it, offer the others
            print(f"{ENV}: {exc}; the language is not offered", file=sys.stderr)
    if SOURCE not in found:
        raise LocaleError(f"the source language '{SOURCE}' has no folder in {templates_dir() / 'locale'}")
    return {SOURCE: found[SOURCE], **{c: found[c] for c in sorted(found) if c != SOURCE}}


def locale(code: str) -> Locale:
    """The registered language ``code`` (English for a code that is not registered)."""
    return registry().get(code) or registry()[SOURCE]


def city_language(country: str) -> str:
    """The language a city of ``country`` (ISO alpha-2) works in by default: the registered language that
    lists the country (the first by code if two do), else English."""
    return next((c for c, found in registry().items() if country in found.countries), SOURCE)
