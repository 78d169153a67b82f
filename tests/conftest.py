"""Shared fixtures."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import assessment

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "data" / "reference"


@pytest.fixture(scope="session")
def catalogue() -> assessment.Catalogue:
    return assessment.load_catalogue()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not (REFERENCE / "coinr_ASEM_iMeta.csv").is_file():
        pytest.fail(f"reference data missing at {REFERENCE}; CI clones shared/ beside the repository")
    return REFERENCE


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
