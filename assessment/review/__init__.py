"""The review stage: the reviewer's verification loop between intake and scoring.

Plausibility rules are catalogue data (:mod:`assessment.catalogue.rules`); the checks
(:mod:`~assessment.review.checks`, one pure function per rule kind) raise *queries*
(:mod:`~assessment.review.messages`, worded in English and Vietnamese), never change a value.
:func:`review` gathers every query and intake problem per city (:mod:`~assessment.review.run`);
:func:`write_review` writes one query workbook per city in its language and the cohort summary
(:mod:`~assessment.review.workbook`); :func:`read_round` reads answered workbooks back
(:mod:`~assessment.review.answers`) so that the next round closes what was confirmed or corrected.
"""

from .answers import CityRound, Round, read_city, read_round
from .messages import MESSAGES, VALUE_CODES, Query
from .run import Review, review
from .workbook import write_review, write_summary

__all__ = [
    "MESSAGES",
    "VALUE_CODES",
    "CityRound",
    "Query",
    "Review",
    "Round",
    "read_city",
    "read_round",
    "review",
    "write_review",
    "write_summary",
]
