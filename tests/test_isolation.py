"""Team isolation, checked on every URL pattern of the project.

The walker (tests/urlwalk.py) finds every pattern, including those other
features add later, fills its ids with objects of ONE team ("Zebra"), and asks
for it as people who must not see or change that team's data: a member of
another team, an executive of another agency, someone not logged in, and (for
writes) a viewer of the Zebra team itself. Outsiders get a 404 (or a redirect
to log in), never the team's data; a viewer's POST changes nothing.

A team manager of another agency walks every administration page (lists,
change, add, delete and history pages) and posts every admin form with the
Zebra agency's ids: nothing of that agency shows, and nothing is written.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessment import models
from assessment.services.api_tokens import api_token_create
from assessment.services.assessments import AnswerInput, answers_save
from assessment.services.evidence import evidence_file_add
from assessment.services.respondents import panel_open, respondent_answers_save
from tests.admin_forms import form_data
from tests.helpers import client_for, make_user
from tests.urlwalk import (
    CONTENT,
    PLAIN,
    PUBLIC_NAMES,
    SIGN_IN_VALUES,
    STAFF,
    TEAM,
    all_routes,
    body_text,
    changed_post_data,
    db_snapshot,
    page_forms,
)


def IN_A_MONTH():
    return timezone.localdate() + datetime.timedelta(days=30)


# Data of the Zebra team that must never reach an outsider, in any format.
SECRET_TEAM_NAME = "Zebra Secret Unit"
SECRET_TEAM_SLUG = "zebra-secret-unit"
SECRET_TITLE = "Zebra confidential baseline"
SECRET_NOTE = "ZEBRA-NOTE-4471 only this team may read this"
SECRETS = [SECRET_TEAM_NAME, SECRET_TEAM_SLUG, SECRET_TITLE, SECRET_NOTE]

# Names agreed between the features (see the project brief), with sample arguments.
AGREED = {
    "home": {},
    "assessment-new": {"team_id": 1},
    "assessment-resume": {"assessment_id": 1},
    "assessment-profile": {"assessment_id": 1},
    "assessment-area": {"assessment_id": 1, "area_key": "data"},
    "assessment-review": {"assessment_id": 1},
    "assessment-submit": {"assessment_id": 1},
    "assessment-results": {"assessment_id": 1},
    "assessment-roadmap": {"assessment_id": 1},
    "practice-detail": {"version_id": 1, "practice_key": "data-catalog"},
    "assessment-export-json": {"assessment_id": 1},
    "assessment-export-csv": {"assessment_id": 1},
    "team-history": {"team_id": 1},
    "portfolio": {},
    "assessment-pdf": {"assessment_id": 1},
    "portfolio-pdf": {},
    "division-pdf": {"division_id": 1},
    "portfolio-teams": {},
    "assessment-changes": {"assessment_id": 1},
    "team-plan": {"team_id": 1},
    "team-plan-action": {"team_id": 1, "action_id": 1},
    "team-plan-csv": {"team_id": 1},
    "team-plan-ics": {"team_id": 1},
    "assessment-plan-add": {"assessment_id": 1},
    "team-compare": {"team_id": 1},
    "assessment-respondents": {"assessment_id": 1},
    "respondent-resume": {"assessment_id": 1},
    "respondent-area": {"assessment_id": 1, "area_key": "data"},
    "respondent-review": {"assessment_id": 1},
    "respondent-submit": {"assessment_id": 1},
    "assessment-disagreements": {"assessment_id": 1},
    "assessment-reconcile": {"assessment_id": 1, "area_key": "data"},
    "assessment-panel-lead": {"assessment_id": 1},
    "evidence-add": {"assessment_id": 1, "question_key": "streaming-data"},
    "evidence-remove": {"assessment_id": 1, "evidence_id": 1},
    "evidence-download": {"assessment_id": 1, "evidence_id": 1},
    "assessment-frameworks": {"assessment_id": 1},
    "assessment-frameworks-csv": {"assessment_id": 1},
    "assessment-frameworks-json": {"assessment_id": 1},
    "portfolio-frameworks": {},
    "portfolio-frameworks-csv": {},
}


@pytest.fixture
def zebra(team, member, viewer, questionnaire_version):
    """The team whose data everyone else tries to reach, with a draft holding answers and a note."""
    team.name, team.slug = SECRET_TEAM_NAME, SECRET_TEAM_SLUG
    team.division = models.Division.objects.create(agency=team.agency, name="Zebra Division")
    team.save()
    assessment = models.Assessment.objects.create(
        team=team, questionnaire=questionnaire_version, title=SECRET_TITLE, created_by=member
    )
    questions = list(models.Question.objects.filter(area__questionnaire=questionnaire_version))
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(questions[0].key, models.Answer.NOT_SURE, note=SECRET_NOTE),
            AnswerInput(questions[1].key, models.Answer.CHOICE, level=1),
        ],
    )
    # An action of the team's plan, whose note only the team (and its executives) may read.
    action = models.Action.objects.create(
        team=team,
        questionnaire_slug=questionnaire_version.slug,
        question_key=questions[1].key,
        target_level=3,
        owner=member,
        due_date=datetime.date(2025, 1, 31),
        note=SECRET_NOTE,
        created_by=member,
        created_at=timezone.now(),
    )
    # Opened to respondents: the member is lead and respondent, with a secret note of their own.
    panel_open(assessment=assessment, lead=member, users=[member])
    respondent_answers_save(
        respondent=assessment.respondents.get(),
        user=member,
        answers=[AnswerInput(questions[1].key, models.Answer.NOT_SURE, note=SECRET_NOTE)],
    )
    # Evidence of the answer with the secret note: a file whose content and name are secret too.
    evidence = evidence_file_add(
        assessment=assessment,
        user=member,
        question_key=questions[0].key,
        title=SECRET_TITLE,
        upload=SimpleUploadedFile("zebra-secret-unit.txt", SECRET_NOTE.encode()),
    )
    area = models.Area.objects.filter(questionnaire=questionnaire_version).first()
    practice = models.Practice.objects.filter(questionnaire=questionnaire_version).first()
    values = {
        "evidence_id": evidence.pk,
        "assessment_id": assessment.pk,
        "team_id": team.pk,
        "division_id": team.division_id,
        "answer_id": assessment.answers.first().pk,
        "question_id": questions[0].pk,
        "version_id": questionnaire_version.pk,
        "area_key": area.key,
        "practice_key": practice.key,
        "question_key": questions[0].key,
        "action_id": action.pk,
        "agency_id": team.agency_id,
        "token_id": api_token_create(user=member, name="Zebra dashboard", expires_on=IN_A_MONTH()).token.pk,
        # Administration patterns: any object id will do, the whole site is staff-only.
        "object_id": assessment.pk,
        "content_type_id": 1,
        "history_id": 1,
        "revision_id": 1,
        "id": member.pk,
        **SIGN_IN_VALUES,
    }
    return {"team": team, "assessment": assessment, "member": member, "viewer": viewer, "values": values}


@pytest.fixture
def strangers(outsider, other_team, questionnaire_version):
    """People outside the Zebra team: a member of another team, an executive of another agency."""
    models.Assessment.objects.create(
        team=other_team, questionnaire=questionnaire_version, title="Other team's own work", created_by=outsider
    )
    foreign_agency = models.Agency.objects.create(name="Foreign Agency")
    foreign_exec = make_user("foreign-exec")
    models.Executive.objects.create(user=foreign_exec, agency=foreign_agency)
    return {"member of another team": outsider, "executive of another agency": foreign_exec}


def is_login_redirect(response, admin: bool = False) -> bool:
    if response.status_code != 302:
        return False
    target = reverse("admin:login") if admin else resolve_url(settings.LOGIN_URL)
    return response["Location"].startswith(target)


def leaked(response) -> list[str]:
    text = body_text(response)
    return [secret for secret in SECRETS if secret in text]


def walked_routes():
    return [r for r in all_routes() if r.name not in PUBLIC_NAMES]


# --- The walker itself --------------------------------------------------------------------------


def test_it_has_a_rule_for_every_pattern():
    uncovered = [f"{r.route} (name {r.name}, parameters {r.params})" for r in all_routes() if r.kind is None]
    assert not uncovered, (
        "These URL patterns take a parameter the isolation walker has no rule for; add the parameter "
        "to TEAM_PARAMS or CONTENT_PARAMS in tests/urlwalk.py: " + "; ".join(uncovered)
    )


def test_it_names_every_pattern_outside_the_admin():
    unnamed = [r.route for r in all_routes() if r.name is None and r.namespace != "admin"]
    assert not unnamed, f"Unnamed URL patterns cannot be linked or checked by name: {unnamed}"


def test_it_finds_the_patterns_that_must_exist():
    names = {r.name for r in all_routes()}
    for required in ["home", "login", "logout", "healthz", "admin:index"]:
        assert required in names
    # Every agreed page that a feature has already wired up is walked.
    for name, kwargs in AGREED.items():
        try:
            reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        assert name in names, f"{name} resolves but the walker did not find it"


def test_it_builds_urls_that_resolve_to_their_own_pattern(zebra):
    from django.urls import resolve

    for route in all_routes():
        url = route.url(zebra["values"])
        if (route.name and route.namespace != "admin") or route.name in ("admin:index", "admin:app_list"):
            assert resolve(url).view_name == route.name, f"{route.route} filled as {url}"


def test_it_knows_which_patterns_carry_team_data():
    kinds = {r.name: r.kind for r in all_routes()}
    assert kinds["home"] == PLAIN
    assert kinds["admin:index"] == STAFF
    for name, kwargs in AGREED.items():
        if name in kinds:
            expected = (
                TEAM if {"assessment_id", "team_id", "division_id"} & set(kwargs) else CONTENT if kwargs else PLAIN
            )
            assert kinds[name] == expected, name


# --- Isolation ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_log_in_everywhere(zebra):
    client = client_for(None, raise_request_exception=False)
    problems = []
    for route in walked_routes():
        url = route.url(zebra["values"])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            admin = route.kind == STAFF
            refused = (404, 405, 401) if route.is_api else (404, 405)
            if not (is_login_redirect(response, admin=admin) or response.status_code in refused):
                problems.append(f"{method.upper()} {url} ({route.name}): {response.status_code}")
            elif leaked(response):
                problems.append(f"{method.upper()} {url} ({route.name}) shows {leaked(response)}")
    assert not problems, "Anonymous requests reached pages:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.django_db
def test_it_hides_a_teams_data_from_everyone_outside_it(zebra, strangers):
    checked = 0
    problems = []
    before = db_snapshot()
    for who, user in strangers.items():
        client = client_for(user, raise_request_exception=False)
        for route in walked_routes():
            url = route.url(zebra["values"])
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                status = response.status_code
                checked += 1
                if status >= 500:
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) failed with {status}")
                    continue
                if route.is_api and status != 401:
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}): a session answered {status}")
                if route.kind == TEAM and status not in (404, 405, 401 if route.is_api else 404):
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) answered {status}, not 404")
                if route.kind == STAFF and not (is_login_redirect(response, admin=True) or status in (403, 404, 405)):
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) answered {status}")
                secrets = leaked(response)
                if secrets:
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) shows {secrets}")
    assert checked > 0
    assert not problems, "Data of another team was reachable:\n" + "\n".join(problems)
    assert db_snapshot() == before, "Requests of people outside the team changed data"


# Pages of the user's own account, not of a team: a viewer makes their own API token there (which reads
# what a viewer reads, tests/test_api.py); test_it_lets_a_viewer_change_nothing leaves them out.
OWN_ACCOUNT = {"api-tokens"}


def api_client(user) -> Client:
    """A client that sends `user`'s new API token, and no session cookie."""
    secret = api_token_create(user=user, name="Walker", expires_on=IN_A_MONTH()).secret
    return Client(headers={"Authorization": f"Bearer {secret}"}, raise_request_exception=False)


def api_routes():
    return [r for r in all_routes() if r.is_api]


@pytest.mark.django_db
def test_it_hides_a_teams_data_from_every_other_token_in_the_api(zebra, strangers):
    """Every API route, with the Zebra team's ids, and with the token of each person outside it."""
    problems, checked = [], 0
    clients = {who: api_client(user) for who, user in strangers.items()}
    before = db_snapshot()
    for who, client in clients.items():
        for route in api_routes():
            url = route.url(zebra["values"])
            for method in ("get", "post", "put", "delete"):
                response = getattr(client, method)(url)
                status = response.status_code
                checked += 1
                if status >= 500:
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) failed with {status}")
                elif method != "get" and status != 405:
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) answered {status}, not 405")
                elif method == "get" and route.kind == TEAM and status != 404:
                    problems.append(f"{who}: GET {url} ({route.name}) answered {status}, not 404")
                elif method == "get" and route.kind != TEAM and status != 200:
                    problems.append(f"{who}: GET {url} ({route.name}) answered {status}, not 200")
                if leaked(response):
                    problems.append(f"{who}: {method.upper()} {url} ({route.name}) shows {leaked(response)}")
    assert checked > 20
    assert not problems, "Data of another team was reachable through the API:\n" + "\n".join(problems)
    # Walking wrote nothing but the tokens' "last used" times.
    models.ApiToken.objects.update(last_used_at=None)
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_shows_the_team_its_own_data_in_the_api(zebra, executive):
    """The control for the walk above: the Zebra member's and its agency executive's tokens read it."""
    for user in (zebra["member"], executive):
        client = api_client(user)
        for route in api_routes():
            response = client.get(route.url(zebra["values"]))
            if route.name == "api-agency-portfolio" and user == zebra["member"]:
                assert response.status_code == 404  # the portfolio is for executives, as on the pages
                continue
            assert response.status_code == 200, (route.name, user)
        shown = body_text(client.get(reverse("api-assessment", args=[zebra["assessment"].pk])))
        assert SECRET_NOTE in shown and SECRET_TITLE in shown
        assert SECRET_TEAM_NAME in body_text(client.get(reverse("api-teams")))


@pytest.mark.slow
@pytest.mark.django_db
def test_it_lets_a_viewer_change_nothing(zebra):
    """A viewer of the team posts, to every page, the forms a member would submit there."""
    viewer_client = client_for(zebra["viewer"], raise_request_exception=False)
    member_client = client_for(zebra["member"], raise_request_exception=False)
    problems = []
    posted = 0
    for route in walked_routes():
        if route.kind == STAFF or route.name in OWN_ACCOUNT:
            continue
        url = route.url(zebra["values"])
        page = member_client.get(url)
        forms = []
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            forms = [f for f in page_forms(page.content.decode()) if f.method == "post" and f.action in (None, "", url)]
        submissions = [changed_post_data(f, note="Written by a viewer") for f in forms] or [{}]
        for data in submissions:
            before = db_snapshot()
            response = viewer_client.post(url, data)
            posted += 1
            if response.status_code not in (200, 302, 400, 403, 404, 405, *((401,) if route.is_api else ())):
                problems.append(f"POST {url} ({route.name}) answered {response.status_code}")
            if db_snapshot() != before:
                problems.append(f"POST {url} ({route.name}) by a viewer changed data (posted {data})")
    assert posted > 0
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_finds_no_object_of_another_team_under_a_teams_own_ids(zebra, strangers, outsider):
    """Every pattern with an id of a team's object (evidence, an action, an answer), filled with the team's
    own assessment and team ids but another team's object ids, asked for by a member: 404, nothing written."""
    other = models.Assessment.objects.get(team__name="Other Team")
    theirs = evidence_file_add(
        assessment=other,
        user=outsider,
        question_key=zebra["values"]["question_key"],
        title="Other team's evidence",
        upload=SimpleUploadedFile("theirs.txt", b"Other team's file"),
    )
    foreign = {"evidence_id": theirs.pk}
    client = client_for(zebra["member"], raise_request_exception=False)
    before = db_snapshot()
    problems, checked = [], 0
    for route in walked_routes():
        if not set(foreign) & set(route.params):
            continue
        url = route.url({**zebra["values"], **foreign})
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            checked += 1
            if status not in (404, 405):
                problems.append(f"{method.upper()} {url} ({route.name}) answered {status}, not 404")
    assert checked >= 4
    assert not problems, "\n".join(problems)
    assert db_snapshot() == before


@pytest.mark.django_db
def test_it_lets_a_member_save_the_form_a_viewer_cannot(zebra):
    """The control for the viewer test: the same submission by a member does change the answers.

    The Zebra draft is open to respondents, so the member's answering form is their own response's
    (its team answers are set only in the lead's reconciliation).
    """
    try:
        url = reverse(
            "respondent-area",
            kwargs={"assessment_id": zebra["assessment"].pk, "area_key": zebra["values"]["area_key"]},
        )
    except NoReverseMatch:
        pytest.skip("The answering page (assessment-area) is not wired up yet.")
    client = client_for(zebra["member"])
    page = client.get(url)
    assert page.status_code == 200
    forms = [f for f in page_forms(page.content.decode()) if f.method == "post" and f.action in (None, "", url)]
    assert forms, "The answering page has no form that posts to itself"
    before = db_snapshot()
    client.post(url, changed_post_data(forms[0], note="Written by a member"))
    assert db_snapshot() != before, "A member's submission of the answering form changed nothing"
    assert models.RespondentAnswer.objects.filter(
        respondent__assessment=zebra["assessment"], note="Written by a member"
    ).exists()


@pytest.mark.django_db
def test_it_shows_the_team_its_own_data(zebra):
    """The control for the outsider test: the secrets are readable on the team's own pages and files.

    This proves that the leak check would see them, in HTML, JSON, CSV and PDF text alike.
    """
    client = client_for(zebra["member"])
    assert SECRET_TEAM_NAME in body_text(client.get(reverse("home")))
    expectations = {
        "assessment-results": SECRET_TITLE,
        "assessment-area": SECRET_NOTE,
        "respondent-area": SECRET_NOTE,
        "assessment-respondents": SECRET_TITLE,
        "assessment-export-json": SECRET_NOTE,
        "assessment-export-csv": SECRET_NOTE,
        "assessment-pdf": SECRET_TITLE,
        "team-plan": SECRET_TEAM_NAME,
        "team-plan-action": SECRET_NOTE,
        "team-plan-csv": SECRET_NOTE,
        "team-plan-ics": SECRET_TEAM_NAME,
        "evidence-download": SECRET_NOTE,
    }
    for name, secret in expectations.items():
        route = next((r for r in all_routes() if r.name == name), None)
        if route is None:
            continue  # that feature has not landed yet
        response = client.get(route.url(zebra["values"]))
        assert response.status_code == 200, name
        assert secret in body_text(response), f"{name} does not show {secret!r} to the team itself"


@pytest.mark.django_db
def test_it_lets_an_executive_of_the_agency_read_but_not_write(zebra, executive):
    client = client_for(executive, raise_request_exception=False)
    assert SECRET_TEAM_NAME in body_text(client.get(reverse("home")))
    before = db_snapshot()
    for route in walked_routes():
        if route.kind == TEAM:
            response = client.post(route.url(zebra["values"]), {"title": "Executive wrote this"})
            assert response.status_code < 500, route.route
    assert db_snapshot() == before


# --- Team managers in the administration -------------------------------------------------------
#
# A team manager of one agency ("Home") walks every admin page: lists, change, add, delete and
# history pages, with the ids of the Zebra team's agency filled in. Nothing of that agency may
# show (not in lists, not as a choice in a foreign-key field), and forms posted with its ids
# must write nothing.

FOREIGN_AGENCY_NAME = "Zebra Home Agency"
MANAGER_SECRETS = [*SECRETS, FOREIGN_AGENCY_NAME, "Other Team", "Foreign Agency"]
HOME_AGENCY_NAME = "Manager Home Agency"
HOME_TEAM_NAME = "Manager Home Team"


@pytest.fixture
def foreign_objects(zebra, strangers, executive, agency):
    """Agency B (the Zebra team's) and one object of each kind a team manager handles there."""
    agency.name = FOREIGN_AGENCY_NAME
    agency.save()
    return {
        "agency": agency,
        "team": zebra["team"],
        "membership": models.Membership.objects.get(team=zebra["team"], user=zebra["member"]),
        "executive": models.Executive.objects.get(user=executive),
        "assessment": zebra["assessment"],
        "respondentpanel": models.RespondentPanel.objects.get(assessment=zebra["assessment"]),
    }


@pytest.fixture
def home_manager(db):
    """A team manager of agency A, which has a team, a member and an executive of its own."""
    from django.contrib.auth.models import Group

    home = models.Agency.objects.create(name=HOME_AGENCY_NAME)
    home_team = models.Team.objects.create(agency=home, name=HOME_TEAM_NAME, slug="manager-home-team")
    manager = make_user("home-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="Team managers"))
    home.managers.add(manager)
    models.Membership.objects.create(team=home_team, user=make_user("home-colleague"))
    models.Executive.objects.create(user=make_user("home-executive"), agency=home)
    return {"user": manager, "agency": home, "team": home_team}


def admin_model(route) -> str | None:
    """ "team" for admin:assessment_team_change, None for pages of no model of this app."""
    match = re.fullmatch(r"admin:assessment_([a-z]+)_[a-z_]+", route.name or "")
    return match.group(1) if match else None


def admin_values(zebra, foreign_objects, route) -> dict:
    """The walker's values, with the object id of the foreign agency's object of the route's model."""
    values = dict(zebra["values"])
    obj = foreign_objects.get(admin_model(route))
    if obj is not None:
        values["object_id"] = obj.pk
    return values


def admin_routes():
    return [r for r in all_routes() if r.kind == STAFF and r.name not in ("admin:logout", "admin:login")]


def with_foreign_choices(data: dict, foreign_objects, manager) -> dict:
    """A form's data with every agency, team and user field pointing into the foreign agency."""
    wanted = {"agency": foreign_objects["agency"].pk, "team": foreign_objects["team"].pk, "user": manager.pk}
    for name in list(data):
        for suffix, value in wanted.items():
            if name == suffix or name.endswith(f"-{suffix}"):
                data[name] = [str(value)]
    return data


@pytest.mark.django_db
def test_it_shows_a_team_manager_nothing_of_another_agency_on_any_admin_page(zebra, foreign_objects, home_manager):
    client = client_for(home_manager["user"], raise_request_exception=False)
    problems, opened = [], 0
    for route in admin_routes():
        url = route.url(admin_values(zebra, foreign_objects, route))
        response = client.get(url)
        status = response.status_code
        if status >= 500:
            problems.append(f"GET {url} ({route.name}) failed with {status}")
            continue
        opened += status == 200
        shown = [s for s in MANAGER_SECRETS if s in body_text(response)]
        if shown:
            problems.append(f"GET {url} ({route.name}) shows {shown}")
        if admin_model(route) in foreign_objects and route.params and status == 200:
            problems.append(f"GET {url} ({route.name}) opened another agency's {admin_model(route)}")
    assert opened > 5
    assert not problems, "A team manager reached another agency in the admin:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_it_offers_a_team_manager_their_own_agency_in_lists_and_choices(home_manager):
    """The control for the walk above: the manager's own agency does show, so the check would see a leak."""
    client = client_for(home_manager["user"])
    pages = {
        "admin:assessment_team_changelist": HOME_TEAM_NAME,
        "admin:assessment_team_add": HOME_AGENCY_NAME,
        "admin:assessment_membership_add": HOME_TEAM_NAME,
        "admin:assessment_membership_changelist": "home-colleague",
        "admin:assessment_executive_changelist": "home-executive",
        "admin:assessment_executive_add": HOME_AGENCY_NAME,
        "admin:assessment_agency_changelist": HOME_AGENCY_NAME,
    }
    for name, expected in pages.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert expected in body_text(response), f"{name} does not show {expected!r}"


@pytest.mark.django_db
def test_it_completes_a_team_managers_search_with_their_own_agencys_teams_only(foreign_objects, home_manager):
    """The admin's autocomplete answers for any searchable model, whatever the form uses."""
    client = client_for(home_manager["user"])
    for term, expected in (("Zebra", []), ("Manager", [HOME_TEAM_NAME])):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "assessment", "model_name": "membership", "field_name": "team", "term": term},
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == expected


@pytest.mark.slow
@pytest.mark.django_db
def test_it_refuses_a_team_managers_posts_with_another_agencys_ids(zebra, foreign_objects, home_manager):
    """Every add and change form, as a superuser sees it, posted by the manager with the foreign agency's ids."""
    superuser = client_for(make_user("root", is_staff=True, is_superuser=True), raise_request_exception=False)
    manager_client = client_for(home_manager["user"], raise_request_exception=False)
    problems, posted = [], 0
    for route in admin_routes():
        if not (route.name or "").endswith(("_add", "_change", "_delete", "_changelist")):
            continue
        url = route.url(admin_values(zebra, foreign_objects, route))
        if route.name.endswith("_delete"):
            submissions = [{"post": "yes"}]
        elif route.name.endswith("_changelist"):
            obj = foreign_objects.get(admin_model(route))
            submissions = [{"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}] if obj else []
        else:
            page = superuser.get(url)
            forms = page_forms(page.content.decode()) if page.status_code == 200 else []
            submissions = [
                with_foreign_choices(
                    changed_post_data(f, note="Written by a team manager"), foreign_objects, home_manager["user"]
                )
                for f in forms
                if f.method == "post"
            ]
        for data in submissions:
            before = db_snapshot()
            response = manager_client.post(url, data)
            posted += 1
            status = response.status_code
            if status >= 500:
                problems.append(f"POST {url} ({route.name}) failed with {status}")
            elif status == 200 and route.name.endswith(("_add", "_change")) and "errorlist" not in body_text(response):
                problems.append(f"POST {url} ({route.name}) answered 200 without saying what is wrong")
            if db_snapshot() != before:
                problems.append(f"POST {url} ({route.name}) by a team manager of another agency changed data ({data})")
    assert posted > 10
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_it_refuses_the_membership_a_team_manager_gives_themselves_in_another_agency(foreign_objects, home_manager):
    """The reproduction of the issue: a manager adds themselves as member of another agency's team."""
    client = client_for(home_manager["user"])
    data = {"team": foreign_objects["team"].pk, "user": home_manager["user"].pk, "role": models.Membership.MEMBER}
    response = client.post(reverse("admin:assessment_membership_add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in body_text(response)
    assert not models.Membership.objects.filter(user=home_manager["user"]).exists()
    response = client.post(
        reverse("admin:assessment_executive_add"),
        {"user": home_manager["user"].pk, "agency": foreign_objects["agency"].pk},
    )
    assert response.status_code == 200 and "Select a valid choice" in body_text(response)
    assert not models.Executive.objects.filter(user=home_manager["user"]).exists()
    # Their own team cannot be moved into the other agency either: a located error, nothing saved.
    team_url = reverse("admin:assessment_team_change", args=[home_manager["team"].pk])
    data_moved = dict(form_data(client.get(team_url)), agency=str(foreign_objects["agency"].pk))
    response = client.post(team_url, data_moved)
    assert response.status_code == 200 and "agency" in response.context["adminform"].form.errors
    assert models.Team.objects.get(pk=home_manager["team"].pk).agency == home_manager["agency"]
    # Nor can they name other managers of their agency: only a superuser can.
    helper = make_user("would-be-manager", is_staff=True)
    agency_url = reverse("admin:assessment_agency_change", args=[home_manager["agency"].pk])
    assert client.post(agency_url, {"name": HOME_AGENCY_NAME, "managers": [helper.pk]}).status_code == 302
    assert list(home_manager["agency"].managers.all()) == [home_manager["user"]]
    # The control: in their own agency the same form works, and a superuser may cross agencies.
    response = client.post(reverse("admin:assessment_membership_add"), dict(data, team=home_manager["team"].pk))
    assert response.status_code == 302
    superuser = client_for(make_user("root", is_staff=True, is_superuser=True))
    assert superuser.post(reverse("admin:assessment_membership_add"), data).status_code == 302
    assert models.Membership.objects.filter(user=home_manager["user"], team=foreign_objects["team"]).exists()


# --- Respondents' unsubmitted answers ------------------------------------------------------------
#
# Until a respondent submits, their answers and notes are theirs alone: not for the lead, not for the
# respondents who have submitted, not for viewers or executives, not for another respondent who has
# not submitted either; in no page, JSON, CSV, PDF or change log. Two respondents who have not
# submitted carry markers: a note each, and levels (5 and 4) that no submitted response comes near
# (all answered 1), so any figure counted with them shows a spread of 3 or 4.

RHEA_NOTE = "RHEA-UNSUBMITTED-NOTE-8812 not handed in"
TAO_NOTE = "TAO-UNSUBMITTED-NOTE-5530 not handed in"
LEAKED_SPREADS = ["spread 3", "spread 4", "spread: 3", "spread: 4", '"spread": 3', '"spread": 4']


@pytest.fixture
def unsubmitted(zebra, executive):
    """The Zebra draft opened to the lead (submitted), Sol (a viewer, submitted), Rhea and Tao (members, not)."""
    from assessment.services.respondents import respondent_submit

    team, member, viewer = zebra["team"], zebra["member"], zebra["viewer"]
    rhea = team_user_named(team, "rhea", "Rhea", models.Membership.MEMBER)
    tao = team_user_named(team, "tao", "Tao", models.Membership.MEMBER)
    sol = team_user_named(team, "sol", "Sol", models.Membership.VIEWER)
    assessment = zebra["assessment"]
    # Sharing on: the readers see every submitted answer, so only "submitted" stands between them and Rhea's.
    panel_open(assessment=assessment, lead=member, users=[member, rhea, tao, sol], share_individual_answers=True)
    streaming = "streaming-data"
    given = {member: (1, "The lead's own, submitted"), sol: (1, "Sol's, submitted"), rhea: (5, RHEA_NOTE)}
    given[tao] = (4, TAO_NOTE)
    for user, (level, note) in given.items():
        respondent_answers_save(
            respondent=assessment.respondents.get(user=user),
            user=user,
            answers=[AnswerInput(streaming, models.Answer.CHOICE, level=level, note=note)],
        )
    for user in (member, sol):
        respondent_submit(respondent=assessment.respondents.get(user=user), user=user)
    return {
        **zebra,
        "rhea": rhea,
        "tao": tao,
        "sol": sol,
        # Who walks, and whose markers they must never see.
        "walkers": {
            "the lead": (member, [RHEA_NOTE, TAO_NOTE]),
            "a respondent who has submitted": (sol, [RHEA_NOTE, TAO_NOTE]),
            "a viewer": (viewer, [RHEA_NOTE, TAO_NOTE]),
            "an executive": (executive, [RHEA_NOTE, TAO_NOTE]),
            "Rhea, who has not submitted": (rhea, [TAO_NOTE]),
            "Tao, who has not submitted": (tao, [RHEA_NOTE]),
        },
    }


def team_user_named(team, username, first_name, role):
    from tests.helpers import team_user

    return team_user(team, username, role, first_name=first_name, last_name="Respondent")


@pytest.mark.django_db
def test_it_shows_nobody_a_respondents_answers_before_they_submit(unsubmitted):
    """Every page and export of the project, as everyone else on the team: no marker, no spread counted with them."""
    problems, read = [], 0
    routes = [r for r in walked_routes() if r.kind in (TEAM, PLAIN)]
    for who, (user, markers) in unsubmitted["walkers"].items():
        client = client_for(user)
        for route in routes:
            url = route.url(unsubmitted["values"])
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{who}: GET {url} ({route.name}) failed with {response.status_code}")
                continue
            read += response.status_code == 200
            text = body_text(response)
            shown = [m for m in markers if m in text] + [s for s in LEAKED_SPREADS if s in text.lower()]
            if shown:
                problems.append(f"{who}: GET {url} ({route.name}) shows {shown}")
    assert read > 50
    assert not problems, "Answers of respondents who have not submitted were shown:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_it_shows_a_respondents_answers_once_they_submit(unsubmitted):
    """The control for the walk above: submitted, Rhea's note and level reach the lead in HTML, JSON, PDF and the log."""
    from assessment.services.respondents import respondent_submit

    rhea = unsubmitted["rhea"]
    respondent_submit(respondent=unsubmitted["assessment"].respondents.get(user=rhea), user=rhea)
    client = client_for(unsubmitted["member"])
    values = unsubmitted["values"]
    for name in ("assessment-disagreements", "assessment-export-json", "assessment-changes"):
        route = next(r for r in all_routes() if r.name == name)
        assert RHEA_NOTE in body_text(client.get(route.url(values))), name
    pdf = body_text(client.get(reverse("assessment-pdf", args=[unsubmitted["assessment"].pk])))
    assert "spread 4" in pdf.lower(), "the PDF's disputed questions count Rhea's level once she has submitted"
