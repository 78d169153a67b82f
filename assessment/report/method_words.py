"""The scoring method in words, in the reader's language: what a city page says instead of the YAML.

The method file itself stays a download (its YAML reproduces every number); the page says what the
method does, one sentence per stage, with the method's own numbers (coverage shares, limits).
A method name this module has no words for is shown as it is (a researcher's own recipe).
"""

from __future__ import annotations

from ..i18n import N_, _
from ..scoring.method import Method

NORMALISE = {"anchored": N_("between the catalogue's goalposts"), "goalposts": N_("between the catalogue's goalposts"),
             "minmax": N_("between the lowest and the highest value of the cohort"),
             "zscore": N_("as standard scores within the cohort"), "rank": N_("by rank within the cohort"),
             "prank": N_("by percentile rank within the cohort"), "dist2target": N_("as the distance to the target"),
             "none": N_("without rescaling")}
IMPUTE = {"mean": N_("the cohort mean"), "median": N_("the cohort median"),
          "mean-group": N_("the mean of the peer group"), "median-group": N_("the median of the peer group"),
          "latest": N_("the city's latest earlier value"),
          "linear": N_("a straight line through the city's other years")}
AGGREGATE = {"arithmetic": N_("arithmetic"), "geometric": N_("geometric"), "harmonic": N_("harmonic"),
             "generalised": N_("generalised")}


def method_words(method: Method, lang: str) -> list[str]:
    """One sentence per stage of ``method`` in ``lang`` (plain text, numbers in the method's own terms)."""
    def word(table: dict[str, str], name: str) -> str:
        return _(table[name], lang) if name in table else name

    impute = method.impute.method
    out = [_("Each indicator is put on a 0 to 100 scale %(how)s.", lang) % {"how": word(NORMALISE,
                                                                                       method.normalise.method)}]
    out.append(_("Missing values are left missing: no value is guessed.", lang) if impute == "none" else
               _("Missing values are estimated from %(how)s.", lang) % {"how": word(IMPUTE, impute)})
    out.append(_("Values are used as reported; extreme values are not pulled in.", lang)
               if method.treat.method == "none" else
               _("Extreme values are pulled in (winsorised, at most %(n)s per indicator) before scaling.", lang)
               % {"n": method.treat.winmax})
    out.append(_("Values still under a reviewer's query are left out.", lang) if method.screen.queries == "exclude"
               else _("Values still under a reviewer's query are used and marked.", lang))
    out.append(_("Scores are combined with the %(how)s mean; a score needs values for at least %(share)s %% of "
                 "its indicators.", lang) % {"how": word(AGGREGATE, method.aggregate.method),
                                             "share": round(method.aggregate.min_reported * 100)})
    out.append(_("A city is ranked when it has values for at least %(share)s %% of the scored indicators.", lang)
               % {"share": round(method.rank.min_coverage * 100)} if method.rank.enabled else
               _("Cities are not ranked.", lang))
    return out
