"""The service under load (issue 21's targets), on this machine, loopback only; every loop is bounded.

1. A round of 900 cities with 3 versions each: the reviewer's dashboard and a city page, server
   time (Django's test client in process: the whole request stack but the socket), median of 20.
   Targets: dashboard <= 300 ms, city page <= 100 ms.
2. 50 city teams uploading the example cohort's workbooks at once to a real server (gunicorn,
   2 processes x 8 threads, as in the README, and ``--workers`` task workers): errors, versions recorded,
   seconds from each upload to its checked problem list (p95), peak memory of the server's
   process tree. Targets: 0 errors, 50 recorded, p95 <= 30 s, <= 1.5 GB.
3. Publishing the 26-city example round with rank intervals (the demo's robustness spec).
   Target: <= 60 s.

    python benchmarks/bench_serve.py [--cities 900] [--uploads 50] [--workers 2] [--skip PART]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"
SPEC = ROOT / "examples" / "robustness" / "ascn-demo.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import median_ms  # noqa: E402  (the benchmarks' one timing helper)


def stored_version(path: Path) -> tuple[str, int]:
    from assessment.server import storage

    with path.open("rb") as fh:
        return storage.store(iter(lambda: fh.read(1 << 16), b""))


def dashboard_and_city_page(n: int) -> None:
    """Part 1: a large round made directly in the database, then pages timed through the full stack."""
    from django.contrib.auth.models import User
    from django.test import Client

    from assessment.server.models import City, Membership, Round, Upload
    from assessment.server.tasks import check_upload

    # one real check gives realistic problem records (the broken example: 17 problems)
    probe_round = Round.objects.create(slug="probe", name="Probe", year=2025)
    probe_city = City.objects.create(round=probe_round, name="Probe")
    sha, size = stored_version(EXAMPLES / "zz-broken-1-2025.xlsx")
    probe = Upload.objects.create(city=probe_city, number=1, filename="broken.xlsx", sha256=sha, size=size)
    check_upload.call(probe.pk)
    probe.refresh_from_db()
    good_sha, _size = stored_version(EXAMPLES / "da-nang-2025.xlsx")
    rnd = Round.objects.create(slug="big-2025", name="Big", year=2025)
    cities = City.objects.bulk_create(City(round=rnd, name=f"City {i:04d}", country="VN",
                                           status=("draft", "submitted", "accepted")[i % 3]) for i in range(n))
    Upload.objects.bulk_create(
        Upload(city=c, number=v, filename=f"city-{c.pk}-v{v}.xlsx", sha256=sha if v < 3 else good_sha,
               size=size, state="checked", errors=probe.errors if v < 3 else 0, warnings=probe.warnings,
               problems=probe.problems if v < 3 else [], values={f"I{j}": j * v for j in range(90)})
        for c in cities for v in (1, 2, 3))
    reviewer = User.objects.create_user("bench-reviewer@example.org")
    Membership.objects.create(user=reviewer, role="reviewer")
    member = User.objects.create_user("bench-city@example.org")
    Membership.objects.create(user=member, role="city", city=cities[n // 2])
    staff, city = Client(), Client()
    staff.force_login(reviewer)
    city.force_login(member)
    page = f"/cities/{cities[n // 2].pk}/"
    assert staff.get("/rounds/big-2025/").status_code == 200 and city.get(page).status_code == 200
    print(f"dashboard, {n} cities x 3 versions: {median_ms(lambda: staff.get('/rounds/big-2025/')):.0f} ms "
          "(median of 20; target <= 300)")
    print(f"city page (3 versions, 17 problems shown): {median_ms(lambda: city.get(page)):.0f} ms "
          "(median of 20; target <= 100)")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total / 1e6


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)


def wait_checked(rnd: Any, n: int, seconds: float = 300) -> dict[int, float]:
    """When each city's upload was first seen checked, polled every 0.1 s (bounded: stops after ``seconds``)."""
    from django.db import connection

    from assessment.server.models import Upload

    done: dict[int, float] = {}
    deadline = time.monotonic() + seconds
    try:
        while len(done) < n and time.monotonic() < deadline:
            for city_id in Upload.objects.filter(city__round=rnd, state="checked").values_list("city_id",
                                                                                             flat=True):
                done.setdefault(city_id, time.monotonic())
            time.sleep(0.1)
    finally:
        connection.close()  # this thread's own connection
    return done


def concurrent_uploads(datadir: Path, n: int, workers: int) -> None:
    """Part 2: n members upload at once to a real server; time to each checked problem list."""
    from django.contrib.auth.models import User
    from django.test import Client

    from assessment.server.models import City, Membership, Round, Upload
    from assessment.server.service import worker_command

    files = sorted(p for p in EXAMPLES.glob("*-2025.xlsx"))
    rnd = Round.objects.create(slug="load-2025", name="Load", year=2025)
    people = []
    for i in range(n):
        city = City.objects.create(round=rnd, name=f"Load {i:03d}")
        user = User.objects.create_user(f"load-{i}@example.org")
        Membership.objects.create(user=user, role="city", city=city)
        client = Client()
        client.force_login(user)
        client.get(f"/cities/{city.pk}/")  # sets the CSRF cookie
        people.append((city, client.cookies["sessionid"].value, client.cookies["csrftoken"].value,
                       files[i % len(files)]))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(datadir / "bench-server.log", "w")  # noqa: SIM115 (closed below, after the processes end)
    # the production server the README names (Django's development server queues only 5 connections)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "8", "--backlog", "128",
                               "--bind", f"127.0.0.1:{port}", "assessment.server.wsgi"], stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True,
                              env={**os.environ, "SMARTCITY_DATADIR": str(datadir)})
    pool = [subprocess.Popen(worker_command(datadir, None), stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True) for _ in range(workers)]
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], sum(tree_rss_mb(p.pid) for p in [server, *pool]))
            time.sleep(0.25)

    errors: list[str] = []
    started: dict[int, float] = {}

    def send(city: Any, session: str, csrf: str, path: Path) -> None:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{csrf}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            started[city.pk] = time.monotonic()
            conn.request("POST", f"/cities/{city.pk}/upload/", body=body, headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": f"sessionid={session}; csrftoken={csrf}"})
            status = conn.getresponse().status
            if status != 302:
                errors.append(f"{city.name}: HTTP {status}")
        except OSError as exc:
            errors.append(f"{city.name}: {exc}")
        finally:
            conn.close()

    try:
        wait_for_port(port)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        done: dict[int, float] = {}
        # polled from the start (its own thread and connection), so each time is when that check landed
        poller = threading.Thread(target=lambda: done.update(wait_checked(rnd, n)))
        poller.start()
        threads = [threading.Thread(target=send, args=p) for p in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        poller.join(timeout=320)
    finally:
        stop.set()
        for p in [server, *pool]:
            p.terminate()
        for p in [server, *pool]:
            p.wait(timeout=30)
        log.close()
    waits = sorted(done[c] - started[c] for c in done if c in started)
    recorded = Upload.objects.filter(city__round=rnd).count()
    with_errors = Upload.objects.filter(city__round=rnd, state="checked", errors__gt=0).count()
    problems = sum(len(p) for p in Upload.objects.filter(city__round=rnd).values_list("problems", flat=True))
    print(f"  uploads sent in {max(started.values()) - min(started.values()):.1f} s; "
          f"{with_errors} with errors, {problems} problems listed in all")
    p95 = waits[max(0, round(0.95 * len(waits)) - 1)] if waits else float("nan")
    median = statistics.median(waits) if waits else float("nan")
    print(f"{n} uploads at once, {workers} task worker(s): {len(errors)} error(s), {recorded} recorded, "
          f"{len(waits)} checked; upload to problem list median {median:.1f} s, p95 {p95:.1f} s, "
          f"max {max(waits, default=0):.1f} s "
          f"(target <= 30); server tree peak {peak[0]:.0f} MB (target <= 1500)")
    for e in errors[:5]:
        print("  ", e)


def publish_example_round() -> None:
    """Part 3: the 26 example cities accepted, then the publication task timed."""
    from assessment.server.demo import DEMO_LANGUAGES
    from assessment.server.models import City, Publication, Round, Upload
    from assessment.server.tasks import check_upload, publish

    # the demo round's languages (the scorecards: English and Vietnamese)
    rnd = Round.objects.create(slug="ascn-bench", name="ASCN", year=2025, robustness=SPEC.read_text(),
                               languages=list(DEMO_LANGUAGES))
    for path in sorted(p for p in EXAMPLES.glob("*-2025.xlsx") if not p.name.startswith("zz-")):
        city = City.objects.create(round=rnd, name=path.stem)
        sha, size = stored_version(path)
        up = Upload.objects.create(city=city, number=1, filename=path.name, sha256=sha, size=size)
        check_upload.call(up.pk)
        City.objects.filter(pk=city.pk).update(status="accepted", accepted=up)
    pub = Publication.objects.create(round=rnd, number=1)
    t0 = time.perf_counter()
    assert publish.call(pub.pk) == "done", Publication.objects.get(pk=pub.pk).error
    seconds = time.perf_counter() - t0
    langs = " + ".join(Publication.objects.get(pk=pub.pk).manifest["languages"])  # as the publication records
    print(f"publishing the 26-city example round with rank intervals ({langs}): {seconds:.1f} s (target <= 60)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=900)
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip", action="append", default=[], choices=["pages", "uploads", "publish"])
    args = parser.parse_args()
    from assessment.server.config import make_datadir, setup

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        datadir = Path(tmp) / "data"
        make_datadir(datadir)
        os.environ.pop("SMARTCITY_DATABASE_URL", None)
        setup(datadir, None, allowed_hosts=("testserver", "127.0.0.1"))
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        if "pages" not in args.skip:
            dashboard_and_city_page(args.cities)
        if "uploads" not in args.skip:
            concurrent_uploads(datadir, args.uploads, args.workers)
        if "publish" not in args.skip:
            publish_example_round()


if __name__ == "__main__":
    main()
