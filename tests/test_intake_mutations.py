"""Mutation test: many (seeded, bounded) edits of a valid workbook, as cities make them, and nothing is lost.

For every mutant, every non-empty cell of a city's input columns either reaches the intake (its row's
values are in ``intake.data`` / ``intake.enablers``) or has an issue on its row (or, for a sheet the
reader does not read, an issue naming that sheet). The edits: values of another type (text numbers,
words, booleans, dates), percent and date number formats, rows deleted, moved, swapped or sorted,
formulas without a saved result in text columns, and filled copies of a sheet.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from assessment.intake import read_submissions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
MUTANTS = 24
#: Input columns by sheet position (the names follow the template language: en and vi both mutated).
INPUTS = {1: "C", 2: "EFGHI", 3: "CDE"}


def _values(rng: random.Random) -> object:
    return rng.choice(["1,234.5", "12,5", "lots", "n/a", True, dt.datetime(2024, 5, 1), 0.42, "4-5", "1e400", -3,
                       "=1+1", "  7 ", "75%"])


def _mutate(wb: openpyxl.Workbook, rng: random.Random) -> None:
    ws = wb.worksheets[2]  # the Indicators sheet, in either language
    kind = rng.choice(["type", "percent", "date", "delete", "swap", "sort", "formula", "copy", "move"])
    last = ws.max_row
    if kind == "type":
        for _ in range(3):
            ws[f"{rng.choice('EFGH')}{rng.randint(2, last)}"] = _values(rng)
    elif kind == "percent":
        cell = ws[f"E{rng.randint(2, last)}"]
        cell.value, cell.number_format = rng.choice([0.5, 0.955, 1.2]), "0.0%"
    elif kind == "date":
        cell = ws[f"F{rng.randint(2, last)}"]
        cell.value, cell.number_format = dt.datetime(2023, 7, 1), "dd/mm/yyyy"
    elif kind == "delete":
        ws.delete_rows(rng.randint(2, last))
    elif kind in ("swap", "sort", "move"):
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=last)]
        if kind == "swap":
            i, j = rng.sample(range(len(rows)), 2)
            rows[i], rows[j] = rows[j], rows[i]
        elif kind == "sort":
            rows.sort(key=lambda r: str(r[1]))
        else:
            rows.insert(rng.randint(0, len(rows) - 1), rows.pop(rng.randint(0, len(rows) - 1)))
        for r, values in enumerate(rows, start=2):
            for c, v in enumerate(values, start=1):
                ws.cell(r, c, v)
    elif kind == "formula":
        ws[f"{rng.choice('GI')}{rng.randint(2, last)}"] = '=CONCATENATE("a","b")'
    else:
        copy = wb.copy_worksheet(ws)
        copy[f"E{rng.randint(2, last)}"] = 99.0


def _accounted(path: Path) -> list[tuple[str, int, str]]:
    """The input cells of ``path`` that neither reached the intake nor have an issue (should be none)."""
    intake = read_submissions([path])
    data_rows = set(intake.data["row"])
    ena_rows = set(intake.enablers["row"])
    rows_of = [None if pd.isna(r) else int(r) for r in intake.issues["row"]]
    issue_rows = set(zip(intake.issues["sheet"], rows_of, strict=True))
    issue_sheets = {s for s, r in issue_rows if r is None}
    lost = []
    wb = openpyxl.load_workbook(path)
    for position, ws in enumerate(wb.worksheets):
        if ws.sheet_state != "visible" or position == 0:
            continue
        cols = INPUTS.get(position, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.value in (None, "") or cell.column_letter not in cols:
                    continue
                if position not in INPUTS:
                    ok = ws.title in issue_sheets
                elif position == 1:
                    ok = bool(len(intake.profiles)) or (ws.title, cell.row) in issue_rows
                else:
                    rows = data_rows if position == 2 else ena_rows
                    ok = cell.row in rows or (ws.title, cell.row) in issue_rows
                if not ok:
                    lost.append((ws.title, cell.row, cell.column_letter))
    return lost


@pytest.mark.parametrize("seed", range(MUTANTS))
def test_nothing_lost_in_any_mutant(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(EXAMPLES / ("singapore-2025.xlsx" if seed % 2 else "da-nang-2025.xlsx"))
    for _ in range(rng.randint(1, 3)):
        _mutate(wb, rng)
    path = tmp_path / f"mutant-{seed}.xlsx"
    wb.save(path)
    assert _accounted(path) == []
