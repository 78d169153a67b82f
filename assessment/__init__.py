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
AssessmentError, CatalogueError, InputError, Problem
    Errors; every error carries the full list of problems.
"""

from ._version import __version__
from .catalogue import Catalogue, Enabler, Indicator, Lens, LensNode
from .catalogue_io import load_catalogue
from .catalogue_views import IndicatorFilter, catalogue_markdown, indicator_table
from .coinr import CoinrImport, from_coinr
from .errors import AssessmentError, CatalogueError, InputError, Problem

__all__ = [
    "AssessmentError",
    "Catalogue",
    "CatalogueError",
    "CoinrImport",
    "Enabler",
    "Indicator",
    "IndicatorFilter",
    "InputError",
    "Lens",
    "LensNode",
    "Problem",
    "__version__",
    "catalogue_markdown",
    "from_coinr",
    "indicator_table",
    "load_catalogue",
]
