"""Stored PDF reports: queued on submit, rendered by a worker, served at once; waiting, retries, errors, pruning.

Most tests replace the render with a fast fake that counts its calls (the real
PDF is tested in test_pdf.py); one runs the real worker command on a real render.
"""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment import models, tasks
from assessment.pdf import store as pdf_store
from assessment.services.assessments import assessment_submit
from assessment.services.versions import version_content_changed

from .helpers import answer
from .results_helpers import EXAMPLE_ANSWERS, submitted_assessment

pytestmark = pytest.mark.django_db

Report = models.StoredReport


class FakeRender:
    """Stands in for WeasyPrint: counts renders, and fails while `failing` is set."""

    def __init__(self):
        self.calls = []
        self.failing = False

    def __call__(self, kind):
        def render(context, **audience):  # an assessment's report is rendered for an audience
            self.calls.append(kind)
            if self.failing:
                raise RuntimeError("WeasyPrint fell over")
            return f"%PDF-fake {kind} {len(self.calls)}".encode()

        return render


@pytest.fixture
def renders(monkeypatch):
    fake = FakeRender()
    monkeypatch.setattr(pdf_store, "assessment_pdf", fake("assessment"))
    monkeypatch.setattr(pdf_store, "portfolio_pdf", fake("portfolio"))
    return fake


@pytest.fixture
def waiting(settings):
    """Downloads wait REPORT_WAIT_SECONDS for the worker, as in production (the test settings render at once)."""
    settings.REPORT_WAIT_SECONDS = 30


@pytest.fixture
def inline_jobs(settings):
    """Jobs run inline, in the commit or request that queues them, instead of waiting in the queue for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def run_worker(monkeypatch):
    """`manage.py db_worker --batch`: runs the queued jobs, then stops.

    Inside the test's transaction, so the worker's closing of old database
    connections (it runs for days; the test for a moment) is left out.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def submit(assessment, user, capture):
    with capture(execute=True):
        assessment_submit(assessment=assessment, user=user)
    assessment.refresh_from_db()
    return assessment


def pdf_url(assessment):
    return reverse("assessment-pdf", args=[assessment.pk])


def jobs(task):
    return DBTaskResult.objects.filter(task_path=task.module_path)


def test_it_renders_the_report_and_the_portfolio_when_an_assessment_is_submitted(
    assessment, member, renders, inline_jobs, django_capture_on_commit_callbacks
):
    answer(assessment, member, EXAMPLE_ANSWERS)
    submit(assessment, member, django_capture_on_commit_callbacks)
    report = Report.objects.get(kind=Report.ASSESSMENT, assessment=assessment)
    assert report.status == Report.READY
    assert bytes(report.pdf) == b"%PDF-fake assessment 1"
    assert Report.objects.get(kind=Report.PORTFOLIO, agency=assessment.team.agency).status == Report.READY
    assert renders.calls == ["assessment", "portfolio"]


def test_it_queues_nothing_for_a_submission_that_rolls_back(assessment, member, renders):
    # Without the commit (the test's transaction never commits) no job is queued.
    assessment_submit(assessment=assessment, user=member)
    assert not DBTaskResult.objects.exists()
    assert not Report.objects.exists()


def test_it_queues_one_job_per_submission_and_one_portfolio_for_a_burst(
    team,
    other_team,
    member,
    outsider,
    questionnaire_version,
    renders,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted_assessment(team, member, questionnaire_version, EXAMPLE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        second = submitted_assessment(other_team, outsider, questionnaire_version, EXAMPLE_ANSWERS)
    assessment_jobs = jobs(tasks.assessment_report_render)
    assert sorted(job.args_kwargs["args"][0] for job in assessment_jobs) == sorted([first.pk, second.pk])
    portfolio_jobs = list(jobs(tasks.portfolio_report_render))
    assert len(portfolio_jobs) == 1, "two changes in a burst make one portfolio job"
    assert portfolio_jobs[0].run_after > timezone.now() + timedelta(seconds=30)  # debounced by a minute
    # A report someone waits for goes first, then submissions, then portfolios.
    assert {job.priority for job in assessment_jobs} == {tasks.SUBMITTED}
    assert portfolio_jobs[0].priority == tasks.PORTFOLIO < tasks.SUBMITTED
    assert renders.calls == []  # nothing rendered in the request or the service


def test_it_serves_a_ready_report_at_once_without_rendering(
    client, assessment, member, renders, inline_jobs, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    submit(assessment, member, django_capture_on_commit_callbacks)
    renders.failing = True  # a render now would fail: the PDF must come from the store
    client.force_login(member)
    # The 7th: whose report it is (answered by several respondents?); the 8th: the crosswalk revision of its appendix.
    with django_assert_max_num_queries(8):
        response = client.get(pdf_url(assessment))
    assert response.status_code == 200
    assert response.content == b"%PDF-fake assessment 1"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="data-platform_small-ml-2026.1_')
    head = client.head(pdf_url(assessment))
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Disposition"] == response["Content-Disposition"]
    assert renders.calls == ["assessment", "portfolio"]


def test_it_says_a_queued_report_is_being_prepared_and_refreshes_without_script(
    client, assessment, member, renders, waiting
):
    assessment_submit(assessment=assessment, user=member)  # submitted, but no job ran
    client.force_login(member)
    response = client.get(pdf_url(assessment))
    assert response.status_code == 202
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "<h1>Your PDF report is being prepared</h1>" in html
    assert '<div role="status">' in html
    assert "<script" not in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["Retry-After"] == "5"
    assert jobs(tasks.assessment_report_render).get().priority == tasks.WAITED_FOR > tasks.SUBMITTED
    assert Report.objects.get(assessment=assessment).status == Report.QUEUED
    client.get(pdf_url(assessment))
    assert jobs(tasks.assessment_report_render).count() == 1, "asking again queues no second job"
    # The refresh can be turned off (WCAG 2.2.1); the page then offers to check again by hand.
    manual = client.get(pdf_url(assessment) + "?refresh=off").content.decode()
    assert 'http-equiv="refresh"' not in manual
    assert "Check again now" in manual
    assert renders.calls == []


def test_the_worker_renders_a_queued_report_which_is_then_served(client, assessment, member, waiting, run_worker):
    answer(assessment, member, EXAMPLE_ANSWERS)
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    assert client.get(pdf_url(assessment)).status_code == 202
    run_worker()
    report = Report.objects.get(assessment=assessment)
    assert report.status == Report.READY and report.render_seconds > 0
    response = client.get(pdf_url(assessment))
    assert response.status_code == 200
    assert response.content == bytes(report.pdf) and response.content.startswith(b"%PDF-")
    assert jobs(tasks.assessment_report_render).get().status == "SUCCESSFUL"


def test_it_renders_in_the_request_once_the_wait_is_over(client, assessment, member, renders, waiting):
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    assert client.get(pdf_url(assessment)).status_code == 202
    Report.objects.filter(assessment=assessment).update(queued_at=timezone.now() - timedelta(seconds=31))
    response = client.get(pdf_url(assessment))
    assert response.status_code == 200
    assert response.content == b"%PDF-fake assessment 1"
    assert Report.objects.get(assessment=assessment).status == Report.READY


def test_it_retries_a_failing_render_logs_it_and_then_shows_an_error_page(
    client, assessment, member, renders, inline_jobs, django_capture_on_commit_callbacks, caplog
):
    renders.failing = True
    with caplog.at_level(logging.ERROR, logger="assessment.services.report_jobs"):
        submit(assessment, member, django_capture_on_commit_callbacks)
    assert renders.calls.count("assessment") == 3
    report = Report.objects.get(assessment=assessment)
    assert (report.status, report.attempts) == (Report.FAILED, 3)
    assert report.error == "RuntimeError: WeasyPrint fell over"
    logged = [r.getMessage() for r in caplog.records if "assessment report" in r.getMessage()]
    assert logged[-1].endswith("failed (attempt 3 of 3)")
    assert all(r.exc_info for r in caplog.records if "failed (attempt" in r.getMessage())
    client.force_login(member)
    response = client.get(pdf_url(assessment))
    assert response.status_code == 503
    html = response.content.decode()
    assert "<h1>The PDF report could not be produced</h1>" in html
    assert reverse("assessment-results", args=[assessment.pk]) in html
    assert renders.calls.count("assessment") == 3, "the error page does not render again"


def test_a_failed_job_is_queued_again_later(assessment, member, renders):
    assessment_submit(assessment=assessment, user=member)
    renders.failing = True
    with pytest.raises(RuntimeError):
        tasks.assessment_report_render.call(assessment.pk)
    retry = jobs(tasks.assessment_report_render).get()
    assert retry.run_after > timezone.now() + timedelta(seconds=10)
    assert Report.objects.get(assessment=assessment).attempts == 1


def test_a_failed_report_is_tried_again_after_an_hour(client, assessment, member, renders, waiting):
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    client.get(pdf_url(assessment))
    Report.objects.filter(assessment=assessment).update(
        status=Report.FAILED, attempts=3, queued_at=timezone.now() - timedelta(hours=2)
    )
    assert client.get(pdf_url(assessment)).status_code == 202
    report = Report.objects.get(assessment=assessment)
    assert (report.status, report.attempts) == (Report.QUEUED, 0)
    assert jobs(tasks.assessment_report_render).count() == 2


def test_a_draft_is_rendered_in_the_request_and_kept_until_it_changes(client, assessment, member, renders):
    client.force_login(member)
    first = client.get(pdf_url(assessment))
    assert first.status_code == 200 and first.content == b"%PDF-fake assessment 1"
    assert client.get(pdf_url(assessment)).content == first.content
    assert renders.calls == ["assessment"]
    answer(assessment, member, EXAMPLE_ANSWERS)
    assert client.get(pdf_url(assessment)).content == b"%PDF-fake assessment 2"
    # The earlier render was pruned when the new one was stored.
    assert list(Report.objects.filter(assessment=assessment).values_list("status", flat=True)) == [Report.READY]


def test_a_draft_whose_render_fails_gets_the_error_page_not_a_500(client, assessment, member, renders, caplog):
    renders.failing = True
    client.force_login(member)
    with caplog.at_level(logging.ERROR, logger="assessment.services.report_jobs"):
        response = client.get(pdf_url(assessment))
    assert response.status_code == 503
    assert "could not be produced" in response.content.decode()
    assert any("failed (attempt 1 of 3)" in r.getMessage() for r in caplog.records)


def test_the_portfolio_waits_for_its_job_then_is_served(
    client, executive, assessment, member, renders, waiting, run_worker
):
    client.force_login(executive)
    assert client.get(reverse("portfolio-pdf")).status_code == 202
    run_worker()
    response = client.get(reverse("portfolio-pdf"))
    assert response.status_code == 200
    assert response.content == b"%PDF-fake portfolio 1"


def test_a_questionnaire_change_queues_its_submitted_assessments(
    assessment, member, questionnaire_version, renders, django_capture_on_commit_callbacks
):
    assessment_submit(assessment=assessment, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        version_content_changed(questionnaire_version)
    assert [job.args_kwargs["args"] for job in jobs(tasks.assessment_report_render)] == [[assessment.pk]]


def test_prune_reports_deletes_stale_renders_only(
    client, assessment, member, executive, renders, inline_jobs, django_capture_on_commit_callbacks
):
    submit(assessment, member, django_capture_on_commit_callbacks)
    current = Report.objects.get(assessment=assessment)
    agency = assessment.team.agency
    stale = Report.objects.create(
        key="assessment:old",
        kind=Report.ASSESSMENT,
        assessment=assessment,
        agency=agency,
        status=Report.READY,
        pdf=b"old",
        queued_at=timezone.now(),
    )
    old_portfolio = Report.objects.create(
        key="portfolio:old",
        kind=Report.PORTFOLIO,
        agency=agency,
        status=Report.READY,
        pdf=b"old",
        queued_at=timezone.now() - timedelta(days=2),
        rendered_at=timezone.now() - timedelta(days=2),
    )
    call_command("prune_reports", verbosity=0)
    remaining = set(Report.objects.values_list("pk", flat=True))
    assert current.pk in remaining
    assert stale.pk not in remaining and old_portfolio.pk not in remaining
    assert Report.objects.filter(kind=Report.PORTFOLIO).count() == 1  # today's


def test_prune_reports_refuses_a_bad_age():
    with pytest.raises(
        CommandError, match=r"--portfolio-days must be a whole number of days, 1 or more \(at most 36500\); got 'x'"
    ):
        call_command("prune_reports", "--portfolio-days", "x")


@pytest.mark.parametrize("days", ["0", "-3", "99999999", "999999999999"])
def test_prune_reports_refuses_an_age_out_of_range_without_crashing(days):
    with pytest.raises(CommandError, match=rf"--portfolio-days must be .* \(at most 36500\); got '{days}'"):
        call_command("prune_reports", "--portfolio-days", days)


def test_the_automatic_refresh_can_be_turned_off_for_everyone(client, assessment, member, settings, waiting):
    settings.REPORT_REFRESH_SECONDS = 0
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    response = client.get(pdf_url(assessment))
    assert response.status_code == 202
    html = response.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "Check again now" in html
