"""Benchmark of the PDF download with reports rendered ahead by the worker, against rendering in the request.

    .venv/bin/python bench/pdf_queue.py [--downloads 50] [--database-url URL] [--keep]

Builds a throwaway database (a SQLite file in bench/out/pdf_queue/, or an
empty PostgreSQL database given by --database-url), loads the seven-area
questionnaire, answers every question with a note (as bench/pdf.py does) and
submits the assessment. Then, with gunicorn (config/gunicorn.conf.py, one sync
worker, production settings but no TLS) on a free loopback port:

1. queue, ready: `manage.py db_worker --batch` renders the report once; then
   `--downloads` downloads of the ready PDF, one after the other;
2. baseline, cold and no worker: a fresh server with REPORT_WAIT_SECONDS=0 and
   no worker running, the stored report deleted before each download, so each
   download renders the report in the web worker, as before the queue.

Prints, for each: the p50 and p95 download latency (client side, full body),
and the web worker's resident memory (VmRSS) after one warm-up request
(the results page) and after the downloads. Targets: p95 under 100 ms when
ready, and a web worker that does not grow (under 10 MB) over the ready
downloads. Exits 1 if one is missed. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "pdf_queue"
FULL = ROOT / "questionnaires" / "public-sector-ml.yaml"
TARGET_P95_MS, TARGET_GROWTH_MB = 100, 10

sys.path.insert(0, str(ROOT))
from config.server_env import free_port, production_settings_env  # noqa: E402 (needs ROOT on the path)


def environment(database_url: str, data_dir: Path = OUT) -> dict[str, str]:
    env = production_settings_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL="0",
        STATIC_USE_FINDERS="1",
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    return env


def seed() -> tuple[int, str]:
    """The submitted assessment's id and a logged-in session key."""
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from pdf import build_assessment  # bench/pdf.py: migrate, load, answer every question with a note

    from assessment import models
    from assessment.services.assessments import assessment_submit

    assessment = models.Assessment.objects.get(pk=build_assessment(FULL))
    user = assessment.created_by
    with transaction.atomic():
        assessment_submit(assessment=assessment, user=user)  # queues the render (no worker runs yet)
    client = Client()
    client.force_login(user)
    return assessment.pk, client.cookies["sessionid"].value


class Server:
    def __init__(self, env: dict[str, str], **extra: str):
        self.port = free_port()
        self.log = OUT / f"gunicorn-{self.port}.log"
        server_env = {
            **env,
            **extra,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_MAX_REQUESTS": "0",
        }
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=server_env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()}") from None
                time.sleep(0.2)

    def worker_rss_mb(self) -> float:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        assert len(children) == 1, children
        for line in Path(f"/proc/{children[0]}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def get(self, path: str, session: str) -> tuple[int, bytes, float]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Cookie": f"sessionid={session}"}
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            return response.status, body, time.perf_counter() - start

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def downloads(server: Server, path: str, session: str, count: int, before=None) -> list[float]:
    times = []
    for _ in range(count):
        if before is not None:
            before()
        status, body, seconds = server.get(path, session)
        if status != 200 or not body.startswith(b"%PDF-"):
            raise SystemExit(f"download failed: {status} {body[:200]!r}")
        times.append(seconds)
    return times


def prepared(parser: argparse.ArgumentParser, out: Path) -> tuple[argparse.Namespace, dict[str, str]]:
    """The arguments (with --database-url and --keep) and the environment of a run in a fresh `out`."""
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a SQLite file)")
    parser.add_argument("--keep", action="store_true", help=f"keep {out.relative_to(ROOT)}")
    args = parser.parse_args()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return args, environment(args.database_url or f"sqlite:///{out / 'bench.sqlite3'}", out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--downloads", type=int, default=50)
    args, env = prepared(parser, OUT)
    assessment_id, session = seed()
    from assessment.models import StoredReport

    pdf, results = f"/assessments/{assessment_id}/report.pdf", f"/assessments/{assessment_id}/"
    rows = []
    try:
        # 1. With the queue: the worker renders once, the web worker only reads the stored PDF.
        server = Server(env)
        try:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            render_s = time.perf_counter() - start
            report = StoredReport.objects.get(kind=StoredReport.ASSESSMENT)
            server.get(results, session)
            rss_before = server.worker_rss_mb()
            times = downloads(server, pdf, session, args.downloads)
            rows.append(("queue, ready", times, rss_before, server.worker_rss_mb()))
        finally:
            server.stop()

        # 2. Baseline: cold, no worker; every download renders in the web worker.
        server = Server(env, REPORT_WAIT_SECONDS="0")
        try:
            server.get(results, session)
            rss_before = server.worker_rss_mb()
            times = downloads(server, pdf, session, args.downloads, before=lambda: StoredReport.objects.all().delete())
            rows.append(("baseline: cold, no worker", times, rss_before, server.worker_rss_mb()))
        finally:
            server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(OUT, ignore_errors=True)

    print(
        f"Submitted assessment of {FULL.name}: PDF {len(report.pdf) / 1024:.0f} KiB, "
        f"rendered by the worker in {report.render_seconds:.2f} s ({render_s:.1f} s for the whole worker command)"
    )
    print(
        f"{args.downloads} downloads each, one after the other, 1 gunicorn sync worker, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}\n"
    )
    print(f"{'':28} {'p50':>9} {'p95':>9} {'mean':>9}   web worker RSS: warm-up -> after {args.downloads}")
    for name, times, before, after in rows:
        ms = [t * 1000 for t in times]
        print(
            f"{name:28} {percentile(ms, 50):7.1f}ms {percentile(ms, 95):7.1f}ms {statistics.mean(ms):7.1f}ms"
            f"   {before:6.1f} MB -> {after:6.1f} MB ({after - before:+.1f} MB)"
        )
    ready_times, ready_growth = rows[0][1], rows[0][3] - rows[0][2]
    p95 = percentile([t * 1000 for t in ready_times], 95)
    ok = p95 < TARGET_P95_MS and ready_growth < TARGET_GROWTH_MB
    print(
        f"\nTargets: p95 when ready < {TARGET_P95_MS} ms ({p95:.1f}), web worker growth < {TARGET_GROWTH_MB} MB "
        f"({ready_growth:+.1f}): {'met' if ok else 'MISSED'}"
    )
    load = os.getloadavg()
    print(f"Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
