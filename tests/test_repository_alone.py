"""The repository carries everything its demo, README and tests read: nothing beside a clone is needed.

A user's clone has no folder next to it, so no file of the project may name one (the development machines
have a folder of reference material beside the repository; code that reads it passes there and fails for
everyone else). Third-party data ship in ``examples/data`` and ``tests/data/reference``, each with a README
that gives source, version, licence and checksum; the checksums are checked here.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Spelled in pieces so that this file does not name what it forbids.
SIBLING = "sha" + "red"
FORBIDDEN = re.compile(
    r"\.\./" + SIBLING + r"\b"  # ../<sibling>
    + r"|[\"']" + SIBLING + r"[\"']\s*/"  # "<sibling>" / "data" (a pathlib join)
    + r"|\b" + SIBLING + r"/(data|reference|hooks)\b"  # <sibling>/data/reference/...
)
SCANNED = ("assessment", "examples", "tests", "benchmarks", "indicators", "templates", "docs", ".ci")
TOP_FILES = ("Makefile", "README.md", "pyproject.toml")
DATA_FOLDERS = (ROOT / "examples" / "data", ROOT / "tests" / "data" / "reference")


def project_files() -> list[Path]:
    files = [ROOT / name for name in TOP_FILES]
    for folder in SCANNED:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return files


def test_no_file_names_a_folder_beside_the_repository() -> None:
    offenders = []
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # workbooks and other binary examples
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)


def test_the_guard_catches_each_spelling() -> None:
    """The pattern above is not vacuous: each way a path to the sibling folder has been written is caught."""
    for line in ('REFERENCE = ROOT.parent / "' + SIBLING + '" / "data" / "reference"',
                 "see ../" + SIBLING + "/data/reference/README.md",
                 "Facts and sources: " + SIBLING + "/reference/vn-framework.md"):
        assert FORBIDDEN.search(line), line
    assert not FORBIDDEN.search("a value " + SIBLING + " by two cities; shared platforms")


def readme_rows(folder: Path) -> dict[str, str]:
    """``file -> sha256`` from the README table of a data folder (first and last columns)."""
    rows = {}
    for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`") and re.fullmatch(r"`[0-9a-f]{64}`", cells[-1]):
            rows[cells[0].strip("`")] = cells[-1].strip("`")
    return rows


@pytest.mark.parametrize("folder", DATA_FOLDERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_is_described_with_its_checksum(folder: Path) -> None:
    rows = readme_rows(folder)
    files = {p.name for p in folder.iterdir() if p.is_file() and p.name != "README.md"}
    assert files and set(rows) == files, (sorted(files - set(rows)), sorted(set(rows) - files))
    for name, digest in rows.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    text = (folder / "README.md").read_text(encoding="utf-8")
    for word in ("source", "licen"):  # every folder says where the data come from and under which terms
        assert word in text.lower(), word
