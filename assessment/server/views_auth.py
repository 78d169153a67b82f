"""Signing in and out, invitation links, the page language, the stylesheet, the home page."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..i18n import LANGUAGES, N_
from ..locales import registry
from ..resources import templates_dir
from .audit import record
from .models import ROLE_CITY, Membership, Publication
from .roles import cities_of, is_staff
from .tokens import open_token


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Staff go to the rounds, a city member to their city, everyone else sees the public publications."""
    if is_staff(request.user):
        return redirect("rounds")
    own = cities_of(request.user)
    if own:
        return redirect("city", own[0].pk)
    pubs = Publication.objects.filter(state="done", round__public=True).select_related("round").order_by("-created")
    return render(request, "home.html.j2", {"publications": pubs})


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """The sign-in form; ``django-axes`` counts failures per account and address and locks out."""
    error = ""
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username", ""),
                            password=request.POST.get("password", ""))
        if user is None:
            error = N_("The e-mail address or the password is not right.")
        else:
            login(request, user)
            record(user, "sign-in")
            if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                nxt = "/"
            return HttpResponseRedirect(nxt or "/")
    return render(request, "signin.html.j2", {"error": error, "next": nxt})


def locked_out(request: HttpRequest, *args: object) -> HttpResponse:
    """django-axes' answer to a locked account (429): the sign-in page, saying so in the page language."""
    return render(request, "signin.html.j2", {"error": N_("Too many failed attempts: signing in is locked for an "
                                                          "hour."), "next": ""}, status=429)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Sign out (a POST, so another site cannot sign a person out)."""
    logout(request)
    return redirect("home")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time link: set a password, join the city (or the service) and sign in."""
    invitation = open_token(token)
    if invitation is None:
        return render(request, "invalid_link.html.j2", status=404)
    holder = invitation.user or User.objects.filter(username=invitation.email).first()
    if invitation.user is None and holder is not None and holder.has_usable_password():
        # an address that has an account already: its password is never reset by a link; its owner signs in
        return join_existing(request, token, holder)
    errors: list[str] = []
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            errors.append(N_("The two passwords differ."))
        with transaction.atomic():
            inv = open_token(token, lock=True)  # a second use, even at the same moment, finds it used
            if inv is None:
                return render(request, "invalid_link.html.j2", status=404)
            user = inv.user or User.objects.filter(username=inv.email).first() or User(username=inv.email,
                                                                                       email=inv.email)
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                errors += list(exc.messages)
            if not errors:
                user.set_password(password)
                user.save()
                if not Membership.objects.filter(user=user, role=inv.role, city=inv.city).exists():
                    Membership.objects.create(user=user, role=inv.role, city=inv.city)
                inv.used = timezone.now()
                inv.user = user
                inv.save(update_fields=["used", "user"])
                if inv.role == ROLE_CITY and inv.city is not None and inv.city.status == "invited":
                    inv.city.status = "opened"
                    inv.city.last_activity = timezone.now()
                    inv.city.save(update_fields=["status", "last_activity"])
                record(user, "invitation-used", inv, detail=inv.role)
        if not errors:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "set_password.html.j2", {"invitation": invitation, "errors": errors},
                  status=400 if errors else 200)


def join_existing(request: HttpRequest, token: str, holder: User) -> HttpResponse:
    """The invitation of an existing account: used once its owner is signed in, else they are asked to sign in."""
    if request.user.pk != holder.pk:
        return render(request, "message.html.j2", {"message": N_(
            "This e-mail address has an account already: sign in, then open the link again.")})
    with transaction.atomic():
        inv = open_token(token, lock=True)
        if inv is None:
            return render(request, "invalid_link.html.j2", status=404)
        if not Membership.objects.filter(user=holder, role=inv.role, city=inv.city).exists():
            Membership.objects.create(user=holder, role=inv.role, city=inv.city)
        inv.used, inv.user = timezone.now(), holder
        inv.save(update_fields=["used", "user"])
        record(holder, "invitation-used", inv, detail=inv.role)
    return redirect("home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Keep the chosen page language for this session."""
    lang = request.POST.get("lang", "")
    if lang in LANGUAGES:
        request.session["lang"] = lang
    back = request.POST.get("next", "/")
    return HttpResponseRedirect(back if url_has_allowed_host_and_scheme(back, {request.get_host()}) else "/")


@require_GET
def stylesheet(request: HttpRequest) -> HttpResponse:
    """The pages' one stylesheet (served by the app, so the policy needs no inline style), with a rule for each
    language whose fonts are not English's or whose script has no spaces between words (the page's ``lang``
    picks it)."""
    css = (templates_dir() / "server" / "app.css").read_text(encoding="utf-8")
    source = registry()["en"]
    for code, found in registry().items():
        if found.fonts != source.fonts:
            css += f"body:lang({code}) {{ font-family: {found.font_family}; }}\n"
        if not found.word_spaces:
            css += f"body:lang({code}) {{ overflow-wrap: break-word; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=3600"
    return response

