"""Middleware: security headers on every answer, the upload size cap, the page language.

* ``Content-Security-Policy`` on every answer: the service's own pages run no script at all
  (``script-src 'none'``); a published scorecard page allows exactly its own inline scripts by
  their SHA-256 (:func:`scorecard_policy`). ``frame-ancestors 'none'`` and
  ``X-Content-Type-Options: nosniff`` always.
* The upload cap: a request body larger than ``SMARTCITY_MAX_UPLOAD`` (or a body of unknown
  length) is answered 413 (411) *before* any of it is read.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from ..i18n import LANGUAGES

#: The policy of the service's own pages: no script, styles and images only from the service.
APP_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")
_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def scorecard_policy(html: bytes) -> str:
    """The policy of one published page: each of its inline scripts allowed by hash, nothing else."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
                      for m in dict.fromkeys(_SCRIPT.findall(html)))
    # the scorecards style SVG and tables inline (attributes), so styles may be inline; scripts may not
    return (f"default-src 'none'; script-src {hashes or chr(39) + 'none' + chr(39)}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'none'")


class SecurityHeaders:
    """Add the policy, ``nosniff`` and ``frame-ancestors`` to every answer (a view may set a stricter policy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", APP_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


class UploadCap:
    """Refuse a body over the cap from its declared length, before the body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            length = request.META.get("CONTENT_LENGTH") or ""
            chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            if chunked or not length.isdigit():
                return HttpResponse("411 Length Required\n", status=411, content_type="text/plain")
            if length.isdigit() and int(length) > settings.SMARTCITY_MAX_UPLOAD + 65536:  # + the form's fields
                return HttpResponse("413 Request Entity Too Large\n", status=413, content_type="text/plain")
        return self.get_response(request)


class Language:
    """Pick the page language: the person's choice this session, else their city's, else the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .roles import cities_of

        lang = request.session.get("lang")
        if lang not in LANGUAGES and request.user.is_authenticated:
            own = cities_of(request.user)
            lang = own[0].language if own else None
        if lang not in LANGUAGES:
            lang = translation.get_language_from_request(request)
        lang = lang if lang in LANGUAGES else "en"
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response
