"""The scoring stage: the composite-indicator pipeline (denominate → screen → impute → treat →
normalise → aggregate → levels → rank → compare).

:func:`assess` is the entry point and returns an :class:`Assessment` (every stage's table and the
recipe). The method is typed data (:mod:`~assessment.scoring.method`); inputs of every accepted
kind are brought into one shape by :mod:`~assessment.scoring.inputs`; each stage is one module,
usable alone on a DataFrame, and each method of a stage one class
(:mod:`~assessment.scoring.normalisers`, :mod:`~assessment.scoring.imputers`,
:mod:`~assessment.scoring.treat`, :mod:`~assessment.scoring.means`);
:mod:`~assessment.scoring.export` and :mod:`~assessment.scoring.saved` write results and read
saved ones back.
"""

from .aggregate import aggregate_frame, aggregate_lens, combine
from .frames import impute_frame, treat_frame
from .impute import impute
from .levels import level_names
from .method import Method, load_method, method_from_dict
from .normalise import normalise, normalise_frame
from .prepare import denominate, screen
from .result import Assessment, Recipe, assess
from .saved import load_result, save_result
from .treat import skew_kurt, treat, winsorise

__all__ = [
    "Assessment",
    "Method",
    "Recipe",
    "aggregate_frame",
    "aggregate_lens",
    "assess",
    "combine",
    "denominate",
    "impute",
    "impute_frame",
    "level_names",
    "load_method",
    "load_result",
    "method_from_dict",
    "normalise",
    "normalise_frame",
    "save_result",
    "screen",
    "skew_kurt",
    "treat",
    "treat_frame",
    "winsorise",
]
