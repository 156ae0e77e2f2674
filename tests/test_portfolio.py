import io
import re

import pytest
from django.urls import reverse

from assessment import models

from .helpers import answer, make_user, row_text, text_of
from .results_helpers import submitted_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_data(team, other_team, member, outsider, questionnaire_version):
    """Data Platform: an older and a newer submission and a newer draft; Other Team: one submission."""
    submitted_assessment(
        team, member, questionnaire_version, {"streaming-data": ("choice", 5)}, title="Old", when="2026-01-15"
    )
    # data 0.5 (3.0 Defined), models 0.25 (2.0), operations 0 (1.0 Initial), overall 0.25 (2.0)
    submitted_assessment(
        team,
        member,
        questionnaire_version,
        {
            "streaming-data": ("choice", 3),
            "data-discovery": ("choice", 3),
            "model-versions": ("choice", 2),
            "production-monitoring": ("choice", 1),
        },
        title="Latest",
        when="2026-06-30",
    )
    draft = models.Assessment.objects.create(team=team, questionnaire=questionnaire_version, title="Draft")
    answer(draft, member, {"streaming-data": ("choice", 1)})
    # data 1.0 (5.0), models 1.0 (5.0), operations 0.25 (2.0), overall 2.75 / 3.5 (4.1 Managed)
    submitted_assessment(
        other_team,
        outsider,
        questionnaire_version,
        {
            "streaming-data": ("choice", 5),
            "data-discovery": ("choice", 5),
            "model-versions": ("choice", 5),
            "production-monitoring": ("choice", 2),
        },
        title="Baseline",
        when="2026-05-01",
    )
    models.Team.objects.create(agency=team.agency, name="Newcomers", slug="newcomers")


def test_it_shows_each_teams_latest_submitted_assessment(client, executive, agency_data):
    client.force_login(executive)
    response = client.get(reverse("portfolio-teams"))
    assert response.status_code == 200
    # Team, submitted, overall, data, models, operations: number and level name in every cell.
    assert row_text(response, "Data Platform 30 Jun 2026") == (
        "Data Platform 30 Jun 2026 2.0 Developing 3.0 Defined 2.0 Developing 1.0 Initial"
    )
    assert (
        row_text(response, "Other Team 1 May 2026")
        == "Other Team 1 May 2026 4.1 Managed 5.0 Optimized 5.0 Optimized 2.0 Developing"
    )


def test_it_colors_cells_by_level_band(client, executive, agency_data):
    client.force_login(executive)
    html = client.get(reverse("portfolio-teams")).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>Other Team</a>.*?</tr>", html, flags=re.S).group(0)
    assert re.findall(r'class="heat heat-(\w+)"', row) == ["4", "5", "5", "2"]
    assert re.search(r'<th scope="col"><a href="\?sort=area%3Adata">Data Ingestion and Preparation<', html)
    assert "<caption>Maturity level of each team" in html


def test_it_lists_teams_without_a_submitted_assessment(client, executive, agency_data):
    client.force_login(executive)
    text = text_of(client.get(reverse("portfolio")))
    assert "Teams without a submitted assessment 1 team has not submitted an assessment" in text
    listed = text_of(client.get(reverse("portfolio-teams") + "?without=on"))
    assert "1 team matches" in listed and "Newcomers No submitted assessment" in listed
    assert "Data Platform" not in listed


def test_it_ranks_the_weakest_areas_by_mean_level(client, executive, agency_data):
    client.force_login(executive)
    text = text_of(client.get(reverse("portfolio")))
    # The key says why a cell can read 2.0 and be named after level 1 (the name is the whole level reached).
    assert "so a mean of 1.96 reads “2.0 Initial”" in text
    weakest = text.split("Weakest areas")[1].split("Steps most teams have")[0]
    # operations (0 + 0.25) / 2 -> 1.5; models (0.25 + 1) / 2 -> 3.5; data (0.5 + 1) / 2 -> 4.0
    assert re.findall(r"(Operations|Model Development|Data Ingestion and Preparation)\s*: (\d\.\d)", weakest) == [
        ("Operations", "1.5"),
        ("Model Development", "3.5"),
        ("Data Ingestion and Preparation", "4.0"),
    ]


def test_it_counts_the_practices_most_teams_have_in_now(client, executive, agency_data):
    client.force_login(executive)
    response = client.get(reverse("portfolio"))
    # 2 steps in Now (the file's phase_sizes). Data Platform: production-monitoring 1 -> 2
    # (monitoring, registry), model-versions 2 -> 4 (registry) in Now; streaming-data -> 4
    # (streaming) and data-discovery -> 5 (catalog) later. Other Team: production-monitoring
    # 2 -> 3 (none) and 3 -> 4 (monitoring, registry), both in Now.
    assert row_text(response, "Monitor models in production") == "Monitor models in production 2 2 of 2"
    assert row_text(response, "Register models before deployment") == "Register models before deployment 2 2 of 2"
    assert row_text(response, "Keep a data catalog") == "Keep a data catalog 0 1 of 2"
    html = response.content.decode()
    titles = [
        "Monitor models in production",
        "Register models before deployment",
        "Ingest streaming data with a managed stream",
        "Keep a data catalog",
    ]
    positions = [html.index(f"{title}</a>") for title in titles]
    assert positions == sorted(positions)


def test_it_lists_the_steps_teams_have_in_now(client, executive, agency_data):
    client.force_login(executive)
    text = text_of(client.get(reverse("portfolio")))
    steps = text[text.index("Steps most teams have in “Now”") : text.index("Practices most teams need now")]
    # Grouped by question: Other Team's two steps of production-monitoring (2 -> 3, 3 -> 4) and Data Platform's
    # one (1 -> 2) make one row of 2 teams, each level with what to do; then model-versions, one team.
    monitoring = "How do you know a model in production still performs well?"
    expected = [
        monitoring,
        "Reach 2 Developing: Someone looks at it now and then (1 team)",
        "Reach 3 Defined: Scheduled manual reviews (1 team)",
        "Reach 4 Managed: Automated drift",
        "Operations 2 of 2",
        "How are trained models kept? Reach 4 Managed: In a model registry Model Development 1 of 2",
    ]
    positions = [steps.index(line) for line in expected]
    assert positions == sorted(positions)
    assert steps.count(monitoring) == 1
    assert "How does your organization collect streaming data" not in steps


def test_the_step_in_most_teams_now_comes_first(
    client, executive, team, other_team, member, outsider, questionnaire_version
):
    submitted_assessment(
        team,
        member,
        questionnaire_version,
        {"production-monitoring": ("choice", 1), "model-versions": ("choice", 2)},
        when="2026-06-30",
    )
    submitted_assessment(
        other_team, outsider, questionnaire_version, {"production-monitoring": ("choice", 1)}, when="2026-06-30"
    )
    client.force_login(executive)
    text = text_of(client.get(reverse("portfolio")))
    steps = text[text.index("Steps most teams have in “Now”") : text.index("Practices most teams need now")]
    # Both teams: production-monitoring first (2 of 2: both 1 -> 2, Data Platform also 2 -> 3 in Now); only
    # Data Platform has model-versions -> 4.
    assert (
        "How do you know a model in production still performs well? Reach 2 Developing: Someone looks at it now "
        "and then (2 teams) Reach 3 Defined: Scheduled manual reviews (1 team) Operations 2 of 2 "
        "How are trained models kept? Reach 4 Managed: In a model registry Model Development 1 of 2"
    ) in steps


def test_it_says_so_when_nobody_has_submitted(client, executive, team):
    client.force_login(executive)
    text = text_of(client.get(reverse("portfolio")))
    assert "No team has submitted an assessment yet." in text
    assert "1 team has not submitted an assessment" in text


def test_it_leaves_out_other_agencies(client, agency_data):
    other = models.Agency.objects.create(name="Elsewhere")
    models.Team.objects.create(agency=other, name="Far Team", slug="far-team")
    user = make_user("far-exec")
    models.Executive.objects.create(user=user, agency=other)
    client.force_login(user)
    text = text_of(client.get(reverse("portfolio-teams")))
    assert "Far Team" in text
    assert "Data Platform" not in text and "Other Team" not in text


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_it_is_for_executives_only(client, request, who, agency_data):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("portfolio")).status_code == 404
    assert client.get(reverse("portfolio-teams")).status_code == 404


def test_it_puts_teams_on_two_versions_of_a_questionnaire_in_one_table(
    client, executive, team, other_team, member, outsider, questionnaire_version
):
    import dataclasses

    from assessment.selectors.questionnaires import questionnaire_domain
    from assessment.services.questionnaires import questionnaire_load

    newer = questionnaire_load(
        dataclasses.replace(questionnaire_domain(questionnaire_version), version="2026.2")
    ).version
    submitted_assessment(team, member, questionnaire_version, {"streaming-data": ("choice", 2)}, title="Old version")
    submitted_assessment(other_team, outsider, newer, {"streaming-data": ("choice", 4)}, title="New version")
    client.force_login(executive)
    response = client.get(reverse("portfolio-teams"))
    html = response.content.decode()
    assert html.count('<table class="table table-bordered portfolio-heatmap portfolio-teams">') == 1
    # data: streaming-data only (w 2): level 2 -> 2.0, level 4 -> 4.0; models and operations not scored.
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if "heat-value" in r]
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]
    assert any(
        t.startswith("Data Platform") and "2.0 Developing 2.0 Developing – Not scored – Not scored" in t for t in texts
    )
    assert any(t.startswith("Other Team") and "4.0 Managed 4.0 Managed – Not scored – Not scored" in t for t in texts)


def test_it_shows_new_figures_once_the_summaries_are_recomputed(client, executive, team, member, questionnaire_version):
    from django.core.management import call_command

    latest = submitted_assessment(team, member, questionnaire_version, {"model-versions": ("choice", 2)})
    client.force_login(executive)
    header = f"Data Platform {latest.submitted_at:%-d %b %Y}"
    assert row_text(client.get(reverse("portfolio-teams")), header).startswith(f"{header} 2.0 Developing")
    # A correction made behind the services' back (as a change to the scoring rules would be):
    # the stored figures stay until recomputed, then show it.
    level_5 = models.Choice.objects.get(
        question__key="model-versions", question__area__questionnaire=questionnaire_version, level=5
    )
    models.Answer.objects.filter(assessment=latest).update(choice=level_5)
    assert row_text(client.get(reverse("portfolio-teams")), header).startswith(f"{header} 2.0 Developing")
    call_command("recompute_summaries", stdout=io.StringIO())
    assert row_text(client.get(reverse("portfolio-teams")), header).startswith(
        f"{header} 5.0 Optimized – Not scored 5.0 Optimized"
    )


# Divisions


@pytest.fixture
def divided(agency_data, team, other_team):
    """Data Platform in Analytics, Other Team in Operations; Newcomers in no division."""
    analytics = models.Division.objects.create(agency=team.agency, name="Analytics")
    operations = models.Division.objects.create(agency=team.agency, name="Operations Division")
    models.Team.objects.filter(pk=team.pk).update(division=analytics)
    models.Team.objects.filter(pk=other_team.pk).update(division=operations)
    return analytics, operations


def test_it_opens_with_one_heatmap_row_per_division(client, executive, divided):
    client.force_login(executive)
    response = client.get(reverse("portfolio"))
    # Division, teams submitted of all, overall mean, then the mean of each area.
    assert row_text(response, "Analytics") == "Analytics 1 of 1 2.0 Developing 3.0 Defined 2.0 Developing 1.0 Initial"
    assert row_text(response, "Operations Division") == (
        "Operations Division 1 of 1 4.1 Managed 5.0 Optimized 5.0 Optimized 2.0 Developing"
    )
    assert "Data Platform" not in text_of(response)  # teams are one click down
    assert f'href="{reverse("portfolio-teams")}?division={divided[0].pk}"' in response.content.decode()


def test_it_drills_down_into_a_divisions_teams(client, executive, divided):
    client.force_login(executive)
    response = client.get(reverse("portfolio-teams"), {"division": divided[0].pk})
    text = text_of(response)
    assert "Data Platform" in text and "Other Team" not in text and "Newcomers" not in text
    assert "Download this division as a PDF report" in text
    nowhere = text_of(client.get(reverse("portfolio-teams"), {"division": "none"}))
    assert "Newcomers" in nowhere and "Data Platform" not in nowhere


def test_it_searches_teams_by_name(client, executive, divided):
    client.force_login(executive)
    text = text_of(client.get(reverse("portfolio-teams"), {"name": "other"}))
    assert "1 team matches" in text and "Other Team" in text and "Data Platform" not in text


def test_it_filters_teams_below_a_level_in_an_area(client, executive, divided):
    client.force_login(executive)
    # Operations: Data Platform 1.0, Other Team 2.0.
    below_2 = text_of(client.get(reverse("portfolio-teams"), {"area": "operations", "below": 2}))
    assert "1 team matches" in below_2 and "Data Platform" in below_2 and "Other Team" not in below_2
    below_3 = text_of(client.get(reverse("portfolio-teams"), {"area": "operations", "below": 3}))
    assert "2 teams match" in below_3


def test_it_sorts_by_any_column_both_ways(client, executive, divided):
    client.force_login(executive)

    def order(sort):
        html = client.get(reverse("portfolio-teams"), {"sort": sort}).content.decode()
        return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', html)

    assert order("name") == ["Data Platform", "Newcomers", "Other Team"]
    assert order("-name") == ["Other Team", "Newcomers", "Data Platform"]
    assert order("overall") == ["Data Platform", "Other Team", "Newcomers"]  # no figures last
    assert order("-overall") == ["Other Team", "Data Platform", "Newcomers"]
    assert order("-area:operations") == ["Other Team", "Data Platform", "Newcomers"]
    html = client.get(reverse("portfolio-teams"), {"sort": "-overall"}).content.decode()
    assert 'aria-sort="descending"' in html


def test_it_sorts_by_every_column_it_shows_without_an_error(client, executive, divided):
    client.force_login(executive)
    for sort in ("", "name", "-name", "division", "overall", "-overall", "submitted", "area:data", "-area:data"):
        assert client.get(reverse("portfolio-teams"), {"sort": sort}).status_code == 200, sort


def test_it_pages_teams_fifty_at_a_time(client, executive, agency):
    models.Team.objects.bulk_create(
        [models.Team(agency=agency, name=f"Team {i:03d}", slug=f"team-{i}") for i in range(120)]
    )
    client.force_login(executive)
    first = text_of(client.get(reverse("portfolio-teams")))
    assert "120 teams match; page 1 of 3" in first and "Team 049" in first and "Team 050" not in first
    third = text_of(client.get(reverse("portfolio-teams"), {"page": 3}))
    assert "Team 119" in third and "Team 099" not in third and "Previous page" in third


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"below": "3"}, "area", "Choose the area the level applies to."),
        ({"area": "operations"}, "below", "Choose the level the teams are below."),
        ({"area": "nowhere", "below": "3"}, "area", "Select a valid choice."),
        ({"page": "-1"}, "page", "greater than or equal to 1"),
        ({"page": "abc"}, "page", "Enter a whole number."),
        ({"division": "99999"}, "division", "Select a valid choice."),
        ({"sort": "nonsense"}, "sort", "Sort in the address: sort by one of the table&#x27;s column headings"),
        ({"sort": "-area:nowhere"}, "sort", "“-area:nowhere” is not one of them"),
    ],
)
def test_it_explains_a_bad_filter_without_failing(client, executive, divided, query, field, message):
    client.force_login(executive)
    response = client.get(reverse("portfolio-teams"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    if field not in ("page", "sort"):
        assert f'id="id_{field}-error"' in response.content.decode()


def test_an_executive_limited_to_divisions_sees_only_theirs(client, executive, divided, team, other_team):
    analytics, _ = divided
    executive.executive.divisions.add(analytics)
    client.force_login(executive)
    overview = text_of(client.get(reverse("portfolio")))
    assert "Analytics" in overview and "Operations Division" not in overview
    teams = text_of(client.get(reverse("portfolio-teams")))
    assert "Data Platform" in teams and "Other Team" not in teams and "Newcomers" not in teams
    latest = other_team.assessments.filter(status=models.Assessment.SUBMITTED).first()
    assert client.get(reverse("assessment-results", args=[latest.pk])).status_code == 404
    mine = team.assessments.filter(status=models.Assessment.SUBMITTED).first()
    assert client.get(reverse("assessment-results", args=[mine.pk])).status_code == 200


def test_each_question_in_now_is_counted_once_per_team_stored_live_and_by_the_migration(
    client, executive, agency_data, agency
):
    import importlib

    from django.apps import apps
    from django.core.cache import cache
    from django.db.models import Q

    from assessment.selectors.tallies import summary_groups, tallies_read

    def questions():
        return {
            (key, n)
            for key, n in models.DivisionTally.objects.filter(kind=models.DivisionTally.QUESTION).values_list(
                "key", "teams"
            )
        }

    # Stored at submit: production-monitoring once per team though Other Team has two of its steps in Now.
    assert questions() == {("production-monitoring", 2), ("model-versions", 1)}
    groups = summary_groups(Q(is_latest=True, team__agency=agency))
    stored = tallies_read(agency.pk, groups)
    # Counted live, as for a division whose stored basis no longer matches: the same figures.
    models.DivisionTallyBasis.objects.all().delete()
    live = tallies_read(agency.pk, groups)
    assert (
        dict(stored.questions)
        == dict(live.questions)
        == {(version, key): n for version in {g.questionnaire_id for g in groups} for key, n in questions()}
    )
    # Tallies stored before questions were counted gain them with the migration that counts them again.
    models.DivisionTally.objects.filter(kind=models.DivisionTally.QUESTION).delete()
    models.DivisionTallyBasis.objects.create(agency=agency, division=None, summaries=0, assessment_sum=0)
    importlib.import_module("assessment.migrations.0020_tallies_per_question").count_questions(apps, None)
    assert questions() == {("production-monitoring", 2), ("model-versions", 1)}
    cache.clear()
    client.force_login(executive)
    assert "Operations 2 of 2" in text_of(client.get(reverse("portfolio")))
