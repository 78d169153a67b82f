"""Scores: the composite-indicator pipeline (denominate → screen → impute → treat → normalise →
aggregate → levels → rank → compare). :func:`assess` is the entry point; each stage is also
usable alone on a DataFrame.
"""

from .aggregate import aggregate_frame, aggregate_lens, combine
from .impute import impute
from .levels import level_names
from .method import Method, load_method, method_from_dict
from .normalise import normalise, normalise_frame
from .pipeline import Assessment, Recipe, assess
from .prepare import denominate, screen
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
    "winsorise",
]
