"""The README's examples run: its Python blocks in order (a reader's session), its commands exist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.main import get_command

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


def test_shell_blocks_name_real_commands_and_files() -> None:
    """Each ``smartcity`` line names a real command and options; each ``examples/`` path exists."""
    root = get_command(app)
    commands = set(root.commands)  # type: ignore[attr-defined]
    for lang, body in BLOCKS:
        if lang != "sh":
            continue
        for line in body.splitlines():
            for call in re.findall(r"smartcity ([a-z-]+)((?: [^&#|]*)?)", line):
                name, args = call
                assert name in commands, line
                cmd = root.commands[name]  # type: ignore[attr-defined]
                first = (args.split() or [""])[0]
                if first in getattr(cmd, "commands", {}):  # a sub-command: 'smartcity catalogue check'
                    cmd = cmd.commands[first]
                options = {o for p in cmd.params for o in p.opts}
                for flag in re.findall(r"(?<![\w-])(--[a-z-]+|-[a-zA-Z])\b", args):
                    assert flag in options | {"--help"}, (flag, line)
            for path in re.findall(r"\bexamples/[\w./-]+", line):
                assert (ROOT / path.rstrip(".")).exists(), line
