"""Robustness: uncertainty and sensitivity analysis and a statistical audit of a scored assessment.

A stage after scoring. :func:`uncertainty` and :func:`sensitivity` re-score the nominal
:class:`~assessment.scoring.pipeline.Assessment` under the method variants a
:class:`RobustnessSpec` allows; :func:`remove_one` drops one element at a time; :func:`audit`
describes the statistical structure of the nominal result. Conventions: ``docs/robustness.md``.
"""

from .audit import AuditResult, audit
from .remove import remove_one
from .sensitivity import SensitivityResult, sensitivity
from .spec import RobustnessSpec, load_robustness_spec, spec_from_dict
from .uncertainty import UncertaintyResult, uncertainty

__all__ = [
    "AuditResult",
    "RobustnessSpec",
    "SensitivityResult",
    "UncertaintyResult",
    "audit",
    "load_robustness_spec",
    "remove_one",
    "sensitivity",
    "spec_from_dict",
    "uncertainty",
]
