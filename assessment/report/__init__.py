"""The report stage: comparative HTML scorecards (and PDFs) from an :class:`~assessment.Assessment`.

:mod:`~assessment.report.view` builds the page model (translated labels, scores, peer medians),
:mod:`~assessment.report.charts` the chart geometry, and :mod:`~assessment.report.render` writes
self-contained pages through the jinja2 templates.
"""

from .render import render_pdf, render_report
from .robustness import render_robustness
from .view import slugify

__all__ = ["render_pdf", "render_report", "render_robustness", "slugify"]
