"""The organiser's back office: Django's admin, for what the service's pages do not cover.

Conventions:

* Organisers only (the role, not Django's ``is_staff`` flag): the anonymous are sent to the
  service's own sign-in page (one page, one lock-out count by ``django-axes``), everyone else
  gets 403. The admin's own sign-in page only redirects there.
* Nothing is added or deleted through the back office, and records whose immutability the round
  relies on are read-only: the kept versions (:class:`~.models.Upload`), answered query
  workbooks, queries, publications, invitations, memberships (the roles page changes them, with
  an audit record) and the audit trail. A few fields are editable (a round's name, deadline and
  whether it is public; a city's contacts; whether an account is active); every such change is
  an audit record too.
* The admin's pages run the admin's own script files, so they carry their own policy
  (:data:`ADMIN_POLICY`, ``script-src 'self'``), set by this site's view wrapper on its own
  addresses only: the service's pages keep theirs (no script at all). Its static files are
  served from the installed Django (``static/``, found by ``django.contrib.staticfiles``'
  finders, never a folder of the data directory).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .audit import record
from .cities import GIVEN, checked_contacts
from .models import ROLE_ORGANISER, AnswerFile, AuditRecord, City, Invitation, Membership, Publication, Query, Round
from .models import Upload as Version
from .roles import roles_of
from .words import gettext
from .words import gettext_lazy as _

#: The back office's policy: the admin's own script, style and image files, nothing inline, no frames.
ADMIN_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def organiser(request: HttpRequest) -> bool:
    """Whether the person signed in is an organiser (an active account)."""
    return bool(request.user.is_active and ROLE_ORGANISER in roles_of(request.user))


class BackOffice(admin.AdminSite):
    """The admin site of the service: organisers only, its own content policy on every answer."""

    site_header = site_title = "smartcity-assessment"
    index_title = _("Back office")
    final_catch_all_view = False  # an unknown address is the plain 404, not an admin page

    def has_permission(self, request: HttpRequest) -> bool:
        return organiser(request)

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Callable[..., HttpResponse]:
        guarded = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())  # the service's sign-in page
            if not organiser(request):
                raise PermissionDenied
            response = guarded(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = ADMIN_POLICY
            return response

        return update_wrapper(inner, guarded)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No second sign-in form: the service's own page, then back to the back office."""
        return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))


site = BackOffice(name="admin")


class ReadOnly(admin.ModelAdmin):
    """Seen by organisers; never added, changed or deleted here (no bulk actions either)."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return organiser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return organiser(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class Editable(ReadOnly):
    """Only the fields in ``editable`` may change; each saved change is an audit record."""

    editable: tuple[str, ...] = ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return organiser(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = self.fields or [f.name for f in self.model._meta.fields]
        return [n for n in names if isinstance(n, str) and n not in self.editable]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = [n for n in form.changed_data if n in self.editable]
        if fields:
            obj.save(update_fields=fields)
            record(request.user, "admin-change", obj, detail=", ".join(f"{n}={getattr(obj, n)}" for n in fields))


def _register(model: type[models.Model], base: type[admin.ModelAdmin], **options: Any) -> None:
    site.register(model, type(f"{model.__name__}Admin", (base,), options))


_register(Round, Editable, editable=("name", "deadline", "public"),
          fields=("slug", "name", "year", "deadline", "public", "previous", "languages", "created", "method",
                  "robustness"),
          list_display=("name", "year", "slug", "deadline", "public"))
class Contacts(forms.CharField):
    """A city's contact addresses as one text, separated by ``;`` (or ``,``), each checked as the cities
    page checks them (:func:`assessment.server.cities.checked_contacts`)."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):  # the text sent back with a problem, as typed
            return value
        return "; ".join(value or [])

    def to_python(self, value: Any) -> list[str]:
        kept, problems = checked_contacts(str(value or ""))
        if problems:
            raise forms.ValidationError(problems)
        return kept


class CityForm(forms.ModelForm):
    """The back office's form of a city: its contacts as one text of addresses."""

    contacts = Contacts(required=False, label=_("Contact e-mails"),
                        help_text=_("Addresses separated by ';': each gets its own invitation link."))

    class Meta:
        model = City
        fields = ("contacts",)


class CityAdmin(Editable):
    """A city: its contacts may change; its profile is shown field by field, each named in the reader's language."""

    form = CityForm
    editable = ("contacts",)
    list_display = ("name", "round", "status", "contact_list", "last_activity")
    list_filter = ("round", "status")
    fields = ("round", "name", "country", "language", "contacts", "profile_shown", "status", "note", "revision",
              "last_activity", "accepted")

    @admin.display(description=_("contact e-mails"))
    def contact_list(self, obj: City) -> str:
        return "; ".join(obj.contacts)

    @admin.display(description=_("city profile"))
    def profile_shown(self, obj: City) -> str:
        return "; ".join(f"{gettext(f.label)}: {_plain(obj.profile[f.key])}" for f in GIVEN if f.key in obj.profile)


def _plain(value: Any) -> Any:
    """A whole number without its ``.0`` (a population is kept as a float, as the workbook's reader reads it)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


site.register(City, CityAdmin)
_register(User, Editable, editable=("is_active",), fields=("username", "email", "is_active", "last_login",
                                                           "date_joined"),
          list_display=("username", "email", "is_active", "last_login"))
_register(Membership, ReadOnly, list_display=("user", "role", "city"))
_register(Invitation, ReadOnly, list_display=("email", "role", "city", "created", "expires", "used"),
          fields=("email", "role", "city", "user", "created", "expires", "used"))  # not the nonce
_register(Version, ReadOnly, list_display=("city", "number", "filename", "state", "errors", "sha256", "created"))
_register(AnswerFile, ReadOnly, list_display=("city", "filename", "answered", "sha256", "created"))
_register(Query, ReadOnly, list_display=("city", "key", "answered", "corrected"))
_register(Publication, ReadOnly, list_display=("round", "number", "state", "zip_sha256", "created"))
_register(AuditRecord, ReadOnly, list_display=("when", "user", "action", "object_type", "object_id", "detail"),
          list_filter=("action",))


def static_file(request: HttpRequest, path: str) -> HttpResponse:
    """A static file of an installed app (the admin's scripts, styles, icons), found by the finders."""
    from django.contrib.staticfiles.views import serve

    return serve(request, path, insecure=True)
