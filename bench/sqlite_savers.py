"""How many people the embedded SQLite default serves: N people saving at once, on loopback.

    .venv/bin/python bench/sqlite_savers.py [--savers 5 10 20] [--saves 40] [--think 0.5]

For each N: a fresh SQLite file in a temporary directory, migrated, with the
full questionnaire and one team member and draft per saver; then what
`make run` starts (the development server and one `manage.py db_worker`),
and N threads that each save area pages of their own draft `--saves` times
(every question answered, with a note), `--think` seconds apart. One saver in
every five submits its draft at the end, so the worker renders reports
meanwhile. Prints, per N: saves per second, p50 and p95 (ms), and the answers
other than a redirect (a 503 is the "try again" page; a 500 would be a bug).
Everything is on loopback and removed at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from config.server_env import free_port, production_settings_env  # noqa: E402 (needs ROOT on the path)

SEED = """
import json, sys
from django.test import Client
from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.questionnaires import questionnaire_load
from django.contrib.auth import get_user_model

path = "questionnaires/public-sector-ml.yaml"
version = questionnaire_load(parse_questionnaire(open(path, "rb").read(), path), loaded_from=path).version
agency = models.Agency.objects.create(name="Bench Agency")
people = []
for i in range(int(sys.argv[-1])):
    team = models.Team.objects.create(agency=agency, name=f"Team {i}", slug=f"team-{i}")
    user = get_user_model().objects.create_user(username=f"saver-{i}", password="bench-password-not-a-secret-9")
    models.Membership.objects.create(team=team, user=user, role=models.Membership.MEMBER)
    draft = models.Assessment.objects.create(team=team, questionnaire=version, title="Bench", created_by=user)
    client = Client()
    client.force_login(user)
    people.append({"draft": draft.pk, "session": client.cookies["sessionid"].value})
areas = [
    {"key": a.id, "questions": [{"key": q.id, "level": q.choices[-1].level} for q in a.questions]}
    for a in questionnaire_domain(version).areas
]
print(json.dumps({"people": people, "areas": areas}))
"""


def manage(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def one_run(savers: int, saves: int, think: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="sqlite-savers-") as tmp:
        env = production_settings_env(
            DEBUG="1",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL="0",
            DATA_DIR=tmp,
            DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
        )
        manage(env, "migrate", "--no-input")
        seeded = json.loads(manage(env, "shell", "-c", SEED.replace("sys.argv[-1]", str(savers))).splitlines()[-1])
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
        )
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{origin}/healthz", timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            timings: list[float] = []
            other: list[int] = []
            lock = threading.Lock()

            def saver(index: int, person: dict) -> None:
                http = requests.Session()
                http.cookies.set("sessionid", person["session"])
                http.get(f"{origin}/", timeout=60)
                token = http.cookies["csrftoken"]
                for i in range(saves):
                    area = seeded["areas"][i % len(seeded["areas"])]
                    data = {"action": "exit", "csrfmiddlewaretoken": token}
                    for q in area["questions"]:
                        data[f"answer_{q['key']}"] = f"level-{q['level']}"
                        data[f"note_{q['key']}"] = f"save {i}"
                    started = time.monotonic()
                    response = http.post(
                        f"{origin}/assessments/{person['draft']}/areas/{area['key']}/",
                        data,
                        allow_redirects=False,
                        timeout=120,
                    )
                    with lock:
                        timings.append(time.monotonic() - started)
                        if response.status_code != 302:
                            other.append(response.status_code)
                    time.sleep(think)
                if index % 5 == 0:
                    submitted = http.post(
                        f"{origin}/assessments/{person['draft']}/submit/",
                        {"csrfmiddlewaretoken": token},
                        allow_redirects=False,
                        timeout=120,
                    )
                    with lock:
                        if submitted.status_code != 302:
                            other.append(submitted.status_code)

            threads = [threading.Thread(target=saver, args=(i, p)) for i, p in enumerate(seeded["people"])]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            for process in (server, worker):
                process.terminate()
                process.wait(timeout=30)
    timings.sort()
    return {
        "savers": savers,
        "saves": len(timings),
        "per_second": len(timings) / elapsed,
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95) - 1] * 1000,
        "not_redirect": other,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--savers", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--saves", type=int, default=40, help="saves per saver")
    parser.add_argument("--think", type=float, default=0.5, help="seconds between one saver's saves")
    args = parser.parse_args()
    print(f"{'savers':>6} {'saves':>6} {'saves/s':>8} {'p50 ms':>8} {'p95 ms':>8}  answers other than a redirect")
    for savers in args.savers:
        r = one_run(savers, args.saves, args.think)
        codes = ", ".join(f"{c} x{r['not_redirect'].count(c)}" for c in sorted(set(r["not_redirect"]))) or "none"
        print(
            f"{r['savers']:>6} {r['saves']:>6} {r['per_second']:>8.1f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f}  {codes}"
        )


if __name__ == "__main__":
    main()
