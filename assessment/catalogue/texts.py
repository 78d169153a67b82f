"""A catalogue's texts in other languages: one gettext file per language beside the catalogue.

A multilingual text of a catalogue YAML is a mapping of language codes to texts that has ``en``
(``name: {en: "Population"}``). English stays inline: it is the source. Every other language's
texts may instead live in ``locale/<lang>.po`` beside the catalogue's header file (the built-in
catalogue keeps all of them there, ``indicators/locale/vi.po``), so a translator edits one file:

* ``msgctxt`` is ``<file>:<path>``: the YAML file relative to the catalogue's folder (``/``
  separators), then the text's place in it. A mapping key adds ``.key`` (none before the first);
  a list item adds ``[<id>]`` when it is a mapping with an ``id`` (else a ``level``, else a
  ``code``) that is a text or a whole number, else ``[<index>]``: ``indicators/health-wellbeing.yaml:
  indicators[life_expectancy].name``, ``catalogue.yaml:maturity_levels[0].name``. A text reached
  through a YAML alias has a context at every place it is used, but it is one text: the first
  place's translation fills it (the other places' entries may be left out).
* ``msgid`` is the English text the translation was made from; ``msgstr`` the translation.

The loader fills every text with its translations *before* validation, so the model (and its
content hash, and every output) is the same as if the texts were inline. A translation whose
``msgid`` is no longer the text's English is **stale**: it is not used, and the text is reported,
as is a text with no translation (``catalogue check`` lists each by id). A file for a language the
catalogue does not declare, and a text given both inline and in a file, are reported too. An
entry whose context names no text any more (a text removed) is ignored, as gettext ignores
obsolete entries; a renamed id shows up as its new context's missing text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import Problem, params
from ..i18n import N_

#: A language key of a multilingual text (the contexts of the translators' files rely on this shape).
LANG_KEY = re.compile(r"[a-z]{2}")
SOURCE = "en"
#: The folder beside the catalogue that holds the translation files.
FOLDER = "locale"


def is_text(node: object) -> bool:
    """A multilingual text: a mapping with ``en`` whose keys are all language codes and values texts."""
    return (isinstance(node, dict) and SOURCE in node and all(isinstance(k, str) and LANG_KEY.fullmatch(k)
                                                               for k in node)
            and all(isinstance(v, str) for v in node.values()))


def item_key(item: object, index: int) -> str:
    """The name of a list item in a context: its ``id``, else ``level``, else ``code``, else its index."""
    if isinstance(item, dict):
        for key in ("id", "level", "code"):
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
    return str(index)


def texts(node: object, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every multilingual text under ``node`` with its path, in the file's order."""
    if is_text(node):
        yield path, node  # type: ignore[misc]
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{path}[{item_key(value, index)}]")


def relative(path: Path, folder: Path) -> str:
    """``path`` relative to the catalogue's folder, with ``/`` (the file part of a context)."""
    return Path(os.path.relpath(path, folder)).as_posix()


def where(context: str) -> tuple[str, str]:
    """The record id and field a context names, for messages: the last ``[id]`` and what follows it."""
    path = context.partition(":")[2]
    head, sep, field = path.rpartition("]")
    if not sep:
        return "catalogue", path
    return head.rpartition("[")[2], field.lstrip(".") or path


def read_translations(path: Path, problems: list[Problem]) -> dict[str, tuple[str, str]]:
    """``context → (msgid, msgstr)`` of one ``.po`` file (an unreadable file is a problem and ``{}``)."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except (OSError, PoFileError, UnicodeDecodeError, ValueError) as exc:
        problems.append(Problem(str(path), code="po-syntax", message=N_("not a readable gettext file: {detail}"),
                                params=params(detail=str(exc)[:300])))
        return {}
    return {m.context: (str(m.id), str(m.string)) for m in catalog if m.id and m.context}


def translation_files(folder: Path) -> dict[str, Path]:
    """``lang → locale/<lang>.po`` beside a catalogue (files not named by a language code are not read)."""
    found = folder / FOLDER
    if not found.is_dir():
        return {}
    return {p.stem: p for p in sorted(found.glob("*.po")) if LANG_KEY.fullmatch(p.stem) and p.is_file()}


def merge_translations(folder: Path, files: Sequence[tuple[Path, Any]], declared: Sequence[str],
                       problems: list[Problem]) -> frozenset[str]:
    """Fill the texts of ``files`` (``(path, data)`` read from the catalogue in ``folder``) from the
    translation files beside it, in place; every gap becomes a problem. Returns the languages filled."""
    merged: set[str] = set()
    for lang, po_path in translation_files(folder).items():
        if lang == SOURCE:
            continue
        name = relative(po_path, folder)
        if lang not in declared:
            problems.append(Problem(str(po_path), item="catalogue", field="languages", code="unknown-language",
                                    message=N_("{file} holds texts in '{lang}', a language the catalogue does not "
                                               "declare ({langs})"),
                                    fix=N_("add the language to 'languages' in catalogue.yaml or remove the file"),
                                    params=params(file=name, lang=lang, langs=", ".join(declared))))
            continue
        merged.add(lang)
        entries = read_translations(po_path, problems)
        seen: set[int] = set()  # texts already met (a YAML alias is the same mapping at several places)
        for path, data in files:
            source = relative(path, folder)
            for text_path, text in texts(data):
                if id(text) in seen:
                    continue
                seen.add(id(text))
                _fill(text, lang, f"{source}:{text_path}", entries.get(f"{source}:{text_path}"), str(path), name,
                      problems)
    return frozenset(merged)


def _fill(text: dict[str, str], lang: str, context: str, entry: tuple[str, str] | None, source: str, name: str,
          problems: list[Problem]) -> None:
    """One text: take the translation, or report why not (given twice, stale, missing)."""
    item, field = where(context)
    values = {"lang": lang, "file": name, "context": context, "text": text[SOURCE]}
    if lang in text:
        if entry is not None and entry[1]:
            problems.append(Problem(source, item=item, field=field, code="text-twice",
                                    message=N_("the '{lang}' text is given both here and in {file}"),
                                    fix=N_("keep it in {file} and remove it from the YAML"),
                                    params=params(**values)))
        return
    if entry is None or not entry[1]:
        problems.append(Problem(source, item=item, field=field, code="missing-text",
                                message=N_("missing text in language '{lang}': {file} does not translate '{text}'"),
                                fix=N_("add its translation to {file} (msgctxt \"{context}\")"),
                                params=params(**values)))
    elif entry[0] != text[SOURCE]:
        problems.append(Problem(source, item=item, field=field, code="stale-text",
                                message=N_("the '{lang}' text in {file} translates an earlier English text: "
                                           "'{old}'"),
                                fix=N_("translate the current English text '{text}' and make it the msgid "
                                       "(msgctxt \"{context}\")"), found=entry[1],
                                params=params(**values, old=entry[0])))
    else:
        text[lang] = entry[1]
