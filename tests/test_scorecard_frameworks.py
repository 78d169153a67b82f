"""Scorecards of any framework: every page of four frameworks (the example cohort, COINr's ASEM, the
OECD Better Life Index and a small 0–10 framework without enablers, levels or profiles) renders in
English and Vietnamese on the method's own scale, names units by their names in the framework's own
words, and has no empty or wrong part (an empty table or column, "None", a 0–100 axis on a 0–10
method, level names when levels are off, a node listed twice).

The known answers are worked by hand in each test: the scale's points, the heat-map steps, where a
radar puts a score, and what each framework's header says.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, load_script

import assessment
from assessment.i18n import LANGUAGES
from assessment.report import charts, render_report
from assessment.report.sections import unit_sections
from assessment.report.view import ReportView

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "wbr", "source"}


class Node:
    """An element of a parsed page: its tag, attributes, children and text."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.parts: list[str] = []

    def text(self) -> str:
        own = "".join(self.parts)
        return " ".join((own + " " + " ".join(c.text() for c in self.children)).split())

    def find(self, tag: str) -> list[Node]:
        out = [self] if self.tag == tag else []
        for c in self.children:
            out += c.find(tag)
        return out


class Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("document", {}, None)
        self.at = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data: str) -> None:
        if self.at.tag not in ("style", "script"):
            self.at.parts.append(data)


def parse(path: Path) -> Node:
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    return tree.root


def problems_of(page: Path) -> list[str]:
    """Every empty or wrong part of a page: a section with nothing under its heading, a table without rows
    or with a column empty in every row, a row header repeated in one table, "None"/"nan" shown."""
    root = parse(page)
    out = []
    for sec in root.find("section"):
        heading = " ".join(h.text() for h in sec.find("h2"))
        if not sec.text().replace(heading, "", 1).strip():
            out.append(f"{page.name}: section {sec.attrs.get('id')} is empty")
    for table in root.find("table"):
        body = [tr for tb in table.find("tbody") for tr in tb.find("tr")]
        head = [c.text() for th in table.find("thead") for tr in th.find("tr") for c in tr.children
                if c.tag in ("th", "td")]
        if not body:
            out.append(f"{page.name}: table {head[:3]} has no rows")
            continue
        rows = [[c for c in tr.children if c.tag in ("th", "td")] for tr in body]
        width = max(len(r) for r in rows)
        for j in range(width):
            cells = [r[j] for r in rows if len(r) == width]
            if cells and all(not c.text() and not c.children for c in cells):
                out.append(f"{page.name}: column {head[j] if j < len(head) else j} of table {head[:2]} is empty")
        names = [r[0].text() for r in rows if r and r[0].tag == "th"]
        repeated = {n for n in names if names.count(n) > 1}
        if repeated and "heat" not in table.attrs.get("class", ""):
            out.append(f"{page.name}: rows {sorted(repeated)} listed twice in table {head[:2]}")
    shown = root.find("main")[0].text() if root.find("main") else ""
    for word in (" None", " nan ", "at least 0 %", "ít nhất 0 %"):
        if word in f" {shown} ":
            out.append(f"{page.name}: shows {word.strip()!r}")
    return out


def site_pages(site: Path) -> list[Path]:
    units = sorted((site / "cities").glob("*.html"))
    return [site / "index.html", *units[:3], *sorted((site / "compare").glob("*.html"))[:1]]


# -- the four frameworks -------------------------------------------------------------------------------
def tiny() -> assessment.CoinrImport:
    """Six units, four indicators in two dimensions, no names, groups or profile columns."""
    idata = pd.DataFrame({"uCode": [f"U{k}" for k in range(1, 7)],
                          "a": [1.0, 2, 3, 4, 5, 6], "b": [6.0, 5, 4, 3, 2, 1],
                          "c": [10.0, 20, 30, 40, 50, 60], "d": [3.0, 1, 4, 1, 5, 9]})
    imeta = pd.DataFrame({"Level": [1, 1, 1, 1, 2, 2, 3], "iCode": ["a", "b", "c", "d", "D1", "D2", "Index"],
                          "Parent": ["D1", "D1", "D2", "D2", "Index", "Index", None],
                          "Direction": [1, 1, 1, -1, 1, 1, 1], "Weight": 1.0,
                          "Type": ["Indicator"] * 4 + ["Aggregate"] * 3})
    return assessment.from_coinr(idata, imeta, catalogue_id="tiny")


TEN = {"normalise": {"method": "minmax", "range": [0, 10]}, "levels": {"enabled": False},
       "rank": {"peer_groups": []}, "compare": {"peer_group": None}}


@pytest.fixture(scope="module")
def frameworks(reference_dir: Path, example_result: assessment.Assessment) -> dict[str, assessment.Assessment]:
    bli = load_script("examples/oecd_bli.py")
    asem = assessment.from_coinr(reference_dir / "coinr_ASEM_iData.csv", reference_dir / "coinr_ASEM_iMeta.csv",
                                 units=("country", "countries"), title="ASEM Sustainable Connectivity")
    return {
        "example": example_result,
        "asem": assessment.assess(asem),
        "bli": assessment.assess(bli.bli_inputs(reference_dir), method=ROOT / "examples" / "methods" / "oecd-bli.yaml"),
        "tiny": assessment.assess(tiny(), method=TEN),
    }


@pytest.fixture(scope="module")
def sites(frameworks: dict[str, assessment.Assessment], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, result in frameworks.items():
        for lang in ("en", "vi"):
            folder = tmp_path_factory.mktemp(f"{name}-{lang}")
            view = ReportView(result, lang)
            render_report(result, folder, lang=lang, compare=[[view.unit_label(k) for k in view.keys[:2]]],
                          workbook=False)
            out[f"{name}-{lang}"] = folder
    return out


@pytest.mark.parametrize("site", [f"{f}-{lang}" for f in ("example", "asem", "bli", "tiny") for lang in ("en", "vi")])
def test_no_empty_or_wrong_part(sites: dict[str, Path], site: str) -> None:
    found = [p for page in site_pages(sites[site]) for p in problems_of(page)]
    assert not found, "\n".join(found)


def test_the_method_s_scale_everywhere(sites: dict[str, Path]) -> None:
    for name in ("bli", "tiny"):  # normalised to 0–10
        index = (sites[f"{name}-en"] / "index.html").read_text(encoding="utf-8")
        assert "Scores are on a 0 to 10 scale." in index and "0 to 100" not in index
        # the strips' axis: 0, 2.5, 5, 7.5, 10 (a quarter of the scale apart; 2.5 needs a decimal)
        strip = re.search(r'<svg role="img" width="320".*?</svg>', index, re.S)
        assert strip is not None
        assert re.findall(r'text-anchor="middle">([^<]+)<', strip.group(0)) == ["0", "2.5", "5", "7.5", "10"]
        # the heat-map legend: five steps of 2 points, then the top of the scale alone
        legend = re.search(r'<div class="legend heat-legend">(.*?)</div>', index, re.S)
        assert legend is not None
        assert re.findall(r'class="step"[^>]*>([^<]+)<', legend.group(1)) == ["0–2", "2–4", "4–6", "6–8", "8–10", "10"]
        vi = (sites[f"{name}-vi"] / "index.html").read_text(encoding="utf-8")
        assert "Điểm theo thang 0 đến 10." in vi
    example = (sites["example-en"] / "index.html").read_text(encoding="utf-8")
    assert "Scores are on a 0 to 100 scale." in example


def test_scale_geometry_by_hand() -> None:
    ten = charts.Scale(0, 10)
    # 6 of 10 is 60 % of the scale: the fourth step (60–80 % of the way), as 60 is on 0–100
    assert charts.heat_colour(6.0, ten) == charts.heat_colour(60.0) == (charts.LEVEL_COLOURS[3], charts.LEVEL_TEXT[3])
    assert charts.heat_colour(10.0, ten)[0] == charts.LEVEL_COLOURS[5]  # the top alone
    assert charts.heat_colour(9.99, ten)[0] == charts.LEVEL_COLOURS[4]
    assert charts.heat_colour(-1.0, ten)[0] == charts.LEVEL_COLOURS[0]  # below the scale: its bottom step
    # a radar of size 320 has radius 0.32 * 320 = 102.4 around (160, 160); 5 of 10 is half the radius
    # straight up on the first axis: (160, 160 - 51.2) = (160, 108.8)
    g = charts.radar([[5.0, 10.0]], scale=ten)
    assert g.series[0].points[0] == (160.0, 108.8)
    assert g.series[0].points[1] == (160.0, 262.4)  # the second of two axes points down: full radius
    # a strip 300 wide over 0–10: 2.5 at 75 px, the median of (2.5, 5, 10) at 150 px
    s = charts.strip([2.5, 5.0, 10.0], scale=ten)
    assert [d[0] for d in s.dots] == [75.0, 150.0, 300.0] and s.median == 150.0


def test_radars_fill_their_scale(sites: dict[str, Path], frameworks: dict[str, assessment.Assessment]) -> None:
    """On the 0–10 BLI, Norway's radar reaches most of the way out (its topic scores average 8.1 of 10):
    a radar drawn on 0–100 would be a dot within a tenth of the radius."""
    page = (sites["bli-en"] / "cities" / "norway.html").read_text(encoding="utf-8")
    path = re.search(r'<path d="M([^"]+)" fill="#0072B2"', page)
    assert path is not None
    points = [tuple(map(float, p.split(","))) for p in path.group(1).replace(" Z", "").split(" L")]
    mean = sum(math.dist(p, (160.0, 160.0)) for p in points) / len(points)
    scores = frameworks["bli"].aggregated["coinr"].loc["Norway"].drop("BLI")
    assert mean == pytest.approx(102.4 * scores.mean() / 10, abs=0.5)


def test_framework_words_names_and_title(sites: dict[str, Path]) -> None:
    asem = sites["asem-en"]
    assert (asem / "cities" / "austria.html").is_file() and not (asem / "cities" / "aut.html").exists()
    page = (asem / "cities" / "austria.html").read_text(encoding="utf-8")
    assert "<h1>Austria</h1>" in page and "<title>Austria – ASEM Sustainable Connectivity</title>" in page
    assert "ranked countries" in page
    index = (asem / "index.html").read_text(encoding="utf-8")
    assert "51 countries" in index and ">Country</th>" in index
    vi = (sites["asem-vi"] / "index.html").read_text(encoding="utf-8")
    assert "51 quốc gia" in vi
    for site in ("asem-en", "bli-en", "tiny-en"):
        for path in site_pages(sites[site]):
            shown = parse(path).find("main")[0].text().lower()
            assert not re.search(r"\b(city|cities)\b", shown), (site, path.name)  # "electricity" is fine
            assert "focus area" not in shown and "smart-city" not in shown, (site, path.name)
    tiny_index = (sites["tiny-en"] / "index.html").read_text(encoding="utf-8")
    assert "6 units" in tiny_index and ">Unit</th>" in tiny_index
    example = (sites["example-en"] / "index.html").read_text(encoding="utf-8")
    assert "Smart-city scorecard: all cities" in example and ">City</th>" in example


def test_no_levels_or_enablers_where_the_framework_has_none(sites: dict[str, Path]) -> None:
    for site in ("bli-en", "tiny-en"):
        for path in site_pages(sites[site]):
            html = path.read_text(encoding="utf-8")
            assert 'id="enablers"' not in html and "Y.4904" not in html and "Maturity levels" not in html
            assert 'class="level ' not in html, path.name
    page = (sites["example-en"] / "cities").glob("*.html")
    html = next(page).read_text(encoding="utf-8")
    assert 'id="enablers"' in html and "Maturity levels: 0 Not started, 1 Planning" in html
    assert re.search(r'class="level l\d">[^<]+ — level \d of 5<', html)


def test_a_lens_in_two_roles_is_listed_once(sites: dict[str, Path],
                                            frameworks: dict[str, assessment.Assessment]) -> None:
    """The BLI's root has its 11 topics as children and leaves: the ranking table has 1 + 11 score columns."""
    index = parse(sites["bli-en"] / "index.html")
    table = next(t for t in index.find("table") if "sortable" in t.attrs.get("class", ""))
    head = [c.text() for c in table.find("thead")[0].find("th")]
    topics = [c for c in frameworks["bli"].aggregated["coinr"].columns if c != "BLI"]
    assert len(topics) == 11 and head == ["Rank", "Country", "Coverage", "Better Life Index", *topics]


def test_group_columns_whatever_their_case(tmp_path: Path) -> None:
    """A profile column ``Country`` (ISO codes) fills the country column of the pages."""
    coin = tiny()
    data = coin.data.assign(Country=["VN", "VN", "TH", "TH", "LA", "LA"], uName=[f"Town {k}" for k in range(6)])
    result = assessment.assess(assessment.CoinrImport(data, coin.catalogue, ("Country",), ()), method=TEN)
    index = render_report(result, tmp_path / "site", workbook=False)
    html = index.read_text(encoding="utf-8")
    assert ">Vietnam</td>" in html and ">Thailand</td>" in html and "Town 0" in html
    assert (tmp_path / "site" / "cities" / "town-0.html").is_file()


def test_summary_names_the_units(frameworks: dict[str, assessment.Assessment]) -> None:
    """COINr's results table gives each unit's name beside its code; so does ``summary()`` (iData's row
    ``Austria,AUT``)."""
    table = frameworks["asem"].summary()
    assert table.columns[0] == "name" and table.loc["AUT", "name"] == "Austria"
    assert "name" not in frameworks["tiny"].summary().columns  # no names given: none invented


def test_unit_words_of_a_coinr_import() -> None:
    """A known singular alone gives both words in every language; anything else but a pair is refused,
    naming what is allowed."""
    words = tiny_with(units="region").catalogue.header.units
    assert words is not None and words.plural["en"] == "regions" and words.plural["vi"] == "vùng"
    assert set(words.plural) == set(words.singular) == set(LANGUAGES)  # every registered language
    with pytest.raises(assessment.InputError) as err:
        tiny_with(units="province")
    assert err.value.problems[0].code == "bad-units" and "region" in err.value.problems[0].text()


def tiny_with(**kwargs: object) -> assessment.CoinrImport:
    coin = tiny()
    imeta = pd.DataFrame({"Level": [1, 1, 1, 1, 2, 2, 3], "iCode": ["a", "b", "c", "d", "D1", "D2", "Index"],
                          "Parent": ["D1", "D1", "D2", "D2", "Index", "Index", None],
                          "Direction": [1, 1, 1, -1, 1, 1, 1], "Weight": 1.0,
                          "Type": ["Indicator"] * 4 + ["Aggregate"] * 3})
    return assessment.from_coinr(coin.data.reset_index(), imeta, catalogue_id="tiny", **kwargs)  # type: ignore[arg-type]


# -- every typed section on every framework ----------------------------------------------------------------------

#: The unit-page sections each framework has something for (its first unit). The example cohort has every
#: part of the built-in catalogue but criteria; COINr's ASEM and the 0-10 framework have no enablers and no
#: well-being lens (their own dimensions are the profile); the BLI's dimensions are its profile and its
#: method turns the compare stage off (no strengths). Change and trend need a panel (none of these is one).
EXPECTED_SECTIONS = {
    "example": ["overview", "focus-areas", "wellbeing", "enablers", "strengths", "coverage", "indicators"],
    "asem": ["overview", "focus-areas", "strengths", "coverage", "indicators"],
    "bli": ["overview", "focus-areas", "coverage", "indicators"],
    "tiny": ["overview", "focus-areas", "strengths", "coverage", "indicators"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SECTIONS))
def test_every_section_renders_on_every_framework(frameworks: dict[str, assessment.Assessment],
                                                  sites: dict[str, Path], name: str) -> None:
    result = frameworks[name]
    for lang in ("en", "vi"):
        view = ReportView(result, lang)
        key = view.keys[0]
        sections = unit_sections(view, key)
        assert list(sections) == EXPECTED_SECTIONS[name], lang
        page = (sites[f"{name}-{lang}"] / "cities" / f"{view.slugs[key]}.html").read_text(encoding="utf-8")
        # each section is on the page once, in the order the page model gives, then the methodology every
        # page of the site shares (base.html.j2), and nothing else
        found = re.findall(r'<section id="([^"]+)"', page)
        assert found == [*sections, "methodology"], (lang, found)
        # its CSV rows are the page's CSV, in page order
        csv = (sites[f"{name}-{lang}"] / "cities" / f"{view.slugs[key]}.csv").read_text(encoding="utf-8-sig")
        assert len(csv.splitlines()) == 1 + sum(len(s.csv_rows(lang)) for s in sections.values())
