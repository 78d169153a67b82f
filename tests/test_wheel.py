"""The wheel ships indicators/ and templates/ and works from an unrelated directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_from_elsewhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("smartcity_assessment-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "assessment/_data/indicators/catalogue.yaml" in names
    assert "assessment/_data/templates/catalogue.md.j2" in names
    assert "assessment/_data/templates/locale/vi/LC_MESSAGES/messages.po" in names
    # the locale registry's entries and the catalogue's translations (the Vietnamese names below come from it)
    assert {"assessment/_data/templates/locale/en/locale.toml", "assessment/_data/templates/locale/vi/locale.toml",
            "assessment/_data/indicators/locale/vi.po"} <= set(names)
    assert "assessment/py.typed" in names

    venv = tmp_path / "venv"
    # a bare environment (no system site-packages), filled by this environment's pip (``--python``): a pip of
    # its own would cost a bootstrap of several seconds and install the same files
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(venv / "bin" / "smartcity"), "catalogue", "--format", "csv", "--lang", "vi"],
                            cwd=elsewhere, check=True, capture_output=True, text=True)
    assert "QE-PM25" in result.stdout and "Bụi mịn PM2.5" in result.stdout
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import assessment.resources as r; print(r.data_root())"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("_data")
    docs = subprocess.run([str(venv / "bin" / "python"), "-m", "assessment", "catalogue", "docs", "out"],
                          cwd=elsewhere, check=True, capture_output=True, text=True)
    assert "catalogue.vi.md" in docs.stdout
