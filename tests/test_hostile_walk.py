"""Hostile values in every query parameter and every form field of the app: never a 500.

The walker (tests/urlwalk.py) finds every URL pattern and fills its ids with the
objects of one team: drafts in each state (answered alone, open to
respondents, waiting for reconciliation), submitted assessments, an action of
the plan, a division. Each page is then asked for with each hostile value
(control characters, a NUL, a huge integer, 10,000 characters) in each query
parameter a view reads, and each form it shows (<form method="post">) is posted
back with each hostile value in each field in turn, CSRF token included, by a
user who may post it. No answer is a 5xx; a refusal (400, or the form again
with its error) stores nothing; an accepted post stores no control character.

Every post is rolled back afterwards, so each one meets the same data. A NUL
reaches the database only on PostgreSQL: run this file with DATABASE_URL set
too (README, "Tests").
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from assessment import models
from assessment.selectors.results import assessment_results
from assessment.services.assessments import AnswerInput, answers_save, assessment_submit
from assessment.services.plan import actions_add_from_roadmap, item_key
from assessment.services.respondents import panel_open, respondent_answers_save, respondent_submit
from tests.helpers import team_user
from tests.urlwalk import (
    ERROR_MARKERS,
    HOSTILE_VALUES,
    PUBLIC_NAMES,
    QUERY_PARAMETERS,
    STAFF,
    all_routes,
    db_snapshot,
    field_names,
    hostile_queries,
    page_forms,
    query_parameters_read,
    route_values,
    stored_control_characters,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Sign-in pages answer for the single sign-on or the login form; their posts are walked too, anonymously.
NOT_WALKED = {"logout", "admin:logout"}


def _answers(version, level: int) -> list[AnswerInput]:
    """Each question answered at its highest choice up to `level`."""
    answers = []
    for question in models.Question.objects.filter(area__questionnaire=version).prefetch_related("choices"):
        levels = sorted(c.level for c in question.choices.all())
        chosen = max([n for n in levels if n <= level] or levels[:1])
        answers.append(AnswerInput(question.key, models.Answer.CHOICE, level=chosen, note="Seen"))
    return answers


def _draft(team, member, version, title: str) -> models.Assessment:
    return models.Assessment.objects.create(team=team, questionnaire=version, title=title, created_by=member)


@pytest.fixture
def world(team, member, executive, questionnaire_version):
    """One team's data in every state a page has, and the ids that reach it."""
    team.division = models.Division.objects.create(agency=team.agency, name="Analytics")
    team.save()
    second = team_user(team, "second-member")
    submitted = []
    for title, level in (("Baseline", 1), ("Second", 2)):
        assessment = _draft(team, member, questionnaire_version, title)
        answers_save(assessment=assessment, user=member, answers=_answers(questionnaire_version, level))
        submitted.append(assessment_submit(assessment=assessment, user=member))
    # Two actions: one owned by a member, one by someone outside the app (the plan's owner filter offers both).
    items = list(assessment_results(submitted[-1]).roadmap)[:2]
    action, other = actions_add_from_roadmap(
        assessment=submitted[-1], user=member, item_keys=[item_key(i.question_key, i.to_level) for i in items]
    )
    models.Action.objects.filter(pk=action.pk).update(owner_name="Ana Outside", due_date=datetime.date(2027, 1, 31))
    models.Action.objects.filter(pk=other.pk).update(owner=member)
    draft = _draft(team, member, questionnaire_version, "Draft")
    answers_save(assessment=draft, user=member, answers=_answers(questionnaire_version, 2)[:1])
    responding = _draft(team, member, questionnaire_version, "Responding")
    panel_open(assessment=responding, lead=member, users=[member, second])
    reconciling = _draft(team, member, questionnaire_version, "Reconciling")
    panel_open(assessment=reconciling, lead=member, users=[member])
    respondent = reconciling.respondents.get()
    respondent_answers_save(respondent=respondent, user=member, answers=_answers(questionnaire_version, 3))
    respondent_submit(respondent=respondent, user=member)
    question = models.Question.objects.filter(area__questionnaire=questionnaire_version).first()
    value_sets = [route_values(a, action, question) for a in (draft, responding, reconciling, submitted[-1])]
    return {"value_sets": value_sets, "users": [member, executive, None]}


def client_for(user) -> Client:
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@contextmanager
def rolled_back():
    """Whatever the request writes is undone, so the next one meets the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def app_routes():
    return [r for r in all_routes() if r.kind != STAFF and r.name not in NOT_WALKED]


def pages(world):
    """(route, url, client, response, query parameters read) of each page that opens, for the first
    user it opens to."""
    clients = [client_for(user) for user in world["users"]]
    for route in app_routes():
        urls = list(dict.fromkeys(route.url(values) for values in world["value_sets"]))
        for url in urls:
            for client in clients if route.name not in PUBLIC_NAMES else clients[-1:]:
                with query_parameters_read() as read:
                    response = client.get(url)
                if response.status_code == 200:
                    yield route, url, client, response, read
                    break


def shows_an_error(response) -> bool:
    text = response.content.decode("utf-8", errors="replace")
    return any(marker in text for marker in ERROR_MARKERS)


def test_it_never_fails_on_hostile_query_parameters(world):
    problems, asked = [], 0
    seen = set()
    for route, url, client, page, read in pages(world):
        if route.name in seen:
            continue  # one state of each page is enough: the parameters are read the same way
        seen.add(route.name)
        parameters = sorted(read - {"csrfmiddlewaretoken"} | set(QUERY_PARAMETERS))
        queries = []
        for label, value in HOSTILE_VALUES.items():
            # Each parameter alone, then all at once (a check of one may hide another's).
            queries += [(f"{p}=<{label}>", {p: value}) for p in parameters]
            queries.append((f"every parameter=<{label}>", dict.fromkeys(parameters, value)))
        # The page's own filters (<form method=get>), each field hostile after a value it offers.
        if page.get("Content-Type", "").startswith("text/html"):
            for form in page_forms(page.content.decode()):
                if form.method == "get" and (form.action or url).split("?")[0] == url:
                    queries += hostile_queries(form)
        for what, query in queries:
            response = client.get(url, query)
            asked += 1
            status = response.status_code
            where = f"GET {url} with {what} ({route.name})"
            if status >= 500:
                problems.append(f"{where} answered {status}")
            elif status == 400 and "text/html" in response.get("Content-Type", "") and not shows_an_error(response):
                problems.append(f"{where} answered 400 without the error")
    assert len(seen) > 20 and asked > 1000
    assert not problems, "\n".join(problems)


def posted_forms(url, page):
    """The forms of the page that post, each with where it posts to; never the log-out button."""
    if not page.get("Content-Type", "").startswith("text/html"):
        return
    for form in page_forms(page.content.decode()):
        if form.method != "post":
            continue
        target = form.action or url
        try:
            if resolve(target.split("?")[0]).url_name in NOT_WALKED:
                continue
        except Resolver404:
            continue
        yield target, form


def test_it_never_fails_on_hostile_form_fields(world):
    baseline = db_snapshot()
    assert not stored_control_characters()
    problems, posted, forms_seen = [], 0, set()
    for route, url, client, page, _read in pages(world):
        for target, form in posted_forms(url, page):
            names = [n for n in field_names(form) if n != "csrfmiddlewaretoken"]
            if (target, tuple(names)) in forms_seen:
                continue
            forms_seen.add((target, tuple(names)))
            for what, data in hostile_queries(form):
                where = f"POST {target} ({route.name}) with {what}"
                with rolled_back():
                    response = client.post(target, data)
                    posted += 1
                    status = response.status_code
                    if status >= 500:
                        problems.append(f"{where} answered {status}")
                        continue
                    refused = status in (400, 403, 404, 405) or (status == 200 and shows_an_error(response))
                    if refused and db_snapshot() != baseline:
                        problems.append(f"{where} was refused ({status}) but changed data")
                    elif status == 200 and not refused:
                        problems.append(f"{where} answered 200 without saying what is wrong")
                    elif status in (301, 302, 303):
                        problems += [f"{where} stored {found}" for found in stored_control_characters()]
    assert len(forms_seen) > 8 and posted > 200
    assert not problems, "\n".join(problems)


# --- The read API (assessment/api/): its GET parameters, with the tokens of the team's member and executive ---


def token_client(user) -> Client:
    from assessment.services.api_tokens import api_token_create

    expires = datetime.date.today() + datetime.timedelta(days=30)
    secret = api_token_create(user=user, name="Hostile walk", expires_on=expires).secret
    return Client(headers={"Authorization": f"Bearer {secret}"}, raise_request_exception=False)


def api_parameters(client, url) -> list[str]:
    """The parameters the endpoint takes, as its own 400 for an unknown one lists them (none: an empty list)."""
    refusal = client.get(url, {"no-such-parameter": "1"})
    assert refusal.status_code == 400, f"{url} accepted an unknown parameter ({refusal.status_code})"
    message = refusal.json()["parameters"]["no-such-parameter"][0]
    takes = message.split("This endpoint takes: ", 1)[1].rstrip(".")
    return [] if takes == "none" else takes.split(", ")


def test_it_never_fails_on_hostile_query_parameters_of_the_api(world):
    clients = [token_client(user) for user in world["users"] if user is not None]
    problems, asked, routes = [], 0, set()
    for route in (r for r in all_routes() if r.is_api):
        for url in dict.fromkeys(route.url(values) for values in world["value_sets"]):
            client = next((c for c in clients if c.get(url).status_code == 200), None)
            if client is None:
                continue
            routes.add(route.name)
            parameters = sorted(set(api_parameters(client, url)) | set(QUERY_PARAMETERS) | {"cursor", "page_size"})
            for label, value in HOSTILE_VALUES.items():
                queries = [(f"{p}=<{label}>", {p: value}) for p in parameters]
                queries.append((f"every parameter=<{label}>", dict.fromkeys(parameters, value)))
                for what, query in queries:
                    response = client.get(url, query)
                    asked += 1
                    where = f"GET {url} with {what} ({route.name})"
                    if response.status_code >= 500:
                        problems.append(f"{where} answered {response.status_code}")
                    elif response.status_code == 400 and "parameters" not in response.json():
                        problems.append(f"{where} answered 400 without naming the parameters")
    api_names = {r.name for r in all_routes() if r.is_api}
    assert routes == api_names, f"API routes never opened: {sorted(api_names - routes)}"
    assert asked > 200
    assert not problems, "\n".join(problems)
