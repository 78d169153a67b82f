"""The catalogue stage: the framework as data.

Indicators, enabler rubrics and lenses (trees over them) are typed models
(:mod:`~assessment.catalogue.models`) validated one record at a time, then as a whole
(:mod:`~assessment.catalogue.checks`); :mod:`~assessment.catalogue.load` reads YAML,
:mod:`~assessment.catalogue.views` makes tables and documents, and
:mod:`~assessment.catalogue.coinr` imports a COINr ``iData``/``iMeta`` pair;
:mod:`~assessment.catalogue.choices` holds the closed vocabularies (tiers, listing formats).

The names below load on first use (PEP 562), so importing :mod:`~assessment.catalogue.choices`
alone (as the command line does for its option choices) costs neither pydantic nor pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names, typing_imports

if TYPE_CHECKING:
    from .coinr import CoinrImport, from_coinr
    from .load import build_catalogue, load_catalogue, read_catalogue
    from .models import Catalogue, Enabler, Indicator, Lens, LensNode, LensRole
    from .views import IndicatorFilter, catalogue_markdown, indicator_table

#: Public name -> the module of this stage that defines it.
SOURCES: dict[str, str] = typing_imports(__file__)

__all__ = sorted(SOURCES, key=str.lower)  # derived from the imports above


__getattr__, __dir__ = lazy_names(__name__, SOURCES, globals())
