"""A city as the organiser gives it (the form or a CSV row): its profile and its contact addresses, checked.

Conventions:

* The profile holds the City-profile fields of the workbook the organiser may know before the city
  does (:data:`GIVEN`: population, area, peer group, contact person and e-mail; the city, country
  and year are the city's record and the round's). Each value is checked by the workbook reader's
  own rules (:func:`assessment.intake.profile.profile_value`), read in the page language (the
  organiser's, who typed it: ``1.234,5`` on a Vietnamese page), and kept as the reader reads it (a
  number as a float, a text in NFC); the template writes it in the city's language. An empty value
  (or a word for "not available") is not kept, and every field may be left to the city.
  ``contact_email`` must also be one e-mail address (Django's ``EmailValidator``).
* Contacts: one or more addresses in one cell, separated by ``;`` or ``,`` (spaces around them
  ignored), each checked by Django's ``EmailValidator``; an address given twice (in any case) is
  kept once, in the order given. Every address gets its own invitation link.
* Problems are worded in the page language with the place they were found: the CSV's line (the header
  is line 1), the city and the field, then the intake's own message (what was expected, what was
  found) and its fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ..i18n import N_
from ..intake.layout import PROFILE_FIELDS, ProfileField
from ..intake.profile import profile_value
from .words import current, gettext

#: The profile fields an organiser may give (the workbook's City profile, less city, country and year).
GIVEN: tuple[ProfileField, ...] = tuple(f for f in PROFILE_FIELDS if f.key not in ("city", "country", "year"))
#: The city's country, checked by the same rules (an ISO 3166-1 alpha-2 code, in any case), kept on the city.
COUNTRY: ProfileField = next(f for f in PROFILE_FIELDS if f.key == "country")
#: The columns a CSV of cities may have: the city's record, its contacts, then the profile's keys.
CSV_COLUMNS: tuple[str, ...] = ("city", "country", "language", "email", *(f.key for f in GIVEN))
#: The label of the contacts' field (the ``email`` column).
CONTACTS_LABEL = N_("Contact e-mails")
_SEPARATORS = re.compile(r"[;,]")


def split_contacts(text: str) -> list[str]:
    """The addresses of one cell, in order, separated by ``;`` or ``,``; empty parts skipped."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _not_an_address(found: str) -> str:
    return gettext(N_("'{found}' is not an e-mail address: give addresses such as name@example.org, separated "
                      "by ';'.")).format(found=found)


def checked_contacts(text: str) -> tuple[list[str], list[str]]:
    """The distinct addresses of ``text`` and, for each one that is not an address, its problem (unplaced)."""
    kept: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for address in split_contacts(text):
        try:
            validate_email(address)
        except ValidationError:
            problems.append(_not_an_address(address))
            continue
        if address.casefold() not in seen:
            seen.add(address.casefold())
            kept.append(address)
    return kept, problems


def checked_profile(cells: Mapping[str, str],
                    fields: tuple[ProfileField, ...] = GIVEN) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The values of ``cells`` for ``fields`` (by key) and every problem as ``(field label, text)``, both read
    and worded in the page language."""
    page = current()
    profile: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for f in fields:
        raw = (cells.get(f.key) or "").strip()
        value, findings = profile_value(f, raw, page)
        label = gettext(f.label)
        for finding in findings:
            p = finding.problem("", raw)
            if p.severity == "error":  # "n/a" is information: the value is missing, as an empty cell is
                problems.append((label, " ".join(t for t in (p.text(page), p.fix_text(page)) if t)))
        if f.key == "contact_email" and value is not None:
            try:
                validate_email(value)
            except ValidationError:
                problems.append((label, _not_an_address(value)))
                value = None
        if value is not None:
            profile[f.key] = value
    return profile, problems


def checked_city(cells: Mapping[str, str], row: int | None = None,
                 city: str = "") -> tuple[str, dict[str, Any], list[str], list[str]]:
    """A city's country, profile and contacts from a form or a CSV row (``row``: its line; ``None``: the form).

    Returns the country as the workbook's reader reads it (an upper-case ISO code; ``""``: not given or
    refused), the profile, the contact addresses and every problem, each worded with its place: the
    country's first (a code the workbook's reader refuses is refused here, never cut to two letters),
    then the profile's in the workbook's order, then the contacts'.
    """
    country, found = checked_profile(cells, (COUNTRY,))
    profile, more = checked_profile(cells)
    found += more
    contacts, bad = checked_contacts(cells.get("email") or "")
    found += [(gettext(CONTACTS_LABEL), text) for text in bad]
    if row is None:
        problems = [gettext(N_("{field}: {problem}")).format(field=label, problem=text) for label, text in found]
    else:
        problems = [gettext(N_("Row {row} ({city}), {field}: {problem}")).format(
            row=row, city=city, field=label, problem=text) for label, text in found]
    return country.get(COUNTRY.key, ""), profile, contacts, problems


def unknown_columns(header: list[str]) -> list[str]:
    """The columns of a CSV's header that are not read (so that a misspelt one is not dropped in silence)."""
    return [name for name in header if name.strip() and name.strip() not in CSV_COLUMNS]
