"""Seeded unit slips in copies of the example workbooks: the test data of ``test_plausible.py``.

:func:`seed_slips` copies the clean example workbooks (``examples/ascn-2025``) and types into
them the slips a city team makes, each as a person would: a value in grams on a kilogram row, a
fraction on a percentage row, a rate per 1,000 on a per-100,000 row, the city's total on a
per-inhabitant row. Every slip records the value the city meant (the clean workbook's value) and
the value typed, so a test can tell whether a check found the slip and named the right factor.

Slip kinds (``typed = meant × multiplier``), each applied only where a person could make it:

======================  ===============  =====================================================
kind                    multiplier       rows
======================  ===============  =====================================================
``thousand-up``         1000             any unit that is not a share (g for kg, m for km)
``thousand-down``       1/1000           the same (thousands for units: "12.5" for 12,500)
``fraction``            1/100            % units (0.85 for 85 %)
``percent``             100              fraction or coefficient units (38 for a Gini of 0.38)
``hundred-up``          100              units that are not shares
``hundred-down``        1/100            units that are not shares
``decimal-up``          10               any row (a decimal mark one place off)
``decimal-down``        1/10             any row
``base-per-1000``       base / 1,000     rates per 100,000 (a rate per 1,000 typed)
``base-per-10000``      base / 10,000    rates per 100,000
``base-per-100``        base / 100       rates per 100,000 or per 1,000 (a percentage typed)
``total``               population/base  per-inhabitant rates (the city's total typed)
======================  ===============  =====================================================

Choice is seeded (``numpy.random.default_rng(seed)``): the same seed gives the same slips and
the same files. One slip per (workbook, indicator); several slips share a workbook (each check
reads one cell, so slips on different rows do not interact).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl

import assessment
from assessment.catalogue.plausible import unit_base

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"


@dataclass(frozen=True)
class Seeded:
    """One slip typed into one workbook copy: the value ``meant`` was typed as ``typed``."""

    file: str
    indicator: str
    kind: str
    meant: float
    typed: float

    @property
    def factor(self) -> float:
        """What the typed value must be multiplied by to give the value meant."""
        return self.meant / self.typed


def _share(ind: assessment.Indicator) -> bool:
    return "%" in ind.unit["en"]


def _fractional(ind: assessment.Indicator) -> bool:
    return ind.valid_range[1] == 1 and not _share(ind)


def _rate(ind: assessment.Indicator, bases: tuple[int, ...]) -> bool:
    return unit_base(ind)[0] in bases


#: kind → (applies to the indicator, multiplier from the meant value and the city's population)
KINDS: dict[str, tuple[Callable[[assessment.Indicator], bool], Callable[[assessment.Indicator, float], float]]] = {
    "thousand-up": (lambda i: not _share(i) and not _fractional(i), lambda i, p: 1000.0),
    "thousand-down": (lambda i: not _share(i) and not _fractional(i), lambda i, p: 1 / 1000),
    "fraction": (_share, lambda i, p: 1 / 100),
    "percent": (_fractional, lambda i, p: 100.0),
    "hundred-up": (lambda i: not _share(i) and not _fractional(i), lambda i, p: 100.0),
    "hundred-down": (lambda i: not _share(i) and not _fractional(i), lambda i, p: 1 / 100),
    "decimal-up": (lambda i: True, lambda i, p: 10.0),
    "decimal-down": (lambda i: True, lambda i, p: 1 / 10),
    "base-per-1000": (lambda i: _rate(i, (100_000,)), lambda i, p: 1_000 / 100_000),
    "base-per-10000": (lambda i: _rate(i, (100_000,)), lambda i, p: 10_000 / 100_000),
    "base-per-100": (lambda i: _rate(i, (100_000, 1_000)), lambda i, p: 100 / (unit_base(i)[0] or 1)),
    "total": (lambda i: unit_base(i)[1], lambda i, p: p / (unit_base(i)[0] or 1)),
}


def clean_values(path: Path, catalogue: assessment.Catalogue) -> tuple[dict[str, tuple[int, float]], float]:
    """Indicator id → (row, value) of a workbook's filled values, and its population (read as the intake does)."""
    intake = assessment.read_submissions([path], catalogue=catalogue)
    data = intake.data.dropna(subset=["value"])
    population = float(intake.profiles["population"].iloc[0])
    return {str(r.indicator): (int(r.row), float(r.value)) for r in data.itertuples()}, population


def seed_slips(out: Path, per_kind: int = 6, seed: int = 23,
               catalogue: assessment.Catalogue | None = None) -> list[Seeded]:
    """Copy the 26 clean example workbooks into ``out`` and type ``per_kind`` slips of every kind into them.

    A slip is only typed where the value meant is not 0 (0 times any factor is 0: no slip to see).
    Returns every slip typed, in a stable order.
    """
    cat = catalogue or assessment.load_catalogue()
    rng = np.random.default_rng(seed)
    files = sorted(p for p in EXAMPLES.glob("*.xlsx") if not p.name.startswith("zz-"))
    clean = {f.name: clean_values(f, cat) for f in files}
    used: set[tuple[str, str]] = set()
    seeded: list[Seeded] = []
    for kind, (applies, multiplier) in KINDS.items():
        options = [(f.name, ind.id) for f in files for ind in cat.indicators
                   if applies(ind) and ind.id in clean[f.name][0] and clean[f.name][0][ind.id][1] != 0]
        order = rng.permutation(len(options))
        taken = 0
        for k in order:
            name, ident = options[int(k)]
            if taken == per_kind or (name, ident) in used:
                continue
            used.add((name, ident))
            meant = clean[name][0][ident][1]
            typed = meant * multiplier(cat.indicator(ident), clean[name][1])
            seeded.append(Seeded(name, ident, kind, meant, typed))
            taken += 1
    out.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[Seeded]] = {}
    for s in seeded:
        by_file.setdefault(s.file, []).append(s)
    for f in files:
        target = out / f.name
        shutil.copyfile(f, target)
        if f.name not in by_file:
            continue
        wb = openpyxl.load_workbook(target)
        sheet = wb[wb.sheetnames[2]]  # Indicators (named in the workbook's language)
        for s in by_file[f.name]:
            row = clean[f.name][0][s.indicator][0]
            assert sheet.cell(row, 1).value == s.indicator, (f.name, row, s.indicator)
            sheet.cell(row, 5, s.typed)
        wb.save(target)
    return seeded


def right_factor(found: float | None, slip: Seeded) -> bool:
    """True when the value a check says the slip would be is the value meant (to the 4 digits messages show)."""
    return found is not None and math.isclose(found, slip.meant, rel_tol=1e-3)
