"""The intake assembled from each submission's checks, in file order.

Each submission is checked on its own (:func:`assessment.intake.validate.check`), in the process
that read it; what the checks give (:class:`Checked`, plain data) comes back here, where the one
check across submissions (the same city and year twice) runs in the order of the files, so the
problems and accepted rows are the same whatever the number of reader processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue
from ..errors import Problem
from .accepted import Accepted, Intake
from .issues import issue
from .layout import PROFILE_KEYS
from .read import RawCell, nfc


@dataclass
class Checked:
    """One submission after its own checks: its file, whether it could be used, its city cell, language
    and marker, the profile as read, its problems and its accepted indicator, enabler and criteria rows."""

    file: str
    ok: bool
    city: RawCell | None
    lang: str
    marker: dict[str, str]
    profile: dict[str, Any]
    problems: list[Problem]
    rows: list[dict[str, Any]]
    enabler_rows: list[dict[str, Any]]
    criteria_rows: list[dict[str, Any]]


def problem(code: str, file: str, cell: RawCell | None = None, indicator: str = "", value: Any = None,
            sheet: str = "", row: int | None = None, **params: Any) -> Problem:
    """A problem of ``file`` at ``cell`` (or ``sheet`` and ``row``); ``found`` is ``value``, else the cell's."""
    return issue(code, file, sheet=cell.sheet if cell else sheet, row=cell.row if cell else row,
                 column=(cell.ref.rstrip("0123456789") if cell else ""), item=indicator,
                 found=value if value is not None else (cell.value if cell else None), **params)


def _same_name(name: str | None) -> str | None:
    """A city name as compared for duplicates: NFC, spaces collapsed, case folded ("Đà Nẵng" typed in NFD
    or "ĐÀ NẴNG" is the same city as "Đà Nẵng"; the name shown is the one typed, in NFC)."""
    return None if name is None else " ".join(nfc(name).split()).casefold()


def assemble(checked: list[Checked], catalogue: Catalogue, lang: str = "en") -> Intake:
    """The :class:`Intake` of checked submissions, in their order: a city-year met again is a
    ``duplicate-city`` problem of the later file, after that file's own problems."""
    problems: list[Problem] = []
    data, enablers, profiles, criteria = [], [], [], []
    cities: dict[tuple[Any, Any, Any], str] = {}
    for c in checked:
        prof = c.profile
        problems += c.problems
        key = (_same_name(prof.get("city")), prof.get("country"), prof.get("year"))
        if c.ok and all(k is not None for k in key):
            if key in cities:
                problems.append(problem("duplicate-city", c.file, c.city, value=f"{prof.get('city')} ({key[1]}) "
                                        f"{key[2]}", other=Path(cities[key]).name))
            else:
                cities[key] = c.file
        if not c.ok:
            continue
        ids = {"city": prof.get("city"), "country": prof.get("country"), "year": prof.get("year")}
        data += [ids | r | {"file": c.file} for r in c.rows]
        enablers += [ids | r | {"file": c.file} for r in c.enabler_rows]
        criteria += [ids | r | {"file": c.file} for r in c.criteria_rows]
        profiles.append({k: prof.get(k) for k in PROFILE_KEYS}
                        | {"file": c.file, "lang": c.lang, "catalogue_version": c.marker.get("catalogue_version", ""),
                           "notice": c.marker.get("notice", "")})
    accepted = Accepted(tuple(data), tuple(enablers), tuple(profiles), tuple(criteria))
    return Intake(accepted=accepted, problems=tuple(problems), catalogue=catalogue,
                  files=tuple(dict.fromkeys(c.file for c in checked)), lang=lang)
