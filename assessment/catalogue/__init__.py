"""The catalogue stage: the framework as data.

Indicators, enabler rubrics and lenses (trees over them) are typed models
(:mod:`~assessment.catalogue.models`) validated one record at a time, then as a whole
(:mod:`~assessment.catalogue.checks`); :mod:`~assessment.catalogue.load` reads YAML,
:mod:`~assessment.catalogue.views` makes tables and documents, and
:mod:`~assessment.catalogue.coinr` imports a COINr ``iData``/``iMeta`` pair.
"""

from .coinr import CoinrImport, from_coinr
from .load import build_catalogue, load_catalogue, read_catalogue
from .models import Catalogue, Enabler, Indicator, Lens, LensNode, LensRole
from .views import IndicatorFilter, catalogue_markdown, indicator_table

__all__ = [
    "Catalogue",
    "CoinrImport",
    "Enabler",
    "Indicator",
    "IndicatorFilter",
    "Lens",
    "LensNode",
    "LensRole",
    "build_catalogue",
    "catalogue_markdown",
    "from_coinr",
    "indicator_table",
    "load_catalogue",
    "read_catalogue",
]
