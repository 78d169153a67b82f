"""Years as a person typed them: in the Common Era, or in the Buddhist Era that Thai Excel shows by default.

Rule
----
A year cell is first read as a number (:mod:`.numbers`: digits of one script, so ``๒๕๖๘`` is
2568). For a field that accepts the Common Era (CE) years ``low`` to ``high``, a whole number ``y``
is

* a CE year when ``low <= y <= high``: read as it is;
* a year of another era when ``low + k <= y <= high + k`` for an era offset ``k`` a registered
  language declares (:mod:`assessment.locales`, ``era_offsets``; Thai's Buddhist Era is
  ``k = 543``): read as ``y - k`` (BE 2568 is CE 2025) with a warning (``buddhist-era-year``)
  naming the cell, the number found and the year used, so it is never read as a year in the future and never silently;
* otherwise refused, as before (``bad-year``, ``bad-data-year``; ``3025`` is neither).

Why no number can be both: the product accepts CE years up to 2100 (:data:`~.layout.YEARS`,
:data:`~.layout.DATA_YEARS`) and its BE years start at 1900 + 543 = 2443 (the earliest data year),
so the two ranges are 343 years apart; :func:`common_era` refuses a span for which they would
overlap. A BE year is accepted in a template of any language: a Thai city may fill the English one.
"""

from __future__ import annotations

import itertools

from ..locales import registry

#: The offsets of the eras registered languages count years in (BE = CE + 543 for Thai), smallest
#: first; a year is read in the first era whose span holds it (the spans cannot overlap, see below).
ERA_OFFSETS: tuple[int, ...] = tuple(sorted({k for lang in registry().values() for k in lang.era_offsets}))


def common_era(number: float, span: tuple[int, int]) -> tuple[int, bool] | None:
    """The CE year ``number`` stands for in ``span`` (first and last CE year accepted), and whether it was
    typed in the Buddhist Era; ``None`` when it is not a whole year of the span in either era.

    Raises
    ------
    ValueError
        If ``span`` reaches so late that one of its CE years could also be the BE year of another.
    """
    low, high = span
    offsets = (0, *ERA_OFFSETS)
    if any(b - a <= high - low for a, b in itertools.pairwise(offsets)):
        raise ValueError(f"the years {low}-{high} overlap their own years in another era")
    if not float(number).is_integer():
        return None
    year = int(number)
    for k in offsets:
        if low + k <= year <= high + k:
            return year - k, k != 0
    return None
