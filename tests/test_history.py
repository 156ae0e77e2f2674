import pytest
from django.urls import reverse

from .helpers import row_text, text_of
from .results_helpers import submitted_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_quarters(team, member, questionnaire_version):
    # Q1: data 1/3 (level 2.3), models 0.25 (2.0), operations not scored, overall 2.1.
    first = submitted_assessment(
        team,
        member,
        questionnaire_version,
        {"streaming-data": ("choice", 3), "data-discovery": ("not_sure", None), "model-versions": ("choice", 2)},
        title="Q1 review",
        when="2026-03-31",
    )
    # Q2: data (2*0.5 + 0.5) / 3 = 0.5 (3.0), models 0.25 (2.0), operations 0 (1.0);
    # overall (0.5 + 1.5*0.25 + 0) / 3.5 = 0.25 (2.0).
    second = submitted_assessment(
        team,
        member,
        questionnaire_version,
        {
            "streaming-data": ("choice", 3),
            "data-discovery": ("choice", 3),
            "model-versions": ("choice", 2),
            "production-monitoring": ("choice", 1),
        },
        title="Q2 review",
        when="2026-06-30",
    )
    return first, second


def test_it_shows_each_area_against_the_previous_assessment(client, member, team, two_quarters):
    client.force_login(member)
    response = client.get(reverse("team-history", args=[team.pk]))
    assert response.status_code == 200
    first = row_text(response, "Q1 review 31 Mar 2026")
    second = row_text(response, "Q2 review 30 Jun 2026")
    # Columns: overall, data, models, operations.
    assert first == (
        "Q1 review 31 Mar 2026 2.1 — no earlier figure to compare 2.3 — no earlier figure to compare "
        "2.0 — no earlier figure to compare Not scored — no earlier figure to compare"
    )
    assert second == (
        "Q2 review 30 Jun 2026 2.0 ▼ −0.1 (down) 3.0 ▲ +0.7 (up) 2.0 = 0.0 (no change) "
        "1.0 — no earlier figure to compare"
    )


def test_it_lists_oldest_first_and_links_to_results(client, member, team, two_quarters):
    client.force_login(member)
    html = client.get(reverse("team-history", args=[team.pk])).content.decode()
    assert html.index("Q1 review") < html.index("Q2 review")
    assert f'href="{reverse("assessment-results", args=[two_quarters[0].pk])}"' in html


def test_it_leaves_drafts_out(client, member, team, assessment, two_quarters):
    client.force_login(member)
    text = text_of(client.get(reverse("team-history", args=[team.pk])))
    assert assessment.title not in text


def test_it_explains_an_empty_history(client, viewer, team):
    client.force_login(viewer)
    text = text_of(client.get(reverse("team-history", args=[team.pk])))
    assert "This team has not submitted an assessment yet." in text


def test_it_lets_the_agency_executive_read_it(client, executive, team, two_quarters):
    client.force_login(executive)
    assert client.get(reverse("team-history", args=[team.pk])).status_code == 200


def test_it_hides_the_history_from_other_teams(client, outsider, team, two_quarters):
    client.force_login(outsider)
    assert client.get(reverse("team-history", args=[team.pk])).status_code == 404
