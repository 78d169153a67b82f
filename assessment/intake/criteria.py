"""Answers of the Criteria sheet: met or not met, with evidence, for each criterion of a model.

Only read when the catalogue has criteria-based maturity models
(:mod:`assessment.catalogue.criteria`). The Met? cell takes the dropdown's words in any language
of the package ("met", "not met", "đạt", "không đạt"; case and surrounding spaces ignored); an
empty cell is *not answered*, which the evaluation counts as not met. Anything else is an error,
never a guess. *Met* without evidence is kept as answered but warned about: the evaluation does not
count it (a criterion without evidence is not met).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..catalogue import Catalogue
from ..i18n import LANGUAGES, _
from .layout import CRITERION_KINDS, MET_CHOICES
from .read import RawCell, RawRow

#: Columns of :attr:`assessment.Intake.criteria`.
CRITERIA_DATA_COLUMNS = ("city", "country", "year", "model", "criterion", "met", "evidence", "notes", "file", "row")

Add = Callable[..., None]


def met_words() -> dict[str, bool]:
    """Every accepted spelling of the Met? answer (lower case) → met or not."""
    return {_(msgid, lang).strip().casefold(): met for met, msgid in MET_CHOICES.items() for lang in LANGUAGES}


def met_choices(lang: str) -> list[str]:
    """The dropdown's words in ``lang``: met, not met."""
    return [_(MET_CHOICES[True], lang), _(MET_CHOICES[False], lang)]


def read_answers(rows: list[RawRow], catalogue: Catalogue, add: Add, text: Callable[[RawCell | None, str], str],
                 row_id: Callable[[RawRow, set[str], str], str | None]) -> list[dict[str, Any]]:
    """One record per answered criterion row; problems go to ``add`` (the checker's).

    ``text`` reads a text cell (reporting formulas and errors) and ``row_id`` the row's id
    (reporting a missing or unknown one), as for the other sheets.
    """
    model_of = {c.id: m.id for m in catalogue.criteria for c in m.criteria}
    words = met_words()
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        ident = row_id(row, set(model_of), "unknown-criterion")
        if ident is None:
            continue
        if ident in seen:
            add("duplicate", row.cells["id"], ident, value=ident, other=seen[ident])
            continue
        seen[ident] = row.row
        cell = row.cells["met"]
        said = text(cell, ident).strip().casefold()
        met = words.get(said) if said else None
        if said and met is None:
            accepted = dict.fromkeys(w for lang in LANGUAGES for w in met_choices(lang))
            add("criterion-answer", cell, ident, choices=" / ".join(accepted))
        evidence = text(row.cells.get("evidence"), ident)
        if met and not evidence.strip():
            add("criterion-no-evidence", cell, ident)
        out.append({"model": model_of[ident], "criterion": ident, "met": met, "evidence": evidence,
                    "notes": text(row.cells.get("notes"), ident), "row": row.row})
    return out


def criterion_kind_text(kind: str, lang: str) -> str:
    """A criterion kind as the sheet shows it."""
    return _(CRITERION_KINDS[kind], lang)
