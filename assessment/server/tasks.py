"""Long work as tasks (Django's Tasks API, ``django-tasks``): checking an upload, publishing a round.

Both tasks are idempotent, so a worker killed half-way can simply run them again: a check
writes its result only while the upload is still ``pending``; a publication is built in a
fresh temporary folder and moved into place, and its row is marked done last.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django_tasks import task

from ..errors import Problem
from ..i18n import LANGUAGES
from . import storage
from .audit import record
from .catalogues import round_catalogue
from .config import publications_dir
from .models import City, Publication, Upload

if TYPE_CHECKING:
    from ..catalogue import Catalogue

#: Suffixes the intake reads; anything else is kept under its own name and reported by the intake.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def safe_name(filename: str) -> str:
    """A file name without folders or control characters (the intake names problems by it)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return clean[:120] or "upload"


def problem_record(problem: Problem, name: str) -> dict[str, Any]:
    """A problem as JSON-ready data, its source the name the city gave the file."""
    return {**dataclasses.asdict(dataclasses.replace(problem, source=name))}


def problem_of(data: dict[str, Any]) -> Problem:
    """The :class:`Problem` a stored record was made from (worded again in any language)."""
    fields = {**data, "params": tuple(tuple(p) for p in data.get("params", ())),
              "labels": tuple(data.get("labels", ())), "numbers": tuple(data.get("numbers", ()))}
    return Problem(**fields)


@task()
def check_upload(upload_id: int) -> str:
    """Read one uploaded file through the intake (pre-flight and cage) and store its problems."""
    from ..intake import read_submissions

    upload = Upload.objects.select_related("city__round").get(pk=upload_id)
    if upload.state != "pending":  # done by an earlier run of this task
        return upload.state
    name = safe_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="smartcity-check-") as tmp:
        path = Path(tmp) / name
        shutil.copyfile(storage.path_of(upload.sha256), path)
        # the round's catalogue (built-in or custom); the problems are worded later, in the reader's language
        intake = read_submissions([path], catalogue=round_catalogue(upload.city.round), lang="en")
    expected = len(intake.catalogue.indicators)
    problems = [problem_record(p, name) for p in intake.problems]
    values = {r["indicator"]: r["value"] for r in intake.accepted.data}
    with transaction.atomic():
        fresh = Upload.objects.select_for_update().get(pk=upload_id)
        if fresh.state != "pending":
            return fresh.state
        fresh.problems = problems
        fresh.values = values
        fresh.reported, fresh.expected = len(values), expected
        fresh.errors = sum(p["severity"] == "error" for p in problems)
        fresh.warnings = sum(p["severity"] == "warning" for p in problems)
        fresh.state = "checked"
        fresh.save()
    return "checked"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_zip(site: Path, archive: Path) -> None:
    """The site as a zip that is the same bytes for the same files (sorted names, fixed times)."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(site).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def accepted_inputs(publication: Publication, folder: Path) -> list[dict[str, Any]]:
    """Copy each accepted city's accepted version into ``folder``; return what was copied."""
    rows = []
    cities = City.objects.filter(round=publication.round, status="accepted").select_related("accepted")
    for city in cities.order_by("name"):
        up = city.accepted
        if up is None:
            continue
        suffix = Path(safe_name(up.filename)).suffix.lower()
        name = f"{city.pk:05d}-v{up.number}{suffix if suffix in SUFFIXES else ''}"
        shutil.copyfile(storage.path_of(up.sha256), folder / name)
        rows.append({"city": city.name, "file": name, "version": up.number, "sha256": up.sha256})
    return rows


def build_site(inputs: Path, site: Path, method: Path | None, spec: Path | None,
               catalogue: Catalogue | None = None,
               languages: Sequence[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """``smartcity report`` on ``inputs`` into ``site`` (English) and ``site/<lang>`` for each other language of
    ``languages`` (``None``: every registered one) that the catalogue has texts in (``site/vi``), with the round's
    catalogue (``None``: the built-in one); returns the recipe and the languages written, English first."""
    from ..intake import read_submissions
    from ..report import render_report
    from ..robustness import load_robustness_spec, uncertainty
    from ..scoring import assess

    usable = read_submissions([inputs], catalogue=catalogue, lang="en").without_error_files()
    result = assess(usable, method=method)
    # one uncertainty run for every language: seeded, so the same replicates `smartcity report` draws per language;
    # on the Dask cluster SMARTCITY_SCHEDULER names, if any (the same bytes: the robustness stage reduces in order)
    unc = None
    if spec is not None:
        address = getattr(settings, "SMARTCITY_SCHEDULER", "")
        if address:
            from distributed import Client

            with Client(address, set_as_default=False) as client:
                unc = uncertainty(result, load_robustness_spec(spec), executor=client)
        else:
            unc = uncertainty(result, load_robustness_spec(spec))
    # the other languages' sites first, inside the English one, as `make demo` writes them
    wanted = LANGUAGES if languages is None else languages
    written = ["en", *(lang for lang in LANGUAGES if lang != "en" and lang in wanted
                       and lang in result.catalogue.languages)]
    for lang in written[1:]:
        render_report(result, site / lang, lang=lang, uncertainty=unc)
    render_report(result, site, lang="en", uncertainty=unc)
    return result.recipe.as_dict(), written


@task()
def publish(publication_id: int) -> str:
    """Build a publication's site from the round's accepted versions and record what it was made from."""
    from .._version import __version__

    pub = Publication.objects.select_related("round").get(pk=publication_id)
    if pub.state == "done":
        return "done"
    final = publications_dir(Path(storage.root().parent)) / f"{pub.round.slug}-{pub.number}"
    with tempfile.TemporaryDirectory(dir=final.parent, prefix=".building-") as tmp:
        work = Path(tmp)
        (work / "inputs").mkdir()
        files = accepted_inputs(pub, work / "inputs")
        method = spec = None
        if pub.round.method:
            method = work / "method.yaml"
            method.write_text(pub.round.method, encoding="utf-8")
        if pub.round.robustness:
            spec = work / "robustness.yaml"
            spec.write_text(pub.round.robustness, encoding="utf-8")
        try:
            # the round's languages (a round made before rounds had them has every registered one: each of
            # them its catalogue has, as publishing wrote then)
            recipe, languages = (build_site(work / "inputs", work / "site", method, spec, round_catalogue(pub.round),
                                            pub.round.languages) if files else (None, []))
        except Exception as exc:  # the organiser sees why; the round and its versions are untouched
            Publication.objects.filter(pk=pub.pk).update(state="failed", error=str(exc)[:2000])
            return "failed"
        if recipe is None:
            Publication.objects.filter(pk=pub.pk).update(state="failed", error="no accepted city")
            return "failed"
        write_zip(work / "site", work / "site.zip")
        manifest = {"package_version": __version__, "submissions": files, "languages": languages,
                    "catalogue_hash": recipe["catalogue_hash"], "catalogue_version": recipe["catalogue_version"],
                    "method_fingerprint": recipe["method_fingerprint"], "input_hash": recipe["input_hash"],
                    "method_sha256": hashlib.sha256(pub.round.method.encode()).hexdigest() if method else "",
                    "robustness_sha256": hashlib.sha256(pub.round.robustness.encode()).hexdigest() if spec else ""}
        shutil.rmtree(final, ignore_errors=True)  # a half-moved folder of an interrupted run
        (work / "method.yaml").unlink(missing_ok=True)
        (work / "robustness.yaml").unlink(missing_ok=True)
        work.rename(final)
        final.chmod(0o755)
    zip_hash = sha256_file(final / "site.zip")
    with transaction.atomic():
        Publication.objects.filter(pk=pub.pk).update(state="done", manifest=manifest, zip_sha256=zip_hash)
        record(pub.created_by, "publish", pub, sha256=zip_hash, detail=f"{pub.round.slug} #{pub.number}")
    return "done"
