"""Cold-start times of the ``smartcity`` command and of a one-shot script (``make bench``; or run this file alone).

Each case starts a new process (the installed console script next to this Python, else
``python -m assessment``; for a script, this Python), waits for it to finish and measures its wall
and CPU time; the medians of ``--runs`` runs are printed, one line per case, with the load average
beside. Targets (issue 13): ``--version`` and ``--help`` within 0.25 s, ``validate`` of one
workbook within 0.5 s on the project machine. Issue 26: a one-shot script,
``python -c "import assessment; assessment.assess(assessment.from_coinr(iData, iMeta))"`` on the
shipped ASEM files, within 0.5 s, printed beside the floor no such script can go under:
``python -c "import numpy, pandas"`` measured in the same run.

"Cold" means a fresh interpreter each time; the operating system's file cache is warm after the
first run (one warm-up run per case is not counted), which is what a user who runs the command
twice sees. The runs may write bytecode caches (``PYTHONDONTWRITEBYTECODE`` is dropped from their
environment), as an installed package has them: compiling the package's sources on every start
would add about 70 ms that no user pays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "ascn-2025" / "da-nang-2025.xlsx"
ASEM = ROOT / "examples" / "data"
#: A one-shot script's target (issue 26), in ms of CPU (and of wall on an idle machine).
ONE_SHOT_TARGET_MS = 500
ONE_SHOT = ("import assessment; assessment.assess(assessment.from_coinr("
            f"{str(ASEM / 'coinr_ASEM_iData.csv')!r}, {str(ASEM / 'coinr_ASEM_iMeta.csv')!r}))")
FLOOR = "import numpy, pandas"
#: The floor with pydantic, whose models the catalogue and the method are (its import, its scan of the installed
#: packages for plugins): what stands between the floor and the package's own start-up.
FLOOR_PYDANTIC = ("import numpy, pandas, pydantic; from pydantic import BaseModel, Field; "
                  "from pydantic.plugin._loader import get_plugins; get_plugins()")


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


def cold_ms(args: list[str], runs: int, argv0: list[str] | None = None) -> tuple[float, float]:
    """Median wall and CPU (user + system) milliseconds of ``smartcity ARGS`` in a new process
    (of ``argv0 + args`` when ``argv0`` is given, such as ``[python, "-c"]``).

    One warm-up run is not counted. The CPU time (the process and the readers it waits for) is
    the steadier figure on a shared machine, where the wall time also counts waiting for a core.
    """
    import resource

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    wall, cpu = [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([*(command() if argv0 is None else argv0), *args], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, env=env)
        elapsed = (time.perf_counter() - t0) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i:  # the first run warms the file cache
            wall.append(elapsed)
            cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def load() -> str:
    """The load average over 1, 5 and 15 minutes (the machine is shared: read the times beside it)."""
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    """Print the median cold start of every case, then the one-shot script beside its floor and target."""
    parser = argparse.ArgumentParser(description="Cold-start medians of the smartcity command.")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args(argv)
    for name, case in CASES.items():
        wall, cpu = cold_ms(case, args.runs)
        print(f"cold start, {name}: {wall:.0f} ms wall, {cpu:.0f} ms CPU "
              f"(medians of {args.runs} new processes; {load()})")
    python = [sys.executable, "-c"]
    floor_wall, floor_cpu = cold_ms([FLOOR], args.runs, python)
    _pyd_wall, pyd_cpu = cold_ms([FLOOR_PYDANTIC], args.runs, python)
    wall, cpu = cold_ms([ONE_SHOT], args.runs, python)
    print(f"cold start, one-shot script assess(from_coinr(ASEM)): {wall:.0f} ms wall, {cpu:.0f} ms CPU; "
          f"target {ONE_SHOT_TARGET_MS} ms; floor (python -c {FLOOR!r}) {floor_wall:.0f} ms wall, "
          f"{floor_cpu:.0f} ms CPU, so {cpu - floor_cpu:.0f} ms CPU are the package's, of which "
          f"{pyd_cpu - floor_cpu:.0f} ms pydantic's import and plugin scan "
          f"(medians of {args.runs} new processes each; {load()})")


if __name__ == "__main__":
    main()
