"""Locust users for bench/load.py: log in once, then read and answer like a team member.

Reads the seed written by load.py (BENCH_SEED: one login, assessment and its
area pages per simulated user) and writes every request's timing to
BENCH_SAMPLES when locust quits, so load.py can compute exact percentiles over
the steady phase without the once-per-user logins.

Tasks have EQUAL weights: healthz, an area page, a save of an area page, the
results page and the JSON export.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

SEED = json.loads(Path(os.environ["BENCH_SEED"]).read_text(encoding="utf-8"))
ACCOUNTS = itertools.cycle(SEED["users"])
ACCOUNTS_LOCK = threading.Lock()
SAMPLES: list[tuple[str, str, float, float, bool]] = []


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception, start_time=None, **kwargs):
    SAMPLES.append((request_type, name, start_time or 0.0, response_time, exception is None))


@events.quitting.add_listener
def dump(environment, **kwargs):
    with open(os.environ["BENCH_SAMPLES"], "w", encoding="utf-8") as handle:
        json.dump(SAMPLES, handle)


def _cookie(jar, name: str) -> str | None:
    return next((cookie.value for cookie in jar if cookie.name == name), None)


class TeamMember(FastHttpUser):
    """FastHttpUser (geventhttpclient) rather than HttpUser (requests): it needs
    several times less CPU per request, and locust shares the machine's cores
    with the servers it measures."""

    # Think time between pages. People take far longer; this keeps 50 users busy.
    wait_time = between(float(os.environ.get("BENCH_WAIT_MIN", "0.5")), float(os.environ.get("BENCH_WAIT_MAX", "1.5")))

    def on_start(self):
        with ACCOUNTS_LOCK:
            self.account = next(ACCOUNTS)
        self.client.get("/login/", name="login page")
        token = _cookie(self.client.cookiejar, "csrftoken")
        with self.client.post(
            "/login/",
            {"username": self.account["username"], "password": SEED["password"], "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code})")

    @task
    def healthz(self):
        with self.client.get("/healthz", name="/healthz", catch_response=True) as response:
            if response.status_code != 200 or b'"ok"' not in response.content:
                response.failure(f"healthz {response.status_code}")

    @task
    def area_page(self):
        area = random.choice(self.account["areas"])
        with self.client.get(area["url"], name="area page", catch_response=True) as response:
            if response.status_code != 200 or b'name="answer_' not in response.content:
                response.failure(f"area page {response.status_code}")

    @task
    def save(self):
        area = random.choice(self.account["areas"])
        data = {"action": "exit", "csrfmiddlewaretoken": _cookie(self.client.cookiejar, "csrftoken")}
        for question in area["questions"]:
            data[f"answer_{question['key']}"] = f"level-{random.choice(question['levels'])}"
            data[f"note_{question['key']}"] = random.choice(["", "Checked with the data owner", "See the runbook"])
        with self.client.post(
            area["url"], data, name="save area", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"save {response.status_code}: {response.text[:200]!r}")

    @task
    def results(self):
        with self.client.get(self.account["results_url"], name="results", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"results {response.status_code}")

    @task
    def export_json(self):
        with self.client.get(self.account["export_url"], name="export.json", catch_response=True) as response:
            if response.status_code != 200 or "answers" not in response.json():
                response.failure(f"export {response.status_code}")
