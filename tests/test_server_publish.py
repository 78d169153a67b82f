"""Publishing: the scorecards built as a task from the accepted versions, recorded and served, byte for byte
what ``smartcity report`` writes from the same files."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from server_kit import EXAMPLES, accepted, client_for, drain, new_round, person, service
from typer.testing import CliRunner

from assessment.cli import app

__all__ = ["service"]

ROOT = Path(__file__).resolve().parent.parent
DEMO_SPEC = ROOT / "examples" / "robustness" / "ascn-demo.yaml"
FILES = {"Bangkok": "bangkok-2025.xlsx", "Da Nang": "da-nang-2025.xlsx", "Ha Noi": "ha-noi-2025.xlsx",
         "Manila": "manila-2025.xlsx"}


def _accepted_round(spec: Path, languages: tuple[str, ...] = ("en", "vi")) -> tuple[object, object]:
    """Four cities accepted (one version each), with a robustness spec for rank intervals, in ``languages``."""
    rnd, cities = new_round(cities=tuple(FILES))
    rnd.robustness = spec.read_text(encoding="utf-8")
    rnd.languages = list(languages)
    rnd.save()
    reviewer = client_for(person("reviewer"))
    for city in cities:
        accepted(city, EXAMPLES / FILES[city.name], reviewer)
    return rnd, client_for(person("organiser"))


def test_a_publication_is_the_report_of_the_accepted_versions(service: Path, tmp_path: Path) -> None:
    from django.conf import settings

    from assessment._version import __version__
    from assessment.server.config import publications_dir
    from assessment.server.models import Publication

    spec = tmp_path / "spec.yaml"  # the demo's spec with fewer replicates: the test checks sameness, not precision
    text = DEMO_SPEC.read_text(encoding="utf-8")
    assert "\nn: 300\n" in text
    spec.write_text(text.replace("\nn: 300\n", "\nn: 40\n"), encoding="utf-8")
    rnd, organiser = _accepted_round(spec)
    assert organiser.post(f"/rounds/{rnd.slug}/publish/").status_code == 302
    drain()
    pub = Publication.objects.get(round=rnd, number=1)
    assert pub.state == "done", pub.error
    manifest = pub.manifest
    assert manifest["package_version"] == __version__
    assert {(s["city"], s["sha256"]) for s in manifest["submissions"]} == {
        (city, hashlib.sha256((EXAMPLES / name).read_bytes()).hexdigest()) for city, name in FILES.items()}
    assert manifest["robustness_sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    assert len(manifest["catalogue_hash"]) >= 16 and len(manifest["method_fingerprint"]) == 64

    # the round's languages, English and Vietnamese, and no other (the catalogue has Indonesian and Thai too)
    from assessment import load_catalogue

    assert manifest["languages"] == ["en", "vi"]
    assert {"id", "th"} <= set(load_catalogue().languages)
    # the command line on the publication's own input files: English, and Vietnamese beside it (site/vi), as the
    # publishing task writes them
    inputs = publications_dir(Path(settings.SMARTCITY_DATADIR)) / f"{rnd.slug}-1" / "inputs"
    out = tmp_path / "site"
    for lang, folder in [("vi", out / "vi"), ("en", out)]:
        run = CliRunner().invoke(app, ["report", str(inputs), "-o", str(folder), "--lang", lang,
                                       "--robustness", str(spec)])
        assert run.exit_code == 0, run.output
    expected = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    response = organiser.get(f"/rounds/{rnd.slug}/p/1/site.zip")
    body = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(body).hexdigest() == pub.zip_sha256
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        got = {name: zf.read(name) for name in zf.namelist()}
    assert "robustness.html" in got and "vi/index.html" in got
    assert not [name for name in got if name.startswith(("id/", "th/"))]
    assert got == expected

    page = client_for().get(f"/rounds/{rnd.slug}/p/1/")  # public round: anyone reads it
    assert page.content == expected["index.html"]
    assert "script-src 'sha256-" in page["Content-Security-Policy"] or b"<script" not in page.content

    # republishing makes publication 2; the first stays as it was
    assert organiser.post(f"/rounds/{rnd.slug}/publish/").status_code == 302
    drain()
    second = Publication.objects.get(round=rnd, number=2)
    assert second.state == "done" and second.zip_sha256 == pub.zip_sha256  # same inputs, same bytes
    assert client_for().get(f"/rounds/{rnd.slug}/p/1/").content == expected["index.html"]


def test_publishing_with_no_accepted_city_fails_clearly(service: Path) -> None:
    from assessment.server.models import Publication

    rnd, _cities = new_round()
    organiser = client_for(person("organiser"))
    organiser.post(f"/rounds/{rnd.slug}/publish/")
    drain()
    pub = Publication.objects.get(round=rnd)
    assert (pub.state, pub.error) == ("failed", "no accepted city")
    assert client_for().get(f"/rounds/{rnd.slug}/p/1/").status_code == 404


def test_a_publication_on_a_dask_cluster_has_the_same_bytes(service: Path, tmp_path: Path) -> None:
    """With SMARTCITY_SCHEDULER naming a Dask scheduler, the robustness run of a publication goes to that cluster
    (its scheduler sees the tasks) and the publication is byte for byte the one made in the task worker."""
    import warnings

    distributed = pytest.importorskip("distributed")
    from django.test import override_settings

    from assessment.server.models import Publication

    spec = tmp_path / "spec.yaml"
    spec.write_text(DEMO_SPEC.read_text(encoding="utf-8").replace("\nn: 300\n", "\nn: 40\n"), encoding="utf-8")
    rnd, organiser = _accepted_round(spec)
    organiser.post(f"/rounds/{rnd.slug}/publish/")
    drain()
    here = Publication.objects.get(round=rnd, number=1)
    assert here.state == "done", here.error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                      dashboard_address=None) as cluster:
            before = cluster.scheduler.transition_counter
            with override_settings(SMARTCITY_SCHEDULER=cluster.scheduler_address):
                organiser.post(f"/rounds/{rnd.slug}/publish/")
                drain()
            ran = cluster.scheduler.transition_counter - before
    there = Publication.objects.get(round=rnd, number=2)
    assert there.state == "done", there.error
    assert ran > 0 and there.zip_sha256 == here.zip_sha256
