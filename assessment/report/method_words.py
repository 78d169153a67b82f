"""The scoring method in words, in the reader's language: what a city page says instead of the YAML.

The method file itself stays a download (its YAML reproduces every number); the page says what the
method does, one sentence per stage, with the method's own numbers (coverage shares, limits).
A method name this module has no words for is shown as it is (a researcher's own recipe).
"""

from __future__ import annotations

from ..i18n import _
from ..scoring.imputers import IMPUTERS
from ..scoring.means import MEANS
from ..scoring.method import Method
from ..scoring.normalisers import NORMALISERS
from ..scoring.treat import TREATERS
from .words import Words

#: Each normalisation in words: its class's ``words`` (:mod:`assessment.scoring.normalisers`).
NORMALISE = {name: cls.words for name, cls in NORMALISERS.items() if cls.words}
#: What each imputation estimates from: its class's ``words`` (:mod:`assessment.scoring.imputers`).
IMPUTE = {name: cls.words for name, cls in IMPUTERS.items() if cls.words}
#: Each mean's name: its class's ``words`` (:mod:`assessment.scoring.means`).
AGGREGATE = {name: cls.words for name, cls in MEANS.items() if cls.words}


def method_words(method: Method, words: Words) -> list[str]:
    """One sentence per stage of ``method`` in the language of ``words`` (plain text, numbers in the method's own
    terms, on the method's own scale, units called as the framework calls them). A rule that is off (a share of
    0 %) is not stated as "at least 0 %": the sentence says what happens instead."""
    lang = words.lang

    def word(table: dict[str, str], name: str) -> str:
        return _(table[name], lang) % {"unit": words.unit} if name in table else name

    impute, scale = method.impute.method, words.scale
    how = word(NORMALISE, method.normalise.method)
    out = [_("Each indicator is put on a %(lo)s to %(hi)s scale %(how)s.", lang) % {
        "lo": words.fmt(scale.lo), "hi": words.fmt(scale.hi), "how": how}
        if hasattr(method.normalise.default, "range") else
        _("Each indicator is put on a common scale %(how)s.", lang) % {"how": how}]
    out.append(_("Missing values are left missing: no value is guessed.", lang) if impute == "none" else
               _("Missing values are estimated from %(how)s.", lang) % {"how": word(IMPUTE, impute)})
    treat = TREATERS[method.treat.method].words  # every treatment says itself (``%(n)s``: its winmax)
    out.append(_(treat, lang) % {"n": method.treat.winmax} if treat else method.treat.method)
    out.append(_("Values still under a reviewer's query are left out.", lang) if method.screen.queries == "exclude"
               else _("Values still under a reviewer's query are used and marked.", lang))
    mean = word(AGGREGATE, method.aggregate.method)
    share = round(method.aggregate.min_reported * 100)
    out.append(_("Scores are combined with the %(how)s mean; a score needs values for at least %(share)s %% of "
                 "its indicators.", lang) % {"how": mean, "share": share} if share else
               _("Scores are combined with the %(how)s mean of the indicators that have values.", lang)
               % {"how": mean})
    least = round(method.rank.min_coverage * 100)
    if not method.rank.enabled:
        out.append(_("%(units)s are not ranked.", lang) % {"units": words.as_dict()["Units"]})
    elif least:
        out.append(_("A %(unit)s is ranked when it has values for at least %(share)s %% of the scored indicators.",
                     lang) % {"unit": words.unit, "share": least})
    else:
        out.append(_("Every %(unit)s is ranked, whatever share of the indicators it has values for.", lang)
                   % {"unit": words.unit})
    return out
