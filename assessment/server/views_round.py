"""Running a round: the rounds, the reviewer dashboard, cities and invitations, review decisions, the audit."""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..i18n import N_
from . import storage
from .audit import audit_csv, record
from .catalogues import checked_catalogue, round_catalogue
from .cities import CSV_COLUMNS, GIVEN, checked_city, unknown_columns
from .jinja import current, gettext
from .languages import DEFAULT_LANGUAGES, builtin_languages, chosen_languages, city_language, offered, round_choices
from .models import (
    ROLE_CITY,
    ROLE_ORGANISER,
    ROLE_REVIEWER,
    SHOWN_STATUSES,
    AuditRecord,
    City,
    Query,
    Round,
    Upload,
    shown_status,
)
from .roles import STAFF, city_for, need
from .tasks import safe_name
from .tokens import invite

#: Dashboard sort keys -> ORM ordering.
SORTS = {"name": ("name",), "status": ("shown", "name"),
         "activity": (F("last_activity").desc(nulls_last=True), "name"),
         "errors": (F("latest_errors").desc(nulls_last=True), "name")}


@need(*STAFF)
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    """Every round, newest first."""
    return render(request, "rounds.html.j2", {"rounds": Round.objects.order_by("-year", "name"),
                                              "organiser": ROLE_ORGANISER in _roles(request)})


def _roles(request: HttpRequest) -> set[str]:
    from .roles import roles_of
    return roles_of(request.user)


@need(ROLE_ORGANISER)
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    """Create a round: name, year, deadline, catalogue, method, spec, languages, whether its publications are public.

    The languages are :mod:`assessment.server.languages`' (English always; the catalogue must have each).
    """
    errors: list[str] = []
    ticked = request.POST.getlist("languages") if request.method == "POST" else list(DEFAULT_LANGUAGES)
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        year = request.POST.get("year", "")
        slug = slugify(f"{name}-{year}")
        if not name:
            errors.append(N_("Give the round a name."))
        if not (year.isdigit() and 1990 <= int(year) <= 2100):
            errors.append(N_("The year must have four digits, from 1990 to 2100."))
        if slug and Round.objects.filter(slug=slug).exists():
            errors.append(N_("A round with this name and year exists already."))
        method, method_problems = checked_yaml(request, "method")
        spec, spec_problems = checked_yaml(request, "robustness")
        zipped = request.FILES.get("catalogue")
        catalogue, catalogue_problems, catalogue_languages = checked_catalogue(zipped, current())
        chosen = request.POST.get("previous", "")
        previous = Round.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if not catalogue_problems:  # the catalogue the round will have: uploaded, the previous round's, built-in
            kept = round_catalogue(previous) if previous is not None and not zipped else None
            have = catalogue_languages if zipped else kept.languages if kept else builtin_languages()
            languages, language_problems = chosen_languages(ticked, have, previous)
        else:
            languages, language_problems = [], []
        problems = method_problems + spec_problems + catalogue_problems + language_problems
        if not errors and not problems:
            # a custom catalogue is kept by its hash with the uploads; a round started from a previous
            # one keeps that round's catalogue unless another is uploaded
            sha = storage.store([catalogue])[0] if catalogue else (previous.catalogue_sha256 if previous else "")
            label = safe_name(zipped.name or "") if catalogue and zipped else (
                previous.catalogue_name if previous else "")
            rnd = Round.objects.create(slug=slug, name=name, year=int(year),
                                       deadline=request.POST.get("deadline") or None, previous=previous,
                                       public=request.POST.get("public") == "on", method=method, robustness=spec,
                                       catalogue_sha256=sha, catalogue_name=label, languages=languages)
            if previous is not None:  # the cities and their contacts carried over, to be invited again
                City.objects.bulk_create(City(round=rnd, name=c.name, country=c.country, language=c.language,
                                              contacts=c.contacts, profile=c.profile)
                                         for c in previous.cities.all())
            record(request.user, "round-created", rnd, detail=slug)
            return redirect("dashboard", rnd.slug)
        errors += problems
    return render(request, "round_new.html.j2", {"errors": errors, "rounds": Round.objects.order_by("-year", "name"),
                                                 "languages_offered": offered(), "ticked": ticked},
                  status=400 if errors else 200)


def checked_yaml(request: HttpRequest, field: str) -> tuple[str, list[str]]:
    """An uploaded method (``method``) or robustness spec (``robustness``) file: its text and its problems.

    Read by the scoring or robustness stage's own loader, so the organiser sees the same problems
    ``smartcity score --method`` or ``smartcity robustness --spec`` would print, in the page language.
    """
    from ..errors import AssessmentError

    upload = request.FILES.get(field)
    if upload is None:
        return "", []
    raw = upload.read(1_000_001)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "", [N_("The file is not UTF-8 text.")]
    if len(raw) > 1_000_000:
        return "", [N_("The file is larger than 1 MB.")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{field}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            if field == "method":
                from ..scoring.method import load_method

                load_method(path)
            else:
                from ..robustness.spec import load_robustness_spec

                load_robustness_spec(path)
        except AssessmentError as exc:
            lang = current()
            return "", [f"{upload.name}: {p.text(lang)}" + (f" {p.fix_text(lang)}" if p.fix else "")
                        for p in exc.problems] or [str(exc)]
    return text, []


@need(*STAFF)
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per city: status, versions, errors of the newest version, open queries, last activity."""
    rnd = get_object_or_404(Round, slug=slug)
    versions = Upload.objects.filter(city=OuterRef("pk"))
    newest = versions.order_by("-number")
    # one query, each figure a subquery per city: no join multiplies uploads by queries
    cities = rnd.cities.annotate(
        versions=Coalesce(Subquery(versions.values("city").annotate(n=Count("id")).values("n")), 0),
        latest_state=Subquery(newest.values("state")[:1]), latest_errors=Subquery(newest.values("errors")[:1]),
        latest_warnings=Subquery(newest.values("warnings")[:1]),
        latest_reported=Subquery(newest.values("reported")[:1]),
        latest_expected=Subquery(newest.values("expected")[:1]),
        open_queries=Coalesce(Subquery(Query.objects.filter(city=OuterRef("pk"), answered__isnull=True)
                                       .values("city").annotate(n=Count("id")).values("n")), 0),
        shown=shown_status())
    status = request.GET.get("status", "")
    if status in dict(SHOWN_STATUSES):  # "submitted" and "under query" are two statuses here
        cities = cities.filter(shown=status)
    sort = request.GET.get("sort", "name")
    rows = list(cities.order_by(*SORTS.get(sort, ("name",))).values(
        "pk", "name", "shown", "last_activity", "versions", "latest_state", "latest_errors", "latest_warnings",
        "latest_reported", "latest_expected", "open_queries"))
    counts = Counter(rnd.cities.annotate(shown=shown_status()).values_list("shown", flat=True))
    return render(request, "dashboard.html.j2", {
        "round": rnd, "cities": rows, "statuses": SHOWN_STATUSES, "counts": counts, "sort": sort, "status": status,
        "organiser": ROLE_ORGANISER in _roles(request), "publications": rnd.publications.order_by("-number"),
        "round_languages": round_choices(rnd), "profile_fields": GIVEN,
        "profile_columns": ", ".join(f.key for f in GIVEN)})


#: A city to add: name, country, language, contact addresses, profile (each checked).
NewCity = tuple[str, str, str, list[str], dict[str, Any]]


def _add_city(rnd: Round, name: str, country: str, language: str, contacts: list[str],
              profile: dict[str, Any]) -> City | None:
    """A new city of the round (``None``: no name, or the round has a city of that name already).

    ``language`` is a checked code (:func:`assessment.server.languages.city_language`); ``country``,
    ``contacts`` and ``profile`` are checked (:func:`assessment.server.cities.checked_city`).
    """
    name = name.strip()
    if not name or rnd.cities.filter(name=name).exists():
        return None
    return City.objects.create(round=rnd, name=name[:200], country=country, language=language,
                               contacts=contacts, profile=profile)


def _csv_rows(rnd: Round, reader: csv.DictReader[str]) -> tuple[list[NewCity], list[str]]:
    """The cities of a CSV as :data:`NewCity` rows, and every problem of its rows."""
    rows: list[NewCity] = []
    problems: list[str] = []
    first_row: dict[str, int] = {}  # a city's name -> the row that named it first
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
        if not any(cells.values()):
            continue
        if not cells.get("city"):
            problems.append(gettext(N_("Row {row}: the city has no name.")).format(row=reader.line_num))
            continue
        if cells["city"] in first_row:
            problems.append(gettext(N_("Row {row}: {city} is named on row {first} already; give each city "
                                       "one row.")).format(row=reader.line_num, city=cells["city"],
                                                            first=first_row[cells["city"]]))
            continue
        first_row[cells["city"]] = reader.line_num
        code, problem = city_language(rnd, cells.get("language", ""), reader.line_num, cells["city"])
        if problem:
            problems.append(problem)
        country, profile, contacts, more = checked_city(cells, reader.line_num, cells["city"])
        problems += more
        rows.append((cells["city"], country, code, contacts, profile))
    return rows, problems


@need(ROLE_ORGANISER)
@require_POST
def cities_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add one city from the form, or many from a CSV (city, country, language, email, and the profile's keys).

    Every row of a CSV is checked before any is added: a row with a city name but no usable language,
    a contact that is not an e-mail address or a profile value the workbook's reader would refuse
    (:mod:`assessment.server.cities`), or with other cells but no city name, is a problem; so is a
    column that is not read, and a city named on two rows. When there is any, the page lists them all
    and adds nothing (the corrected file is sent again whole). A row
    without any value is skipped. A city the round has already is left as it is (sending the same list
    twice adds nobody twice), and the page that follows names every such city; the form refuses one.
    """
    rnd = get_object_or_404(Round, slug=slug)
    added: list[City] = []
    kept: list[str] = []
    problems: list[str] = []
    sheet = request.FILES.get("csv")
    if sheet is not None:
        text = sheet.read(1_000_000).decode("utf-8-sig", errors="replace")
        reader = csv.DictReader(io.StringIO(text))
        if "city" not in (reader.fieldnames or []):
            return render(request, "message.html.j2",
                          {"message": N_("The CSV needs a header row with a 'city' column (and optionally "
                                         "country, language, email, population, area_km2, peer_group, "
                                         "contact_name, contact_email).")}, status=400)
        problems = [gettext(N_("The column '{column}' is not read: the columns are {columns}.")).format(
            column=name, columns=", ".join(CSV_COLUMNS)) for name in unknown_columns(list(reader.fieldnames or []))]
        rows, more = _csv_rows(rnd, reader)
        problems += more
        if not problems:
            with transaction.atomic():
                made = [(r[0], _add_city(rnd, *r)) for r in rows]
            added = [c for _name, c in made if c]
            kept = [name for name, c in made if c is None]
    else:
        code, problem = city_language(rnd, request.POST.get("language", ""))
        name = request.POST.get("city", "").strip()
        if name and rnd.cities.filter(name=name).exists():
            problems.append(gettext(N_("The round has a city named {city} already.")).format(city=name))
        if problem:
            problems.append(problem)
        country, profile, contacts, more = checked_city(request.POST)
        problems += more
        if not problems:
            city = _add_city(rnd, request.POST.get("city", ""), country, code, contacts, profile)
            added = [city] if city else []
    if problems:
        return render(request, "message.html.j2", {"message": N_("No city was added: fix these problems and send "
                                                                 "them again."), "problems": problems}, status=400)
    for city in added:
        record(request.user, "city-added", city, detail=city.name)
    if kept:  # said, not dropped in silence: the organiser sees which rows changed nothing
        return render(request, "message.html.j2", {
            "message": N_("These cities were in the round already and were left as they are; every other "
                          "city of the file was added."), "problems": kept, "notice": True,
            "next": reverse("dashboard", args=[rnd.slug])})
    return redirect("dashboard", rnd.slug)


def invitation_links(request: HttpRequest, cities: list[City]) -> list[dict[str, Any]]:
    """A new one-time link per contact address of each city, e-mailed to that address through Django's
    backend and shown to the organiser beside it; one link, e-mailed to nobody, for a city without any."""
    from django.core.mail import send_mail

    from .jinja import gettext

    links = []
    for city in cities:
        for address in city.contacts or [""]:
            inv, token = invite(address or f"city-{city.pk}@invalid", ROLE_CITY, city=city)
            link = request.build_absolute_uri(f"/invite/{token}/")
            record(request.user, "invitation", inv, detail=f"{city.name} {address}".strip())
            if address:
                send_mail(gettext("Your invitation to the assessment round"), link, None, [address])
            links.append({"city": city, "email": address, "link": link})
    return links


@need(ROLE_ORGANISER)
@require_POST
def invite_cities(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite one city (``city``) or every city not yet past ``invited``; show the links once."""
    rnd = get_object_or_404(Round, slug=slug)
    chosen = request.POST.get("city", "")
    cities = list(rnd.cities.filter(pk=int(chosen)) if chosen.isdigit() else rnd.cities.filter(status="invited"))
    return render(request, "links.html.j2", {"round": rnd, "links": invitation_links(request, cities)})


@need(ROLE_ORGANISER)
@require_POST
def invite_reviewer(request: HttpRequest) -> HttpResponse:
    """A one-time link for a reviewer (or a second organiser)."""
    role = ROLE_ORGANISER if request.POST.get("role") == ROLE_ORGANISER else ROLE_REVIEWER
    email = request.POST.get("email", "").strip()
    inv, token = invite(email or "reviewer@invalid", role)
    record(request.user, "invitation", inv, detail=role)
    link = request.build_absolute_uri(f"/invite/{token}/")
    return render(request, "links.html.j2", {"round": None, "links": [{"city": None, "email": email, "link": link,
                                                                       "role": role}]})


def decide(request: HttpRequest, city_id: int, status: str) -> HttpResponse:
    """Accept or send back: refused (409) when the city changed since the reviewer read it."""
    city = city_for(request, city_id)
    seen = request.POST.get("revision", "")
    note = request.POST.get("note", "")[:5000]
    with transaction.atomic():
        newest = city.uploads.order_by("-number").first()
        changes: dict[str, Any] = {"status": status, "note": note, "last_activity": timezone.now()}
        if status == "accepted":
            changes["accepted"] = newest
        # one UPDATE guarded by the revision read: a second reviewer's older form changes nothing
        done = City.objects.filter(pk=city.pk, revision=int(seen) if seen.isdigit() else -1,
                                   status="submitted").update(revision=city.revision + 1, **changes)
        if not done:
            return render(request, "message.html.j2", {"message": N_(
                "This city changed since you opened its page (another reviewer, or a new version): "
                "nothing was changed. Open it again and decide on what it shows now.")}, status=409)
        record(request.user, "accept" if status == "accepted" else "send-back", city,
               sha256=newest.sha256 if newest else "", detail=note)
    return redirect("city", city.pk)


@need(*STAFF)
@require_POST
def accept(request: HttpRequest, city_id: int) -> HttpResponse:
    """Accept the city's submitted version."""
    return decide(request, city_id, "accepted")


@need(*STAFF)
@require_POST
def send_back(request: HttpRequest, city_id: int) -> HttpResponse:
    """Send the submission back to the city with a note."""
    return decide(request, city_id, "sent_back")


@need(*STAFF)
@require_POST
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """Run the plausibility review on the round's submitted cities (a task)."""
    from .review_run import review_round

    rnd = get_object_or_404(Round, slug=slug)
    review_round.enqueue(rnd.pk, request.user.get_username())
    return redirect("dashboard", rnd.slug)


@need(ROLE_ORGANISER)
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    """The newest 500 audit records (the CSV has them all)."""
    return render(request, "audit.html.j2", {"records": AuditRecord.objects.order_by("-when", "-id")[:500]})


@need(ROLE_ORGANISER)
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """Every audit record as CSV."""
    response = HttpResponse(audit_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


@need(ROLE_ORGANISER)
@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest) -> HttpResponse:
    """Make a person with an account a reviewer, or remove the role; each change is an audit record.

    Only the reviewer role changes here: organisers are made by ``smartcity serve init`` or an
    organiser's invitation, and city members by their city's invitation. A person without an
    account is invited instead (the rounds page), so no account is made without its owner.
    """
    from django.contrib.auth.models import User

    from .models import Membership

    status = 200
    message = ""
    if request.method == "POST":
        with transaction.atomic():
            if request.POST.get("action") == "remove":
                pk = request.POST.get("membership", "")
                gone = Membership.objects.filter(pk=int(pk) if pk.isdigit() else 0, role=ROLE_REVIEWER)
                member = gone.select_related("user").first()
                if member is None:
                    message, status = N_("No such reviewer."), 404
                else:
                    member.delete()
                    record(request.user, "role-change", member.user, detail=f"remove {ROLE_REVIEWER}: "
                                                                            f"{member.user.username}")
            else:
                email = request.POST.get("email", "").strip()
                user = User.objects.filter(username__iexact=email).first() if email else None
                if user is None:
                    message, status = N_("No account has this e-mail address: invite the person as a reviewer "
                                         "instead."), 400
                elif not Membership.objects.filter(user=user, role=ROLE_REVIEWER).exists():
                    Membership.objects.create(user=user, role=ROLE_REVIEWER)
                    record(request.user, "role-change", user, detail=f"grant {ROLE_REVIEWER}: {user.username}")
        if status == 200:
            return redirect("roles")
    staff = (Membership.objects.filter(role__in=STAFF).select_related("user")
             .order_by("role", "user__username"))
    return render(request, "roles.html.j2", {"staff": staff, "message": message}, status=status)
