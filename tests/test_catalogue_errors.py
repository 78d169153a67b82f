"""A custom catalogue's problems are collected together, each naming the offending id."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import assessment
from assessment import CatalogueError, Problem

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def problems() -> tuple[Problem, ...]:
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(DATA / "broken-catalogue.yaml")
    return info.value.problems


def _has(problems: tuple[Problem, ...], code: str, item: str, field: str | None = None) -> bool:
    return any(p.code == code and p.item == item and (field is None or p.field == field) for p in problems)


@pytest.mark.parametrize(("code", "item", "field"), [
    ("duplicate-id", "DUP", "id"),
    ("unknown-parent", "tree/orphan", "parent"),
    ("cyclic-parent", "tree/c1", "parent"),
    ("empty-group", "tree/empty", None),
    ("missing", "NONAME", "name"),
    ("missing", "NOUNIT", "unit"),
    ("literal_error", "BADDIR", "direction"),
    ("goalposts-equal", "GPEQUAL", "goalposts"),
    ("goalposts-reversed", "GPREV", "goalposts"),
    ("greater_than_equal", "NEGW", "weight"),
    ("greater_than_equal", "weights", "nodes.1.weight"),
    ("thresholds-not-monotonic", "THRESH", "thresholds"),
    ("unknown-node", "LOST", "focus_area"),
    ("missing-text", "HALFTR", "name"),
    ("unknown-language", "ODDLANG", "name"),
    ("unknown-language", "catalogue", "languages"),
    ("unknown-language", "catalogue", "title"),
    ("unknown-denominator", "DENOM", "denominator"),
    ("missing-descriptor", "RUBRIC", "levels[4]"),
    ("unknown-level", "RUBRIC", "levels[7]"),
])
def test_each_problem_is_reported(problems: tuple[Problem, ...], code: str, item: str, field: str | None) -> None:
    assert _has(problems, code, item, field), [str(p) for p in problems]


def test_all_problems_in_one_error(problems: tuple[Problem, ...]) -> None:
    assert len({p.code for p in problems}) >= 15
    assert len(problems) >= 20


def test_message_shape() -> None:
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(DATA / "broken-catalogue.yaml")
    text = str(info.value)
    assert text.startswith(f"{len(info.value.problems)} problem(s) in the catalogue:")
    assert "broken-catalogue.yaml:43: GPREV [goalposts]: for direction -1 the goalposts need best < worst; " \
           "found worst=0.0, best=10.0. Fix: swap worst and best, or change the direction" in text
    assert "THRESH [thresholds]: for direction +1 the five level thresholds must be strictly increasing; " \
           "found [10.0, 20.0, 15.0, 30.0, 40.0]" in text


def test_yaml_syntax_error_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(bad)
    assert any(p.code == "yaml-syntax" for p in info.value.problems)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(tmp_path / "nope.yaml")
    assert "missing-file" in {p.code for p in info.value.problems}


def test_yaml11_traps_are_caught(tmp_path: Path) -> None:
    # YAML 1.1 reads NO as False and 010 as 8: strict string types refuse both
    doc = yaml.safe_load((DATA / "broken-catalogue.yaml").read_text(encoding="utf-8"))
    doc["indicators"] = [{"id": "NO", "name": {"en": "x"}, "unit": {"en": "%"}, "direction": 1}]
    doc["languages"], doc["title"], doc["lenses"], doc["enablers"] = ["en"], {"en": "t"}, [], []
    doc.pop("denominators")
    text = yaml.safe_dump(doc).replace("id: 'NO'", "id: NO")
    path = tmp_path / "traps.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(path)
    assert any(p.field == "id" and p.code == "string_type" for p in info.value.problems)


def test_user_lens_added_without_code(tmp_path: Path, catalogue: assessment.Catalogue) -> None:
    (tmp_path / "catalogue.yaml").write_text(
        'extends: builtin\ninclude: ["my-lens.yaml"]\n', encoding="utf-8")
    (tmp_path / "my-lens.yaml").write_text("""
lenses:
  - id: "national"
    name: {en: "National scheme", vi: "Bộ tiêu chí quốc gia"}
    complete: false
    members:
      digital: ["CS-EGOV", "CS-OPENDATA", "II-FBB"]
      green: ["QE-PM25", "QE-GREEN"]
    nodes:
      - {id: "all", name: {en: "All", vi: "Tất cả"}}
      - {id: "digital", parent: "all", name: {en: "Digital", vi: "Số"}}
      - {id: "green", parent: "all", name: {en: "Green", vi: "Xanh"}}
""", encoding="utf-8")
    cat = assessment.load_catalogue(tmp_path)
    assert cat.membership("national") == {"CS-EGOV": "digital", "CS-OPENDATA": "digital", "II-FBB": "digital",
                                          "QE-PM25": "green", "QE-GREEN": "green"}
    assert len(cat.indicators) == len(catalogue.indicators)


def test_user_lens_with_unknown_member(tmp_path: Path) -> None:
    (tmp_path / "catalogue.yaml").write_text("""
extends: builtin
lenses:
  - id: "national"
    name: {en: "N", vi: "N"}
    complete: false
    members: {x: ["NOT-AN-ID"]}
    nodes:
      - {id: "all", name: {en: "All", vi: "Tất cả"}}
      - {id: "x", parent: "all", name: {en: "X", vi: "X"}}
""", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(tmp_path / "catalogue.yaml")
    assert any(p.code == "unknown-item" and p.found == "'NOT-AN-ID'" for p in info.value.problems)


def _outcome_catalogue(tmp_path: Path, lenses: list[dict], indicators: list[dict]) -> Path:
    path = tmp_path / "outcomes.yaml"
    path.write_text(yaml.safe_dump({"id": "oc", "version": "0.1", "title": {"en": "Outcomes"}, "languages": ["en"],
                                    "lenses": lenses, "indicators": indicators}), encoding="utf-8")
    return path


def _ind(ident: str, **fields: object) -> dict:
    return {"id": ident, "name": {"en": ident}, "unit": {"en": "%"}, "direction": 1, "focus_area": "fa"} | fields


AREAS = {"id": "areas", "name": {"en": "Areas"}, "field": "focus_area",
         "nodes": [{"id": "all", "name": {"en": "All"}}, {"id": "fa", "parent": "all", "name": {"en": "FA"}}]}
OUTCOMES = {"id": "outcomes", "name": {"en": "Outcomes"}, "field": "outcome",
            "nodes": [{"id": "overall", "name": {"en": "Overall"}},
                      {"id": "economy", "parent": "overall", "name": {"en": "Economy"}}]}


def test_outcome_must_be_a_node_of_the_outcomes_view(tmp_path: Path) -> None:
    path = _outcome_catalogue(tmp_path, [AREAS, OUTCOMES], [
        _ind("OK", outcome="economy"), _ind("LOST", outcome="nowhere"),
        _ind("CTX", direction=0, outcome="economy")])
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(path)
    probs = info.value.problems
    assert _has(probs, "unknown-node", "LOST", "outcome") and _has(probs, "outcome-context", "CTX", "outcome")
    assert not any(p.item == "OK" for p in probs)


def test_outcome_needs_an_outcomes_view(tmp_path: Path) -> None:
    path = _outcome_catalogue(tmp_path, [AREAS], [_ind("A", outcome="economy")])
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(path)
    assert _has(info.value.problems, "no-outcome-view", "A", "outcome")


def test_strict_catalogue_requires_an_outcome_for_scored_indicators(tmp_path: Path) -> None:
    path = _outcome_catalogue(tmp_path, [AREAS], [_ind("A"), _ind("B", direction=0)])
    assessment.load_catalogue(path)  # not strict: fine
    with pytest.raises(CatalogueError) as info:
        assessment.load_catalogue(path, strict=True)
    probs = info.value.problems
    assert _has(probs, "incomplete", "A", "outcome") and not _has(probs, "incomplete", "B", "outcome")
