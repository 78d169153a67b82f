"""Invitation and sign-in links: signed, expiring, single use.

The link carries ``signing.dumps(nonce)``: the signature (the data directory's secret key)
stops a forged or altered link, the timestamp inside it and ``Invitation.expires`` stop an old
one, and ``Invitation.used`` (set in the same transaction that sets the password) stops a second use.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import Invitation

SALT = "smartcity.invitation"
#: How long a link stays valid.
LIFETIME = timedelta(days=14)


def invite(email: str, role: str, city: Any = None, user: Any = None) -> tuple[Invitation, str]:
    """A new invitation and its token (the token is shown once and never stored)."""
    inv = Invitation.objects.create(email=email, role=role, city=city, user=user, nonce=secrets.token_urlsafe(24),
                                    expires=timezone.now() + LIFETIME)
    return inv, signing.dumps(inv.nonce, salt=SALT)


def open_token(token: str, *, lock: bool = False) -> Invitation | None:
    """The unused, unexpired invitation a token names, else ``None`` (forged, expired or used)."""
    try:
        nonce = signing.loads(token, salt=SALT, max_age=LIFETIME)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    rows = Invitation.objects.filter(nonce=nonce, used__isnull=True, expires__gt=timezone.now())
    if lock:
        assert transaction.get_connection().in_atomic_block, "lock needs a transaction"
        rows = rows.select_for_update()
    return rows.first()
