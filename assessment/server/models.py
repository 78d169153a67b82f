"""The records of a round: who takes part, every upload kept, queries, publications, the audit trail.

Conventions:

* A city's status moves ``invited → opened → draft → submitted → accepted`` (or ``sent back``,
  then ``draft`` again on the next upload). ``City.revision`` counts every change of status:
  a reviewer's form carries the revision it was read at, and a change made on an older
  revision is refused (optimistic locking), so two reviewers cannot overwrite each other.
* The status a page shows is :data:`SHOWN_STATUSES`: the stored status, except that a
  ``submitted`` city with an unanswered query shows as ``under query`` (:func:`shown_status`,
  and :meth:`City.shown_status` for one city).
* An :class:`Upload` is immutable once its check has finished: a new file is a new version
  (``number`` counts per city). The file itself lives in the data directory under its SHA-256.
* :class:`AuditRecord` rows are append-only: saving an existing one, deleting one, or a bulk
  update or delete through the ORM raises :class:`AppendOnlyError`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from ..i18n import LANGUAGES, N_
from .words import gettext_lazy as _

ROLE_ORGANISER, ROLE_REVIEWER, ROLE_CITY = "organiser", "reviewer", "city"
ROLES = ((ROLE_ORGANISER, N_("organiser")), (ROLE_REVIEWER, N_("reviewer")), (ROLE_CITY, N_("city member")))
#: A city's status, in the order a round moves it (the label is a UI msgid).
STATUSES = (("invited", N_("invited")), ("opened", N_("opened")), ("draft", N_("draft")),
            ("submitted", N_("submitted")), ("sent_back", N_("sent back")), ("accepted", N_("accepted")))
#: What the pages show: a submitted city with an open query is "under query", a status of its own
#: (derived, never stored: it ends when the city answers its last open query).
UNDER_QUERY = "under_query"
SHOWN_STATUSES = (*STATUSES[:4], (UNDER_QUERY, N_("under query")), *STATUSES[4:])
UPLOAD_STATES = (("pending", N_("being checked")), ("checked", N_("checked")), ("failed", N_("could not be checked")))


def _choices(table: tuple[tuple[str, str], ...]) -> list[tuple[str, Any]]:
    """A table of (code, msgid) as a field's choices, each label in the reader's language (the back office)."""
    return [(code, _(label)) for code, label in table]  # the msgids are marked where the table is


def every_language() -> list[str]:
    """Every registered language: the languages of a round made before rounds had languages (each
    publication writes those of them its catalogue has texts in, as publishing did then), and of a
    round made in code without naming them."""
    return list(LANGUAGES)


class Round(models.Model):
    """One assessment round: a year's cohort of cities under one catalogue and method."""

    slug = models.SlugField(unique=True, verbose_name=_("short name (in addresses)"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    year = models.PositiveIntegerField(verbose_name=_("year"))
    deadline = models.DateField(null=True, blank=True, verbose_name=_("deadline"))
    #: ``""`` the built-in method; else a method YAML file's text (kept for the publication's hash)
    method = models.TextField(blank=True, default="", verbose_name=_("method file"))
    #: ``""`` no rank intervals; else a robustness spec YAML file's text
    robustness = models.TextField(blank=True, default="", verbose_name=_("robustness spec"))
    #: ``""`` the built-in catalogue; else the SHA-256 of a custom catalogue's zip kept with the uploads
    #: (checked as ``smartcity catalogue check`` checks it: :mod:`assessment.server.catalogues`)
    catalogue_sha256 = models.CharField(max_length=64, blank=True, default="", verbose_name=_("catalogue SHA-256"))
    catalogue_name = models.CharField(max_length=255, blank=True, default="", verbose_name=_("catalogue file"))
    public = models.BooleanField(default=True, verbose_name=_("publications are public"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    #: the round this one started from: its cities were carried over, its accepted values are last year's
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("previous round"))
    #: the codes of the languages its cities work in and its scorecards are published in (English always,
    #: first; then in the registry's order): chosen when the round is made, from those the interface and the
    #: round's catalogue both have (:mod:`assessment.server.views_round`)
    languages = models.JSONField(default=every_language, verbose_name=_("languages"))

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class City(models.Model):
    """A city of a round, with its status and the revision that guards it against lost updates."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="cities", verbose_name=_("round"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    country = models.CharField(max_length=2, blank=True, default="", verbose_name=_("country"))
    language = models.CharField(max_length=5, default="en", verbose_name=_("language"))
    #: the addresses its invitation links go to (one link each), in the order given; the single address
    #: a city had before is the first (migration 0005)
    contacts = models.JSONField(default=list, blank=True, verbose_name=_("contact e-mails"))
    #: the City-profile values the organiser gave (``{key: value}``, keys of
    #: :data:`assessment.server.cities.GIVEN`, checked by the intake's rules), pre-filled in its template
    profile = models.JSONField(default=dict, blank=True, verbose_name=_("city profile"))
    status = models.CharField(max_length=12, choices=_choices(STATUSES), default="invited", verbose_name=_("status"))
    note = models.TextField(blank=True, default="", verbose_name=_("reviewer's note"))
    revision = models.PositiveIntegerField(default=0, verbose_name=_("revision"))
    last_activity = models.DateTimeField(null=True, blank=True, verbose_name=_("last activity"))
    #: the version a reviewer accepted (what a publication is built from)
    accepted = models.ForeignKey("Upload", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("accepted version"))

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints: ClassVar = [models.UniqueConstraint(fields=["round", "name"], name="one_city_name_per_round")]
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_status(self) -> str:
        """The status the pages show (``under_query`` for a submitted city with an open query)."""
        if self.status == "submitted" and self.queries.filter(answered__isnull=True).exists():
            return UNDER_QUERY
        return self.status


def shown_status() -> models.Expression:
    """The shown status of each city of a queryset, as one SQL expression (the dashboard filters and sorts by it)."""
    open_queries = models.Exists(Query.objects.filter(city=models.OuterRef("pk"), answered__isnull=True))
    return models.Case(models.When(models.Q(status="submitted") & open_queries, then=models.Value(UNDER_QUERY)),
                       default=models.F("status"), output_field=models.CharField())


class Membership(models.Model):
    """A person's role: organiser or reviewer of the whole service, or member of one city."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("account"))
    role = models.CharField(max_length=10, choices=_choices(ROLES), verbose_name=_("role"))
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.CASCADE, related_name="members",
                             verbose_name=_("city"))

    class Meta:
        verbose_name = _("role of a person")
        verbose_name_plural = _("roles of people")

    def __str__(self) -> str:  # the back office names a record by its data: no English word in it
        return f"{self.user}: {self.get_role_display()}" + (f" ({self.city})" if self.city_id else "")


class Invitation(models.Model):
    """A one-time sign-in link: signed, expiring, used at most once (``used`` is set on use)."""

    email = models.EmailField(verbose_name=_("e-mail address"))
    role = models.CharField(max_length=10, choices=_choices(ROLES), verbose_name=_("role"))
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations",
                             verbose_name=_("city"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             verbose_name=_("account"))
    nonce = models.CharField(max_length=64, unique=True, verbose_name=_("link secret"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    expires = models.DateTimeField(verbose_name=_("expires"))
    used = models.DateTimeField(null=True, blank=True, verbose_name=_("used"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email}: {self.get_role_display()}"


class Upload(models.Model):
    """One version of a city's workbook: its file by hash, and the problems the intake found."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="uploads", verbose_name=_("city"))
    number = models.PositiveIntegerField(verbose_name=_("number"))
    filename = models.CharField(max_length=255, verbose_name=_("file name"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    size = models.PositiveBigIntegerField(verbose_name=_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    verbose_name=_("uploaded by"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    state = models.CharField(max_length=8, choices=_choices(UPLOAD_STATES), default="pending", verbose_name=_("check"))
    errors = models.PositiveIntegerField(default=0, verbose_name=_("errors"))
    warnings = models.PositiveIntegerField(default=0, verbose_name=_("warnings"))
    #: how many indicator values the intake accepted, of ``expected`` in the catalogue (the coverage)
    reported = models.PositiveIntegerField(default=0, verbose_name=_("values reported"))
    expected = models.PositiveIntegerField(default=0, verbose_name=_("values expected"))
    #: the intake's problems as records (``Problem`` fields), worded when shown
    problems = models.JSONField(default=list, verbose_name=_("problems"))
    #: accepted values ``{indicator: value}`` to show what changed since the previous version
    values = models.JSONField(default=dict, verbose_name=_("values"))

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints: ClassVar = [models.UniqueConstraint(fields=["city", "number"], name="one_version_number")]
        ordering: ClassVar = ["city", "number"]

    def __str__(self) -> str:
        return f"{self.city} v{self.number}: {self.filename}"


class Query(models.Model):
    """A plausibility question on a submitted version (the review stage's), and the city's answer."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="queries", verbose_name=_("city"))
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="queries", verbose_name=_("version"))
    #: the review stage's stable id of the question within its city (``code:rule:indicator``)
    key = models.CharField(max_length=200, verbose_name=_("question key"))
    #: the question as a ``Problem`` record, worded when shown
    problem = models.JSONField(default=dict, verbose_name=_("question"))
    answer = models.TextField(blank=True, default="", verbose_name=_("answer"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("asked by"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("answered by"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    answered = models.DateTimeField(null=True, blank=True, verbose_name=_("answered"))
    #: a corrected value the city gave, and the new version it was written into (``None``: a comment)
    corrected = models.FloatField(null=True, blank=True, verbose_name=_("corrected value"))
    correction = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("version of the correction"))

    class Meta:
        verbose_name = _("query")
        verbose_name_plural = _("queries")
        constraints: ClassVar = [models.UniqueConstraint(fields=["upload", "key"], name="one_query_per_version")]
        ordering: ClassVar = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.city}: {self.key}"


class AnswerFile(models.Model):
    """An answered query workbook a city uploaded (kept by hash), and the problems its reader found."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="answer_files", verbose_name=_("city"))
    filename = models.CharField(max_length=255, verbose_name=_("file name"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    size = models.PositiveBigIntegerField(verbose_name=_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    verbose_name=_("uploaded by"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    #: ``Problem`` records of :func:`assessment.review.read_round` (worded when shown)
    problems = models.JSONField(default=list, verbose_name=_("problems"))
    #: how many questions the workbook answered, and the version its corrected values made (if any)
    answered = models.PositiveIntegerField(default=0, verbose_name=_("questions answered"))
    correction = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("version of the correction"))

    class Meta:
        verbose_name = _("answered query workbook")
        verbose_name_plural = _("answered query workbooks")
        ordering: ClassVar = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.city}: {self.filename}"


class Publication(models.Model):
    """A published scorecard site, immutable, with the exact inputs it was built from (``manifest``)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="publications", verbose_name=_("round"))
    number = models.PositiveIntegerField(verbose_name=_("number"))
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   verbose_name=_("published by"))
    state = models.CharField(max_length=8, default="pending", verbose_name=_("state"))
    #: submission hashes, method and catalogue hashes, package version
    manifest = models.JSONField(default=dict, verbose_name=_("manifest"))
    zip_sha256 = models.CharField(max_length=64, blank=True, default="", verbose_name=_("zip SHA-256"))
    error = models.TextField(blank=True, default="", verbose_name=_("error"))

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints: ClassVar = [models.UniqueConstraint(fields=["round", "number"], name="one_publication_number")]

    def __str__(self) -> str:
        return f"{self.round} #{self.number}"


class AppendOnlyError(Exception):
    """An audit record was to be changed or deleted."""


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    """Bulk changes of audit records are refused."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit records are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records are append-only")


class AuditRecord(models.Model):
    """Who did what, when, to which object (and the file's hash for an upload)."""

    when = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("when"))
    user = models.CharField(max_length=150, blank=True, default="", verbose_name=_("who"))
    action = models.CharField(max_length=40, verbose_name=_("action"))
    object_type = models.CharField(max_length=40, blank=True, default="", verbose_name=_("object type"))
    object_id = models.CharField(max_length=40, blank=True, default="", verbose_name=_("object id"))
    sha256 = models.CharField(max_length=64, blank=True, default="", verbose_name=_("SHA-256"))
    detail = models.TextField(blank=True, default="", verbose_name=_("detail"))

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering: ClassVar = ["when", "id"]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.user} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records are append-only")
