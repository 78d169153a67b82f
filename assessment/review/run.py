"""The review of a cohort: every plausibility query and intake problem per city, and what changed.

:func:`review` takes a validated :class:`~assessment.intake.Intake` (one or more years per city)
and, optionally, the previous round (:class:`~assessment.review.answers.Round`, read back from
the query workbooks a city answered). For each city the latest year is under review: its values
are checked against the city's previous year (``change`` rules), the cohort (``outlier``), each
other and the profile (``ratio``/``difference``/``sum``) and their metadata (``metadata``); the
city's intake errors and warnings are asked too. A value the city confirmed in an earlier round
is not asked again while it stays the same; a query the new data no longer raise is *resolved*.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .._missing import is_missing
from ..catalogue import Catalogue
from ..catalogue.rules import ChangeRule, MetadataRule, OutlierRule
from ..errors import Problem, plain_number
from ..i18n import LANGUAGES, _, text
from ..intake import Intake
from ..intake.layout import INDICATOR_TABLE, PROFILE_FIELDS, SHEETS, column_index
from .answers import Answered, CityRound, Round
from .checks import Place, check_change, check_consistency, check_metadata, check_outliers
from .messages import NOT_APPLIED, VALUE_CODES, Query

CityKey = tuple[str, str]


#: Profile fields that rules may name (the workbook's number fields: consistency terms, ``change`` rules).
PROFILE_TERMS = tuple(f.key for f in PROFILE_FIELDS if f.kind == "number")


def _letter(key: str) -> str:
    return chr(ord("A") + column_index(INDICATOR_TABLE, key))


@dataclass(frozen=True, repr=False)
class Review:
    """The review of a cohort (:func:`review`).

    Attributes
    ----------
    intake
        The submissions reviewed (every year read).
    queries
        Open questions, per city in file order: plausibility queries and intake problems.
    closed
        Questions of the previous round that are closed now (``confirmed``, ``corrected`` or ``resolved``).
    changes
        What changed since the previous round's submission: city, indicator, field, before, after.
    answers
        The previous round's answers: city, query, status, confirmed, corrected value, comment.
    confirmed
        Per city, the values confirmed so far (query key → value), carried into the next round.
    """

    intake: Intake
    queries: tuple[Query, ...]
    closed: tuple[Query, ...] = ()
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    answers: pd.DataFrame = field(default_factory=pd.DataFrame)
    confirmed: dict[CityKey, dict[str, float | None]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Review(cities={len(self.cities())}, open={len(self.queries)}, closed={len(self.closed)}, "
                f"changes={len(self.changes)})")

    def cities(self) -> list[dict[str, Any]]:
        """Who gets a query workbook: per city its latest year (profile rows, in file order).

        Nothing is left out: a file whose profile lacks the city, the country or the year, and a
        file with problems but no profile at all (unreadable), gets its own workbook under the
        file's name (country ``""``, year ``0`` where unknown), listing its problems.
        """
        prof = self.intake.profiles
        complete = prof.dropna(subset=["city", "country", "year"])
        latest = complete.sort_values("year", kind="stable").groupby(["city", "country"], sort=False).tail(1)
        chosen = sorted([*latest.index, *prof.index.difference(complete.index)])
        rows = [dict(r) for r in prof.loc[chosen].to_dict("records")]
        known = set(prof["file"])
        rows += [{"file": src, "lang": self.intake.lang} for src in
                 dict.fromkeys(p.source for p in self.intake.problems) if src not in known]
        taken = {(str(r["city"]), str(r["country"])) for r in rows if r.get("file") in set(complete["file"])}
        for r in rows:
            if r.get("file") in set(complete["file"]):
                continue
            stem = Path(str(r["file"])).name
            city = stem if is_missing(r.get("city")) or not str(r.get("city")).strip() else str(r["city"])
            country = "" if is_missing(r.get("country")) else str(r["country"])
            if (city, country) in taken:
                city = f"{city} ({stem})"
            taken.add((city, country))
            r.update(city=city, country=country, year=0 if is_missing(r.get("year")) else int(r["year"]),
                     lang=r.get("lang") or self.intake.lang)
        return rows

    def table(self, lang: str = "en") -> pd.DataFrame:
        """Every open and closed question as a table, text in ``lang``."""
        rows = [{"city": q.city, "country": q.country, "year": q.year, "query": q.key, "code": q.problem.code,
                 "rule": q.problem.field or q.problem.code, "indicator": q.problem.item, "severity":
                 q.problem.severity, "status": q.status, "value": q.value, "file": q.problem.source,
                 "sheet": q.problem.sheet, "row": q.problem.row, "column": q.problem.column,
                 "message": q.problem.text(lang), "fix": q.problem.fix_text(lang)}
                for q in (*self.queries, *self.closed)]
        return pd.DataFrame(rows, columns=["city", "country", "year", "query", "code", "rule", "indicator",
                                           "severity", "status", "value", "file", "sheet", "row", "column",
                                           "message", "fix"]).astype({"row": "Int64"})

    def counts(self) -> pd.DataFrame:
        """Questions per city and rule: open and closed counts (the cohort summary)."""
        t = self.table()
        if t.empty:
            return pd.DataFrame(columns=["city", "country", "year", "rule", "open", "closed"])
        t["open"] = t["status"].eq("open").astype(int)
        t["closed"] = 1 - t["open"]
        return t.groupby(["city", "country", "year", "rule"], sort=True)[["open", "closed"]].sum().reset_index()

    def under_query(self) -> pd.DataFrame:
        """Values still under a plausibility query: city, country, year, indicator and the reason per language."""
        rows = [{"city": q.city, "country": q.country, "year": q.year, "indicator": q.problem.item,
                 **{f"reason_{lang}": q.problem.text(lang) for lang in LANGUAGES}}
                for q in self.queries if q.problem.code in VALUE_CODES and q.status == "open"]
        cols = ["city", "country", "year", "indicator", *(f"reason_{lang}" for lang in LANGUAGES)]
        return pd.DataFrame(rows, columns=cols)


def _rules(cat: Catalogue) -> tuple[dict[str | None, ChangeRule], dict[str | None, OutlierRule], list[Any],
                                    list[MetadataRule]]:
    change = {r.indicator: r for r in cat.rules if isinstance(r, ChangeRule)}
    outlier = {r.indicator: r for r in cat.rules if isinstance(r, OutlierRule)}
    meta = [r for r in cat.rules if isinstance(r, MetadataRule)]
    consistency = [r for r in cat.rules if not isinstance(r, ChangeRule | OutlierRule | MetadataRule)]
    return change, outlier, consistency, meta


class _Cohort:
    """The intake arranged by city and year, with the place of every value."""

    def __init__(self, intake: Intake) -> None:
        self.intake, self.cat = intake, intake.catalogue
        self.langs = dict(zip(intake.profiles["file"], intake.profiles["lang"], strict=True))
        data = intake.data.dropna(subset=["city", "country", "year"])
        self.by_city: dict[CityKey, dict[int, pd.DataFrame]] = {}
        for (city, country, year), rows in data.groupby(["city", "country", "year"], sort=False):
            self.by_city.setdefault((str(city), str(country)), {})[int(year)] = rows.set_index("indicator")
        self.profiles: dict[CityKey, dict[int, dict[str, float]]] = {}  # the profile fields rules may name
        for rec in intake.profiles.dropna(subset=["city", "country", "year"]).to_dict("records"):
            self.profiles.setdefault((str(rec["city"]), str(rec["country"])), {})[int(rec["year"])] = {
                k: float(rec[k]) for k in PROFILE_TERMS if not is_missing(rec.get(k))}

    def place(self, file: str, row: int | None, key: str = "value") -> Place:
        sheet = SHEETS["indicators"]  # a name, not a literal: the msgid extractor would take it
        return Place(file, _(sheet, self.langs.get(file, "en")), row, _letter(key))


def _city_queries(co: _Cohort, profile: dict[str, Any], latest: pd.DataFrame, earlier: pd.DataFrame | None,
                  earlier_year: int | None) -> Iterator[Problem]:
    change, _outlier, consistency, meta = _rules(co.cat)
    file = str(profile["file"])
    year = int(profile["year"])
    lang = co.langs.get(file, "en")
    profile_sheet = SHEETS["profile"]  # a name, not a literal: the msgid extractor would take it
    key = (str(profile["city"]), str(profile["country"]))
    now = co.profiles.get(key, {}).get(year, {})
    then = co.profiles.get(key, {}).get(earlier_year, {}) if earlier_year is not None else {}
    for field_key in PROFILE_TERMS:  # profile fields change only under a rule that names them
        rule = change.get(field_key)
        if rule is not None and field_key in now and field_key in then and earlier_year is not None:
            label = next(f.label for f in PROFILE_FIELDS if f.key == field_key)
            yield from check_change(rule, field_key, then[field_key], earlier_year, now[field_key], year,
                                    _(label, lang), Place(file, _(profile_sheet, lang)))
    values = {str(k): float(v) for k, v in latest["value"].items() if not is_missing(v)}
    rows = latest["row"].to_dict()
    for ind in co.cat.indicators:
        if ind.id not in values:
            continue
        place = co.place(file, int(rows[ind.id]))
        rule = change.get(ind.id, change.get(None))
        if rule is not None and earlier is not None and ind.id in earlier.index \
                and not is_missing(earlier.at[ind.id, "value"]) and earlier_year is not None:
            yield from check_change(rule, ind.id, float(earlier.at[ind.id, "value"]), earlier_year, values[ind.id],
                                    year, text(ind.unit, co.langs.get(file, "en")), place)
    for rule in consistency:
        first = rule.terms[0]
        place = co.place(file, int(rows[first])) if first in rows else Place(file, _(profile_sheet,
                                                                                       co.langs.get(file, "en")))
        yield from check_consistency(rule, {**now, **values}, place)
    for mrule in meta:
        for ind in co.cat.indicators:
            if ind.id not in values:
                continue
            rec = latest.loc[ind.id]
            meta_values = {"data_year": None if is_missing(rec["data_year"]) else int(rec["data_year"]),
                           "source": rec["source"], "quality": None if is_missing(rec["quality"])
                           else int(rec["quality"])}
            places = {k: co.place(file, int(rec["row"]), k) for k in ("data_year", "source", "quality")}
            yield from check_metadata(mrule, ind.id, ind.tier, values[ind.id], meta_values, places)


def _outlier_queries(co: _Cohort, cities: list[dict[str, Any]]) -> dict[CityKey, list[Problem]]:
    _change, outlier, _cons, _meta = _rules(co.cat)
    out: dict[CityKey, list[Problem]] = {}
    for ind in co.cat.indicators:
        rule = outlier.get(ind.id, outlier.get(None))
        if rule is None:
            continue
        vals, places, keys = [], [], []
        for prof in cities:
            key = (str(prof["city"]), str(prof["country"]))
            latest = co.by_city.get(key, {}).get(int(prof["year"]))
            if latest is None or ind.id not in latest.index or is_missing(latest.at[ind.id, "value"]):
                continue
            vals.append(float(latest.at[ind.id, "value"]))
            places.append(co.place(str(prof["file"]), int(latest.at[ind.id, "row"])))
            keys.append(key)
        for i, problem in check_outliers(rule, ind.id, vals, places):
            out.setdefault(keys[i], []).append(problem)
    return out


def _value_of(latest: pd.DataFrame | None, profile: dict[str, float], item: str) -> float | None:
    """The value a query is about: an indicator's, or a profile field's (a confirmation holds for it)."""
    if item in PROFILE_TERMS:
        return profile.get(item)
    if latest is None or item not in latest.index or is_missing(latest.at[item, "value"]):
        return None
    return float(latest.at[item, "value"])


#: How near the workbook's value must be to the corrected value the city gave for the correction to count
#: (relative): a correction typed with fewer decimals than the workbook holds is still that correction.
CORRECTED_TOLERANCE = 0.005


def near_correction(value: float | None, corrected: float | None) -> bool:
    """Whether ``value`` is the corrected value a city gave (within :data:`CORRECTED_TOLERANCE`, relative)."""
    if value is None or corrected is None:
        return False
    return math.isclose(value, corrected, rel_tol=CORRECTED_TOLERANCE, abs_tol=1e-12)


def _not_applied(p: Problem, answer: Answered | None, value: float | None) -> Problem:
    """The same question in :data:`NOT_APPLIED`'s words when the city answered a corrected value its workbook
    does not hold (``p`` unchanged otherwise): the answer and the value still there, and the question why."""
    if answer is None or answer.corrected is None or value is None or near_correction(value, answer.corrected):
        return p
    filled = tuple(sorted((*p.params, ("corrected", plain_number(answer.corrected)))))
    return replace(p, message=NOT_APPLIED[0], fix=NOT_APPLIED[1], params=filled,
                   numbers=tuple(dict.fromkeys((*p.numbers, "corrected", "found"))))


def review(intake: Intake, previous: Round | None = None) -> Review:
    """Review a cohort: plausibility queries and intake problems per city, closed against ``previous``.

    Parameters
    ----------
    intake
        Validated submissions; for each city the latest year is reviewed, the year before it (if
        read too) is the reference of the ``change`` rules.
    previous
        The previous round, read back from its query workbooks (:func:`assessment.review.read_round`):
        values a city confirmed there are not asked again while unchanged; questions no longer
        raised are closed as ``resolved``.

    Returns
    -------
    Review
        Never raises for a problem in the data: every problem is a question to its city.
    """
    co = _Cohort(intake)
    base = Review(intake, ())
    cities = base.cities()
    outliers = _outlier_queries(co, cities)
    problems_by_file: dict[str, list[Problem]] = {}
    for p in intake.problems:
        if p.severity in ("error", "warning"):
            problems_by_file.setdefault(p.source, []).append(p)
    files_of: dict[CityKey, list[str]] = {}
    for rec in intake.profiles.dropna(subset=["city", "country"]).to_dict("records"):
        files_of.setdefault((str(rec["city"]), str(rec["country"])), []).append(str(rec["file"]))
    open_q: list[Query] = []
    closed: list[Query] = []
    confirmed: dict[CityKey, dict[str, float | None]] = {}
    for prof in cities:
        key = (str(prof["city"]), str(prof["country"]))
        year = int(prof["year"])
        years = co.by_city.get(key, {})
        latest = years.get(year)
        before = [y for y in years if y < year]
        earlier_year = max(before) if before else None
        files = dict.fromkeys([str(prof["file"]), *files_of.get(key, [])])
        problems = [p for f in files for p in problems_by_file.get(f, [])]
        if latest is not None:
            problems += list(_city_queries(co, prof, latest, years.get(earlier_year) if earlier_year else None,
                                           earlier_year))
            problems += outliers.get(key, [])
        old: CityRound | None = previous.city(key) if previous is not None else None
        kept = dict(old.confirmed) if old is not None else {}
        asked: set[str] = set()
        for p in problems:
            q = Query(key[0], key[1], year, p,
                      _value_of(latest, co.profiles.get(key, {}).get(year, {}), p.item) if p.item else None)
            n = 1
            while q.key in asked:  # two problems of one code about one item (two stray cells): number them
                n += 1
                q = Query(key[0], key[1], year, p, q.value, number=n)
            asked.add(q.key)
            status = old.status_of(q) if old is not None and p.severity != "error" else "open"  # errors: fixed or open
            if status == "open":
                answer = next((a for a in old.queries if a.key == q.key), None) if old is not None else None
                open_q.append(replace(q, problem=_not_applied(p, answer, q.value)))
            else:
                closed.append(replace(q, status=status))
                if status == "confirmed":
                    kept[q.key] = q.value
        if old is not None:  # no longer raised: corrected when the value is now the one the city gave
            profile = co.profiles.get(key, {}).get(year, {})
            closed += [Query(key[0], key[1], year, aq.problem, aq.value,
                             "corrected" if near_correction(_value_of(latest, profile, aq.problem.item), aq.corrected)
                             else "resolved") for aq in old.queries if aq.key not in asked]
        confirmed[key] = kept
    changes = previous.changes(intake, cities) if previous is not None else pd.DataFrame()
    answers = previous.answer_table() if previous is not None else pd.DataFrame()
    return Review(intake, tuple(open_q), tuple(closed), changes, answers, confirmed)
