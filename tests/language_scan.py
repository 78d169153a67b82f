"""Find English words in text a city or reviewer reads in another registered language (the scan of
``test_language_path.py``), for every language of the locale registry.

Two rules; either flags a word written in plain ASCII letters:

* every language: a word English uses here (a word of the UI's msgids or of the built-in catalogue's English
  texts) that the language's own texts never choose: a word counts as the language's own when some
  translation (``templates/locale/<lang>/LC_MESSAGES/messages.po``, ``indicators/locale/<lang>.po``) uses it
  where its English text does not (``data`` and ``target`` are Indonesian words too, and appear in
  translations of texts without them), so English a translation merely kept from its source stays English;
* Vietnamese also: :mod:`vietnamese_scan`'s rule (a word that cannot be a Vietnamese syllable without its
  marks, or an English word of Vietnamese shape), which also catches English the UI never wrote.

Codes and acronyms (all capitals, ids such as ``BI-WATER``), :data:`vietnamese_scan.ALLOWED` (names, units,
loanwords), quoted publication names (``names``), :data:`PROPER_NAMES`, :data:`GLOSSES` and each language's
:data:`LOANWORDS` are not English prose and pass. Every entry of those lists says why it is not English here.
"""

from __future__ import annotations

import re
from functools import cache

import yaml
from babel.messages.pofile import read_po
from vietnamese_scan import ALLOWED
from vietnamese_scan import english_words as vietnamese_english

from assessment._messages import ui_msgids
from assessment.catalogue.texts import texts
from assessment.locales import registry
from assessment.resources import indicators_dir

_WORD = re.compile(r"[^\W\d_]+(?:-[A-Za-z0-9]+)*")

#: Names of frameworks, plans, publications and an ASCN role, kept in their official English form where a
#: translation names them (the Thai translation glosses them, the Indonesian one keeps them as titles).
PROPER_NAMES = ("ASEAN Smart Cities Framework", "ASEAN Smart City Action Plan", "OECD Smart City Measurement Framework",
                "Sendai Framework", "Chief Smart City Officer", "U4SSC Verification Manual")

#: English terms a translation keeps in brackets beside its own words, so a reader can match them to the
#: English literature ("'gali sekali' (dig once)"); only in brackets, so the same words in prose are still found.
GLOSSES = ("(dig once)", "(Dig once)", "(bankable)", "(build back better)", "(cell broadcast)", "(open dumping)")

#: Words a language took from English and uses as its own (Indonesian: in the KBBI, the Indonesian
#: dictionary), and unit symbols the scan would read as words (``ha``, the hectare).
LOANWORDS: dict[str, frozenset[str]] = {
    "id": frozenset({"bus", "informal", "portal", "gender", "total", "nitrogen", "gas", "final", "hub", "ha"}),
    "th": frozenset({"ha"}),
}


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.isascii()}


@cache
def english_vocabulary() -> frozenset[str]:
    """The words of every UI msgid and of every English text of the built-in catalogue."""
    found: set[str] = set()
    for msgid in ui_msgids():
        found |= _words(msgid)
    for path in sorted(indicators_dir().rglob("*.yaml")):
        for _, text in texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            found |= _words(text["en"])
    return frozenset(found)


@cache
def own_vocabulary(lang: str) -> frozenset[str]:
    """The words the language's translations choose: those of a translation that its English text lacks."""
    found: set[str] = set()
    for path in (registry()[lang].messages, indicators_dir() / "locale" / f"{lang}.po"):
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string:
                    found |= _words(str(m.string)) - _words(str(m.id))
    return frozenset(found)


def english_words(text: str, lang: str, names: tuple[str, ...] = ()) -> list[str]:
    """The English words of ``text`` read in ``lang`` (in order, as often as they occur), ``names`` taken out."""
    for name in sorted((*names, *PROPER_NAMES, *GLOSSES), key=len, reverse=True):
        text = text.replace(name, " ")
    loanwords = LOANWORDS.get(lang, frozenset())
    shaped = set(vietnamese_english(text)) if lang == "vi" else set()
    found = []
    for word in _WORD.findall(text):
        if len(word) < 2 or not word.isascii() or word in ALLOWED or "-" in word or word.isupper():
            continue
        lower = word.lower()
        if lower in loanwords:
            continue
        if word in shaped or (lower in english_vocabulary() and lower not in own_vocabulary(lang)):
            found.append(word)
    return found
