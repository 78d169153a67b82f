"""The README's examples run: its Python blocks in order (a reader's session), its commands exist."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assessment
from assessment.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)


def test_python_blocks_run_in_order(reference_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block, run top to bottom in one namespace, from a folder holding the files it names."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    shutil.copy(reference_dir / "coinr_ASEM_iData.csv", tmp_path / "iData.csv")
    shutil.copy(reference_dir / "coinr_ASEM_iMeta.csv", tmp_path / "iMeta.csv")
    (tmp_path / "my").mkdir()
    for lang, body in BLOCKS:  # the YAML examples that name their own file ("# my/catalogue.yaml")
        first = body.splitlines()[0]
        if lang == "yaml" and first.startswith("# my/"):
            (tmp_path / first[2:]).write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    python = [body for lang, body in BLOCKS if lang == "python"]
    assert len(python) >= 5
    for i, body in enumerate(python):
        try:
            exec(compile(body, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # name the block that broke
            raise AssertionError(f"README python block {i + 1} fails: {exc!r}\n{body}") from exc
    assert (tmp_path / "results.xlsx").is_file() and (tmp_path / "site" / "index.html").is_file()


def _shell_lines() -> list[str]:
    lines = []
    for lang, body in BLOCKS:
        if lang == "sh":
            lines += [line.split("#")[0].strip() for line in body.splitlines()]
    return [line for line in lines if line and not line.startswith("make ")]  # make: the CI job itself


def test_shell_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command line of the README runs (``make`` lines are the CI job itself), from a folder with
    the files it names. Exit 0, or 1 where the line's comment says so."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "my").mkdir()
    for lang, body in BLOCKS:
        first = body.splitlines()[0]
        if lang == "yaml" and first.startswith("# my/"):
            (tmp_path / first[2:]).write_text(body, encoding="utf-8")
    intake = assessment.read_submissions([ROOT / "examples" / "ascn-2025"]).without_error_files()
    intake.data[["city", "year", "indicator", "value"]].rename(columns={"city": "unit"}).to_csv(
        tmp_path / "cohort.csv", index=False)
    (tmp_path / "method.yaml").write_text("normalise: {method: minmax}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    expect_one = {line.split("#")[0].strip() for lang, body in BLOCKS if lang == "sh"
                  for line in body.splitlines() if "exit 1:" in line}
    runner = CliRunner()
    lines = _shell_lines()
    assert len(lines) >= 12
    for line in lines:
        for command in line.split("&&"):
            words = shlex.split(command)
            if words[0] == "python":
                done = subprocess.run([sys.executable, *words[1:]], cwd=tmp_path, capture_output=True, text=True,
                                      timeout=300, check=False)
                code, output = done.returncode, done.stdout + done.stderr
            else:
                assert words[0] == "smartcity", line
                got = runner.invoke(app, words[1:])
                code, output = got.exit_code, got.output
            assert code == (1 if line in expect_one else 0), f"{line}\n{output[-2000:]}"
    assert (tmp_path / "results.xlsx").is_file() and (tmp_path / "site" / "vi" / "index.html").is_file()
