"""Is a value possible, plausible, or a unit slip? One pure judgement, shared by every stage.

:func:`judge` takes an indicator, the value a city typed and the city's profile figures, and
returns a :class:`Verdict` (or ``None`` when the value is plausible):

* **impossible**: outside the hard limits (``valid_range``: a share above 100 %, a negative
  count). The intake refuses the value (an error).
* **implausible**: inside the hard limits but outside the plausible range (``plausible``: the
  values real cities report, with the source named). The intake keeps the value with a warning;
  the review asks the city about it until the city confirms it.

Either way, when the value would fall inside the plausible range after a slip a person commonly
makes, the verdict names the slip and the value it would be (:class:`Slip`). The slips tried,
in this order (the order breaks ties):

``denominator``
    for an indicator the scoring divides by a profile field (``denominator``): the profile field
    in thousands (or the value in units) explains the value by a factor of 1,000;
``fraction``
    a fraction typed on a percentage unit (0.85 for 85 %): a factor of 100 up;
``percent``
    a percentage typed on a unit that is a fraction or coefficient (38 for 0.38): 100 down;
``base``
    a rate given per another population base (per 1,000 for per 100,000 …; ``base`` names it);
``total``
    a total for the whole city typed on a per-inhabitant unit: the value divided by the
    profile's population (times the unit's base) is what it would be;
``thousand``
    a factor of 1,000 (grams for kilograms, metres for kilometres, thousands for units);
``hundred``
    another factor of 100;
``decimal``
    a decimal mark one place off: a factor of 10.

**Choosing between slips.** Where several slips land inside the plausible range (a wide range
can hold both 5 and 50), the two landing nearest the indicator's typical value are named, the
nearer first (a range check alone cannot tell 3,759 from 37,588 USD when both are plausible; the
city can, at a glance). Typical is the
middle of its goalposts when they overlap the range, else the middle of the range (moved to
the range's nearest end if it falls outside); distance is on a log scale (a factor of 10 up is as
far as 10 down). The middle is geometric, or arithmetic when the goalposts (or the range) start
at 0, where no geometric middle exists (for 0–100 000 per 100,000: 50 000, the scale the
goalposts were set on). Ties keep the order above. A slip is only a hint: the city says what it meant.

Conventions: NaN and infinite values are not judged (the number reader refuses them first);
the ranges are closed (a value equal to a bound is inside); a value of 0 cannot be a slip of a
factor; the profile figures used are those the intake read (``population``, ``area_km2`` …), a
missing one simply removes the slips that need it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .models import Indicator

SlipKind = Literal["thousand", "fraction", "percent", "hundred", "decimal", "base", "total", "denominator"]
#: Population bases a rate is commonly given per (per inhabitant, per 100 … per million).
BASES = (1, 100, 1_000, 10_000, 100_000, 1_000_000)
_PER_BASE = re.compile(r"\bper ([\d,]+)\b")
_PER_ONE = re.compile(r"\bper (inhabitant|person|capita)\b")


@dataclass(frozen=True)
class Slip:
    """A unit slip that explains a value: the value meant is ``typed × factor``.

    ``base`` is the population base the city seems to have used (kind ``base``), else ``None``.
    """

    kind: SlipKind
    factor: float
    value: float
    base: int | None = None


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a value: ``impossible`` (outside ``[low, high]``, the hard limits) or
    ``implausible`` (outside the plausible range ``[low, high]``); ``side`` is ``low`` or ``high``.
    ``value`` is the figure compared: the value typed, or per unit of the denominator."""

    kind: Literal["impossible", "implausible"]
    side: Literal["low", "high"]
    value: float
    low: float | None
    high: float | None
    slips: tuple[Slip, ...] = ()

    @property
    def slip(self) -> Slip | None:
        """The slip that explains the value best (``None`` when none does)."""
        return self.slips[0] if self.slips else None


def unit_base(ind: Indicator) -> tuple[int | None, bool]:
    """The unit's rate base (``per 100,000 inhabitants`` → 100000) and whether it is per inhabitant.

    Read from the English unit text: ``per N …`` gives the base N (births, people aged 15–64 too);
    ``per inhabitant``/``person``/``capita`` gives 1. The second item is True when the base counts
    the city's whole population (so a total divided by the profile's population is comparable).
    ``(None, False)`` for a unit with no base (µg/m³, %, minutes).
    """
    unit = ind.unit.get("en", "")
    m = _PER_BASE.search(unit)
    if m is not None:
        base = int(m.group(1).replace(",", ""))
        return base, bool(re.search(rf"per {re.escape(m.group(1))} inhabitants\b", unit))
    if _PER_ONE.search(unit):
        return 1, True
    return None, False


def _candidates(ind: Indicator, value: float, population: float | None) -> list[Slip]:
    """Every slip that could explain ``value``, in the order of the module docstring (ties keep it)."""
    unit = ind.unit.get("en", "")
    base, per_inhabitant = unit_base(ind)
    out: list[Slip] = []
    if ind.denominator is not None:
        out += [Slip("denominator", 1 / 1000, value / 1000), Slip("denominator", 1000.0, value * 1000)]
    if "%" in unit:
        out.append(Slip("fraction", 100.0, value * 100))
    if "0–1" in unit or "0-1" in unit or (ind.valid_range[1] == 1 and "%" not in unit):
        out.append(Slip("percent", 1 / 100, value / 100))
    if base is not None and base > 1:  # per inhabitant: per 1,000 inhabitants is no common slip, grams are
        out += [Slip("base", base / other, value * base / other, other) for other in BASES if other != base]
    if per_inhabitant and base is not None and population:
        out.append(Slip("total", base / population, value * base / population))
    out += [Slip("thousand", 1000.0, value * 1000), Slip("thousand", 1 / 1000, value / 1000),
            Slip("hundred", 100.0, value * 100), Slip("hundred", 1 / 100, value / 100),
            Slip("decimal", 10.0, value * 10), Slip("decimal", 1 / 10, value / 10)]
    return out


def _typical(ind: Indicator, low: float, high: float) -> float:
    """Log of the indicator's typical value (see the module docstring)."""
    lo, hi = low, high
    gp = ind.goalposts
    if gp is not None and min(gp.worst, gp.best) < high and max(gp.worst, gp.best) > low:
        lo, hi = min(gp.worst, gp.best), max(gp.worst, gp.best)
    middle = (lo + hi) / 2 if lo <= 0 else math.sqrt(lo * hi)
    middle = min(max(middle, low), high)  # goalposts reaching beyond the range: its nearest end
    return math.log(middle) if middle > 0 else 0.0


def find_slips(ind: Indicator, value: float, low: float, high: float,
               population: float | None = None) -> tuple[Slip, ...]:
    """The slips that put ``value`` inside ``[low, high]``, nearest the typical value first: at most two.

    Two slips landing on the same value count once (the first in the docstring's order names it).
    """
    if value == 0 or not math.isfinite(value):
        return ()
    fits = [s for s in _candidates(ind, value, population) if low <= s.value <= high and s.value > 0]
    centre = _typical(ind, low, high)
    fits.sort(key=lambda s: abs(math.log(s.value) - centre))  # a stable sort: equals keep their order
    out: list[Slip] = []
    for s in fits:
        if not any(math.isclose(s.value, o.value, rel_tol=1e-9) for o in out):
            out.append(s)
    return tuple(out[:2])


def judge(ind: Indicator, value: float, profile: Mapping[str, float | None] | None = None) -> Verdict | None:
    """Judge one value of ``ind``: ``None`` when plausible (or nothing to compare it with).

    Parameters
    ----------
    ind
        The indicator; its ``valid_range`` are the hard limits, its ``plausible`` the range real
        cities report (without one, only the hard limits are checked).
    value
        The value as typed (already read as a number).
    profile
        The city's profile figures (``population``, ``area_km2`` …), for the ``total`` slip and
        for a denominated indicator.

    Returns
    -------
    Verdict or None
        The first failed check (hard limits before the plausible range), with the slip that would
        explain it, if any.
    """
    if not math.isfinite(value):
        return None
    prof = profile or {}
    population = prof.get("population")
    population = float(population) if population else None
    lo, hi = ind.valid_range
    pl = ind.plausible
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        slips = find_slips(ind, value, pl.low, pl.high, population) if pl is not None else ()
        return Verdict("impossible", "low" if lo is not None and value < lo else "high", value, lo, hi, slips)
    if pl is None:
        return None
    shown = value
    if ind.denominator is not None:
        denom = prof.get(ind.denominator)
        if not denom:
            return None
        shown = value / float(denom)
    if pl.low <= shown <= pl.high:
        return None
    slips = find_slips(ind, shown, pl.low, pl.high, None if ind.denominator else population)
    return Verdict("implausible", "low" if shown < pl.low else "high", shown, pl.low, pl.high, slips)
