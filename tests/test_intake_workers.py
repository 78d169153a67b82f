"""Reading and checking a folder gives the same intake whatever the number of reader processes, and the
same as checking every raw submission in this process (the checks run where each file is read)."""

from __future__ import annotations

import shutil
from pathlib import Path

import assessment
from assessment.intake import read_submissions, validate_submissions
from assessment.intake.layout import LONG_CSV_COLUMNS
from assessment.intake.read import read_file

ROOT = Path(__file__).resolve().parent.parent


def same_intake(a: assessment.Intake, b: assessment.Intake) -> None:
    assert a.files == b.files
    assert [(p.source, p.code, p.sheet, p.row) for p in a.problems] == [(p.source, p.code, p.sheet, p.row)
                                                                        for p in b.problems]
    assert a.problems == b.problems
    assert a.accepted == b.accepted


def test_one_or_two_reader_processes_and_checks_in_this_process_agree(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    shutil.copytree(ROOT / "examples" / "ascn-2025", folder, ignore=shutil.ignore_patterns("*.md"))
    # the same city twice (a problem found across files, in file order) and a CSV holding only its header
    shutil.copy(folder / "ha-noi-2025.xlsx", folder / "ha-noi-again-2025.xlsx")
    shutil.copy(folder / "da-nang-2025.xlsx", folder / "aa-da-nang-first-2025.xlsx")
    (folder / "header-only.csv").write_text(",".join(LONG_CSV_COLUMNS) + "\n", encoding="utf-8")
    one = read_submissions([folder, tmp_path / "absent.xlsx"], workers=1)
    two = read_submissions([folder, tmp_path / "absent.xlsx"], workers=2)
    codes = [p.code for p in one.problems]
    assert codes.count("duplicate-city") == 2 and "no-data" in codes and "unreadable" in codes
    # 30 workbooks, each usable (the two zz-broken ones have broken values, not broken files); a repeated
    # city is a problem but its rows are kept, as before
    assert len(one.accepted.profiles) == 30
    same_intake(one, two)
    workbooks = sorted(folder.glob("*.xlsx"))  # every file that has data, read and checked here
    here = validate_submissions([s for f in workbooks for s in read_file(f)], one.catalogue)
    kept = [p for p in one.problems if p.source.endswith(".xlsx") and Path(p.source).parent == folder]
    assert here.problems == tuple(kept) and here.accepted == one.accepted
