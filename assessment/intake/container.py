"""The file as a container, checked before any XML is read: the pre-flight's first steps (:mod:`.preflight`).

Size (not empty, at most :data:`MAX_FILE_BYTES`); signature (an ``.xlsx``/``.xlsm``/``.ods`` must be a zip,
an ``.xls`` a Compound File, and a Compound File named like a zip workbook is told apart: a password-protected
workbook or an ``.xls`` renamed); the zip's members (count, encryption, how far they expand); the parts an
``.ods`` must hold. Each refusal is one :class:`Rejection` whose reason says what is wrong in a sentence.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 500
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")


class Rejection(Exception):
    """The file is refused before parsing; ``reason`` says why in one sentence, ``code`` is stable."""

    def __init__(self, code: str, reason: str, sheet_name: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.sheet_name = sheet_name  # the sheet it is about, when it is about one


#: What an OpenDocument spreadsheet's ``mimetype`` part holds.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def check_ods(zf: zipfile.ZipFile) -> None:
    """An ``.ods`` must hold its ``mimetype`` (naming a spreadsheet) and ``content.xml``: the reader
    otherwise fails with "'mimetype' file not found in archive", which tells a person nothing."""
    names = set(zf.namelist())
    if "mimetype" not in names or "content.xml" not in names:
        raise Rejection("damaged-ods", "the mimetype or content.xml part is missing")
    if zf.getinfo("mimetype").file_size > 200 or zf.read("mimetype").strip() != ODS_MIMETYPE:
        raise Rejection("damaged-ods", "the mimetype part does not name an OpenDocument spreadsheet")


#: Stream names in the directory of a Compound File (UTF-16LE, as stored), telling what it holds.
_OLE_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_OLE_XLS = ("Workbook".encode("utf-16-le"), "Book\0\0".encode("utf-16-le"))


def _ole_kind(p: Path) -> str:
    """What a Compound File (OLE) named like a zip workbook holds: ``"encrypted"`` (an .xlsx saved
    with a password, stored so), ``"xls-renamed"`` (an Excel 97–2003 workbook renamed) or
    ``"not-a-workbook"`` (another Office file). The directory's stream names are looked for in the
    bytes (at most :data:`MAX_FILE_BYTES`): a guess good enough to choose the words of a refusal."""
    data = p.read_bytes()
    if any(name in data for name in _OLE_ENCRYPTED):
        return "encrypted"
    if any(name in data for name in _OLE_XLS):
        return "xls-renamed"
    return "not-a-workbook"


def check_file(p: Path) -> str:
    """Size and signature; returns the lower-case suffix of a zip-based workbook."""
    size = p.stat().st_size
    if size == 0:
        raise Rejection("empty-file", "the file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise Rejection("too-large", f"the file is {size / 1048576:.0f} MB; the limit is "
                        f"{MAX_FILE_BYTES // 1048576} MB for one city's workbook")
    with p.open("rb") as fh:
        head = fh.read(8)
    suffix = p.suffix.lower()
    if suffix == ".xls":
        if head != OLE_MAGIC:
            raise Rejection("not-a-workbook", "the file is not an Excel 97–2003 (.xls) workbook")
        return suffix
    if suffix not in ZIP_FORMATS:
        raise Rejection("unknown-format", f"'{suffix}' files are not read; use .xlsx, .xlsm, .xls, .ods or .csv")
    if head == OLE_MAGIC:
        kind = _ole_kind(p)
        raise Rejection(kind, {"encrypted": "the workbook is password-protected (encrypted)",
                               "xls-renamed": f"the file is an Excel 97–2003 workbook named {suffix}"}.get(
            kind, "the file is an older Office file (a Compound File), not a workbook"))
    if not head.startswith(ZIP_MAGIC):
        raise Rejection("not-a-workbook", f"the file is not a valid {suffix} workbook (its content is not a zip "
                        "package)")
    return suffix


def check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise Rejection("zip-bomb", f"the package holds {len(infos)} parts; a workbook has far fewer")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Rejection("encrypted", "the workbook is password-protected (encrypted); save it without a password")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > 1048576 and ratio > MAX_RATIO):
            raise Rejection("zip-bomb", "the workbook expands to far more data than a city workbook holds "
                            "(possible zip bomb)")
