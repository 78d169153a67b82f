"""Shared fixtures."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DATA = ROOT / "examples" / "data"  # third-party inputs the demo reads (README: source, licence)
KNOWN_ANSWERS = ROOT / "tests" / "data" / "reference"  # published results the tests compare with


@pytest.fixture(scope="session")
def catalogue() -> assessment.Catalogue:
    return assessment.load_catalogue()


@pytest.fixture(scope="session")
def example_result() -> assessment.Assessment:
    """The example cohort (``examples/ascn-2025``, its broken workbooks left out) assessed with the default method.

    Built once per worker and shared by the files that only read it (scorecards, sections, printing,
    methodology); a test that changes a result makes its own (``result.rerun``)."""
    return assessment.assess(assessment.read_submissions(ROOT / "examples" / "ascn-2025").without_error_files())


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The third-party inputs shipped in ``examples/data`` (COINr's ASEM iData/iMeta, the OECD BLI 2025)."""
    return EXAMPLE_DATA


@pytest.fixture(scope="session")
def expected_dir() -> Path:
    """Published known answers shipped in ``tests/data/reference`` (COINr's ASEM stages, its vignettes)."""
    return KNOWN_ANSWERS


def load_script(relative: str) -> ModuleType:
    """Import a script of the repository (examples/, benchmarks/) that is not part of the package."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic() -> ModuleType:
    """The seeded synthetic cohort generator of benchmarks/synthetic.py."""
    return load_script("benchmarks/synthetic.py")


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (``make test`` installs it: ``make browser``)."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: `make test` installs it (make browser)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def shared_chromium() -> Iterator[Any]:
    """One Chromium per test file (a launch costs about 2 s); tests take it through :func:`browser`.

    Not per worker: while Playwright's sync API is open its event loop counts as running in the main thread,
    and Django refuses database calls there (``SynchronousOnlyOperation``), so a browser kept open past its
    file failed the service tests that the worker ran next."""
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def browser(shared_chromium: Any) -> Iterator[Any]:
    """The worker's Chromium. Each ``new_page`` is a context of its own (no cookies or storage shared between
    pages or tests); the contexts a test opened are closed after it."""
    before = set(shared_chromium.contexts)
    yield shared_chromium
    for context in shared_chromium.contexts:
        if context not in before:
            context.close()


def watched_page(browser: Any) -> tuple[Any, list[tuple[str, str]], list[str]]:
    """A 1280 x 900 page that records console messages, page errors and every request it makes."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console: list[tuple[str, str]] = []
    requests: list[str] = []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
    page.on("request", lambda r: requests.append(r.url))
    return page, console, requests


#: The longest files, longest first (``--durations`` on this 2-core machine): ``make test`` hands whole files to
#: its two workers (``-n auto --dist loadfile``), and a long file begun last keeps one worker busy after the other
#: has finished. xdist's own order ("most tests first") put these one- or two-test files at the very end.
LONG_FILES = ("test_server_postgres.py", "test_readme.py", "test_server_browser.py", "test_scorecard_print.py",
              "test_server_publish.py", "test_scorecard.py", "test_server_backup.py", "test_scorecard_review.py")


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist present: it sends files in collection order
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order whole files for xdist: :data:`LONG_FILES` first, then most tests first (xdist's own default), and
    the files with a ``slow`` test (the wheel) last. The order of tests within a file is kept; a run without
    workers keeps pytest's order."""
    if not hasattr(config, "workerinput"):
        return
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def rank(name: str) -> tuple[int, int]:
        if Path(name).name in LONG_FILES:
            return 0, LONG_FILES.index(Path(name).name)
        if any(item.get_closest_marker("slow") for item in files[name]):
            return 2, 0
        return 1, -len(files[name])

    items[:] = [item for name in sorted(files, key=rank) for item in files[name]]
