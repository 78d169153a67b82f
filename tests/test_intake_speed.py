"""What makes reading workbooks cheaper reads them the same: the pre-flight scan looks each attribute of a cell
or row up once by its local name, with the same rule as before (an unprefixed name first, else the first
prefixed one), so a writer that prefixes attributes is scanned as one that does not."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from assessment.intake.preflight import Scan, preflight

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = [ROOT / "examples" / "ascn-2025" / "da-nang-2025.xlsx",  # 9 cells in hidden rows and columns
             ROOT / "examples" / "ascn-2025" / "zz-broken-1-2025.xlsx",  # an error cell (t="e")
             ROOT / "examples" / "ascn-2025" / "zz-broken-2-2025.xlsx",  # a formula
             ROOT / "tests" / "data" / "bangkok-2025-formats-lo.xlsx"]  # LibreOffice's styles (s="…")

_ELEMENT = re.compile(rb"<(c|row|col)(\s[^>]*)>")
_ATTRIBUTE = re.compile(rb"(\s)([A-Za-z]+)=")


def _rewrite(src: Path, dst: Path, change: bytes) -> Path:
    """``src`` with every attribute of its cells, rows and columns spelt per ``change``."""
    def attributes(m: re.Match[bytes]) -> bytes:
        if change == b"prefixed":  # x:r="B5": the prefix some writers use
            return b"<" + m.group(1) + _ATTRIBUTE.sub(rb"\1x:\2=", m.group(2)) + b">"
        # other values of the same attributes under a prefix, before the plain ones (a place beyond the
        # template's area, a bogus type): the plain ones win, wherever they stand
        plain = m.group(2).rstrip(b"/")
        far = re.sub(rb'y:r="[^"]*"', b'y:r="ZZ4999"', _ATTRIBUTE.sub(rb"\1y:\2=", plain))
        far = re.sub(rb'y:(hidden|t)="[^"]*"', rb'y:\1="bogus"', far)
        return b"<" + m.group(1) + far + plain + (b"/" if m.group(2).endswith(b"/") else b"") + b">"

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = _ELEMENT.sub(attributes, data)
            zout.writestr(item, data)
    return dst


def _seen(scan: Scan) -> tuple[object, ...]:
    return scan.errors, scan.formulas, scan.percent, scan.dates, scan.bad, scan.hidden


@pytest.mark.parametrize("change", [b"prefixed", b"both"])
@pytest.mark.parametrize("src", WORKBOOKS, ids=lambda p: p.stem)
def test_prefixed_attributes_are_scanned_as_plain_ones(src: Path, change: bytes, tmp_path: Path) -> None:
    plain = preflight(src)
    assert any(_seen(plain)), "the workbook has something for the scan to find"
    rewritten = _rewrite(src, tmp_path / src.name, change)
    assert rewritten.read_bytes() != src.read_bytes()
    assert _seen(preflight(rewritten)) == _seen(plain)
