"""Benchmark of an evidence upload and download of 10 MB through the web worker: time and peak memory.

    .venv/bin/python bench/evidence.py [--mb 10] [--keep]

Builds a throwaway SQLite database and evidence directory in bench/out/evidence/
(a draft of the seven-area questionnaire, as bench/pdf.py makes it), starts
gunicorn (config/gunicorn.conf.py, one sync worker, production settings but
no TLS) on a free loopback port, and as the draft's member:

1. uploads a PDF of `--mb` MB through the area page's evidence form (multipart,
   the body streamed from a file);
2. downloads it again and checks its SHA-256.

Before each, the worker's peak resident memory is reset (/proc/PID/clear_refs);
after it, the peak (VmHWM) less the resident memory before is its growth. Prints
the time and the growth of each. Target: under 2 MB of growth for 10 MB (the
file streamed to a temporary file and to storage, never held whole). Exits 1
if it is missed. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "evidence"
FULL = ROOT / "questionnaires" / "public-sector-ml.yaml"
TARGET_GROWTH_MB = 2

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import pdf_queue  # noqa: E402 (needs bench/ on the path)
from pdf_queue import Server, prepared  # noqa: E402

pdf_queue.OUT = OUT  # where its server writes its log


def seed() -> tuple[int, str, str, str]:
    """The draft's id, its first area and question, and a logged-in session key of its member."""
    import django

    django.setup()
    from django.test import Client
    from pdf import build_assessment  # bench/pdf.py: migrate, load, answer every question with a note

    from assessment import models

    assessment = models.Assessment.objects.get(pk=build_assessment(FULL))
    question = models.Question.objects.filter(area__questionnaire=assessment.questionnaire).order_by("pk").first()
    client = Client()
    client.force_login(assessment.created_by)
    return assessment.pk, question.area.key, question.key, client.cookies["sessionid"].value


def worker_pid(server: Server) -> str:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    assert len(children) == 1, children
    return children[0]


def memory_kb(pid: str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def measured(server: Server, action) -> tuple[float, float]:
    """(seconds, MB of peak growth of the web worker) of `action()`."""
    pid = worker_pid(server)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak (VmHWM) starts again from the current RSS
    before = memory_kb(pid, "VmRSS")
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    return seconds, (memory_kb(pid, "VmHWM") - before) / 1024


def multipart(path: Path, fields: dict[str, str], file_field: str, file_name: str) -> tuple[Path, str]:
    """The request body written to a file (so the client need not hold it either), and its content type."""
    boundary = uuid.uuid4().hex
    body = OUT / f"{file_name}.body"
    with body.open("wb") as out:
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        with path.open("rb") as source:
            shutil.copyfileobj(source, out)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


def post(server, opener, body: Path, content_type: str, assessment_id, question_key, session, token) -> int:
    """POST the body (streamed from its file) to the question's evidence form; the status answered."""
    with body.open("rb") as data:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/assessments/{assessment_id}/questions/{question_key}/evidence/",
            data=data,
            method="POST",
            headers={
                "Cookie": f"sessionid={session}; csrftoken={token}",
                "Content-Type": content_type,
                "Content-Length": str(body.stat().st_size),
            },
        )
        try:
            with opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            return answer.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=10)
    args, env = prepared(parser, OUT)
    assessment_id, area_key, question_key, session = seed()
    pdf = OUT / "evidence.pdf"
    with pdf.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        block = b"0" * (1024 * 1024)
        for _ in range(args.mb):
            out.write(block)
        out.write(b"\n%%EOF\n")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    server = Server(env, EVIDENCE_MAX_MB=str(args.mb + 1))
    opener = urllib.request.build_opener(NoRedirect)
    try:
        _status, page, _ = server.get(f"/assessments/{assessment_id}/areas/{area_key}/", session)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        prefix = f"evidence-{question_key}-"
        body, content_type = multipart(
            pdf, {"csrfmiddlewaretoken": token, prefix + "title": "Bench"}, prefix + "file", "evidence.pdf"
        )
        upload_status = []

        def upload():
            upload_status.append(post(server, opener, body, content_type, assessment_id, question_key, session, token))

        # A smaller upload first (3 MB, also kept in a temporary file): what the first request of its kind imports and caches is no growth per file.
        small = OUT / "small.pdf"
        small.write_bytes(b"%PDF-1.4\n" + b"1" * (3 * 1024 * 1024) + b"\n%%EOF\n")  # past the in-memory limit too
        warm_body, warm_type = multipart(
            small, {"csrfmiddlewaretoken": token, prefix + "title": "Warm-up"}, prefix + "file", "small.pdf"
        )

        def posted_twice(body_path: Path, body_type: str) -> tuple[list[int], float]:
            """POST once to warm up, then again measured: (the measured one's statuses, its MB of growth)."""
            post(server, opener, body_path, body_type, assessment_id, question_key, session, token)
            statuses: list[int] = []
            _s, mb = measured(
                server,
                lambda: statuses.append(
                    post(server, opener, body_path, body_type, assessment_id, question_key, session, token)
                ),
            )
            return statuses, mb

        _small_status, small_mb = posted_twice(warm_body, warm_type)
        # A link, no file: what any evidence POST costs the worker (session, rows, history, redirect).
        link_body = OUT / "link.body"
        boundary = uuid.uuid4().hex
        link_body.write_bytes(
            "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in {
                    "csrfmiddlewaretoken": token,
                    prefix + "title": "Link",
                    prefix + "link": "https://example.org/evidence",
                }.items()
            ).encode()
            + f"--{boundary}--\r\n".encode()
        )
        link_status, link_mb = posted_twice(link_body, f"multipart/form-data; boundary={boundary}")
        if link_status != [302]:
            raise SystemExit(f"link failed: {link_status}; see {server.log}")
        first_s, first_mb = measured(server, upload)
        up_s, up_mb = measured(server, upload)  # the same file again: the steady state of a worker
        if upload_status != [302, 302]:
            raise SystemExit(f"upload failed: {upload_status}; see {server.log}")
        from assessment.models import Evidence

        evidence = Evidence.objects.filter(title="Bench").first()
        got = []

        def download():
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.port}/assessments/{assessment_id}/evidence/{evidence.pk}/",
                headers={"Cookie": f"sessionid={session}"},
            )
            digest = hashlib.sha256()
            with urllib.request.urlopen(request, timeout=120) as response:
                while chunk := response.read(1024 * 1024):
                    digest.update(chunk)
            got.append(digest.hexdigest())

        down_s, down_mb = measured(server, download)
        if got != [sha]:
            raise SystemExit("the downloaded file differs from the uploaded one")
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(OUT, ignore_errors=True)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Evidence file of {args.mb} MB, through one gunicorn sync worker ({database}, files under DATA_DIR):")
    print(f"  a link (no file), for comparison: web worker's peak memory growth {link_mb:5.1f} MB")
    print(f"  3 MB upload, for comparison: web worker's peak memory growth {small_mb:5.1f} MB")
    print(f"  first upload: {first_s:6.2f} s, web worker's peak memory growth {first_mb:5.1f} MB")
    print(f"  upload again: {up_s:6.2f} s, web worker's peak memory growth {up_mb:5.1f} MB")
    print(f"  download:     {down_s:6.2f} s, web worker's peak memory growth {down_mb:5.1f} MB")
    worst = max(first_mb, up_mb, down_mb)
    verdict = "met" if worst < TARGET_GROWTH_MB else "MISSED"
    print(f"Target: under {TARGET_GROWTH_MB} MB of growth: {verdict} ({worst:.1f} MB)")
    return 0 if worst < TARGET_GROWTH_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
