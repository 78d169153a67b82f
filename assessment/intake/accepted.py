"""What the intake keeps: the accepted rows of a cohort's submissions, its problems, and the :class:`Intake`.

:func:`~assessment.intake.validate.read_submissions` builds an :class:`Intake`. Its tables
(:attr:`Intake.data`, :attr:`Intake.enablers`, :attr:`Intake.profiles`, :attr:`Intake.criteria`,
:attr:`Intake.issues`) are made from the accepted records by :mod:`.tables` on first use, so
pandas is imported then and not before: ``smartcity validate`` counts and lists problems
without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._missing import is_missing
from ..catalogue import Catalogue
from ..errors import Problem

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Accepted:
    """The accepted rows of an intake as plain records (one mapping per row), before any table is built.

    ``data``, ``enablers``, ``profiles`` and ``criteria`` hold the rows of the tables of the same
    names (columns: :data:`~assessment.intake.tables.DATA_COLUMNS` and its siblings).
    """

    data: tuple[dict[str, Any], ...] = ()
    enablers: tuple[dict[str, Any], ...] = ()
    profiles: tuple[dict[str, Any], ...] = ()
    criteria: tuple[dict[str, Any], ...] = ()

    def without(self, files: set[str]) -> Accepted:
        """The rows that do not come from ``files``."""
        def keep(rows: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
            return tuple(r for r in rows if r["file"] not in files)
        return Accepted(keep(self.data), keep(self.enablers), keep(self.profiles), keep(self.criteria))


@dataclass(frozen=True, repr=False)
class Intake:
    """The validated submissions of a cohort (:func:`read_submissions`): what :func:`assessment.assess` scores.

    Attributes
    ----------
    accepted
        The accepted rows as plain records; the tables below are built from them on first use
        (pandas is loaded then, not before: a command that only counts and lists problems
        starts faster).
    data, profiles, enablers
        Accepted indicator values, city profiles and enabler answers (one row each, with file and row).
    problems
        Every problem found, in file order.
    catalogue
        The catalogue the submissions were checked against.
    files
        The files read.
    lang
        Language of :attr:`issues` (the problems as a table).
    criteria
        Answers of the Criteria sheet (model, criterion, met, evidence, notes; one row each), for
        catalogues with criteria-based maturity models.
    """

    accepted: Accepted
    problems: tuple[Problem, ...]
    catalogue: Catalogue
    files: tuple[str, ...]
    lang: str = "en"

    def __repr__(self) -> str:
        s = self.summary()
        return (f"Intake(files={s['files']}, cities={s['cities']}, values={s['values']}, "
                f"enabler_answers={s['enabler_answers']}, errors={s['errors']}, warnings={s['warnings']}, "
                f"lang={self.lang!r})")

    def _repr_html_(self) -> str:
        """A notebook summary: the counts, then the first problems."""
        counts = self._tables.summary_frame(self.summary()).to_html(index=False)
        first = self.issues.head(10)[["file", "sheet", "row", "column", "indicator", "severity", "message"]]
        return f"<p><b>Intake</b></p>{counts}{first.to_html(index=False)}"

    @property
    def _tables(self) -> ModuleType:
        # pandas loads here, on first use of a table (see :mod:`.tables`); not an import cycle
        from . import tables
        return tables

    @cached_property
    def data(self) -> pd.DataFrame:
        """Accepted indicator values (:data:`~assessment.intake.tables.DATA_COLUMNS`)."""
        return self._tables.data_frame(self.accepted.data)

    @cached_property
    def enablers(self) -> pd.DataFrame:
        """Enabler answers (:data:`~assessment.intake.tables.ENABLER_DATA_COLUMNS`)."""
        return self._tables.enabler_frame(self.accepted.enablers)

    @cached_property
    def profiles(self) -> pd.DataFrame:
        """City profiles, one per file read (:data:`~assessment.intake.tables.PROFILE_COLUMNS`)."""
        return self._tables.profile_frame(self.accepted.profiles)

    @cached_property
    def criteria(self) -> pd.DataFrame:
        """Answers of the Criteria sheet (:data:`~assessment.intake.criteria.CRITERIA_DATA_COLUMNS`)."""
        return self._tables.criteria_frame(self.accepted.criteria)

    @cached_property
    def issues(self) -> pd.DataFrame:
        """The problems as a table (file, sheet, row, column, indicator, code, severity, message, value, fix)."""
        return self._tables.issues_frame(self.problems, self.lang)

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings and information allowed)."""
        return not any(p.severity == "error" for p in self.problems)

    def summary(self) -> dict[str, int]:
        """Counts: files, cities, values, enabler answers, errors, warnings."""
        sev = [p.severity for p in self.problems]
        acc = self.accepted
        return {"files": len(self.files), "cities": len(acc.profiles),
                "values": sum(not is_missing(r["value"]) for r in acc.data),
                "enabler_answers": sum(not is_missing(r["level"]) for r in acc.enablers),
                "errors": sev.count("error"), "warnings": sev.count("warning")}

    def without_error_files(self) -> Intake:
        """The same intake restricted to the files that have no error (their problems kept)."""
        bad = {p.source for p in self.problems if p.severity == "error"}
        keep = [f for f in self.files if f not in bad]
        return Intake(accepted=self.accepted.without(bad), problems=tuple(p for p in self.problems if p.source in keep),
                      catalogue=self.catalogue, files=tuple(keep), lang=self.lang)

    def write_issues(self, path: str | Path, lang: str = "en") -> Path:
        """Write the problems as ``.csv``, ``.xlsx`` or ``.html`` (formula-injection safe), all text in ``lang``."""
        return self._tables.write_issues(self.problems, self.summary(), Path(path), lang)
