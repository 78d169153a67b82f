"""smartcity-assessment: smart-city maturity assessment on the ASEAN Smart Cities Framework
and the OECD well-being framework.

The data flow is the architecture::

    catalogue -> workbook template -> filled workbook -> validated submission
              -> scores (normalised, aggregated, levels, ranks) -> scorecard

Public API
----------
load_catalogue
    The built-in ASCF x OECD catalogue, or a user's YAML catalogue, validated as a whole.
from_coinr
    A COINr-style ``iData``/``iMeta`` pair as data plus a catalogue (any number of levels).
Catalogue, Indicator, Enabler, Lens
    The typed catalogue models.
write_template, read_submissions, Intake
    City workbooks: the template a city fills in, and the validated intake of a folder of
    filled workbooks (every problem an issue row; nothing silently dropped).
render_report
    Comparative HTML scorecards (cohort page and one page per city), self-contained and offline,
    in English or Vietnamese.
assess, Assessment, Method, load_method
    Scores: the composite-indicator pipeline (denominate, screen, impute, treat, normalise,
    aggregate, levels, rank, compare) and its result, which keeps the recipe and exports
    every stage. ``assessment.scoring`` also exposes each stage on plain DataFrames.
AssessmentError, CatalogueError, InputError, Problem
    Errors; every error carries the full list of problems.
"""

from ._version import __version__
from .catalogue import Catalogue, Enabler, Indicator, Lens, LensNode
from .catalogue_io import load_catalogue
from .catalogue_views import IndicatorFilter, catalogue_markdown, indicator_table
from .coinr import CoinrImport, from_coinr
from .errors import AssessmentError, CatalogueError, InputError, Problem
from .robustness import RobustnessSpec, audit, load_robustness_spec, remove_one, sensitivity, uncertainty
from .scorecard import render_report
from .scoring import Assessment, Method, assess, load_method, load_result
from .submission import Intake, read_submissions
from .template import Prefill, write_template

__all__ = [
    "Assessment",
    "AssessmentError",
    "Catalogue",
    "CatalogueError",
    "CoinrImport",
    "Enabler",
    "Indicator",
    "IndicatorFilter",
    "InputError",
    "Intake",
    "Lens",
    "LensNode",
    "Method",
    "Prefill",
    "Problem",
    "RobustnessSpec",
    "__version__",
    "assess",
    "audit",
    "catalogue_markdown",
    "from_coinr",
    "indicator_table",
    "load_catalogue",
    "load_method",
    "load_result",
    "load_robustness_spec",
    "read_submissions",
    "remove_one",
    "render_report",
    "sensitivity",
    "uncertainty",
    "write_template",
]
