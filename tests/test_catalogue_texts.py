"""A catalogue's texts in other languages, one gettext file per language beside it (``locale/<lang>.po``)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from assessment.catalogue import read_catalogue
from assessment.catalogue.texts import texts
from assessment.cli import app
from assessment.errors import CatalogueError
from assessment.resources import indicators_dir

#: A small catalogue with every kind of place a text has: the header, list items named by id, a mapping
#: of members, and a text reached through a YAML alias (one mapping, two places).
TINY = {
    "catalogue.yaml": 'id: tiny\nversion: "1.0"\ntitle: {en: "Tiny", vi: "Nhỏ"}\nlanguages: [en, vi]\n'
                      'include: ["parts/*.yaml"]\n',
    "parts/a.yaml": 'indicators:\n'
                    '  - id: A-1\n    name: {en: "Green space", vi: "Không gian xanh"}\n'
                    '    unit: {en: "%", vi: "%"}\n    direction: 1\n'
                    '  - id: A-2\n    name: &same {en: "Trees", vi: "Cây"}\n'
                    '    unit: {en: "per km²", vi: "trên km²"}\n    direction: 1\n'
                    'lenses:\n  - id: areas\n    name: {en: "Areas", vi: "Lĩnh vực"}\n'
                    '    members: {green: ["A-1", "A-2"]}\n    nodes:\n      - {id: green, name: *same}\n',
}
#: The contexts of TINY's texts by the scheme (file relative to the catalogue folder, then the path; list
#: items by id), worked out by hand; the alias gives the node's name a context of its own.
CONTEXTS = ["catalogue.yaml:title", "parts/a.yaml:indicators[A-1].name", "parts/a.yaml:indicators[A-1].unit",
            "parts/a.yaml:indicators[A-2].name", "parts/a.yaml:indicators[A-2].unit", "parts/a.yaml:lenses[areas].name",
            "parts/a.yaml:lenses[areas].nodes[green].name"]


def q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tiny(root: Path, *, move: bool = True, stale: str = "", drop: str = "", lang: str = "vi") -> Path:
    """TINY written under ``root``; with ``move``, its Vietnamese in ``locale/<lang>.po`` instead of inline
    (``stale``: that context's msgid is an older English; ``drop``: that context is left out)."""
    entries = []
    for name, text in TINY.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = yaml.safe_load(text)
        seen: set[int] = set()
        for where, value in texts(data):
            if id(value) in seen and not move:
                continue
            seen.add(id(value))
            context = f"{name}:{where}"
            if context != drop:
                msgid = "An older text" if context == stale else value["en"]
                entries.append(f"msgctxt {q(context)}\nmsgid {q(msgid)}\nmsgstr {q(value['vi'])}\n")
        path.write_text(text.replace(', vi: "', ', xx: "') if move else text, encoding="utf-8")
        if move:  # remove the Vietnamese: `, xx: "…"` up to the closing quote
            path.write_text(re.sub(r', xx: "[^"]*"', "", path.read_text(encoding="utf-8")), encoding="utf-8")
    if move:
        (root / "locale").mkdir()
        header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        (root / "locale" / f"{lang}.po").write_text(header + "\n".join(entries), encoding="utf-8")
    return root


def test_the_builtin_catalogue_keeps_only_english_inline() -> None:
    for path in sorted(indicators_dir().rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {lang for _, text in texts(data) for lang in text} <= {"en"}, path


def test_every_translation_file_has_exactly_the_contexts_of_the_builtin_catalogue() -> None:
    """The scheme the translators' template (catalogue.pot, 970 texts) was extracted with: a context per place,
    an alias counted at each of its places; each file of indicators/locale/ translates exactly those texts."""
    contexts = [f"{path.relative_to(indicators_dir()).as_posix()}:{where}"
                for path in sorted(indicators_dir().rglob("*.yaml"))
                for where, _ in texts(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert len(contexts) == len(set(contexts)) == 970
    # known places, by the scheme: a header field, a list item by 'level', by 'code', by 'id', an enabler level
    assert {"catalogue.yaml:description", "catalogue.yaml:maturity_levels[5].name", "catalogue.yaml:units.plural",
            "catalogue.yaml:quality_flags[6].name", "catalogue.yaml:denominators[gdp_usd_m].unit"} <= set(contexts)
    files = sorted((indicators_dir() / "locale").glob("*.po"))
    assert [p.name for p in files][:1] and "vi.po" in [p.name for p in files]
    for po in files:
        with po.open("rb") as fh:
            assert sorted(m.context for m in read_po(fh) if m.id) == sorted(contexts), po.name


def test_the_contexts_follow_the_scheme() -> None:
    found = [f"{name}:{where}" for name, text in TINY.items() for where, _ in texts(yaml.safe_load(text))]
    assert found == CONTEXTS


def test_a_translation_file_gives_the_same_catalogue_as_inline_texts(tmp_path: Path) -> None:
    inline = read_catalogue(tiny(tmp_path / "inline", move=False))
    moved = read_catalogue(tiny(tmp_path / "moved"))
    assert "vi:" not in (tmp_path / "moved" / "parts" / "a.yaml").read_text(encoding="utf-8")
    assert moved.model_dump(exclude={"source"}) == inline.model_dump(exclude={"source"})
    assert moved.content_hash == inline.content_hash
    assert moved.lens("areas").node("green").name == {"en": "Trees", "vi": "Cây"}


def problems_of(folder: Path) -> list[tuple[str, str, str, str]]:
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(folder)
    return [(p.code, Path(p.source).name, p.item, p.field) for p in caught.value.problems]


def test_a_stale_and_a_missing_translation_are_each_reported_by_id(tmp_path: Path) -> None:
    folder = tiny(tmp_path, stale="parts/a.yaml:indicators[A-1].name", drop="parts/a.yaml:lenses[areas].name")
    assert sorted(problems_of(folder)) == [("missing-text", "a.yaml", "areas", "name"),
                                           ("stale-text", "a.yaml", "A-1", "name")]
    run = CliRunner().invoke(app, ["catalogue", "check", str(folder), "--lang", "vi"])
    assert run.exit_code == 1
    shown = " ".join(run.output.split())
    assert ("A-1 [name]: văn bản 'vi' trong locale/vi.po dịch một văn bản tiếng Anh cũ hơn: 'An older text'"
            in shown)
    assert "dịch văn bản tiếng Anh hiện tại 'Green space'" in shown
    assert ("areas [name]: thiếu văn bản bằng ngôn ngữ 'vi': locale/vi.po không dịch 'Areas'" in shown
            and 'msgctxt "parts/a.yaml:lenses[areas].name"' in shown)


def test_a_file_for_an_undeclared_language_and_a_text_given_twice_are_reported(tmp_path: Path) -> None:
    folder = tiny(tmp_path / "de", lang="de")  # the Vietnamese moved into a file named for German
    found = problems_of(folder)
    assert ("unknown-language", "de.po", "catalogue", "languages") in found
    assert ("missing-text", "a.yaml", "A-1", "name") in found  # vi is declared but nowhere now
    twice = tiny(tmp_path / "twice", move=False)
    shutil.copytree(tiny(tmp_path / "po").joinpath("locale"), twice / "locale")
    assert sorted(set(problems_of(twice))) == sorted({("text-twice", Path(p).name, item, field) for p, item, field in (
        ("catalogue.yaml", "catalogue", "title"), ("a.yaml", "A-1", "name"), ("a.yaml", "A-1", "unit"),
        ("a.yaml", "A-2", "name"), ("a.yaml", "A-2", "unit"), ("a.yaml", "areas", "name"))})


def test_translations_leave_the_content_hash_alone_and_english_does_not(tmp_path: Path) -> None:
    """A template records the catalogue's content hash; adding a language or mending a translation must not
    make every template "another version", while a change to an English text (the source) must."""
    base = read_catalogue(tiny(tmp_path / "base", move=False))
    for name, old, new in (("vi-mended", '"Cây"', '"Cây xanh"'),  # a translation mended
                           ("en-changed", '"Trees"', '"Street trees"')):  # the source changed
        folder = tiny(tmp_path / name, move=False)
        part = folder / "parts" / "a.yaml"
        part.write_text(part.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        changed = read_catalogue(folder)
        assert (changed.content_hash == base.content_hash) == (name == "vi-mended"), name
    # a third language declared and given: the same hash
    folder = tiny(tmp_path / "third", move=False)
    head = folder / "catalogue.yaml"
    head.write_text(head.read_text(encoding="utf-8").replace("[en, vi]", "[en, vi, th]")
                    .replace('vi: "Nhỏ"}', 'vi: "Nhỏ", th: "เล็ก"}'), encoding="utf-8")
    for part in (folder / "parts").glob("*.yaml"):
        text = part.read_text(encoding="utf-8")
        part.write_text(re.sub(r'(vi: "[^"]*")\}', r'\1, th: "ไทย"}', text), encoding="utf-8")
    third = read_catalogue(folder)
    assert third.languages == ("en", "vi", "th") and third.content_hash == base.content_hash
