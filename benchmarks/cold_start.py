"""Cold-start times of the ``smartcity`` command (``make bench``; or run this file alone).

Each case starts a new process (the installed console script next to this Python, else
``python -m assessment``), waits for it to finish and measures the wall time; the median of
``--runs`` runs is printed, one line per case. Targets (issue 13): ``--version`` and ``--help``
within 0.25 s, ``validate`` of one workbook within 0.5 s on the project machine.

"Cold" means a fresh interpreter each time; the operating system's file cache is warm after the
first run (one warm-up run per case is not counted), which is what a user who runs the command
twice sees.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "ascn-2025" / "da-nang-2025.xlsx"


def command() -> list[str]:
    """The ``smartcity`` console script of this environment, or ``python -m assessment``."""
    script = Path(sys.executable).parent / "smartcity"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "assessment"]


CASES: dict[str, list[str]] = {
    "smartcity --version": ["--version"],
    "smartcity --help": ["--help"],
    "smartcity validate --help": ["validate", "--help"],
    "smartcity validate (one workbook)": ["validate", str(WORKBOOK)],
    "smartcity validate --lang vi (one workbook)": ["validate", "--lang", "vi", str(WORKBOOK)],
}


def cold_ms(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) milliseconds of ``smartcity ARGS`` in a new process.

    One warm-up run is not counted. The CPU time (the process and the readers it waits for) is
    the steadier figure on a shared machine, where the wall time also counts waiting for a core.
    """
    import resource

    wall, cpu = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([*command(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        elapsed = (time.perf_counter() - t0) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i:  # the first run warms the file cache
            wall.append(elapsed)
            cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> None:
    """Print the median cold start of every case."""
    parser = argparse.ArgumentParser(description="Cold-start medians of the smartcity command.")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args(argv)
    for name, case in CASES.items():
        wall, cpu = cold_ms(case, args.runs)
        print(f"cold start, {name}: {wall:.0f} ms wall, {cpu:.0f} ms CPU (medians of {args.runs} new processes)")


if __name__ == "__main__":
    main()
