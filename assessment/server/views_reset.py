"""Forgotten passwords: a reset link by e-mail, single use and expiring (Django's own token generator).

The token is a hash of the account's password, last sign-in and the time, signed with the
secret key: it stops working once the password changes (single use) and after
``PASSWORD_RESET_TIMEOUT``. The form answers the same whether the address has an account or not,
so it cannot be used to learn who takes part.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.http import require_http_methods

from ..i18n import N_
from .audit import record
from .jinja import gettext


@require_http_methods(["GET", "POST"])
def reset_request(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; it is e-mailed when the address has an account with a password."""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        user = User.objects.filter(username=email, is_active=True).first()
        if user is not None and user.has_usable_password():
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            link = request.build_absolute_uri(f"/reset/{uid}/{default_token_generator.make_token(user)}/")
            send_mail(gettext("Choose a new password"), link, None, [user.email or user.username])
            record(user, "reset-requested")
        return render(request, "message.html.j2", {"message": N_(
            "If this address has an account, a link to choose a new password is on its way.")})
    return render(request, "reset_request.html.j2")


@require_http_methods(["GET", "POST"])
def reset_confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """Choose a new password with a reset link (which then stops working)."""
    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uid).decode())).first()
    except (ValueError, UnicodeDecodeError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "invalid_link.html.j2", status=404)
    errors: list[str] = []
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            errors.append(N_("The two passwords differ."))
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            errors += list(exc.messages)
        if not errors:
            user.set_password(password)  # the token was a hash of the old password: it no longer checks
            user.save()
            record(user, "password-reset")
            return redirect("signin")
    return render(request, "reset_confirm.html.j2", {"email": user.username, "errors": errors},
                  status=400 if errors else 200)
