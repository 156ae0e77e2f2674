"""Full-page screenshots of the main pages at 1280 and 390 px wide, as the demo personas see them.

Not a test: a tool for looking at pages after a change (issue 30). It builds a fresh demo in a
temporary DATA_DIR (migrate, load_questionnaire, seed_demo, as `make run` does), starts the
development server on a free port, signs in with Playwright and saves PNGs into the output folder.

    .venv/bin/python bench/screenshots.py [--out /tmp/shots] [--only NAME ...] [--tile PX]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WIDTHS = (1280, 390)
LOGGED_OUT = "logged-out"  # a persona: the login page just after signing out
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Reads the ids the pages need from the seeded demo; printed as JSON by `manage.py shell`.
IDS_SCRIPT = """
import json
from assessment import models
fraud = models.Team.objects.get(slug="fraud-detection")
submitted = fraud.assessments.filter(status="submitted").order_by("-submitted_at").first()
draft = fraud.assessments.filter(status="draft").order_by("-id").first()
action = models.Action.objects.filter(team=fraud).order_by("id").first()
practice = submitted.questionnaire.practices.order_by("id").first()
area = submitted.questionnaire.areas.order_by("position", "id").first()
citizen = models.Team.objects.get(slug="citizen-services")
print(json.dumps({
    "team": fraud.id, "submitted": submitted.id, "draft": draft.id, "action": action.id,
    "version": submitted.questionnaire_id, "practice": practice.key, "area": area.key, "citizen": citizen.id,
}))
"""


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer at {url} within {seconds:.0f} s.")


def pages(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(file name, persona, path) of every page to shoot."""
    a, d, t = ids["submitted"], ids["draft"], ids["team"]
    return [
        ("home-executive", "executive", "/"),
        ("home-lead", "fraud-lead", "/"),
        ("home-respondent", "fraud-viewer", "/"),
        ("home-manager", "manager", "/"),
        ("home-editor", "editor", "/"),
        ("logged-out", "logged-out", "/login/"),
        ("portfolio", "executive", "/portfolio/"),
        ("portfolio-teams-tag", "executive", "/portfolio/teams/?tag=high-impact"),
        ("portfolio-frameworks", "executive", "/portfolio/frameworks/"),
        ("results", "fraud-lead", f"/assessments/{a}/"),
        ("roadmap", "fraud-lead", f"/assessments/{a}/roadmap/"),
        ("frameworks", "fraud-lead", f"/assessments/{a}/frameworks/"),
        ("profile-draft", "fraud-lead", f"/assessments/{d}/profile/"),
        ("plan", "fraud-lead", f"/teams/{t}/plan/"),
        ("plan-action", "fraud-lead", f"/teams/{t}/plan/{ids['action']}/"),
        ("disagreements", "fraud-lead", f"/assessments/{d}/disagreements/"),
        ("area-draft", "fraud-lead", f"/assessments/{d}/areas/{ids['area']}/"),
        ("review-draft", "fraud-lead", f"/assessments/{d}/review/"),
        ("respondents-panel", "fraud-lead", f"/assessments/{d}/respondents/"),
        ("respondent-area", "fraud-viewer", f"/assessments/{d}/respond/areas/{ids['area']}/"),
        ("team-history", "fraud-lead", f"/teams/{t}/history/"),
        ("compare", "fraud-lead", f"/teams/{t}/compare/"),
        ("assessment-new", "fraud-lead", f"/teams/{t}/assessments/new/"),
        ("changes", "fraud-lead", f"/assessments/{a}/changes/"),
        ("practice", "fraud-lead", f"/questionnaires/{ids['version']}/practices/{ids['practice']}/"),
        ("plan-viewer", "fraud-viewer", f"/teams/{t}/plan/"),
        ("api-tokens", "fraud-lead", "/account/api-tokens/"),
        ("admin-add-person", "manager", "/admin/assessment/membership/add-person/"),
        ("admin-membership-add", "manager", "/admin/assessment/membership/add/"),
    ]


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form:has(#id_username) [type=submit]").first.click()
    page.wait_for_load_state()
    if "/login/" in page.url:
        raise SystemExit(f"Could not log in as {username}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="/tmp/shots", help="folder for the PNGs (default /tmp/shots)")
    parser.add_argument("--only", nargs="*", default=[], help="shoot only these page names")
    parser.add_argument(
        "--tile",
        type=int,
        default=0,
        metavar="PX",
        help="also cut each page into PX-high tiles (name-width-N.png), easier to read than one tall image",
    )
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="mlready-shots-") as data_dir:
        env = {**os.environ, "DEBUG": "1", "DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        manage(env, "migrate", "--noinput")
        manage(env, "load_questionnaire", *sorted(glob.glob(str(ROOT / "questionnaires" / "*.yaml"))))
        manage(env, "seed_demo")
        ids = json.loads(manage(env, "shell", "-c", IDS_SCRIPT).strip().splitlines()[-1])
        passwords = {}
        for line in (Path(data_dir) / "demo-credentials.txt").read_text().splitlines():
            username, password, *_ = line.split()
            passwords[username] = password

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 (closed after the server stops)
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"{base}/login/")
            shoot(base, ids, passwords, out, set(options.only), options.tile)
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def shoot(base: str, ids: dict[str, int], passwords: dict[str, str], out: Path, only: set[str], tile: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = {}
        for name, persona, path in pages(ids):
            if only and name not in only:
                continue
            if persona not in contexts:
                contexts[persona] = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
                page = contexts[persona].new_page()
                if persona == LOGGED_OUT:
                    # Signed in and out again, so the login page carries the "You are logged out" message.
                    log_in(page, base, "benefits-lead", passwords["benefits-lead"])
                    page.locator("form[action='/logout/'] [type=submit]").click()
                    page.wait_for_load_state()
                else:
                    log_in(page, base, persona, passwords[persona])
            page = contexts[persona].pages[0]
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                if persona == LOGGED_OUT:
                    status: object = "after logout"
                else:
                    response = page.goto(f"{base}{path}")
                    page.wait_for_load_state("networkidle")
                    status = response.status if response else "?"
                file = out / f"{name}-{width}.png"
                page.screenshot(path=str(file), full_page=True)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                height = page.evaluate("document.documentElement.scrollHeight")
                wide = "  WIDER THAN THE SCREEN" if scroll_width > width else ""
                print(f"{status} {persona:<12} {width:>4} {scroll_width:>4}x{height:<5} {path} -> {file}{wide}")
                for number, top in enumerate(range(0, height, tile) if tile else [], start=1):
                    clip = {"x": 0, "y": top, "width": width, "height": min(tile, height - top)}
                    page.screenshot(path=str(out / f"{name}-{width}-{number}.png"), full_page=True, clip=clip)
        browser.close()


if __name__ == "__main__":
    main()
