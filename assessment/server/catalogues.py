"""A round's catalogue: the built-in one, or a custom one an organiser uploads as a zip.

The zip holds ``catalogue.yaml`` (at its top, or in its one folder) and the YAML files it
includes, and nothing else. It is an untrusted file, so it is unpacked by this module, member by
member, never by ``extractall``:

* at most :data:`MAX_ZIP` bytes as uploaded, :data:`MAX_FILES` members and :data:`MAX_UNPACKED`
  bytes unpacked; each member at most the bounded YAML reader's own limit
  (:data:`~assessment.yamlfiles.MAX_YAML_BYTES`), counted as it is read (a header may lie);
* a member whose path is absolute, climbs out (``..``), holds a backslash or a drive, is a
  symbolic link or is encrypted is refused, as is any file that is not ``.yaml``/``.yml``
  (the ``__MACOSX/`` folder and ``.DS_Store`` files a Mac adds to every zip are skipped);
* ``include`` patterns of ``catalogue.yaml`` must stay inside the catalogue's folder;
* then the catalogue is read by :func:`assessment.catalogue.load_catalogue`, exactly as
  ``smartcity catalogue check`` reads it (bounded YAML: size, aliases, depth, time), and every
  problem it finds is listed.

A refused zip lists every problem found, in the page language; nothing of it is kept. An
accepted zip is kept by its SHA-256 with the uploads (so a backup holds it), and the round reads
its catalogue from there: the templates, every upload's check, the review and the publications.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..i18n import N_
from ..yamlfiles import MAX_YAML_BYTES
from . import storage

if TYPE_CHECKING:
    from ..catalogue import Catalogue
    from .models import Round

MAX_ZIP = 5 * 1024 * 1024
MAX_FILES = 200
MAX_UNPACKED = 20 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
#: What a Mac adds to every zip it makes: skipped, never read.
MAC_NOISE = ("__MACOSX/", ".DS_Store")

#: A problem before the catalogue is read: a msgid and its values (worded in the page language).
Refusal = tuple[str, dict[str, Any]]


def _member_refusal(info: zipfile.ZipInfo) -> Refusal | None:
    """Why one member cannot be unpacked (``None``: it can)."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if name.startswith("/") or "\\" in name or ":" in name or ".." in parts:
        return N_("{name}: a path outside the catalogue's folder is refused."), {"name": name}
    if stat.S_ISLNK(info.external_attr >> 16):
        return N_("{name}: a symbolic link is refused."), {"name": name}
    if info.flag_bits & 0x1:
        return N_("{name}: an encrypted file is refused."), {"name": name}
    if not name.lower().endswith(YAML_SUFFIXES):
        return N_("{name}: only YAML files (.yaml, .yml) may be in the catalogue's zip."), {"name": name}
    if info.file_size > MAX_YAML_BYTES:
        return N_("{name}: larger than {limit} MB once unpacked."), {"name": name,
                                                                      "limit": MAX_YAML_BYTES // (1024 * 1024)}
    return None


def unpack(data: bytes, folder: Path) -> tuple[Path | None, list[Refusal]]:
    """Unpack a catalogue zip into ``folder``: the ``catalogue.yaml`` found, and every refusal."""
    if len(data) > MAX_ZIP:
        return None, [(N_("The catalogue's zip is larger than {limit} MB."), {"limit": MAX_ZIP // (1024 * 1024)})]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if not i.is_dir()
                   and not (i.filename.startswith(MAC_NOISE[0]) or i.filename.endswith(MAC_NOISE[1]))]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None, [(N_("The catalogue must be a zip file of catalogue.yaml and the files it includes."), {})]
    refusals = [r for r in map(_member_refusal, members) if r is not None]
    if len(members) > MAX_FILES:
        refusals.append((N_("The catalogue's zip holds more than {limit} files."), {"limit": MAX_FILES}))
    if sum(i.file_size for i in members) > MAX_UNPACKED:
        refusals.append((N_("The catalogue's zip is larger than {limit} MB once unpacked."),
                         {"limit": MAX_UNPACKED // (1024 * 1024)}))
    if refusals:
        return None, refusals
    for info in members:
        try:
            with archive.open(info) as fh:
                body = fh.read(MAX_YAML_BYTES + 1)  # the header's size is the sender's word: count
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            refusals.append((N_("{name}: the file is damaged in the zip and cannot be read."), {"name": info.filename}))
            continue
        if len(body) > MAX_YAML_BYTES:
            refusals.append((N_("{name}: larger than {limit} MB once unpacked."),
                             {"name": info.filename, "limit": MAX_YAML_BYTES // (1024 * 1024)}))
            continue
        target = folder.joinpath(*PurePosixPath(info.filename).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    if refusals:
        return None, refusals
    return _header(folder)


def _header(folder: Path) -> tuple[Path | None, list[Refusal]]:
    """``catalogue.yaml`` at the top or in the one folder, its ``include`` patterns kept inside."""
    tops = list(folder.iterdir())
    header = folder / "catalogue.yaml"
    if not header.is_file() and len(tops) == 1 and (tops[0] / "catalogue.yaml").is_file():
        header = tops[0] / "catalogue.yaml"
    if not header.is_file():
        return None, [(N_("The catalogue's zip has no catalogue.yaml (at its top, or in its one folder)."), {})]
    from ..yamlfiles import read_yaml

    include = read_yaml(header, [])  # its problems are the loader's to report, below
    patterns = include.get("include", []) if isinstance(include.get("include", []), list) else []
    outside = [str(p) for p in patterns if not isinstance(p, str) or p.startswith(("/", "\\")) or "\\" in p
               or ":" in p or ".." in PurePosixPath(p).parts]
    if outside:
        return None, [(N_("catalogue.yaml: 'include' may name only files in the catalogue's folder; refused: "
                          "{patterns}"), {"patterns": ", ".join(outside)})]
    return header, []


def read_zip(data: bytes, filename: str, lang: str) -> tuple[Catalogue | None, list[str]]:
    """The catalogue of a zip (``None`` when it has a problem) and every problem, worded in ``lang``."""
    from ..catalogue import load_catalogue
    from ..errors import AssessmentError
    from ..i18n import translations

    words = translations(lang)
    with tempfile.TemporaryDirectory(prefix="smartcity-catalogue-") as tmp:
        header, refusals = unpack(data, Path(tmp))
        if header is None:
            return None, [f"{filename}: " + words.gettext(msg).format(**values) for msg, values in refusals]
        try:
            catalogue = load_catalogue(header)
        except AssessmentError as exc:  # worded as `smartcity catalogue check` words them, file by its zip path
            lines = []
            for p in exc.problems:
                where = f"{filename}/{Path(p.source).relative_to(tmp).as_posix()}" if p.source.startswith(tmp) \
                    else p.source
                where += (f":{p.row}" if p.row is not None and not p.sheet else "")
                where += "".join(f" {x}" for x in (p.sheet, p.item, p.field and f"[{p.field}]") if x)
                line = f"{where}: {p.text(lang)}"
                line += f" ({words.gettext('found')}: {p.found})" if p.found else ""
                lines.append(line + (f" {words.gettext('Fix:')} {p.fix_text(lang)}" if p.fix else ""))
            return None, lines or [f"{filename}: {exc}"]
    return catalogue, []


def checked_catalogue(upload: Any, lang: str) -> tuple[bytes, list[str], tuple[str, ...]]:
    """An uploaded catalogue zip (a Django ``UploadedFile`` or ``None``): its bytes, its problems and the
    languages it has texts in (empty when there is no upload or it has a problem)."""
    if upload is None:
        return b"", [], ()
    data = upload.read(MAX_ZIP + 1)  # never more than the cap in memory
    catalogue, problems = read_zip(data, Path(upload.name or "catalogue.zip").name, lang)
    return data, problems, catalogue.languages if catalogue is not None else ()


@lru_cache(maxsize=8)
def _load(sha256: str) -> Catalogue:
    from ..catalogue import load_catalogue

    with tempfile.TemporaryDirectory(prefix="smartcity-catalogue-") as tmp:
        header, _refusals = unpack(storage.path_of(sha256).read_bytes(), Path(tmp))
        if header is None:  # it passed when it was uploaded: a changed file is not this catalogue
            raise RuntimeError(f"the kept catalogue {sha256[:12]} can no longer be unpacked")
        return load_catalogue(header)


def round_catalogue(rnd: Round) -> Catalogue | None:
    """The round's custom catalogue, or ``None`` for the built-in one (read once per process)."""
    return _load(rnd.catalogue_sha256) if rnd.catalogue_sha256 else None
