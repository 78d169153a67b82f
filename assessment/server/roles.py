"""Who may see what: the roles of a signed-in person and the checks every view makes.

A city member sees only their own city (another city's pages answer 404, so a member cannot
even learn which ids exist); reviewers and organisers see every city; only organisers run the
round (cities, invitations, publishing, the audit trail).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import ROLE_CITY, ROLE_ORGANISER, ROLE_REVIEWER, City


def roles_of(user: Any) -> set[str]:
    """The roles a user holds (empty for the anonymous)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_smartcity_roles", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", flat=True))
        user._smartcity_roles = cached
    return cached


def is_staff(user: Any) -> bool:
    """An organiser or a reviewer."""
    return bool(roles_of(user) & {ROLE_ORGANISER, ROLE_REVIEWER})


def cities_of(user: Any) -> list[City]:
    """The cities a city member belongs to."""
    if not user.is_authenticated:
        return []
    return list(City.objects.filter(members__user=user, members__role=ROLE_CITY).select_related("round"))


def need(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view for signed-in people holding one of ``roles``: the anonymous go to sign in, others get 403."""
    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles_of(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return inner
    return wrap


def city_for(request: HttpRequest, city_id: int) -> City:
    """The city a request may act on: staff see every city, a member only their own (else 404)."""
    city = get_object_or_404(City.objects.select_related("round"), pk=city_id)
    if is_staff(request.user):
        return city
    if not city.members.filter(user=request.user, role=ROLE_CITY).exists():
        raise Http404
    return city


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any signed-in person; the anonymous go to sign in."""
    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)
    return inner


STAFF = (ROLE_ORGANISER, ROLE_REVIEWER)
