"""Years as a person typed them: in the Common Era, or in the Buddhist Era that Thai Excel shows by default.

Rule
----
A year cell is first read as a number (:mod:`.numbers`: digits of one script, so ``๒๕๖๘`` is
2568). For a field that accepts the Common Era (CE) years ``low`` to ``high``, a whole number ``y``
is

* a CE year when ``low <= y <= high``: read as it is;
* a year of the Buddhist Era (BE) when ``low + 543 <= y <= high + 543``: read as ``y - 543``
  (BE 2568 is CE 2025) with a warning (``buddhist-era-year``) naming the cell, the number found
  and the year used, so it is never read as a year in the future and never silently;
* otherwise refused, as before (``bad-year``, ``bad-data-year``; ``3025`` is neither).

Why no number can be both: the product accepts CE years up to 2100 (:data:`~.layout.YEARS`,
:data:`~.layout.DATA_YEARS`) and its BE years start at 1900 + 543 = 2443 (the earliest data year),
so the two ranges are 343 years apart; :func:`common_era` refuses a span for which they would
overlap. A BE year is accepted in a template of any language: a Thai city may fill the English one.
"""

from __future__ import annotations

#: BE = CE + 543. One constant until the locale registry (issue 25) supplies each language's era
#: offsets (Thai: ``era_offsets: [543]``); the intake then reads them from there.
BUDDHIST_ERA_OFFSET = 543


def common_era(number: float, span: tuple[int, int]) -> tuple[int, bool] | None:
    """The CE year ``number`` stands for in ``span`` (first and last CE year accepted), and whether it was
    typed in the Buddhist Era; ``None`` when it is not a whole year of the span in either era.

    Raises
    ------
    ValueError
        If ``span`` reaches so late that one of its CE years could also be the BE year of another.
    """
    low, high = span
    if high >= low + BUDDHIST_ERA_OFFSET:
        raise ValueError(f"the years {low}-{high} overlap their own Buddhist Era years")
    if not float(number).is_integer():
        return None
    year = int(number)
    if low <= year <= high:
        return year, False
    if low + BUDDHIST_ERA_OFFSET <= year <= high + BUDDHIST_ERA_OFFSET:
        return year - BUDDHIST_ERA_OFFSET, True
    return None
