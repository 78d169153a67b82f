"""Hostile YAML: every YAML the package reads (catalogue, rules, criteria, method, robustness spec)
is refused with one clear problem in bounded time and memory (issue 24, point 2).

The corpus below holds variants of each shape: alias bombs (lists, mappings, merge keys, a bomb
under a record's id), nesting too deep, too many aliases, a file too large, and values the loader
raises on while building them. A child process under an address-space and CPU limit reads them
through each entry point and reports what it got.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.yamlfiles import MAX_YAML_BYTES, MAX_YAML_DEPTH


def _bomb(levels: int = 9, width: int = 9, flow: bool = True) -> str:
    """The classic alias bomb: each line holds ``width`` aliases of the line before (width**levels values)."""
    names = "abcdefghijklmnop"
    lines = [f"{names[0]}: &{names[0]} [" + ",".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        refs = [f"*{names[i - 1]}"] * width
        lines.append(f"{names[i]}: &{names[i]} [" + ",".join(refs) + "]" if flow else
                     f"{names[i]}: &{names[i]}\n" + "".join(f"  - {r}\n" for r in refs).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _merge_bomb() -> str:
    """Merge keys (``<<: *x``): each mapping merges the one before under nine new keys."""
    lines = ["m0: &m0 {k0: lol, k1: lol, k2: lol, k3: lol, k4: lol, k5: lol, k6: lol, k7: lol, k8: lol}"]
    for i in range(1, 9):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(9)) + "}")
    return "\n".join(lines) + "\n"


def _corpus(d: Path) -> dict[str, tuple[str, str]]:
    """name -> (file text, expected problem code)."""
    id_bomb = _bomb().replace("i: &i", "indicators:\n  - id: &i", 1)
    return {
        "alias bomb, 342 bytes": (_bomb(), "yaml-too-large"),
        "alias bomb, block style": (_bomb(flow=False), "yaml-too-large"),
        "alias bomb, wide and shallow": (_bomb(levels=4, width=80), "yaml-too-large"),
        "merge-key bomb": (_merge_bomb(), "yaml-too-large"),
        "alias bomb under a record id": (id_bomb, "yaml-too-large"),
        "nested too deep (flow)": ("x: " + "[" * (MAX_YAML_DEPTH + 5) + "]" * (MAX_YAML_DEPTH + 5) + "\n",
                                   "yaml-too-large"),
        "nested too deep (block)": ("".join("  " * i + f"k{i}:\n" for i in range(MAX_YAML_DEPTH + 5))
                                    + "  " * (MAX_YAML_DEPTH + 5) + "v\n", "yaml-too-large"),
        "too many aliases": ("a: &a 1\nb: [" + ",".join(["*a"] * 1500) + "]\n", "yaml-too-large"),
        "too large": ("# " + "x" * MAX_YAML_BYTES + "\n", "yaml-too-large"),
        "an integer of 5000 digits": ("seed: " + "1" * 5000 + "\n", "yaml-syntax"),
        "a date that does not exist": ("created: 2025-13-45\n", "yaml-syntax"),
    }


CHILD = """
import json, sys, time
from pathlib import Path
Path("/proc/self/clear_refs").write_text("5")
from assessment.errors import AssessmentError
from assessment.catalogue import read_catalogue
from assessment.scoring import load_method
from assessment.robustness import load_robustness_spec
out = {}
for path in sys.argv[1:]:
    for name, load in (("catalogue", read_catalogue), ("method", load_method), ("spec", load_robustness_spec)):
        t0 = time.perf_counter()
        try:
            load(path)
            got = {"codes": [], "texts": []}
        except AssessmentError as exc:
            got = {"codes": [p.code for p in exc.problems], "texts": [p.text() for p in exc.problems],
                   "found": [p.found for p in exc.problems]}
        got["seconds"] = time.perf_counter() - t0
        out[f"{path}|{name}"] = got
status = Path("/proc/self/status").read_text()
out["maxrss_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps(out))
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (120, 120))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    d = tmp_path_factory.mktemp("yaml")
    files = {}
    for i, (name, (text, code)) in enumerate(_corpus(d).items()):
        path = d / f"case{i}.yaml"
        path.write_text(text, encoding="utf-8")
        files[name] = (path, code)
    return files


def test_hostile_yaml_is_refused_by_every_reader_in_bounded_time_and_memory(corpus) -> None:
    assert corpus["alias bomb, 342 bytes"][0].stat().st_size == 342  # the size reported: 9**9 "lol"s
    paths = [str(p) for p, _ in corpus.values()]
    proc = subprocess.run([sys.executable, "-c", CHILD, *paths], capture_output=True, text=True, timeout=240,
                          preexec_fn=_limits, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    for name, (path, code) in corpus.items():
        for reader in ("catalogue", "method", "spec"):
            got = report[f"{path}|{reader}"]
            assert code in got["codes"], (name, reader, got)
            refusal = got["texts"][got["codes"].index(code)]
            assert len(refusal) < 300 and all(len(f) <= 80 for f in got["found"]), (name, reader, got)
            if reader != "catalogue":  # a catalogue also lists what the empty result lacks
                assert got["codes"] == [code], (name, reader, got)
            assert got["seconds"] < 5.0, (name, reader, got["seconds"])
    assert report["maxrss_mb"] < 400, report["maxrss_mb"]


def test_refusals_name_the_bound_in_words(corpus) -> None:
    from assessment.yamlfiles import read_yaml

    for name, expected in (("alias bomb, 342 bytes", "more than 200000 values once its aliases (*name) are expanded"),
                           ("nested too deep (block)", f"nested more than {MAX_YAML_DEPTH} deep"),
                           ("too many aliases", "more than 1000 aliases"),
                           ("too large", "larger than 2 MB")):
        problems: list = []
        assert read_yaml(corpus[name][0], problems) == {}
        assert [p.code for p in problems] == ["yaml-too-large"], name
        assert expected in problems[0].text(), (name, problems[0].text())
        assert problems[0].fix_text() and problems[0].text("vi") != problems[0].text()


def test_the_cli_refuses_a_bomb_catalogue_and_method(corpus, tmp_path) -> None:
    bomb = corpus["alias bomb, 342 bytes"][0]
    for args in (["catalogue", "check", str(bomb)], ["score", "--method", str(bomb), "-o", str(tmp_path / "o"),
                                                     str(tmp_path / "none.csv")]):
        (tmp_path / "none.csv").write_text("unit,BI-WATER\nHue,5\n", encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "assessment", *args], capture_output=True, text=True,
                              timeout=60, preexec_fn=_limits, check=False)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr[-2000:])
        assert "aliases (*name) are expanded" in proc.stderr, (args, proc.stderr[-2000:])


def test_a_wide_value_in_a_message_is_shortened_before_it_is_written() -> None:
    from pydantic import ValidationError

    from assessment.catalogue.models import Indicator
    from assessment.errors import short_repr
    from assessment.model_errors import pydantic_problems

    bomb: list = ["lol"] * 9
    for _ in range(8):  # 9**9 items once expanded; the Python objects share them, as the YAML loader does
        bomb = [bomb] * 9
    assert len(short_repr(bomb)) <= 80 and short_repr(bomb).startswith("[[[")
    long = short_repr("x" * 10**6)
    assert len(long) <= 80 and "..." in long
    assert short_repr(10 ** 5000) == "<int>"  # Python will not write it out (over 4300 digits)
    with pytest.raises(ValidationError) as caught:
        Indicator.model_validate({"id": bomb})
    problems = list(pydantic_problems(caught.value, "x.yaml", "indicator", Indicator))
    assert problems and all(len(p.found) <= 80 for p in problems)


def test_a_catalogue_include_never_follows_a_link(tmp_path) -> None:
    from assessment.catalogue import read_catalogue
    from assessment.errors import CatalogueError

    (tmp_path / "catalogue.yaml").write_text("id: x\nversion: '1'\ntitle: {en: X}\nlanguages: [en]\n"
                                             "include: ['parts/*.yaml']\n", encoding="utf-8")
    (tmp_path / "parts").mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text("indicators: [{id: SECRET-1}]\n", encoding="utf-8")
    (tmp_path / "parts" / "a.yaml").symlink_to(outside)
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(tmp_path)
    refused = [p for p in caught.value.problems if p.code == "not-a-file"]
    assert len(refused) == 1 and refused[0].text() == "'a.yaml' is not a file but a link, so it was not read."
    assert not any("SECRET-1" in (p.item + p.text()) for p in caught.value.problems)


def test_a_pipe_named_as_a_yaml_file_is_refused_without_blocking(tmp_path) -> None:
    import os

    pipe = tmp_path / "method.yaml"
    os.mkfifo(pipe)
    code = ("import sys\nfrom assessment.errors import AssessmentError\n"
            "from assessment.catalogue import read_catalogue\n"
            "from assessment.scoring import load_method\nfrom assessment.robustness import load_robustness_spec\n"
            "for load in (read_catalogue, load_method, load_robustness_spec):\n"
            "    try:\n        load(sys.argv[1])\n    except AssessmentError as exc:\n"
            "        refused = [p for p in exc.problems if p.code == 'not-a-file']\n"
            "        print([p.code for p in refused], refused[0].text() if refused else '')\n")
    proc = subprocess.run([sys.executable, "-c", code, str(pipe)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("['not-a-file']") for line in lines), lines
    assert all(line.endswith("'method.yaml' is not a file but a pipe (FIFO), so it was not read.") for line in lines)
