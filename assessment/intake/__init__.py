"""The intake stage: the workbook a city fills in, and the validated submissions read back from it.

:mod:`~assessment.intake.layout` is the contract between the template writer
(:mod:`~assessment.intake.template`) and the reader (:mod:`~assessment.intake.preflight` checks a
file before any parser touches it, :mod:`~assessment.intake.read` locates the cells,
:mod:`~assessment.intake.numbers` reads typed numbers); :mod:`~assessment.intake.validate` checks
everything and builds the :class:`Intake`; :mod:`~assessment.intake.issues` words every problem
in English or Vietnamese; :mod:`~assessment.intake.tables` turns the accepted rows and the
problems into tables and writes the reports.

Names load on first use (PEP 562), as in :mod:`assessment`: reading and checking workbooks does
not import pandas, which only :mod:`~assessment.intake.tables` needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names, typing_imports

if TYPE_CHECKING:
    from .accepted import Accepted, Intake
    from .issues import ISSUE_COLUMNS, MESSAGES
    from .reference import Reference
    from .tables import issues_frame, write_issues
    from .template import Prefill, write_template
    from .validate import read_submissions, validate_submissions

#: Public name -> the module that defines it.
SOURCES: dict[str, str] = typing_imports(__file__)


__getattr__, __dir__ = lazy_names(__name__, SOURCES, globals())


__all__ = sorted(SOURCES, key=str.lower)  # derived from the imports above
