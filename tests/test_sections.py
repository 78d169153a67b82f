"""Typed page sections (issue 22): each renders its own partial and yields its own CSV rows.

Snapshot tests: the HTML fragment of a section for a fixed result (the example cohort, Da Nang), in
English and Vietnamese, compared with a reviewed file in ``tests/snapshots/``. A change to a fragment
fails here until the file is reviewed again; ``UPDATE_SNAPSHOTS=1`` rewrites the files (then read the
diff before committing it). The numbers of each fragment are also checked against the result's own
tables, so a snapshot cannot freeze a wrong number unnoticed.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from conftest import ROOT
from markupsafe import escape

import assessment
from assessment.i18n import fmt_fixed, ordinal, text
from assessment.report.sections import (
    change,
    coverage,
    criteria,
    enablers,
    indicators,
    overview,
    profile,
    strengths,
    trend,
    unit_sections,
    wellbeing,
)
from assessment.report.view import ReportView
from assessment.scoring.result import run
from assessment.templating import environment

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture(scope="module")
def result(example_result: assessment.Assessment) -> assessment.Assessment:
    return example_result  # conftest's, shared with the scorecard files


def fragment(section: object, lang: str) -> str:
    env = environment(lang)
    tpl = env.get_template(section.template)  # type: ignore[attr-defined]
    return tpl.render(s=section, fmt=lambda v, d=1: fmt_fixed(v, lang, d))


@pytest.fixture(scope="module")
def asem(reference_dir: Path) -> assessment.Assessment:
    """COINr's ASEM: a framework of indicators only (no enablers, no criteria, no levels)."""
    return assessment.assess(assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv",
                                                   reference_dir / "coinr_ASEM_iMeta.csv"))


def snapshot(section: object, name: str, lang: str) -> str:
    """The fragment of ``section`` in ``lang``, compared with its reviewed file ``snapshots/<name>.<lang>.html``."""
    html = fragment(section, lang)
    path = SNAPSHOTS / f"{name}.{lang}.html"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")
    return html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_strengths_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = strengths.build(rep, "Da Nang")
    assert section is not None
    html = fragment(section, lang)
    path = SNAPSHOTS / f"strengths.da-nang.{lang}.html"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")
    # the reviewed numbers are the result's: each strength's score, median and gap, as the page shows them
    table = result.strengths[result.strengths["unit"] == "Da Nang"]
    for rec in table.to_dict("records"):
        cells = [fmt_fixed(rec[k], lang, 1) for k in ("score", "peer_median", "gap")]
        assert "".join(f'<td class="n">{c}</td>' for c in cells) in html, rec["indicator"]
    assert len(re.findall(r"<tr><th scope=\"row\">", html)) == len(table)


def test_strengths_rows_and_absence(result: assessment.Assessment) -> None:
    rep = ReportView(result, "en")
    section = unit_sections(rep, "Da Nang")["strengths"]
    rows = section.csv_rows("en")
    table = result.strengths[result.strengths["unit"] == "Da Nang"]
    assert len(rows) == len(table) and {r[0] for r in rows} <= {"Strengths", "Weaknesses"}
    assert [r[1] for r in rows] == table["indicator"].tolist()  # the strengths first, then the weaknesses
    off = result.rerun(compare={"enabled": False})
    assert "strengths" not in unit_sections(ReportView(off, "en"), "Da Nang")  # no compare stage, no section


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_enablers_snapshot(result: assessment.Assessment, lang: str) -> None:
    section = enablers.build(ReportView(result, lang), "Da Nang")
    assert section is not None
    html = snapshot(section, "enablers.da-nang", lang)
    # every enabler item of the catalogue, once in the summary grid and once in the full table, with the
    # level the result holds for Da Nang (the whole part of its answer; the class names the level)
    answers = result.enabler_levels.loc["Da Nang"]
    items = result.catalogue.enablers
    assert len(section.items) == len(items) > 0
    for item, ena in zip(section.items, items, strict=True):
        assert item.id == ena.id
        expected = None if pd.isna(answers.get(ena.id)) else int(answers[ena.id])
        assert item.level == expected
        assert html.count(f'<th scope="row">{escape(item.name)}</th>') == 2
        if expected is not None:
            assert html.count(f'<span class="level l{expected}">{item.level_name}</span>') >= 2
            # the next step is the next level's descriptor (none at the top, level 5)
            assert item.next == ("" if expected == 5 else text(ena.levels[expected + 1], lang))


def test_enablers_absent_without_enablers(result: assessment.Assessment, asem: assessment.Assessment) -> None:
    assert "enablers" in unit_sections(ReportView(result, "en"), "Da Nang")
    assert not asem.catalogue.enablers
    first = ReportView(asem, "en").keys[0]
    assert enablers.build(ReportView(asem, "en"), first) is None


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_indicators_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = indicators.build(rep, "Da Nang")
    assert section is not None
    html = snapshot(section, "indicators.da-nang", lang)
    # each row's numbers worked out plainly from the result: the value after imputation (2 decimals), the
    # score (1), the median of the score over Da Nang's peer group (pandas' median skips a missing score;
    # no peer's score: the cohort median), and the rank
    assert section.against_peers and rep.peer_col is not None
    peers = rep.peer_col[rep.peer_col == rep.peer_col["Da Nang"]].index
    rows = {r.id: r for g in section.groups for r in g.rows}
    listed = [i for i in result.catalogue.indicators if i.id in rows]
    assert len(listed) == len(rows) == sum(len(g.rows) for g in section.groups) > 0
    for ind in listed:
        r = rows[ind.id]
        value = result.imputed.loc["Da Nang", ind.id]
        if ind.id not in result.normalised.columns:  # context only: shown, not scored
            assert r.context and r.score is None
            continue
        score = result.normalised.loc["Da Nang", ind.id]
        median = result.normalised.loc[peers, ind.id].median()
        if pd.isna(median):
            median = result.normalised[ind.id].median()
        rank = result.indicator_ranks.loc["Da Nang", ind.id]
        shown = (fmt_fixed(value, lang, 2), fmt_fixed(score, lang, 1), fmt_fixed(median, lang, 1),
                 "" if pd.isna(rank) else str(int(rank)))
        assert r.shown == shown, ind.id
        assert f'<td class="n">{shown[1]}</td>' in html
    # the CSV rows are the same rows, unrounded, with the focus area as their section
    csv = section.csv_rows(lang)
    assert [(row[0], row[1], row[6]) for row in csv] == [(g.name, r.id, r.score) for g in section.groups
                                                         for r in g.rows]
    danang = result.imputed.loc["Da Nang"]
    assert all(row[3] == danang[row[1]] for row in csv if not pd.isna(danang[row[1]]))


def test_indicators_absent_without_areas(result: assessment.Assessment) -> None:
    assert "indicators" in unit_sections(ReportView(result, "en"), "Da Nang")
    rep = ReportView(result, "en")
    rep.areas = []  # a framework whose area lens lists no indicator: nothing to show
    assert indicators.build(rep, "Da Nang") is None


def plain_counts(result: assessment.Assessment, unit: str) -> dict[str, int]:
    """One unit's coverage counted cell by cell: a scored, normalised indicator with a raw value is
    reported, one flagged imputed is imputed, any other is missing."""
    ids = [i.id for i in result.catalogue.scored_indicators if i.id in result.normalised.columns]
    reported = sum(1 for i in ids if not pd.isna(result.raw.at[unit, i]))
    imputed = sum(1 for i in ids if bool(result.imputed_flags.at[unit, i]))
    return {"reported": reported, "imputed": imputed, "missing": len(ids) - reported - imputed, "total": len(ids)}


def test_coverage_counts_equal_a_plain_count(result: assessment.Assessment) -> None:
    # median imputation fills every gap the method may fill, so the imputed column is not all zero
    filled = result.rerun(impute={"method": "median"})
    for res in (result, filled):
        counts = res.coverage_counts
        assert list(counts.index) == list(res.raw.index)
        for unit in counts.index:
            assert counts.loc[unit].to_dict() == plain_counts(res, unit), unit
    assert filled.coverage_counts["imputed"].sum() > 0 == result.coverage_counts["imputed"].sum()
    assert res.coverage_counts is res.coverage_counts  # computed once, then kept


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_coverage_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = coverage.build(rep, "Da Nang")
    assert section is not None
    html = snapshot(section, "coverage.da-nang", lang)
    counts = plain_counts(result, "Da Nang")
    assert (section.reported, section.imputed, section.missing, section.total) == tuple(counts.values())
    # each focus area's row: Da Nang's raw values present among the scored indicators the area lens puts
    # under that area (nothing is imputed with the example's method), of all of them
    membership = result.catalogue.membership(rep.area_lens)
    rows = {n.name: n for n in section.nodes}
    for area in rep.areas:
        ids = [i.id for i in result.catalogue.scored_indicators
               if membership.get(i.id) == area and i.id in result.normalised.columns]
        given = sum(1 for i in ids if not pd.isna(result.raw.at["Da Nang", i]))
        row = rows[rep.node_name(area)]
        assert (row.reported, row.total) == (given, len(ids)), area
        assert row.share == pytest.approx(given / len(ids))
        assert (f'<th scope="row">{escape(row.name)}</th><td class="n">{given}</td><td class="n">{len(ids)}</td>'
                in html)
    assert section.nodes[0].total == counts["total"]  # the overall score counts every scored indicator


def test_coverage_absent_for_a_unit_without_rows(result: assessment.Assessment) -> None:
    rep = ReportView(result, "en")
    assert "coverage" in unit_sections(rep, "Da Nang")
    assert coverage.build(rep, "Nowhere") is None  # no row in the result: nothing to count


@pytest.fixture(scope="module")
def panel(synthetic: ModuleType) -> assessment.Assessment:
    """Six synthetic units over three years (seeded)."""
    return assessment.assess(synthetic.cohort(6, years=3, seed=3))


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_change_snapshot(panel: assessment.Assessment, lang: str) -> None:
    rep = ReportView(panel, lang)
    _first, second, third = sorted(k for k in rep.keys if k[0] == rep.keys[0][0])
    section = change.build(rep, third)
    assert section is not None
    html = snapshot(section, "change.panel-third-year", lang)
    # each score's change worked out from the scores: this year's minus the previous assessed year's
    scores = panel.aggregated[rep.lens]
    assert section.since == second[1]
    assert [c.name for c in section.rows] == [rep.node_name(c) for c in scores.columns]
    for c, col in zip(section.rows, scores.columns, strict=True):
        assert c.change == pytest.approx(scores.at[third, col] - scores.at[second, col], abs=1e-9), col
        assert f'<td class="n">{fmt_fixed(c.change, lang, 1)}</td>' in html
    assert str(second[1]) in html


def test_change_absent_outside_a_panel_and_in_the_first_year(panel: assessment.Assessment,
                                                              result: assessment.Assessment) -> None:
    rep = ReportView(panel, "en")
    years = sorted(k for k in rep.keys if k[0] == rep.keys[0][0])
    assert change.build(rep, years[0]) is None  # nothing to compare the first year with
    assert "change" in unit_sections(rep, years[1])
    assert "change" not in unit_sections(ReportView(result, "en"), "Da Nang")  # one year: no change


@pytest.fixture(scope="module")
def criteria_result() -> assessment.Assessment:
    """The example cohort under the example criteria catalogue, Da Nang answering by hand (below)."""
    cat = assessment.load_catalogue(ROOT / "examples" / "criteria" / "catalogue.yaml")
    intake = assessment.read_submissions([ROOT / "examples" / "ascn-2025"], catalogue=cat).without_error_files()
    result = assessment.assess(intake, catalogue=cat)
    ev = "Decision 1/2024"
    answers = {"EX-F1": (True, ev), "EX-F2": (True, ev), "EX-F3": (True, ev), "EX-F4": (True, ev),
               "EX-L1": (True, ev), "EX-L2": (True, ""), "EX-G1": (True, ev), "EX-G2": (False, "")}
    rows = [{"unit": "Da Nang", "year": 2025, "model": "vn-example", "criterion": c, "met": met, "evidence": e,
             "notes": ""} for c, (met, e) in answers.items()]
    return run(dataclasses.replace(result.inputs, criteria=pd.DataFrame(rows)), result.method)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_criteria_snapshot(criteria_result: assessment.Assessment, lang: str) -> None:
    section = criteria.build(ReportView(criteria_result, lang), "Da Nang")
    assert section is not None and len(section.models) == 1
    html = snapshot(section, "criteria.da-nang", lang)
    m = section.models[0]
    # worked by hand from the answers: the three basic foundation criteria are met with evidence, so the
    # first level is reached; linkage needs EX-L1 and EX-L2, and EX-L2 is marked met without evidence (not
    # counted), so it blocks the second level; governance's basic EX-G1 is met, EX-G2 not, and the local
    # EX-G3 is unanswered (1 of 3); the one optional criterion met is EX-F4 (EX-L3 is unanswered)
    assert (m.id, m.rank, m.of, m.blocking, m.optional_met) == ("vn-example", 1, 3, "EX-L2", 1)
    assert [(lv.reached, lv.met, lv.required) for lv in m.levels] == [(True, 3, 3), (False, 1, 2), (False, 1, 3)]
    status = {c.id: c.status for lv in m.levels for c in lv.criteria}
    assert status == {"EX-F1": "met", "EX-F2": "met", "EX-F3": "met", "EX-F4": "met", "EX-L1": "met",
                      "EX-L2": "no-evidence", "EX-L3": "none", "EX-G1": "met", "EX-G2": "not-met", "EX-G3": "none"}
    level = "Foundation building" if lang == "en" else "Xây dựng nền tảng"
    assert m.level == level and f"{level} (1" in html
    assert "EX-L2. " in html  # the next sentence follows after a space (it once ran on: "EX-L2.Optional")


def test_criteria_absent_without_models(result: assessment.Assessment, criteria_result: assessment.Assessment) -> None:
    assert "criteria" in unit_sections(ReportView(criteria_result, "en"), "Da Nang")
    assert not result.catalogue.criteria
    assert criteria.build(ReportView(result, "en"), "Da Nang") is None  # the built-in catalogue has no models


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_wellbeing_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = wellbeing.build(rep, "Da Nang")
    assert section is not None
    html = snapshot(section, "wellbeing.da-nang", lang)
    # each dimension's score and the plain cohort median of that dimension (pandas' median skips a missing
    # score); on the example's 0-100 scale a bar 300 px wide puts a score v at 3 * v px (to 0.1 px)
    lens = result.catalogue.lens_for("wellbeing")
    assert lens is not None
    table = result.aggregated[lens.id]
    dims = [leaf.id for leaf in lens.leaves()]
    assert [r.name for r in section.rows] == [text(lens.node(d).name, lang) for d in dims]
    assert section.height == 22 * len(dims) + 24
    for r, d in zip(section.rows, dims, strict=True):
        assert r.value == pytest.approx(table.at["Da Nang", d])
        assert r.median == pytest.approx(table[d].median())
        assert r.bar.width == pytest.approx(3 * table.at["Da Nang", d], abs=0.05 + 1e-9)
        assert r.bar.tick == pytest.approx(3 * table[d].median(), abs=0.05 + 1e-9)
        cells = f'<td class="n">{fmt_fixed(r.value, lang, 1)}</td><td class="n">{fmt_fixed(r.median, lang, 1)}</td>'
        assert cells in html
    rows = section.csv_rows(lang)
    assert [(row[2], row[6], row[9]) for row in rows] == [(r.name, r.value, r.median) for r in section.rows]


def test_wellbeing_absent_without_a_wellbeing_lens(asem: assessment.Assessment) -> None:
    assert asem.catalogue.lens_for("wellbeing") is None
    rep = ReportView(asem, "en")
    assert wellbeing.build(rep, rep.keys[0]) is None


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_profile_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = profile.build(rep, "Da Nang")
    assert section is not None
    html = snapshot(section, "profile.da-nang", lang)
    # each area's score, the median over Da Nang's peer group and the median over the whole cohort,
    # worked out plainly from the area lens's scores (pandas' median skips a missing score)
    table = result.aggregated[rep.area_lens]
    peers = rep.peer_col[rep.peer_col == rep.peer_col["Da Nang"]].index
    assert section.against_peers and not section.alone and len(section.rows) == len(rep.areas) > 0
    for a in section.rows:
        assert a.score == pytest.approx(table.at["Da Nang", a.id])
        assert a.peer == pytest.approx(table.loc[peers, a.id].median())
        assert a.cohort == pytest.approx(table[a.id].median())
        cells = "".join(f'<td class="n">{fmt_fixed(v, lang, 1)}</td>' for v in (a.score, a.peer, a.cohort))
        assert f'<th scope="row">{escape(a.name)}</th>{cells}' in html
    # three series on the radar: the unit, the peer-group median and the cohort median
    assert len(section.radar.series) == 3
    rows = section.csv_rows(lang)
    assert [(r[1], r[6], r[8], r[9]) for r in rows] == [(a.id, a.score, a.peer, a.cohort) for a in section.rows]


def test_profile_without_peer_groups_draws_the_cohort_median_only(result: assessment.Assessment) -> None:
    plain = result.rerun(compare={"peer_group": None})
    section = profile.build(ReportView(plain, "en"), "Da Nang")
    assert section is not None and not section.against_peers and len(section.radar.series) == 2
    html = fragment(section, "en")
    assert "Peer-group median" not in html and "Cohort median" in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_overview_snapshot(result: assessment.Assessment, lang: str) -> None:
    rep = ReportView(result, lang)
    section = overview.build(rep, "Da Nang")
    html = snapshot(section, "overview.da-nang", lang)
    # the cards are the headline lens's root, then its children, each with the result's score and level
    lens = result.catalogue.lens(rep.lens)
    scores, levels = result.aggregated[rep.lens], result.aggregate_levels[rep.lens]
    nodes = [lens.root.id, *[c.id for c in lens.children(lens.root.id)]]
    assert [c.id for c in section.cards] == nodes
    for card, node in zip(section.cards, nodes, strict=True):
        assert card.score == pytest.approx(scores.at["Da Nang", node])
        assert card.level == levels.at["Da Nang", node]
        assert f'<div class="score">{fmt_fixed(card.score, lang, 1)}</div>' in html
    # the rank sentence names Da Nang's overall rank among the cohort's ranked cities
    rank = int(result.ranks[rep.lens]["cohort"][lens.root.id]["Da Nang"])
    ranked = int(result.ranks[rep.lens]["cohort"][lens.root.id].notna().sum())
    assert ordinal(rank, lang) in section.rank_text and f" {ranked} " in section.rank_text
    assert section.rank_detail == "" and "rank-interval" not in html  # no uncertainty analysis was given
    assert section.heading == "outcomes" and section.two_views  # outcomes of the headline lens, focus areas apart


def test_overview_rows(result: assessment.Assessment) -> None:
    rep = ReportView(result, "en")
    section = overview.build(rep, "Da Nang")
    rows = section.csv_rows("en")
    # one "Scores" row per card with its score and level badge; no medians, as the cards show none
    assert [(r[0], r[1], r[6], r[7]) for r in rows] == [("Scores", c.id, c.score, c.level_name) for c in section.cards]
    assert all(r[8] is None and r[9] is None for r in rows)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_trend_snapshot(panel: assessment.Assessment, lang: str) -> None:
    rep = ReportView(panel, lang)
    unit = rep.keys[0][0]
    first, second, third = sorted(k for k in rep.keys if k[0] == unit)
    section = trend.build(rep, second)
    assert section is not None
    html = snapshot(section, "trend.panel-second-year", lang)
    assert section.years == (first[1], second[1], third[1]) and section.current == 1
    scores = panel.aggregated[rep.lens]
    overall = section.lines[0]
    assert overall.name == rep.node_name(rep.cat.lens(rep.lens).root.id)
    root = rep.cat.lens(rep.lens).root.id
    assert overall.values == pytest.approx(tuple(scores.loc[[first, second, third], root]))
    # three scored years, evenly spaced across the chart: x = 6, 75, 144 (150 px wide, 6 px inset);
    # y = 50 - share * 46 on the method's 0-100 scale (54 px high, 4 px margins)
    xs = [6.0, 75.0, 144.0]
    assert overall.dots == tuple((x, round(50 - v / 100 * 46, 1)) for x, v in zip(xs, overall.values, strict=True))
    assert f"<strong>{second[1]}</strong>" in html
    for v in overall.values:
        assert f'<td class="n">{fmt_fixed(v, lang, 1)}</td>' in html


def test_trend_absent_outside_a_panel(result: assessment.Assessment) -> None:
    assert trend.build(ReportView(result, "en"), "Da Nang") is None
    assert "trend" not in unit_sections(ReportView(result, "en"), "Da Nang")
