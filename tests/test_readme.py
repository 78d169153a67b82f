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

from assessment.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)


def test_shown_files_are_the_shipped_files() -> None:
    """A YAML block that names its file on its first line ("# examples/custom/catalogue.yaml") is that file."""
    shown = [(body.splitlines()[0][2:], body) for lang, body in BLOCKS
             if lang == "yaml" and body.startswith("# examples/")]
    assert len(shown) >= 2
    for name, body in shown:
        assert (ROOT / name).read_text(encoding="utf-8") == body, name


def test_python_blocks_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block, run top to bottom in one namespace, as written: the files it reads are shipped
    (``examples/``), so the folder it runs in holds nothing but a copy of them (the outputs land beside it)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
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
    shutil.copytree(ROOT / "examples", tmp_path / "examples")  # every file a command reads is shipped
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
