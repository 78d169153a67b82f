"""``make serve``: a demo round of the 26 example cities (``examples/ascn-2025``), three with uploads, one broken.

The round is live at once: Da Nang has submitted a clean workbook, Ha Noi has a checked draft,
and the third city has uploaded a workbook full of typing mistakes (``zz-broken-1``), so a
newcomer sees every problem listed. Sign-in links are made for the organiser, a reviewer and
those three cities.

The round's languages are English and Vietnamese (:data:`DEMO_LANGUAGES`): the issue's scorecards
are "en and vi", the two reviewed translations (Indonesian and Thai are drafts, and a demo should
not publish drafts as its face), and publishing two sites instead of four keeps the demo's
publication quick. A city works in its country's language when that is one of the round's (the
Vietnamese cities), else in English; anyone may still read the pages in Indonesian or Thai.
"""

from __future__ import annotations

from pathlib import Path

from ..locales import city_language
from ..resources import data_root

#: The demo round's languages (see the module's docstring).
DEMO_LANGUAGES = ["en", "vi"]
#: (city, the example file it uploads, whether it submits)
UPLOADS = (("Da Nang", "da-nang-2025.xlsx", True), ("Ha Noi", "ha-noi-2025.xlsx", False),
           ("Yangon", "zz-broken-1-2025.xlsx", False))


def examples_dir() -> Path:
    """The example cohort (a source checkout: the demo is a developer's command)."""
    folder = data_root() / "examples" / "ascn-2025"
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: the demo needs a source checkout with examples/ascn-2025")
    return folder


def make_demo(datadir: Path, base_url: str, database_url: str | None = None) -> list[tuple[str, str]]:
    """Fill ``datadir`` with the demo round; return (who, one-time link) for the demo accounts."""
    from .service import init_service

    folder = examples_dir()
    link = init_service(datadir, "organiser@example.org", base_url, database_url)
    # the models exist only once Django is set up (init_service did)
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from ..intake import read_submissions
    from . import storage
    from .models import ROLE_CITY, ROLE_REVIEWER, City, Membership, Round, Upload
    from .tasks import check_upload
    from .tokens import invite

    url = base_url.rstrip("/")
    links = [("organiser", link)]
    spec = data_root() / "examples" / "robustness" / "ascn-demo.yaml"  # rank intervals on the published pages
    rnd, created = Round.objects.get_or_create(slug="ascn-2025", defaults={
        "name": "ASCN", "year": 2025, "robustness": spec.read_text(encoding="utf-8"), "languages": DEMO_LANGUAGES})
    if created:
        files = sorted(p for p in folder.glob("*-2025.xlsx") if not p.name.startswith("zz-"))
        profiles = read_submissions(files).accepted.profiles
        for row in profiles:
            City.objects.create(round=rnd, name=row["city"], country=row["country"] or "",
                                language=language if (language := city_language(row["country"] or ""))
                                in DEMO_LANGUAGES else "en",
                                contacts=[f"{row['city'].lower().replace(' ', '-')}@example.org"])
    reviewer, _ = User.objects.get_or_create(username="reviewer@example.org",
                                             defaults={"email": "reviewer@example.org"})
    Membership.objects.get_or_create(user=reviewer, role=ROLE_REVIEWER, city=None)
    links.append(("reviewer", f"{url}/invite/{invite(reviewer.username, ROLE_REVIEWER, user=reviewer)[1]}/"))
    for name, filename, submits in UPLOADS:
        city = City.objects.get(round=rnd, name=name)
        contact = city.contacts[0]
        member, _ = User.objects.get_or_create(username=contact, defaults={"email": contact})
        Membership.objects.get_or_create(user=member, role=ROLE_CITY, city=city)
        links.append((name, f"{url}/invite/{invite(contact, ROLE_CITY, city=city, user=member)[1]}/"))
        if city.uploads.exists():
            continue
        with (folder / filename).open("rb") as fh:
            sha, size = storage.store(iter(lambda: fh.read(1 << 16), b""))
        with transaction.atomic():
            version = Upload.objects.create(city=city, number=1, filename=filename, sha256=sha, size=size,
                                            uploaded_by=member)
        check_upload.call(version.pk)  # checked now, so the demo opens on a live round
        city.status = "submitted" if submits else "draft"
        city.last_activity = timezone.now()
        city.save(update_fields=["status", "last_activity"])
    return links
