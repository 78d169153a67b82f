"""Screenshots of the scorecard pages for review, from a site built by ``make demo``.

    python examples/screenshots.py site build/screenshots

Writes PNGs of the cohort page (whole, and the rank intervals), a city page on screen and as it
prints (en and vi), a comparison page and the robustness page, with Debian's headless Chromium
(``make browser``) through Playwright. Nothing is fetched: the pages are self-contained.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main(site: Path, out: Path) -> list[Path]:
    """Take the screenshots; returns the files written."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is needed: make browser")
    compare = sorted((site / "compare").glob("da-nang--*.html")) or sorted((site / "compare").glob("*.html"))
    shots = [("cohort", site / "index.html", None, "screen"),
             ("cohort-rank-intervals", site / "index.html", "#rank-intervals", "screen"),
             ("city-da-nang", site / "cities" / "da-nang.html", None, "screen"),
             ("city-da-nang-vi", site / "vi" / "cities" / "da-nang.html", None, "screen"),
             ("city-da-nang-print", site / "cities" / "da-nang.html", None, "print"),
             ("city-da-nang-vi-print", site / "vi" / "cities" / "da-nang.html", None, "print"),
             ("robustness", site / "robustness.html", None, "screen")]
    if compare:
        shots.append(("compare", compare[0], None, "screen"))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, path, selector, media in shots:
            if not path.is_file():
                continue
            # print: an A4 sheet less its margins (186 mm at 96 px/in), in the print stylesheet
            page = browser.new_page(viewport={"width": 1280 if media == "screen" else 710, "height": 900})
            page.emulate_media(media=media)
            page.goto(path.resolve().as_uri())
            target = out / f"{name}.png"
            if selector:
                page.locator(selector).screenshot(path=str(target))
            else:
                page.screenshot(path=str(target), full_page=True)
            page.close()
            written.append(target)
        browser.close()
    return written


if __name__ == "__main__":
    args = sys.argv[1:] or ["site", "build/screenshots"]
    for f in main(Path(args[0]), Path(args[1] if len(args) > 1 else "build/screenshots")):
        print(f)
