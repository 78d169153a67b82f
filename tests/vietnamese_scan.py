"""Find English words in text a Vietnamese city or reviewer reads (the Vietnamese rule of ``language_scan.py``).

A word is flagged when it is written in plain ASCII letters (no Vietnamese diacritics) and cannot be a
Vietnamese syllable written without its marks (initial consonant, vowel nucleus, final consonant:
``thanh``, ``nguoi``), or is one of a few English words that happen to have a Vietnamese shape
(``the``, ``key``, ``rule`` …). Codes and acronyms (all capitals, or an id such as ``BI-WATER``) and the
proper names and units of :data:`ALLOWED` are not English prose and pass.
"""

from __future__ import annotations

import re

#: A Vietnamese syllable without its diacritics (đ written d): initial, nucleus, final.
SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
                      r"(uye|uya|oai|oay|uay|uoi|uou|ieu|yeu|oe|oa|uy|ue|ua|uo|ui|ie|ia|iu|ye|ai|ao|au|ay|eo|eu|"
                      r"oi|ou|[aeiouy])(ch|nh|ng|[cmnpt])?")
#: English words with a Vietnamese shape that English prose is made of.
ENGLISH_SHAPED = frozenset({"the", "key", "rule", "value", "yes", "not", "of", "and", "is", "by", "for", "or",
                            "at", "as", "be", "it", "that", "this", "then", "each", "none", "open", "note", "notes",
                            "type", "data"})  # not "an", "to", "in", "no", "can", "than": Vietnamese words too
#: Proper names, units and loanwords Vietnamese texts use as they are.
ALLOWED = frozenset({"Gini", "Internet", "Sendai", "Lden", "Mbit", "kbit", "kWh", "kg", "km", "dB", "camera",
                     "hybrid", "video", "web", "radar", "Wi", "Fi", "alpha", "ascf", "oecd", "Huế", "xlsx", "csv",
                     "smartcity"})  # publication names are taken out whole (``names``) before the scan

_WORD = re.compile(r"[^\W\d_]+(?:-[A-Za-z0-9]+)*")


def english_words(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """The English words of ``text`` (in order, repeated as often as they occur), after taking out ``names``
    (publication names quoted whole, such as "UNODC Global Study on Homicide")."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    found = []
    for word in _WORD.findall(text):
        if len(word) < 2 or not word.isascii() or word in ALLOWED or "-" in word or word.isupper():
            continue
        lower = word.lower()
        if lower in ENGLISH_SHAPED or not SYLLABLE.fullmatch(lower):
            found.append(word)
    return found
