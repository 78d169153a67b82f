"""The report stage: comparative HTML scorecards (and PDFs) from an :class:`~assessment.Assessment`.

:mod:`~assessment.report.view` builds the page model (translated labels, scores, peer medians),
:mod:`~assessment.report.charts` the chart geometry, and :mod:`~assessment.report.render` writes
self-contained pages through the jinja2 templates. Beside them: :mod:`~assessment.report.ranks`
(ranks with their intervals from the robustness stage), :mod:`~assessment.report.compare` (2–4
cities side by side), :mod:`~assessment.report.cohort_views` (well-being and enabler heatmaps),
:mod:`~assessment.report.years` (panels: a cohort page per year, trends) and
:mod:`~assessment.report.downloads` (each page's data as CSV).
"""

from .render import render_pdf, render_report, site_pages
from .robustness import render_robustness
from .view import slugify

__all__ = ["render_pdf", "render_report", "render_robustness", "site_pages", "slugify"]
