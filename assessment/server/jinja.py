"""The Jinja2 environment of the service's pages (Django's Jinja2 backend builds it from here).

Texts are the project's msgids, translated from ``templates/locale`` by
:func:`assessment.i18n.translations` in the language Django has active for the request, so the
pages, the scorecards and the command line share one catalogue. The scorecards' filters
(``t``, ``num``) are the same as :mod:`assessment.templating`'s.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.urls import reverse

from ..errors import SEVERITY_LABELS
from ..i18n import draft_notice, fmt_number, text, translations
from ..locales import registry
from .words import current, gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a msgid with a plural into the page language."""
    return translations(current()).ngettext(singular, plural, n)


def languages() -> list[tuple[str, str]]:
    """Every registered language as (code, its own name), for the language buttons."""
    return [(code, found.native_name) for code, found in registry().items()]


def draft() -> str:
    """The draft line of the page language (``""`` when the language is reviewed)."""
    return draft_notice(current())


def url(name: str, *args: Any) -> str:
    """The address of a named view."""
    return reverse(name, args=args)


def label(code: str) -> str:
    """A status, upload state or role code in the page language."""
    from .models import ROLES, SHOWN_STATUSES, UPLOAD_STATES

    labels: dict[str, str] = dict((*SHOWN_STATUSES, *UPLOAD_STATES, *ROLES))
    return gettext(labels.get(code, code))


def severity(code: str) -> str:
    """A problem's severity (error, warning) in the page language."""
    return gettext(SEVERITY_LABELS.get(code) or code)


def environment(**options: Any) -> jinja2.Environment:
    """The environment, with gettext, ``url`` and the scorecards' filters; undefined names raise."""
    options.setdefault("undefined", jinja2.StrictUndefined)
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(url=url, lang=current, label=label, severity=severity, languages=languages, draft=draft)
    env.filters["t"] = lambda value, fallback="en": text(value, current(), fallback)
    env.filters["num"] = lambda value, digits=2: fmt_number(value, current(), digits)
    env.filters["tr"] = gettext
    return env
