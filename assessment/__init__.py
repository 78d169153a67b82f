"""smartcity-assessment: smart-city maturity assessment on the ASEAN Smart Cities Framework
and the OECD well-being framework.

The data flow is the architecture, one subpackage per stage (each imports only earlier stages
and the shared base: ``errors``, ``_missing``, ``i18n``, ``resources``, ``templating``)::

    catalogue -> intake (workbook template -> filled workbook -> validated submission)
              -> scoring (normalised, aggregated, levels, ranks) -> report (scorecards)

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
    filled workbooks (every problem an issue row; nothing silently dropped). ``Prefill`` fills
    its input cells; ``Reference`` shows last year's values beside them, never read back.
render_report
    Comparative HTML scorecards (cohort page and one page per city), self-contained and offline,
    in English or Vietnamese.
assess, Assessment, Method, load_method
    Scores: the composite-indicator pipeline (denominate, screen, impute, treat, normalise,
    aggregate, levels, rank, compare) and its result, which keeps the recipe and exports
    every stage.
impute_frame, treat_frame, normalise_frame, aggregate_frame
    The stages as verbs on plain DataFrames (no catalogue needed); ``assessment.scoring``
    exposes every stage function.
AssessmentError, CatalogueError, InputError, InputWarning, Problem
    Errors; every error carries the full list of problems (``InputWarning``: input used, but
    probably not as meant, such as an indicator no unit reported).
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_names, typing_imports
from ._version import __version__

if TYPE_CHECKING:  # what the names are, for type checkers; at run time they load on first use (below)
    from .catalogue import (
        Catalogue,
        CoinrImport,
        Enabler,
        Indicator,
        IndicatorFilter,
        Lens,
        LensNode,
        catalogue_markdown,
        from_coinr,
        indicator_table,
        load_catalogue,
    )
    from .errors import AssessmentError, CatalogueError, InputError, InputWarning, Problem
    from .intake import Intake, Prefill, Reference, read_submissions, write_template
    from .report import render_report
    from .robustness import RobustnessSpec, audit, load_robustness_spec, remove_one, sensitivity, uncertainty
    from .scoring import (
        Assessment,
        Method,
        aggregate_frame,
        assess,
        impute_frame,
        load_method,
        load_result,
        normalise_frame,
        treat_frame,
    )

#: Public name -> the module that defines it, read from the imports above (where each name is written once).
#: Names load on first use (PEP 562), so that ``import assessment`` and the ``smartcity`` command start without
#: pandas, scipy or jinja2; ``from assessment import assess`` and ``assessment.assess`` work as with eager imports.
SOURCES: dict[str, str] = typing_imports(__file__)
#: Subpackages reachable as attributes (``assessment.scoring.normalise``) without importing them first.
SUBPACKAGES = frozenset({"catalogue", "intake", "scoring", "robustness", "report", "errors", "i18n"})


__getattr__, __dir__ = lazy_names(__name__, SOURCES, globals(), SUBPACKAGES)


__all__ = [*sorted(SOURCES, key=str.lower), "__version__"]  # derived from the imports above
