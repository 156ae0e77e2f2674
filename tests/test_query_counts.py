"""Every page of results, roadmap, exports, history and portfolio runs a fixed number
of queries, whatever the number of questions, answers, assessments or teams."""

import pytest
from django.urls import reverse, reverse_lazy

from assessment import models

from .helpers import DATA, REPO, count_queries, load_questionnaire_file, portfolio_teams_bulk, text_of
from .results_helpers import all_answers, submitted_assessment

pytestmark = pytest.mark.django_db


ASSESSMENT_PAGES = ["assessment-results", "assessment-roadmap", "assessment-export-json", "assessment-export-csv"]


# Each format beside the product's real content in it: format 2 reads the profile answers too (one query).
SIZES = {
    "format1": (DATA / "good_questionnaire.yaml", REPO / "questionnaires" / "public-sector-ml-2026.2.yaml"),
    "format2": (DATA / "format2_questionnaire.yaml", REPO / "questionnaires" / "public-sector-ml.yaml"),
}


@pytest.mark.parametrize("name", ASSESSMENT_PAGES)
@pytest.mark.parametrize("size", SIZES)
def test_it_runs_the_same_queries_for_small_and_full_questionnaires(client, member, team, name, size):
    small_version, full_version = (load_questionnaire_file(path) for path in SIZES[size])
    small = submitted_assessment(team, member, small_version, all_answers(small_version), title="S")
    full = submitted_assessment(
        team,
        member,
        full_version,
        all_answers(full_version),
        title="F",
        targets={models.Area.objects.filter(questionnaire=full_version).first().key: 5},
    )
    assert full.answers.count() > 4 * small.answers.count()
    client.force_login(member)
    small_count = count_queries(client, reverse(name, args=[small.pk]))
    full_count = count_queries(client, reverse(name, args=[full.pk]))
    assert small_count == full_count
    assert small_count <= 10


def test_it_runs_the_same_queries_for_practice_pages_of_any_size(
    client, member, questionnaire_version, full_questionnaire_version
):
    client.force_login(member)
    small_key = models.Practice.objects.filter(questionnaire=questionnaire_version).first().key
    full_key = models.Practice.objects.filter(questionnaire=full_questionnaire_version).first().key
    small = count_queries(client, reverse("practice-detail", args=[questionnaire_version.pk, small_key]))
    full = count_queries(client, reverse("practice-detail", args=[full_questionnaire_version.pk, full_key]))
    assert small == full


def test_it_runs_the_same_queries_for_short_and_long_histories(client, member, team, other_team, questionnaire_version):
    answers = all_answers(questionnaire_version)
    submitted_assessment(team, member, questionnaire_version, answers, title="Only one")
    for i in range(6):
        submitted_assessment(other_team, member, questionnaire_version, answers, title=f"Quarter {i}")
    models.Membership.objects.create(team=other_team, user=member, role=models.Membership.VIEWER)
    client.force_login(member)
    short = count_queries(client, reverse("team-history", args=[team.pk]))
    long = count_queries(client, reverse("team-history", args=[other_team.pk]))
    assert short == long


PORTFOLIO_PAGES = {
    # The division view and its action plans as kept in the shared cache: the session and user, the stamp
    # (3 queries), the plans' stamp (2), and a cache read for each, and the auth backend's; the count of
    # answers with expired evidence (1, not cached: it changes with the date alone).
    "divisions": (reverse_lazy("portfolio"), 13),
    # Computed after a change: the same (the stamp: the summaries by division, teams, divisions), plus the
    # versions, the tally bases, the area tallies, the step, question and practice tallies, the action plans
    # (each team's counts from the stored progress, the listed teams, the listed overdue actions, their teams'
    # assessments) and the cache's writes; the expired evidence (1).
    "divisions, after a change": (reverse_lazy("portfolio"), 31),
    "a division's teams": (reverse_lazy("portfolio-teams") + "?division=first&sort=-area:data", 13),
    "a filtered query": (reverse_lazy("portfolio-teams") + "?name=team&area=data&below=4&sort=overall", 12),
}


@pytest.mark.slow
def test_it_runs_the_same_queries_for_300_and_3000_teams_in_the_portfolio(
    client, executive, agency, member, questionnaire_version
):
    """Pinned: bench/portfolio.py shows the same counts at 300 and 3,000 teams (teams built in bulk)."""
    divisions = [models.Division.objects.create(agency=agency, name=f"Division {d:02d}") for d in range(30)]
    templates = []
    for i in range(3):
        team = models.Team.objects.create(
            agency=agency, name=f"Template {i}", slug=f"template-{i}", division=divisions[i]
        )
        answers = all_answers(questionnaire_version, pattern=(1 + i, 2, "not_sure", 4))
        templates.append(submitted_assessment(team, member, questionnaire_version, answers, targets={"data": 5}))
    models.Team.objects.create(agency=agency, name="No submission", slug="none-yet")
    client.force_login(executive)
    urls = {
        page: (str(url).replace("division=first", f"division={divisions[0].pk}"), page == "divisions, after a change")
        for page, (url, _) in PORTFOLIO_PAGES.items()
    }
    counts = {}
    for size, (start, count) in (("300", (0, 297)), ("3,000", (297, 2700))):
        portfolio_teams_bulk(agency=agency, divisions=divisions, templates=templates, start=start, count=count)
        assert models.AssessmentSummary.objects.filter(is_latest=True).count() == int(size.replace(",", ""))
        counts[size] = {page: count_queries(client, url, computed=computed) for page, (url, computed) in urls.items()}
    pinned = {page: count for page, (_, count) in PORTFOLIO_PAGES.items()}
    assert counts == {"300": pinned, "3,000": pinned}
    # And the pages show what was built: 3,000 teams, the action plans capped.
    response = client.get(reverse("portfolio"))
    assert "of the 3002 teams in 30 divisions" in text_of(response)  # and one without a submission, one of member's
    assert "300 teams have an action plan; the 25 with the most overdue actions are listed" in text_of(response)


def test_it_runs_the_same_queries_for_one_and_five_teams_against_the_frameworks(client, executive, agency, member):
    """The portfolio per framework reads the stored figures: pinned, whatever the number of teams."""
    from assessment.services.crosswalks import crosswalk_import

    from .helpers import DATA, load_questionnaire_file

    version = load_questionnaire_file(DATA / "format2_questionnaire.yaml")
    crosswalk_import((DATA / "format2_crosswalk.yaml").read_bytes(), "format2_crosswalk.yaml")
    client.force_login(executive)
    url = reverse("portfolio-frameworks") + "?framework=omb-m-25-21"
    counts = []
    for size in (1, 5):
        while models.AssessmentSummary.objects.filter(is_latest=True).count() < size:
            n = models.Team.objects.count()
            team = models.Team.objects.create(agency=agency, name=f"Team {n}", slug=f"team-{n}")
            submitted_assessment(team, member, version, {"ai-inventory": ("choice", 1 + n % 4)})
        counts.append(count_queries(client, url))
    assert counts == [9, 9]  # the crosswalk revisions, once, for the frameworks' file order


def test_it_runs_the_same_queries_against_the_frameworks_for_a_small_and_the_full_crosswalk(client, member, team):
    """An assessment against every framework of its crosswalk: pinned, whatever the number of frameworks, items and
    maps (the full 2026.3 crosswalk has six frameworks and hundreds of maps), with evidence on some answers."""
    from assessment.services.assessments import assessment_create, assessment_submit
    from assessment.services.crosswalks import crosswalk_import
    from assessment.services.evidence import evidence_link_add

    from .helpers import answer

    crosswalks = REPO / "questionnaires" / "crosswalks"
    pages = []
    for questionnaire, crosswalk in (
        (DATA / "format2_questionnaire.yaml", DATA / "format2_crosswalk.yaml"),
        (REPO / "questionnaires" / "public-sector-ml.yaml", crosswalks / "public-sector-ml-2026.3.yaml"),
    ):
        version = load_questionnaire_file(questionnaire)
        crosswalk_import(crosswalk.read_bytes(), crosswalk.name)
        assessment = assessment_create(team=team, version=version, title=version.version, user=member)
        answer(assessment, member, all_answers(version))
        for key in models.Question.objects.filter(area__questionnaire=version).values_list("key", flat=True)[:2]:
            evidence_link_add(
                assessment=assessment, user=member, question_key=key, title="Record", url="https://records.example/1"
            )
        pages.append(assessment_submit(assessment=assessment, user=member))
    assert models.Evidence.objects.filter(assessment=pages[1]).count() == 2
    client.force_login(member)
    counts = [count_queries(client, reverse("assessment-frameworks", args=[a.pk])) for a in pages]
    assert counts[0] == counts[1]
    assert counts == [9, 9]  # two frameworks or six, 8 maps or hundreds
