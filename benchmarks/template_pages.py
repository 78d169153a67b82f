"""How the workbook template prints: convert it with LibreOffice (headless) to PDF and count the pages.

Usage::

    .venv/bin/python benchmarks/template_pages.py [--lang en|vi] [--keep DIR] [--install]

Writes a fresh template (``smartcity template``'s writer), converts it with
``soffice --headless --convert-to pdf`` and prints the number of PDF pages, in total and per
sheet (each sheet is also converted on its own, from a copy of the workbook where it is the only
visible sheet, so the per-sheet counts show which sheet prints how). LibreOffice prints every
visible sheet, so the hidden ``Lists`` and marker sheets never print.

LibreOffice is not a dependency of the package or of its tests: when ``soffice`` is missing the
script says so and stops (exit 3), or, with ``--install``, installs it first with
``apt-get install -y libreoffice-calc-nogui`` (Debian/Ubuntu, as root).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: One page object in a PDF (``/Type /Page``, not the ``/Type /Pages`` tree nodes).
PAGE = re.compile(rb"/Type\s*/Page(?![a-z])")


def pdf_pages(pdf: Path) -> int:
    """Number of page objects in a PDF file (LibreOffice writes no compressed object streams)."""
    return len(PAGE.findall(pdf.read_bytes()))


def soffice(install: bool) -> str:
    """Path of the LibreOffice binary; installs ``libreoffice-calc-nogui`` when asked and missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and install:
        subprocess.run(["apt-get", "install", "-y", "-q", "libreoffice-calc-nogui"], check=True)
        found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        print("LibreOffice (soffice) not found: run with --install, or apt-get install -y libreoffice-calc-nogui",
              file=sys.stderr)
        raise SystemExit(3)
    return found


def to_pdf(binary: str, workbook: Path, out_dir: Path) -> Path:
    """Convert ``workbook`` to PDF in ``out_dir`` with a throw-away LibreOffice profile."""
    profile = out_dir / "lo-profile"
    subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out_dir), str(workbook)], check=True, capture_output=True, timeout=300)
    return out_dir / (workbook.stem + ".pdf")


def only_sheet(workbook: Path, keep: str, out: Path) -> Path:
    """A copy of ``workbook`` where ``keep`` is the only visible sheet (the other visible ones deleted)."""
    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    for ws in list(wb.worksheets):
        if ws.title != keep and ws.sheet_state == "visible":
            wb.remove(ws)
    wb.active = wb.sheetnames.index(keep)
    wb.save(out)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write a template, print its page count in total and per visible sheet."""
    from assessment.intake import write_template

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en", choices=["en", "vi"])
    parser.add_argument("--keep", type=Path, help="keep the workbook and PDFs in this folder")
    parser.add_argument("--install", action="store_true", help="install LibreOffice with apt-get if missing")
    args = parser.parse_args(argv)
    binary = soffice(args.install)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        book = write_template(work / f"template-{args.lang}.xlsx", city="Da Nang", country="VN", year=2025,
                              lang=args.lang)
        total = pdf_pages(to_pdf(binary, book, work))
        print(f"template ({args.lang}): {total} page(s) in all")
        import openpyxl

        visible = [ws.title for ws in openpyxl.load_workbook(book, read_only=True).worksheets
                   if ws.sheet_state == "visible"]
        for i, name in enumerate(visible):
            single = only_sheet(book, name, work / f"sheet-{i}.xlsx")
            print(f"  {name}: {pdf_pages(to_pdf(binary, single, work))} page(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
