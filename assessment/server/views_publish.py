"""Publishing a round and serving its publications (each immutable; older ones stay readable)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from .audit import record
from .config import publications_dir
from .models import ROLE_ORGANISER, Publication, Round
from .roles import is_staff, need
from .security import scorecard_policy
from .tasks import publish as publish_task

#: Types a published file is served with; anything else is a download.
SERVED_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".csv": "text/csv",
                ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json"}


@need(ROLE_ORGANISER)
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a new publication of the round's accepted versions (a task)."""
    rnd = get_object_or_404(Round, slug=slug)
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=rnd.pk)
        number = (rnd.publications.aggregate(n=Max("number"))["n"] or 0) + 1
        pub = Publication.objects.create(round=rnd, number=number, created_by=request.user)
        record(request.user, "publish-requested", pub, detail=f"{rnd.slug} #{number}")
        publish_task.enqueue(pub.pk)
    return redirect("dashboard", rnd.slug)


def _publication(request: HttpRequest, slug: str, number: int) -> tuple[Publication, Path]:
    pub = get_object_or_404(Publication.objects.select_related("round"), round__slug=slug, number=number,
                            state="done")
    # signed-in only: the organisers, the reviewers and the round's own city teams; to anyone else it
    # is not even admitted to exist
    if not pub.round.public and not (request.user.is_authenticated and (
            is_staff(request.user) or request.user.memberships.filter(city__round=pub.round).exists())):
        raise Http404
    return pub, publications_dir(Path(settings.SMARTCITY_DATADIR)) / f"{slug}-{number}"


@require_GET
def published_file(request: HttpRequest, slug: str, number: int, path: str = "index.html") -> HttpResponse:
    """A file of a publication's site, under the round's address."""
    _pub, folder = _publication(request, slug, number)
    site = (folder / "site").resolve()
    target = (site / path).resolve()
    if site not in target.parents or not target.is_file():
        raise Http404
    kind = SERVED_TYPES.get(target.suffix.lower())
    if kind is None:
        return FileResponse(target.open("rb"), as_attachment=True, filename=target.name,
                            content_type=mimetypes.guess_type(target.name)[0] or "application/octet-stream")
    data = target.read_bytes()
    response = HttpResponse(data, content_type=kind)
    if target.suffix.lower() == ".html":
        response["Content-Security-Policy"] = scorecard_policy(data)
    return response


@require_GET
def published_zip(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The publication's site as one zip (the same bytes every time)."""
    _pub, folder = _publication(request, slug, number)
    return FileResponse((folder / "site.zip").open("rb"), as_attachment=True,
                        filename=f"{slug}-{number}.zip", content_type="application/zip")
