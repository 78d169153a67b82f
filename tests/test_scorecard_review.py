"""Scorecards a reviewer can act on: ranks with their intervals, comparisons, cohort views, downloads
and a page that prints on one sheet. Expected numbers are recomputed here from the result and the
replicates, never pasted from a rendered page."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import watched_page
from test_scorecard import HOSTILE, scan

import assessment
import assessment.robustness
from assessment._messages import ui_msgids
from assessment.errors import InputError
from assessment.i18n import translations
from assessment.intake import Prefill, write_template
from assessment.report import render_report
from assessment.report.render import printable
from assessment.scoring.rank import peer_column

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"
SPEC = ROOT / "examples" / "robustness" / "ascn-demo.yaml"
TRIO = ["Da Nang", "ha-noi", "ho chi minh city"]  # a name, a page slug, another case: all resolve
TRIO_SLUG = "da-nang--ha-noi--ho-chi-minh-city"


@pytest.fixture(scope="module")
def result(example_result):
    return example_result  # conftest's, shared with the other scorecard files


@pytest.fixture(scope="module")
def unc(result):
    return assessment.uncertainty(result, assessment.load_robustness_spec(SPEC), n=80)


@pytest.fixture(scope="module")
def sites(result, unc, tmp_path_factory):
    out = {}
    for lang in ("en", "vi"):
        d = tmp_path_factory.mktemp(f"review-{lang}")
        render_report(result, d, lang=lang, uncertainty=unc, compare=[TRIO])
        out[lang] = d
    return out


def every_page(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(scan(path).text))


def test_rank_interval_sentence_follows_the_replicates(sites, result, unc):
    lens = "ascf"
    spec = unc.spec
    units = list(unc.units)
    for city in ("Da Nang", "Singapore", "Siem Reap"):
        ranks = unc.ranks[lens][:, units.index(city)].astype(float)
        ranks = ranks[np.isfinite(ranks)]
        lo, hi = np.quantile(ranks, spec.interval)  # numpy's default, as COINr's quantile (type 7)
        lo, hi = math.floor(lo + 1e-9), math.ceil(hi - 1e-9)
        nominal = int(result.ranks[lens]["cohort"].loc[city, "overall"])
        slug = assessment.report.slugify(city)
        page = text_of(sites["en"] / "cities" / f"{slug}.html")
        assert f"of {len(result.aggregated[lens])} ranked cities" in page
        assert re.search(rf"Overall rank: {nominal}\w\w of", page)
        share = f"{round((spec.interval[1] - spec.interval[0]) * 100)} %"
        if lo == hi:
            assert f"In {share} of {spec.n} plausible method variants it ranks {lo}" in page
        else:
            assert f"In {share} of {spec.n} plausible method variants it ranks between {lo}" in page
            assert re.search(rf"between {lo}\w\w and {hi}\w\w\.", page)
        level = result.aggregate_levels[lens].loc[city, "overall"]
        keep = (unc.summary[lens].loc[city, "p_keep_level"])
        name = result.catalogue.maturity_level_name(int(level), "en")
        assert f"keeps its maturity level ({name}) in {round(keep * 100)} %" in page
        # peer group: each variant's scores ranked among the peers (min ties), from the scores, not the ranks
        groups = peer_column(result.profiles, result.method.compare.peer_group)
        peers = [units.index(u) for u in groups.index if groups[u] == groups[city]]
        if len(peers) > 1:
            scores = pd.DataFrame(unc.scores[lens][:, peers])
            peer_ranks = scores.rank(axis=1, method="min", ascending=False)[peers.index(units.index(city))]
            plo, phi = np.quantile(peer_ranks, spec.interval)
            plo, phi = math.floor(plo + 1e-9), math.ceil(phi - 1e-9)
            expected = f"ranks {plo}" if plo == phi else f"ranks between {plo}"
            assert re.search(rf"In its peer group it {expected}\w\w", page), (city, plo, phi)
        vi = text_of(sites["vi"] / "cities" / f"{slug}.html")
        assert "phương án phương pháp hợp lý" in vi and "In 90 %" not in vi


def test_neighbours_that_cannot_be_told_apart(sites, result, unc):
    lens, units = "ascf", list(unc.units)
    ranks = np.where(np.isfinite(unc.ranks[lens]), unc.ranks[lens], np.inf)
    nominal = result.ranks[lens]["cohort"]["overall"].sort_values(kind="stable")
    order = list(nominal.index)
    coverage = unc.spec.interval[1] - unc.spec.interval[0]
    groups: list[list[str]] = []  # neighbours that cannot be told apart, chained: A ≈ B and B ≈ C is one group
    joined = False
    for a, b in itertools.pairwise(order):
        p = float((ranks[:, units.index(a)] < ranks[:, units.index(b)]).mean())
        if p < coverage:
            if not joined:
                groups.append([a])
            groups[-1].append(b)
        joined = p < coverage
    expected = [", ".join(g) for g in groups]
    assert expected and any(len(g) > 2 for g in groups)  # the example has a group of three or more
    html = (sites["en"] / "index.html").read_text(encoding="utf-8")
    note = text_of(sites["en"] / "index.html").split("fewer than 90 % of the variants):")[1].split(".")[0]
    assert [x.strip() for x in note.split(";")] == expected
    assert 'class="whiskers"' in html and html.count("<circle") >= len(order)


def test_a_city_without_enough_data_says_why_it_has_no_rank(synthetic, tmp_path):
    data = synthetic.cohort(8, seed=5)
    ids = [c for c in data.columns if c.isupper() or "-" in c]
    inds = [i.id for i in assessment.load_catalogue().scored_indicators if i.id in data.columns]
    data.loc[0, inds[: int(len(inds) * 0.5)]] = np.nan  # keeps half: below rank.min_coverage (80 %)
    assert ids
    res = assessment.assess(data)
    spec = assessment.robustness.spec_from_dict({"n": 20, "assumptions": [{"name": "weights", "kind": "weights",
                                                                   "levels": [1], "share": 0.2}]})
    unc = assessment.uncertainty(res, spec)
    render_report(res, tmp_path / "s", uncertainty=unc)
    unit = data.loc[0, "unit"]
    page = text_of(tmp_path / "s" / "cities" / f"{assessment.report.slugify(unit)}.html")
    status = res.rank_status(next(iter(res.aggregated))).loc[unit]
    assert not status["ranked"]
    assert (f"Not ranked: data for {int(status['reported'])} of {int(status['total'])} indicators "
            f"(needs {int(status['needed'])}).") in page
    assert "plausible method variants" not in page


def test_comparison_page(sites, result):
    path = sites["en"] / "compare" / f"{TRIO_SLUG}.html"
    html = path.read_text(encoding="utf-8")
    for section in ("compare-cities", "compare-radar", "compare-outcomes", "compare-indicators", "compare-enablers"):
        assert f'id="{section}"' in html, section
    radar = html[html.index('id="compare-radar"'):html.index('id="compare-outcomes"')]
    dashes = re.findall(r'<path d="M[^"]*"[^>]*?(?: stroke-dasharray="([^"]*)")?/>', radar)
    assert len(dashes) == 3 and len(set(dashes)) == 3  # one outline per city, each its own dash
    legend = radar[radar.index('class="legend"'):]
    assert all(name in legend for name in ("Da Nang", "Ha Noi", "Ho Chi Minh City"))
    # the indicators that differ most: recomputed from the normalised scores
    keys = ["Da Nang", "Ha Noi", "Ho Chi Minh City"]
    norm = result.normalised.loc[keys, [i.id for i in result.catalogue.scored_indicators
                                        if i.id in result.normalised.columns]]
    spread = (norm.max() - norm.min())[norm.notna().sum() >= 2]
    section = html[html.index('id="compare-indicators"'):html.index('id="compare-enablers"')]
    got = [float(x) for x in re.findall(r'<td class="n">([\d.]+)</td></tr>', section)]  # the range column
    assert len(got) == 12 and got == sorted(got, reverse=True)
    assert got[0] == round(float(spread.max()), 1)
    csv = pd.read_csv(path.with_suffix(".csv"), encoding="utf-8-sig")
    listed = csv[csv["Section"] == "Where they differ most"].set_index("Name")[keys]
    assert (listed.max(axis=1) - listed.min(axis=1)).round(1).tolist() == got
    index = (sites["en"] / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(compare/[^"]+\.html)"', index)
    assert links and all((sites["en"] / link).is_file() for link in links)
    sizes = [len(Path(link).stem.split("--")) for link in links]
    groups = peer_column(result.profiles, result.method.compare.peer_group).value_counts()
    assert all(2 <= s <= 4 for s in sizes) and sum(sizes) == groups[groups >= 2].sum()  # each once, if it has peers


def test_compare_refuses_unknown_cities_and_wrong_sizes(result, tmp_path):
    with pytest.raises(InputError) as info:
        render_report(result, tmp_path / "x", compare=[["Da Nang", "Hue", "Can Tho"], ["Danang"],
                                                       ["A", "B", "C", "D", "E"]])
    text = str(info.value)
    assert "no city named 'Hue'" in text and "no city named 'Can Tho'" in text and "e.g. 'Da Nang'" in text
    assert text.count("a comparison takes 2 to 4 different cities") == 2
    assert not (tmp_path / "x" / "index.html").exists()  # nothing written
    from typer.testing import CliRunner

    from assessment.cli import app

    res = CliRunner().invoke(app, ["report", str(EXAMPLES), "-o", str(tmp_path / "c"), "--compare", "Da Nang,Hue"])
    assert res.exit_code == 1 and "no city named 'Hue'" in res.output


def test_cohort_views_and_legends(sites, result):
    html = (sites["en"] / "index.html").read_text(encoding="utf-8")
    for section in ("wellbeing-heatmap", "enabler-heatmap", "rank-intervals", "compare"):
        assert f'id="{section}"' in html, section
    assert html.count('class="legend heat-legend"') == 3
    for step in ("0–20", "20–40", "40–60", "60–80", "80–100"):
        assert step in html
    # every coverage cell is named: one hover title per scored indicator and city
    n_ind = len([i for i in result.catalogue.scored_indicators if i.id in result.normalised.columns])
    cov = html[html.index('id="coverage"'):]
    assert cov.count("<title>") == 26 * (n_ind + 1)
    names = cov[cov.index('id="coverage-indicators"'):cov.index("</details>")]
    assert names.count("<tr>") == n_ind + 1  # a heading row, then one row per indicator
    assert 'href="robustness.html"' in html and (sites["en"] / "robustness.html").is_file()


def test_downloads_hold_the_page_numbers(sites, result):
    site = sites["en"]
    city = pd.read_csv(site / "cities" / "da-nang.csv", encoding="utf-8-sig")
    sections = city["Section"].isin(["Strengths", "Weaknesses"])  # the strengths section's own rows
    assert city.loc[sections, "Id"].tolist() == result.strengths.loc[result.strengths["unit"] == "Da Nang",
                                                                     "indicator"].tolist()
    ind = city[city["Id"].isin(result.imputed.columns) & ~sections].set_index("Id")
    expected = result.imputed.loc["Da Nang", ind.index]
    pd.testing.assert_series_equal(ind["Value"], expected, check_names=False)
    overall = city.set_index("Id").loc["overall", "Score"]
    assert overall == pytest.approx(result.aggregated["ascf"].loc["Da Nang", "overall"], rel=1e-12)
    cohort = pd.read_csv(site / "index.csv", encoding="utf-8-sig")
    ranks = result.ranks["ascf"]["cohort"]["overall"]
    assert dict(zip(cohort["City"], cohort["Rank"], strict=True)) == {k: int(v) for k, v in ranks.items()}
    vi = pd.read_csv(sites["vi"] / "index.csv", encoding="utf-8-sig")
    assert list(vi.columns[:2]) == ["Thứ hạng", "Thành phố"]
    assert (site / "results.xlsx").stat().st_size > 0
    assert (site / "compare" / f"{TRIO_SLUG}.csv").is_file()
    for page in every_page(site):
        if page.name != "robustness.html":
            assert 'download>' in page.read_text(encoding="utf-8"), page


def test_every_new_file_is_deterministic(result, unc, sites, tmp_path):
    render_report(result, tmp_path / "again", lang="en", uncertainty=unc, compare=[TRIO])
    files = sorted(p for p in sites["en"].rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".html", ".csv", ".xlsx"}
    for path in files:
        assert path.read_bytes() == (tmp_path / "again" / path.relative_to(sites["en"])).read_bytes(), path


def test_new_pages_are_safe_and_translated(sites, tmp_path):
    script = (ROOT / "templates" / "scorecard" / "sort.js").read_text(encoding="utf-8")
    for _lang, site in sites.items():
        for path in every_page(site):
            s = scan(path)
            assert "default-src 'none'" in s.csp, path
            if path.name != "robustness.html":
                assert s.scripts == [script], path
            for tag, key, value in s.attrs:
                assert not re.match(r"\s*(https?:|//)", value) or key not in ("src", "href"), (path, tag, value)
    vi = translations("vi")
    english = {m for m in ui_msgids() if vi.gettext(m) != m and len(m) > 3 and "%(" not in m and "{" not in m}
    # compiled once (over 800 patterns overflow re's cache); `m in text` first, as a lookbehind gets no fast scan
    patterns = [(m, re.compile(rf"(?<![\w-]){re.escape(m)}(?![\w-])")) for m in english]
    cities = sorted(pd.read_csv(sites["vi"] / "index.csv", encoding="utf-8-sig")["Thành phố"], key=len, reverse=True)
    for path in [*sorted((sites["vi"] / "compare").glob("*.html")), sites["vi"] / "index.html"]:
        text = " ".join(scan(path).text)
        for city in cities:
            text = text.replace(city, " ")
        leaked = sorted(m for m, pattern in patterns if m in text and pattern.search(text))
        assert leaked == [], (path.name, leaked)


def test_hostile_names_on_comparison_and_downloads(tmp_path):
    files = []
    for i, name in enumerate([*HOSTILE[:3], '=HYPERLINK("http://x")']):
        fill = Prefill(profile={"population": 100_000 * (i + 1)}, indicators={"BI-WATER": {"value": 50.0 + i}})
        files.append(write_template(tmp_path / f"h{i}.xlsx", city=name, country="VN", year=2025, prefill=fill))
    res = assessment.assess(assessment.read_submissions(files))
    index = render_report(res, tmp_path / "site", compare=[[HOSTILE[0], HOSTILE[1]]])
    pages = sorted((index.parent / "compare").glob("*.html"))
    asked = index.parent / "compare" / "script-alert-x-script--img-src-x-onerror-alert-1.html"
    assert asked in pages
    for path in pages:
        s = scan(path)
        for tag, key, _value in s.attrs:
            assert not key.startswith("on"), (path, tag, key)
        assert "<img" not in path.read_text(encoding="utf-8")
    assert HOSTILE[0] in " ".join(scan(asked).text) and HOSTILE[1] in " ".join(scan(asked).text)
    cohort = (index.parent / "index.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in cohort and "\n=HYPERLINK" not in cohort and ",=HYPERLINK" not in cohort


def _chromium_pages(browser, path: Path) -> int:
    page = browser.new_page()
    page.goto(path.as_uri())
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    page.close()
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_city_summary_prints_on_at_most_two_pages(result, sites, tmp_path, browser):
    full = tmp_path / "full"
    render_report(result, full, lang="en", full=True, units=["Da Nang"])
    counts = {lang: _chromium_pages(browser, sites[lang] / "cities" / "da-nang.html") for lang in sites}
    counts["singapore-vi"] = _chromium_pages(browser, sites["vi"] / "cities" / "singapore.html")
    n_full = _chromium_pages(browser, full / "cities" / "da-nang.html")
    assert all(1 <= n <= 2 for n in counts.values()), counts
    assert n_full > max(counts.values())  # --full adds the tables on later pages
    html = (sites["en"] / "cities" / "da-nang.html").read_text(encoding="utf-8")
    kept = printable(html)
    assert 'id="indicators"' in html and 'id="indicators"' not in kept and 'id="strengths"' in kept
    assert printable((full / "cities" / "da-nang.html").read_text(encoding="utf-8")).count('id="indicators"') == 1


def test_review_pages_in_a_real_browser(sites, tmp_path, browser):
    page, console, requests = watched_page(browser)
    page.goto((sites["en"] / "index.html").as_uri())
    for sel in ("#rank-intervals svg.whiskers", "#compare", "#wellbeing-heatmap", "#enabler-heatmap"):
        assert page.locator(sel).first.is_visible(), sel
    box = page.locator("#rank-intervals svg.whiskers").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 26 * 15
    page.locator("#rank-intervals").screenshot(path=str(tmp_path / "rank-intervals.png"))
    # the whole header cell sorts: click its padding, to the right of the label
    th = page.locator("#ranking th[data-col='1']")
    th.scroll_into_view_if_needed()
    cell = th.bounding_box()
    assert cell
    page.mouse.click(cell["x"] + cell["width"] - 2, cell["y"] + cell["height"] - 2)
    assert th.get_attribute("aria-sort") == "descending"
    assert page.locator("#ranking tbody tr").first.locator("th").inner_text() == "Yangon"
    for lang in ("en", "vi"):
        page.goto((sites[lang] / "compare" / f"{TRIO_SLUG}.html").as_uri())
        for sel in ("#compare-radar svg", "#compare-outcomes svg", "#compare-indicators table",
                    "#compare-enablers table"):
            assert page.locator(sel).first.is_visible(), (lang, sel)
        page.screenshot(path=str(tmp_path / f"compare-{lang}.png"), full_page=True)
    page.goto((sites["vi"] / "cities" / "da-nang.html").as_uri())
    assert page.locator("#rank-interval").is_visible()
    assert [m for m in console if m[0] in ("error", "pageerror", "warning")] == []
    assert all(u.startswith("file://") for u in requests), requests


@pytest.fixture(scope="module")
def panel(synthetic, tmp_path_factory):
    """Six cities over three years; city-00001 skipped 2017 (a gap)."""
    data = synthetic.cohort(6, years=3, seed=3)
    data = data[~((data["unit"] == "city-00001") & (data["year"] == 2017))]
    res = assessment.assess(data)
    site = tmp_path_factory.mktemp("panel")
    render_report(res, site, lang="en")
    return res, site


def test_panel_cohort_page_shows_one_year_at_a_time(panel):
    res, site = panel
    years = sorted(res.aggregated["ascf"].index.get_level_values("year").unique())
    assert [p.name for p in sorted(site.glob("index*.html"))] == ["index-2016.html", "index-2017.html", "index.html"]
    for year in years:
        page = site / ("index.html" if year == years[-1] else f"index-{year}.html")
        html = page.read_text(encoding="utf-8")
        table = pd.read_csv(page.with_suffix(".csv"), encoding="utf-8-sig")
        expected = res.ranks["ascf"]["cohort"]["overall"].xs(year, level="year")
        assert set(table["Year"]) == {year} and len(table) == len(expected)
        assert dict(zip(table["City"], table["Rank"], strict=True)) == {k: int(v) for k, v in expected.items()}
        assert f"{len(expected)} cities" in text_of(page)
        for other in years:  # links to every other year, none to itself
            href = "index.html" if other == years[-1] else f"index-{other}.html"
            assert (f'href="{href}"' in html) == (other != year), (year, other)
    latest = text_of(site / "index.html")
    change = res.change["ascf"]["overall"].xs(years[-1], level="year")
    for unit, value in change.items():
        since = 2016 if unit == "city-00001" else 2017
        sign = "+" if value > 0 else ""
        assert f"{sign}{value:.1f} (since {since})" in latest, unit


def test_panel_city_trend_lines_and_gap(panel):
    res, site = panel
    html = (site / "cities" / "city-00001-2018.html").read_text(encoding="utf-8")
    assert "Compared with 2016, the previous year this city was assessed." in text_of(site / "cities" /
                                                                                      "city-00001-2018.html")
    trend = html[html.index('id="trend"'):html.index('id="coverage"')]
    overall = res.aggregated["ascf"].loc["city-00001", "overall"]
    assert list(overall.index) == [2016, 2018]
    row = re.search(r'<th scope="row">Overall</th>((?:<td class="n">[^<]*</td>)+)', trend)
    assert row and re.findall(r">([^<]*)</td>", row.group(1)) == [f"{v:.1f}" for v in overall]
    assert trend.count("<polyline") >= 10 and 'href="../index.html"' in html
    first = (site / "cities" / "city-00001-2016.html").read_text(encoding="utf-8")
    assert 'href="../index-2016.html"' in first and 'id="change' not in first


def test_panel_page_in_a_real_browser(panel, browser):
    res, site = panel
    page, console, _ = watched_page(browser)
    page.goto((site / "index.html").as_uri())
    assert page.locator("nav.years strong").inner_text() == "2018"
    page.locator("nav.years a", has_text="2016").click()
    assert page.url.endswith("index-2016.html")
    assert page.locator("nav.years strong").inner_text() == "2016"
    page.goto((site / "index.html").as_uri())
    change = page.locator("#ranking thead th").last
    change.click()
    change.click()  # ascending: the largest fall first
    values = res.change["ascf"]["overall"].xs(2018, level="year")
    assert page.locator("#ranking tbody tr").first.locator("th").inner_text() == values.idxmin()
    page.goto((site / "cities" / "city-00001-2018.html").as_uri())
    assert page.locator("#trend svg").first.is_visible()
    assert [m for m in console if m[0] == "pageerror"] == []


def test_the_workbook_can_be_left_out(synthetic, tmp_path):
    res = assessment.assess(synthetic.cohort(4, seed=2))
    render_report(res, tmp_path / "s", workbook=False)
    assert not (tmp_path / "s" / "results.xlsx").exists() and (tmp_path / "s" / "index.csv").is_file()
    assert "results.xlsx" not in (tmp_path / "s" / "index.html").read_text(encoding="utf-8")


def test_pdfs_follow_the_one_sheet_summary(sites, tmp_path):
    """With the ``pdf`` extra: the city PDFs are one-sheet summaries (en and vi); without it, a clear message."""
    try:
        import weasyprint
    except (ImportError, OSError):
        from typer.testing import CliRunner

        from assessment.cli import app

        res = CliRunner().invoke(app, ["report", str(EXAMPLES), "-o", str(tmp_path / "p"), "--pdf"])
        assert res.exit_code == 2 and "smartcity-assessment[pdf]" in res.output
        return
    from assessment.report import render_pdf

    made = []
    for folder, workers in (("one", 1), ("two/deeper", 2)):  # same PDFs in any folder, with any number of workers
        copy = tmp_path / folder / "index.html"
        (copy.parent / "cities").mkdir(parents=True)
        copy.write_bytes((sites["en"] / "index.html").read_bytes())
        city = copy.parent / "cities" / "da-nang.html"
        city.write_bytes((sites["en"] / "cities" / "da-nang.html").read_bytes())
        made.append(render_pdf([copy, city], workers=workers))
    assert [p.read_bytes() for p in made[0]] == [p.read_bytes() for p in made[1]]
    assert made[0][1].read_bytes()[:5] == b"%PDF-"
    for lang in ("en", "vi"):
        city = sites[lang] / "cities" / "da-nang.html"
        pages = weasyprint.HTML(string=printable(city.read_text(encoding="utf-8"))).render().pages
        assert 1 <= len(pages) <= 2, (lang, len(pages))


def test_rank_intervals_are_whole_ranks_in_the_ranking_table(sites, result, unc):
    """Each ranked city's interval, rounded outward to whole ranks, is a column of the ranking table:
    "5th–7th" (or "5th" when both ends round to one rank), never "5.0–7.1"."""
    from assessment.i18n import ordinal

    summary = unc.summary["ascf"]
    html = (sites["en"] / "index.html").read_text(encoding="utf-8")
    table = html.split('<table class="sortable"')[1].split("</table>")[0]
    shown = dict(re.findall(r'<a href="cities/[^"]+">([^<]+)</a></th><td class="nowrap" data-v="[^"]*">([^<]*)</td>',
                            table))
    checked = 0
    for unit, row in summary.iterrows():
        if math.isnan(row["rank_lo"]):
            continue
        lo, hi = math.floor(row["rank_lo"] + 1e-9), math.ceil(row["rank_hi"] - 1e-9)
        want = ordinal(lo, "en") if lo == hi else f"{ordinal(lo, 'en')}–{ordinal(hi, 'en')}"
        assert shown[unit] == want, unit
        assert "." not in shown[unit]
        checked += 1
    assert checked >= 20
