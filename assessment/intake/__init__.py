"""The intake stage: the workbook a city fills in, and the validated submissions read back from it.

:mod:`~assessment.intake.layout` is the contract between the template writer
(:mod:`~assessment.intake.template`) and the reader (:mod:`~assessment.intake.preflight` checks a
file before any parser touches it, :mod:`~assessment.intake.read` locates the cells,
:mod:`~assessment.intake.numbers` reads typed numbers); :mod:`~assessment.intake.validate` checks
everything and builds the :class:`Intake`; :mod:`~assessment.intake.issues` words every problem
in English or Vietnamese and writes the reports.
"""

from .issues import ISSUE_COLUMNS, MESSAGES, issues_frame, write_issues
from .template import Prefill, write_template
from .validate import Intake, read_submissions, validate_submissions

__all__ = [
    "ISSUE_COLUMNS",
    "MESSAGES",
    "Intake",
    "Prefill",
    "issues_frame",
    "read_submissions",
    "validate_submissions",
    "write_issues",
    "write_template",
]
