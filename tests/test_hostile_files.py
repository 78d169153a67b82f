"""Hostile files: each is refused with one clear message, in bounded time and memory, and the
process survives. The reader runs in a child process under an address-space and CPU limit."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from assessment.intake import write_template

DATA = Path(__file__).resolve().parent / "data"

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
          '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
       '<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')


def _replace_sheet(src: Path, dst: Path, member: str, payload: bytes | None = None, size: int = 0) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != member:
                zout.writestr(item, zin.read(item))
            elif payload is not None:
                zout.writestr(item, payload)
            else:  # a zip bomb: the sheet expands to `size` bytes of spaces
                with zout.open(member, "w", force_zip64=True) as fh:
                    chunk = b" " * (1 << 20)
                    for _ in range(size >> 20):
                        fh.write(chunk)
    return dst


def _respell(d: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    """The far-cell workbook with its sheet XML spelt differently (and no declared dimension)."""
    far = _far(d / f"far-{name}-source.xlsx", "XFD1048576")
    with zipfile.ZipFile(far) as zin, zipfile.ZipFile(d / f"far-{name}.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(re.sub(rb"<dimension[^>]*/>", b"", data))
            zout.writestr(item, data)
    return d / f"far-{name}.xlsx"


def _prefixed(xml: bytes) -> bytes:
    """Every element of the sheet under a namespace prefix (``<x:row>``), as some writers do."""
    xml = re.sub(rb"<(/?)(?!\?)(\w+)", rb"<\1x:\2", xml)
    return xml.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the Compound File signature


def _zread(path: Path, member: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member)


def _ods(dst: Path, member: str, payload: bytes | None) -> Path:
    """The reference ODS with ``member`` replaced by ``payload`` (``None``: left out)."""
    with zipfile.ZipFile(DATA / "phuket-2025.ods") as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != member:
                zout.writestr(item, zin.read(item))
            elif payload is not None:
                zout.writestr(item, payload)
    return dst


def _long_csv(path: Path, template: Path, rows: int) -> Path:
    """The template's CSV form followed by ``rows`` indicator rows with made-up ids (7 MB for 120k)."""
    text = template.read_text(encoding="utf-8-sig")
    first = text.splitlines()[1].split(",")
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        for i in range(rows):
            fh.write(",".join(["indicator", *first[1:6], f"X-{i}", "", "", "1", "", "", "", ""]) + "\n")
    return path


def _far(path: Path, ref: str) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write("A1", "x")
    ws.write(ref, 1)
    wb.close()
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    d = tmp_path_factory.mktemp("hostile")
    tpl = write_template(d / "template.xlsx", city="X", country="VN", year=2025)
    tpl_csv = write_template(d / "template.csv", city="X", country="VN", year=2025)
    sheet = "xl/worksheets/sheet3.xml"
    files = {
        "zip bomb": (_replace_sheet(tpl, d / "bomb.xlsx", sheet, size=300 << 20), "zip-bomb"),
        "far cell XFD1048576": (_far(d / "far-cell.xlsx", "XFD1048576"), "too-far"),
        "far row A1048576": (_far(d / "far-row.xlsx", "A1048576"), "too-far"),
        "billion laughs": (_replace_sheet(tpl, d / "laughs.xlsx", sheet, LAUGHS.encode()), "xml-entities"),
        "external entity": (_replace_sheet(tpl, d / "xxe.xlsx", sheet, XXE.encode()), "xml-entities"),
        "encrypted workbook": (d / "encrypted.xlsx", "encrypted"),
        "not a zip": (d / "text.xlsx", "not-a-workbook"),
        "empty": (d / "empty.xlsx", "empty-file"),
        "50 MB": (d / "big.xlsx", "too-large"),
        "truncated zip": (d / "truncated.xlsx", "not-a-workbook"),
        "xls that is text": (d / "fake.xls", "not-a-workbook"),
        "csv not utf-8": (d / "latin1.csv", "not-utf8"),
        "no marker": (_far(d / "plain.xlsx", "B2"), "not-a-template"),
        "far cell, single quotes": (_respell(d, "quotes", lambda x: re.sub(rb'\br="([^"]*)"', rb"r='\1'", x)),
                                    "too-far"),
        "far cell, spaces around =": (_respell(d, "spaces", lambda x: x.replace(b' r="', b' r = "')), "too-far"),
        "far cell, namespace prefix": (_respell(d, "prefix", _prefixed), "too-far"),
        "corrupted xls": (d / "corrupt.xls", "reader-crashed"),
        "ods repeat bomb": (d / "repeat.ods", "too-far"),
        "csv with an oversized field": (d / "huge-field.csv", "bad-csv"),
        # issue 24: long and wide CSVs under the size cap, and paths that are not files
        "csv form with 120k rows": (_long_csv(d / "long-120k.csv", tpl_csv, 120_000), "csv-too-long"),
        "wide csv with 120k cities": (d / "wide-120k.csv", "csv-too-long"),
        "wide csv with 1,001 columns": (d / "wide-cols.csv", "csv-too-wide"),
        "link to a file outside": (d / "passwd.csv", "not-a-file"),
        "link to a workbook": (d / "linked.xlsx", "not-a-file"),
        "fifo": (d / "pipe.csv", "not-a-file"),
        # issue 24, point 15: files whose refusal said the wrong thing or nothing a person can act on
        "xls renamed .xlsx": (d / "renamed.xlsx", "xls-renamed"),
        "xls renamed .ods": (d / "renamed.ods", "xls-renamed"),
        "other Office file named .xlsx": (d / "document.xlsx", "not-a-workbook"),
        "empty sheet part": (_replace_sheet(tpl, d / "empty-sheet.xlsx", sheet, b""), "damaged-sheet"),
        "sheet part cut off": (_replace_sheet(tpl, d / "cut-sheet.xlsx", sheet, _zread(tpl, sheet)[:3000]),
                               "damaged-sheet"),
        "ods without mimetype": (_ods(d / "no-mimetype.ods", "mimetype", None), "damaged-ods"),
        "ods with another mimetype": (_ods(d / "text-mimetype.ods", "mimetype",
                                           b"application/vnd.oasis.opendocument.text"), "damaged-ods"),
        "ods without content.xml": (_ods(d / "no-content.ods", "content.xml", None), "damaged-ods"),
        "ods with empty content.xml": (_ods(d / "empty-content.ods", "content.xml", b""), "damaged-ods"),
    }
    (d / "renamed.xlsx").write_bytes((DATA / "phuket-2025.xls").read_bytes())
    (d / "renamed.ods").write_bytes((DATA / "phuket-2025.xls").read_bytes())
    (d / "document.xlsx").write_bytes(OLE + b"\0" * 1024 + "WordDocument".encode("utf-16-le") + b"\0" * 3000)
    (d / "wide-120k.csv").write_text("city,country,year,population,BI-WATER\n" + "".join(
        f"City {i},VN,2025,1000,5\n" for i in range(120_000)), encoding="utf-8")
    (d / "wide-cols.csv").write_text(",".join(["city", *(f"X{i}" for i in range(1000))]) + "\nHue" + ",1" * 1000
                                     + "\n", encoding="utf-8")
    (d / "passwd.csv").symlink_to("/etc/passwd")
    (d / "linked.xlsx").symlink_to(tpl)
    os.mkfifo(d / "pipe.csv")
    (d / "huge-field.csv").write_text('city,notes\nHue,"' + "x" * 300_000 + '"\n', encoding="utf-8")

    xls = bytearray((DATA / "phuket-2025.xls").read_bytes())
    xls[0xE5E6] = xls[0xE5E8] = 0xFF  # two bytes: calamine aborts on the size they declare
    (d / "corrupt.xls").write_bytes(bytes(xls))
    with zipfile.ZipFile(DATA / "phuket-2025.ods") as zin, zipfile.ZipFile(d / "repeat.ods", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "content.xml":  # one filled row, repeated far beyond the template (attributes
                # in an order the old scan did not expect: the repeat after the cell's value type)
                start = data.index(b"office:value-type")
                row = data.rindex(b"<table:table-row", 0, start)
                end = data.index(b">", row)
                data = data[:end] + b' table:number-rows-repeated="1900000"' + data[end:]
            zout.writestr(item, data)
    # an .xlsx saved with a password is a Compound File holding these two streams ([MS-OFFCRYPTO])
    (d / "encrypted.xlsx").write_bytes(OLE + b"\0" * 1024 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
                                       + "EncryptedPackage".encode("utf-16-le") + b"\0" * 3000)
    (d / "text.xlsx").write_text("city,value\nDa Nang,1\n", encoding="utf-8")
    (d / "empty.xlsx").write_bytes(b"")
    with (d / "big.xlsx").open("wb") as fh:
        fh.write(b"PK\x03\x04" + os.urandom(1024))
        fh.truncate(50 * 1024 * 1024)
    (d / "truncated.xlsx").write_bytes(tpl.read_bytes()[:5000])
    (d / "fake.xls").write_text("not a spreadsheet", encoding="utf-8")
    (d / "latin1.csv").write_bytes("city,BI-WATER\nHu\xe9,90\n".encode("latin-1"))
    return files


CHILD = """
import json, resource, sys, time
from pathlib import Path
# peak memory is preserved across exec: reset it, so the peak below is this reader's own (Linux)
Path("/proc/self/clear_refs").write_text("5")
from assessment.intake import read_submissions
out = {}
for path in sys.argv[1:]:
    t0 = time.perf_counter()
    intake = read_submissions([path])
    out[path] = {"seconds": time.perf_counter() - t0,
                 "codes": intake.issues.loc[intake.issues["severity"] == "error", "code"].tolist(),
                 "messages": intake.issues["message"].tolist()}
status = Path("/proc/self/status").read_text()
out["maxrss_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024  # peak resident set of the reading process
out["workers_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # numpy/pandas reserve address space
    resource.setrlimit(resource.RLIMIT_CPU, (120, 120))


def test_hostile_files_are_refused_in_bounded_time_and_memory(hostile):
    paths = [str(p) for p, _ in hostile.values()]
    proc = subprocess.run([sys.executable, "-c", CHILD, *paths], capture_output=True, text=True, timeout=300,
                          preexec_fn=_limits, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]  # the process survived every file
    report = json.loads(proc.stdout)
    for name, (path, code) in hostile.items():
        got = report[str(path)]
        assert got["codes"] == [code], (name, got)
        assert len(got["messages"]) == 1 and got["messages"][0], name
        assert got["seconds"] < 2.0, (name, got["seconds"])
    assert report["maxrss_mb"] < 500, report["maxrss_mb"]
    assert report["workers_mb"] < 1500, report["workers_mb"]  # each worker is also capped (address space)


def test_refusal_messages_say_what_and_how(hostile):
    from assessment.intake import read_submissions

    intake = read_submissions([hostile["far cell XFD1048576"][0]])
    row = intake.issues.iloc[0]
    assert row["message"] == ("The workbook has cells far outside the template: sheet 'Sheet1' (declared "
                              "dimension) uses cell XFD1048576, beyond the template's area (up to CV5000).")
    assert row["fix"] == "Delete the stray cells and save again."
    encrypted = read_submissions([hostile["encrypted workbook"][0]]).issues.iloc[0]
    assert encrypted["message"] == "The workbook is password-protected."


def test_refusals_name_what_is_wrong_in_words_with_a_fix(hostile):
    """Issue 24, point 15: each refusal names the file, says what is wrong as a person would and how
    to fix it, in English and Vietnamese; none passes on a parser's own words."""
    from assessment.intake import read_submissions

    cases = {"xls renamed .xlsx": ("Excel 97–2003 workbook (.xls)", "Rename it to end in .xls"),
             "empty sheet part": ("The sheet 'Indicators' is damaged", "save it again as .xlsx"),
             "sheet part cut off": ("The sheet 'Indicators' is damaged", "save it again as .xlsx"),
             "ods without mimetype": ("not a complete OpenDocument spreadsheet", "Open it in LibreOffice"),
             "ods with empty content.xml": ("not a complete OpenDocument spreadsheet", "Open it in LibreOffice")}
    for name, (what, fix) in cases.items():
        path = hostile[name][0]
        en = read_submissions([path]).issues.iloc[0]
        vi = read_submissions([path], lang="vi").issues.iloc[0]
        assert en["file"] == str(path) and what in en["message"] and fix in en["fix"], (name, en.to_dict())
        for parser_words in ("password", "mimetype", "not well-formed", "no element found", "could not be read"):
            assert parser_words not in en["message"], (name, en["message"])
        assert vi["message"] != en["message"] and vi["fix"] != en["fix"], name
