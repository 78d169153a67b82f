"""The page language and its texts: what the pages (:mod:`.jinja`) and the records' names (:mod:`.models`) share.

Texts are the project's msgids, translated from ``templates/locale`` by
:func:`assessment.i18n.translations` in the language Django has active for the request (set by
:class:`assessment.server.security.Language`), so the pages, the back office's names of the
service's records, the scorecards and the command line share one catalogue.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import lazy

from ..i18n import LANGUAGES, translations


def current() -> str:
    """The page language (English when none is active)."""
    lang = translation.get_language() or "en"
    return lang if lang in LANGUAGES else "en"


def gettext(message: str) -> str:
    """Translate a msgid into the page language."""
    return translations(current()).gettext(message)


#: A msgid translated when it is shown, in the language active then: the models' and fields' names
#: (``verbose_name``) and choices, which Django's admin (the back office) shows. From the project's
#: one catalogue, as every page's texts, not from Django's own translations (they know only Django's
#: words); the admin's own words (buttons, "Select %s to change") stay Django's. Babel finds the
#: msgids where a module imports this as ``_``. Django's migrations store the English msgid.
gettext_lazy = lazy(gettext, str)
