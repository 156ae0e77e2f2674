"""The home page: each visible team with its assessments, and what the user may do next."""

import re

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import assessment_submit
from tests.helpers import answer, count_queries, text_of

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_login_form(client):
    html = client.get(reverse("login")).content.decode()
    assert '<label class="form-label" for="id_username">Username</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_logs_in_and_out(client, member):
    from tests.helpers import PASSWORD

    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response["Location"] == reverse("home")
    assert "Log out" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_it_says_what_went_wrong_at_login(client, member):
    html = client.post(reverse("login"), {"username": "member", "password": "wrong"}).content.decode()
    assert "did not match" in html


def test_it_lists_the_team_with_its_assessments(client, member, assessment):
    answer(assessment, member, {"streaming-data": ("choice", 3)})
    answer(assessment, member, {"data-discovery": ("choice", 5)})
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "Data Platform" in html
    assert "Q1 assessment" in html
    assert "Draft" in html
    assert "2 of 4 answered" in html
    # Only "data" is scored: (2 * 0.5 + 1 * 1) / 3 = 0.667, level 1 + 0.667 * 4 = 3.7, Defined.
    assert '3.7 <span class="level-name">Defined</span>' in html
    assert f'href="{reverse("assessment-resume", args=[assessment.pk])}"' in html
    assert f'href="{reverse("assessment-new", args=[assessment.team_id])}"' in html
    assert f'href="/assessments/{assessment.pk}/"' in html


def test_it_says_when_nothing_is_scored_yet(client, member, assessment):
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "0 of 4 answered" in html
    assert "Not scored yet" in html


def test_it_offers_no_continue_for_a_submitted_assessment(client, member, assessment):
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "Submitted" in html
    assert reverse("assessment-resume", args=[assessment.pk]) not in html
    assert f'href="/assessments/{assessment.pk}/"' in html


def test_it_shows_readers_no_edit_buttons(client, viewer, assessment):
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    assert "Q1 assessment" in html
    assert "Start a new assessment" not in html
    assert reverse("assessment-resume", args=[assessment.pk]) not in html
    assert f'href="/assessments/{assessment.pk}/"' in html


def _essentials_data(team, other_team, member, outsider, version):
    """Data Platform submitted ten days ago and has an overdue action; Other Team half a year and more ago;
    Newcomers never."""
    import datetime

    from django.utils import timezone

    from tests.results_helpers import submitted_assessment

    now = timezone.now()
    recent = submitted_assessment(
        team, member, version, {"streaming-data": ("choice", 1)}, when=now - datetime.timedelta(days=10)
    )
    submitted_assessment(
        other_team, outsider, version, {"streaming-data": ("choice", 4)}, when=now - datetime.timedelta(days=200)
    )
    newcomers = models.Team.objects.create(agency=team.agency, name="Newcomers", slug="newcomers")
    models.Action.objects.create(
        team=team,
        questionnaire_slug=version.slug,
        question_key="streaming-data",
        target_level=3,
        title="Stand up a streaming pipeline",
        due_date=datetime.date(2020, 1, 1),
        created_at=recent.submitted_at,
    )
    return newcomers


def test_an_executive_lands_on_the_portfolios_essentials(
    client, executive, team, other_team, member, outsider, questionnaire_version
):
    newcomers = _essentials_data(team, other_team, member, outsider, questionnaire_version)
    models.Assessment.objects.create(team=other_team, questionnaire=questionnaire_version, title="Other's check")
    client.force_login(executive)
    response = client.get(reverse("home"))
    text, html = text_of(response), response.content.decode()
    assert "Test Agency: the essentials" in text
    assert "3 teams; 1 without a submitted assessment" in text
    assert "2 not assessed in the last two quarters" in text
    assert "1 overdue action, in 1 team with an action plan" in text
    weakest = text[text.index("Weakest areas") : text.index("Overdue actions (1)")]
    assert "Data Ingestion and Preparation : 2.5 Developing (mean of 2 teams)" in weakest
    overdue = text[text.index("Overdue actions (1)") : text.index("Teams not assessed")]
    # The action's title says what to do; the question it comes from is on the action's page.
    assert "Stand up a streaming pipeline : Data Platform, due 1 Jan 2020" in overdue
    assert "How does your organization collect streaming data" not in overdue
    stale = text[text.index("Teams not assessed in two quarters (2)") : text.index("Teams Data Platform")]
    assert stale.index("Newcomers : never assessed") < stale.index("Other Team : last submitted")
    assert "Data Platform" not in stale
    for each in (team, other_team, newcomers):
        assert f'href="{reverse("team-history", args=[each.pk])}"' in html
    assert f'href="{reverse("portfolio")}"' in html
    # Not the list of every assessment of the agency.
    assert "Other&#x27;s check" not in html and "Q1 assessment" not in html


def test_an_executive_who_is_also_a_member_sees_their_own_team_below(client, executive, assessment, team):
    models.Membership.objects.create(team=team, user=executive, role=models.Membership.MEMBER)
    client.force_login(executive)
    text = text_of(client.get(reverse("home")))
    assert text.index("the essentials") < text.index("Your teams") < text.index("Q1 assessment")


def test_an_executives_home_runs_the_same_queries_for_a_few_teams_and_many(
    client, executive, team, other_team, member, outsider, questionnaire_version
):
    from assessment.selectors.home import HOME_LIST_LIMIT, HOME_TEAM_LINKS

    _essentials_data(team, other_team, member, outsider, questionnaire_version)
    client.force_login(executive)
    few = count_queries(client, reverse("home"), computed=True)
    models.Team.objects.bulk_create(
        models.Team(agency=team.agency, name=f"Team {i:03d}", slug=f"team-{i:03d}") for i in range(HOME_TEAM_LINKS)
    )
    many = count_queries(client, reverse("home"), computed=True)
    assert few == many
    text = text_of(client.get(reverse("home")))
    assert f"Find any of the {HOME_TEAM_LINKS + 3} teams" in text
    assert f"The {HOME_LIST_LIMIT} assessed longest ago" in text


def test_it_hides_other_teams(client, outsider, assessment):
    client.force_login(outsider)
    html = client.get(reverse("home")).content.decode()
    assert "Other Team" in html
    assert "Data Platform" not in html
    assert "Q1 assessment" not in html


def test_it_tells_a_user_without_a_team_what_to_do(client, db):
    from tests.helpers import make_user

    client.force_login(make_user("loner"))
    assert "Ask your administrator" in client.get(reverse("home")).content.decode()


def test_it_keeps_queries_bounded_however_many_assessments(client, member, team, questionnaire_version):
    client.force_login(member)

    first = models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="One")
    answer(first, member, {"streaming-data": ("choice", 3)})
    one = count_queries(client, reverse("home"))
    for n in range(5):
        extra = models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title=f"More {n}")
        answer(extra, member, {"model-versions": ("choice", 2)})
    assert count_queries(client, reverse("home")) == one


def test_it_offers_to_continue_a_draft_before_starting_another(client, member, assessment):
    client.force_login(member)
    html = " ".join(client.get(reverse("home")).content.decode().split())
    resume, new = (
        reverse("assessment-resume", args=[assessment.pk]),
        reverse("assessment-new", args=[assessment.team_id]),
    )
    primary = f'<a class="btn btn-primary" href="{resume}">Continue “Q1 assessment”'
    secondary = f'<a class="btn btn-outline-primary" href="{new}">Start a new assessment'
    assert primary in html and secondary in html
    assert html.index(primary) < html.index(secondary)


def test_it_makes_starting_the_primary_action_without_a_draft(client, member, assessment):
    assessment_submit(assessment=assessment, user=member)
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    new = reverse("assessment-new", args=[assessment.team_id])
    assert f'<a class="btn btn-primary" href="{new}">Start a new assessment' in html
    assert "Continue “" not in html


def test_it_says_you_are_logged_out(client, member):
    client.force_login(member)
    response = client.post(reverse("logout"), follow=True)
    assert "You are logged out." in response.content.decode()


def test_it_lists_the_responses_a_respondent_has_to_give(client, team, member, assessment):
    from assessment.services.respondents import panel_open, respondent_submit

    panel_open(assessment=assessment, lead=member, users=[member])
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "Your responses to give" in html
    assert (
        f'href="{reverse("respondent-resume", args=[assessment.pk])}">Answer “{assessment.title}” for {team.name}'
        in html
    )

    respondent_submit(respondent=models.Respondent.objects.get(user=member), user=member)
    assert "Your responses to give" not in client.get(reverse("home")).content.decode()


def test_it_names_the_team_without_a_possessive(client, team, member, assessment):
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert f"Action plan of {team.name}" in html
    assert f"{team.name}'s" not in html


def test_editors_and_team_managers_land_on_a_link_to_their_work(client, editor, team_manager):
    for user, words in ((editor, "You edit the questionnaires"), (team_manager, "You manage the teams of your agency")):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert words in html and f'href="{reverse("admin:index")}"' in html
        assert "You are not a member of any team yet" not in html
        # Not headed "Your teams": they have none.
        assert "<h1>Your work</h1>" in html and "<h1>Your teams</h1>" not in html


def test_a_team_without_assessments_is_told_its_answers_are_kept_not_a_duration(client, member, team):
    client.force_login(member)
    text = text_of(client.get(reverse("home")))
    assert "No assessment yet. Start one:" in text and "saved as you go" in text
    assert "half an hour" not in text  # the questionnaire says how long it takes (40 to 65 minutes for 2026.3)


def test_it_asks_before_logging_out_on_a_get(client, member):
    client.force_login(member)
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Log out?" in html
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html.split("<main", 1)[1], re.S)
    assert form and form.group(1) == reverse("logout")
    assert 'name="csrfmiddlewaretoken"' in form.group(2) and '<button type="submit"' in form.group(2)
    assert f'href="{reverse("home")}"' in html.split("<main", 1)[1]
    assert client.session["_auth_user_id"] == str(member.pk)  # a GET logs nobody out
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    # Logged out already: the login page.
    response = client.get(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
