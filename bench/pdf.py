"""Benchmark of the assessment PDF: time, peak memory, and the app's overhead.

    .venv/bin/python bench/pdf.py [--runs 10] [--questionnaire PATH] [--write out.pdf]

Builds a throwaway SQLite database, loads the seven-area questionnaire
(questionnaires/public-sector-ml.yaml; the small test questionnaire if that
file is missing), answers every question with a note, then renders the PDF
`--runs` times in each of two child processes, which take turns render by
render (so both see the same load on the machine) and each have their own
peak memory:

- app: assessment_pdf(assessment_results(assessment)) -- the database read,
  scoring, roadmap, template and WeasyPrint; the PDF cache is not involved;
- raw: WeasyPrint alone on the same HTML string with the app's WeasyPrint
  settings (assessment/pdf/engine.py), without Django; the stylesheet link
  points at the file on disk, fetched by WeasyPrint's own fetcher;
- plain: the same, with WeasyPrint's defaults instead of engine.py's settings
  (a new font configuration per render, level 9 compression): what those
  settings save, shown for information.

Peak memory is each child's peak resident set size (getrusage ru_maxrss), so
it includes the Python interpreter and, for the app, Django. Overhead is
the median over the rounds of app / raw - 1 (each round renders both, one
right after the other, so a drift in the machine's speed cancels out); the
ratio of the two medians is printed too. Prints the figures; exits 1 if a
target is missed. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT / "questionnaires" / "public-sector-ml.yaml"
SMALL = ROOT / "tests" / "data" / "good_questionnaire.yaml"
TARGET_MEDIAN_S, TARGET_PEAK_MB, TARGET_OVERHEAD = 1.5, 200, 0.15


def setup_django(db_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def build_assessment(questionnaire_path: Path) -> int:
    """A fully answered assessment: mixed levels, some Not sure and Not applicable, a note on each."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from assessment import models
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.assessments import AnswerInput, answers_save, assessment_create
    from assessment.services.questionnaires import questionnaire_load

    call_command("migrate", verbosity=0)
    version = questionnaire_load(
        parse_questionnaire(questionnaire_path.read_bytes(), str(questionnaire_path)),
        loaded_from=questionnaire_path.name,
    ).version
    agency = models.Agency.objects.create(name="Department of Benchmarks")
    team = models.Team.objects.create(agency=agency, name="Data Platform", slug="data-platform")
    user = get_user_model().objects.create_user(username="bench", password="not-used-for-login-0")
    models.Membership.objects.create(team=team, user=user, role=models.Membership.MEMBER)
    assessment = assessment_create(team=team, version=version, title="Benchmark assessment", user=user)
    rng = random.Random(6)
    answers = []
    for question in models.Question.objects.filter(area__questionnaire=version).prefetch_related("choices"):
        levels = [c.level for c in question.choices.all()]
        roll = rng.random()
        note = (
            f"Checked with the {question.area.title} lead. "
            + "We rely on a few people and documented the current process in the team wiki. " * rng.randint(1, 3)
        )
        if roll < 0.1:
            answers.append(AnswerInput(question.key, "not_sure", note=note))
        elif roll < 0.15 and question.not_applicable:
            answers.append(AnswerInput(question.key, "not_applicable", note=note))
        else:
            answers.append(AnswerInput(question.key, "choice", level=rng.choice(levels[:-1] or levels), note=note))
    answers_save(assessment=assessment, user=user, answers=answers)
    return assessment.pk


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _serve(render) -> None:
    """Child loop: one render per "render" line on stdin, timings as JSON lines on stdout."""
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() != "render":
            break
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(render())
        print(
            json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - start_cpu, "bytes": size}),
            flush=True,
        )
    print(json.dumps({"peak_mb": _peak_mb()}), flush=True)


def child_app(db_path: str, assessment_id: int) -> None:
    setup_django(db_path)
    from assessment.models import Assessment
    from assessment.pdf.render import assessment_pdf
    from assessment.selectors.results import assessment_results

    def render():
        assessment = Assessment.objects.select_related("team__agency", "questionnaire").get(pk=assessment_id)
        return assessment_pdf(assessment_results(assessment))

    _serve(render)


def child_raw(html_path: str) -> None:
    """WeasyPrint with the app's settings (assessment/pdf/engine.py: options, kept
    font configuration, compression level), no Django, WeasyPrint's own fetcher."""
    sys.path.insert(0, str(ROOT))
    from assessment.pdf import engine

    assert "django" not in sys.modules, "the raw child must run without Django"
    html = Path(html_path).read_text()
    _serve(lambda: engine.write_pdf(html))


def child_plain(html_path: str) -> None:
    """WeasyPrint with its defaults and the same options: what the app's settings save."""
    from weasyprint import HTML

    from_engine = {"pdf_variant": "pdf/ua-1"}  # assessment.pdf.engine.PDF_OPTIONS, without importing it
    html = Path(html_path).read_text()
    _serve(lambda: HTML(string=html).write_pdf(**from_engine))


class Child:
    def __init__(self, args: list[str]):
        self.process = subprocess.Popen(
            [sys.executable, __file__, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.results: list[dict] = []
        self._read()  # ready

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("benchmark child exited early")
        return json.loads(line)

    def render(self) -> None:
        self.process.stdin.write("render\n")
        self.process.stdin.flush()
        self.results.append(self._read())

    def finish(self) -> float:
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        peak = self._read()["peak_mb"]
        self.process.wait()
        return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--questionnaire", type=Path, default=FULL if FULL.exists() else SMALL)
    parser.add_argument("--write", type=Path, help="also save one PDF here, to look at")
    parser.add_argument("--child", choices=["app", "raw", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--assessment", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--html", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "app":
        child_app(args.db, args.assessment)
        return 0
    if args.child == "raw":
        child_raw(args.html)
        return 0
    if args.child == "plain":
        child_plain(args.html)
        return 0

    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as tmp:
        db_path = str(Path(tmp) / "bench.sqlite3")
        setup_django(db_path)
        from assessment.models import Assessment
        from assessment.pdf.fetcher import static_url
        from assessment.pdf.render import STYLESHEET, assessment_pdf_html, html_to_pdf
        from assessment.selectors.results import assessment_results

        assessment_id = build_assessment(args.questionnaire)
        report = assessment_results(Assessment.objects.get(pk=assessment_id))
        html = assessment_pdf_html(report)
        if args.write:
            args.write.write_bytes(html_to_pdf(html))
            print(f"wrote {args.write}")
        # The same HTML, with the stylesheet read from disk by WeasyPrint's own fetcher.
        raw_html = html.replace(static_url(STYLESHEET), (ROOT / "static" / STYLESHEET).as_uri())
        html_path = Path(tmp) / "report.html"
        html_path.write_text(raw_html)

        # The children stay up and take turns, render by render (rotating who
        # goes first), so a change in the machine's load hits all of them alike.
        load_before = os.getloadavg()[0]
        child_args = {
            "app": ["--db", db_path, "--assessment", str(assessment_id)],
            "raw": ["--html", str(html_path)],
            "plain": ["--html", str(html_path)],
        }
        children = {name: Child(["--child", name, *extra]) for name, extra in child_args.items()}
        order = list(children.values())
        for run in range(args.runs):
            for child in order[run % 3 :] + order[: run % 3]:
                child.render()
        results = {name: {"peak_mb": child.finish(), "results": child.results} for name, child in children.items()}
        load_after = os.getloadavg()[0]
    for result in results.values():
        result["times"] = [r["wall"] for r in result["results"]]
        result["cpu"] = [r["cpu"] for r in result["results"]]
        result["bytes"] = result["results"][-1]["bytes"]
    app, raw, plain = results["app"], results["raw"], results["plain"]

    questions = len(list(report.questionnaire.questions()))
    app_median, raw_median = statistics.median(app["times"]), statistics.median(raw["times"])
    # The overhead from renders made one right after the other (app and raw
    # take turns): the median of the per-round ratios. This VM's speed drifts
    # within seconds, which moves a ratio of the two medians by several
    # percent either way; a paired ratio cancels the drift. Both are printed.
    overhead = statistics.median(a / r for a, r in zip(app["times"], raw["times"], strict=True)) - 1
    cpu_overhead = statistics.median(a / r for a, r in zip(app["cpu"], raw["cpu"], strict=True)) - 1
    medians_overhead = app_median / raw_median - 1
    print(
        f"questionnaire: {args.questionnaire.name} ({len(report.questionnaire.areas)} areas, {questions} questions, "
        f"{len(report.roadmap)} roadmap items); {args.runs} renders each, taking turns; PDF {app['bytes'] / 1024:.0f} KiB"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, {load_after:.1f} after")
    for name, result in results.items():
        print(
            f"{name}  median {statistics.median(result['times']):.3f} s wall, {statistics.median(result['cpu']):.3f} s CPU "
            f"(wall min {min(result['times']):.3f}, max {max(result['times']):.3f})  peak RSS {result['peak_mb']:.0f} MB"
        )
    print(
        f"app overhead over WeasyPrint alone (raw), median of per-round ratios: {100 * overhead:+.1f} % wall, "
        f"{100 * cpu_overhead:+.1f} % CPU (ratio of the medians: {100 * medians_overhead:+.1f} %)"
    )
    plain_median = statistics.median(plain["times"])
    print(
        f"engine.py settings against WeasyPrint's defaults (raw / plain): {statistics.median(raw['times']) / plain_median:.2f} "
        f"(PDF {raw['bytes'] / 1024:.0f} against {plain['bytes'] / 1024:.0f} KiB)"
    )
    print(
        "peak memory is each child process's peak resident set size (getrusage ru_maxrss); "
        "CPU is time.process_time, less disturbed than wall time by other load on the machine"
    )
    missed = []
    if app_median >= TARGET_MEDIAN_S:
        missed.append(f"median {app_median:.2f} s >= {TARGET_MEDIAN_S} s")
    if app["peak_mb"] >= TARGET_PEAK_MB:
        missed.append(f"peak {app['peak_mb']:.0f} MB >= {TARGET_PEAK_MB} MB")
    if overhead >= TARGET_OVERHEAD:
        missed.append(f"overhead {100 * overhead:.1f} % >= {100 * TARGET_OVERHEAD:.0f} %")
    print("targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
