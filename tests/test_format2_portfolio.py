"""Format 2 in the stored summaries, the division tallies and the portfolio (issue 27): answered tags,
agency-owned questions' answers and agency-wide steps, the agency roadmap, the teams page's tag filter."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.selectors.summaries import assessment_summaries
from assessment.selectors.tallies import summary_groups, tallies_read
from assessment.services.assessments import assessment_submit
from assessment.services.summaries import summaries_recompute_all
from tests.format2_helpers import ANSWERS, CLASSIC, GENAI_HIGH, format2_draft
from tests.helpers import DATA, count_queries, load_questionnaire_file, text_of

pytestmark = pytest.mark.django_db


def submitted(team, user, version, answers, profile):
    return assessment_submit(assessment=format2_draft(team, user, version, profile, answers=answers), user=user)


@pytest.fixture
def two_teams(team, other_team, member, format2_version):
    """`team` uses classic ML only (inventory at 1); `other_team` generative, high-impact (inventory at 3)."""
    models.Membership.objects.create(team=other_team, user=member, role=models.Membership.MEMBER)
    first = submitted(team, member, format2_version, ANSWERS, CLASSIC)
    second = submitted(other_team, member, format2_version, {**ANSWERS, "ai-inventory": ("choice", 3)}, GENAI_HIGH)
    return first, second


def test_a_summary_stores_the_answered_tags_agency_answers_and_agency_items(two_teams):
    first, second = two_teams
    assert list(models.SummaryTag.objects.filter(summary_id=first.pk).values_list("tag", flat=True)) == ["classic-ml"]
    assert sorted(models.SummaryTag.objects.filter(summary_id=second.pk).values_list("tag", flat=True)) == [
        "genai",
        "high-impact",
    ]
    rows = models.SummaryAgencyAnswer.objects.filter(summary_id__in=[first.pk, second.pk]).order_by("summary_id")
    assert [(r.summary_id, r.question_key, r.answer, r.level, r.agency_step) for r in rows] == [
        (first.pk, "ai-inventory", "level", 1, True),
        (second.pk, "ai-inventory", "level", 3, False),  # the default target is 3: no step left
    ]
    figures = assessment_summaries([first])[first.pk]
    assert figures.tags == ("classic-ml",)
    assert [item.question_key for item in figures.agency_items] == ["ai-inventory"]
    # The stored summary is the profile's: the generative AI area is out of scope for `team`.
    assert figures.score.out_of_scope == ["genai-guardrails", "genai-red-teaming"]


def test_an_unanswered_profile_stores_no_tag_but_counts_the_assumed_scope(team, member, format2_version):
    assessment = submitted(team, member, format2_version, ANSWERS, None)
    assert not models.SummaryTag.objects.filter(summary_id=assessment.pk).exists()
    figures = assessment_summaries([assessment])[assessment.pk]
    assert figures.score.out_of_scope == []  # every tag assumed: everything in scope


def test_an_out_of_scope_agency_question_counts_as_out_of_scope(team, member, tmp_path):
    text = (DATA / "format2_questionnaire.yaml").read_text()
    text = text.replace("        owner: agency\n", "        owner: agency\n        applies_when: [genai]\n", 1)
    path = tmp_path / "scoped-agency.yaml"
    path.write_text(text)
    version = load_questionnaire_file(path)
    assessment = submitted(team, member, version, ANSWERS, CLASSIC)
    row = models.SummaryAgencyAnswer.objects.get(summary_id=assessment.pk)
    assert (row.answer, row.level, row.agency_step) == ("out_of_scope", None, False)


def test_the_tallies_count_tags_and_agency_answers_per_division(agency, two_teams, format2_version):
    groups = summary_groups(Q(is_latest=True, team__agency_id=agency.pk))
    tallies = tallies_read(agency.pk, groups)
    v = format2_version.pk
    assert dict(tallies.tags) == {(v, "classic-ml"): 1, (v, "genai"): 1, (v, "high-impact"): 1}
    assert dict(tallies.agency) == {(v, "ai-inventory", "level", 1): (1, 1), (v, "ai-inventory", "level", 3): (1, 0)}
    stored = models.DivisionTally.objects.filter(kind__in=["tag", "agency"]).count()
    assert stored == 5  # 3 tags, 2 answers (both teams in no division)


def test_recompute_summaries_counts_them_again(two_teams):
    models.SummaryTag.objects.all().delete()
    models.SummaryAgencyAnswer.objects.all().delete()
    models.DivisionTally.objects.filter(kind__in=["tag", "agency"]).delete()
    summaries_recompute_all()
    assert models.SummaryTag.objects.filter(is_latest=True).count() == 3
    assert models.SummaryAgencyAnswer.objects.filter(is_latest=True).count() == 2
    assert models.DivisionTally.objects.filter(kind__in=["tag", "agency"]).count() == 5


def test_format1_summaries_store_no_format2_rows(answered, member):
    assessment_submit(assessment=answered, user=member)
    assert not models.SummaryTag.objects.exists()
    assert not models.SummaryAgencyAnswer.objects.exists()
    summary = models.AssessmentSummary.objects.get(pk=answered.pk)
    assert set(summary.detail) == {"score", "roadmap"}


def test_the_portfolio_shows_the_agency_roadmap(client, executive, two_teams):
    client.force_login(executive)
    page = text_of(client.get(reverse("portfolio")))
    roadmap = page[page.index("Agency roadmap") :]
    # One team needs the inventory (the other is at its target); levels 1 and 3 reported: a finding.
    assert (
        "Does the agency keep an inventory of AI uses? (Governance) Teams see it differently: the levels they "
        "report are 2 apart. 1 of 2 1 0 1 0 0 0 0 0" in roadmap
    )
    assert "Teams by profile tag" in page and "high-impact: 1 team" in page


def test_the_agency_roadmap_puts_the_capability_most_teams_need_first(format2_version, two_teams, agency):
    from assessment.selectors.portfolio import PortfolioScope, agency_portfolio

    (group,) = agency_portfolio(PortfolioScope(agency=agency)).groups
    assert [(c.question.id, c.needing, c.teams) for c in group.agency_roadmap] == [("ai-inventory", 1, 2)]
    assert [(t.tag, t.teams) for t in group.tags] == [("classic-ml", 1), ("genai", 1), ("high-impact", 1)]


def test_format1_portfolios_have_no_agency_roadmap_nor_tag_filter(client, executive, answered, member):
    assessment_submit(assessment=answered, user=member)
    client.force_login(executive)
    assert "Agency roadmap" not in text_of(client.get(reverse("portfolio")))
    assert 'name="tag"' not in client.get(reverse("portfolio-teams")).content.decode()


def test_the_teams_page_filters_by_an_answered_tag(client, executive, two_teams, agency, member, format2_version):
    unstated = models.Team.objects.create(agency=agency, name="Unstated", slug="unstated")
    models.Membership.objects.create(team=unstated, user=member, role=models.Membership.MEMBER)
    submitted(unstated, member, format2_version, ANSWERS, None)  # assumes every tag: matches none
    client.force_login(executive)
    response = client.get(reverse("portfolio-teams") + "?tag=high-impact")
    assert response.status_code == 200
    names = [row.name for row in response.context["teams"].rows]
    assert names == ["Other Team"]
    assert 'value="high-impact" selected' in response.content.decode()
    everyone = [row.name for row in client.get(reverse("portfolio-teams")).context["teams"].rows]
    assert "Unstated" in everyone and len(everyone) == 3


def test_the_teams_page_refuses_an_unknown_tag(client, executive, two_teams):
    client.force_login(executive)
    response = client.get(reverse("portfolio-teams") + "?tag=nonsense")
    assert response.status_code == 400
    assert "Select a valid choice" in text_of(response)


def test_the_portfolio_runs_the_pinned_queries_with_format2_teams(client, executive, agency, member, format2_version):
    """The counts of tests/test_query_counts.py (format 1), for 3 and for 30 format 2 teams, the tag filter too."""
    from tests.test_query_counts import PORTFOLIO_PAGES

    division = models.Division.objects.create(agency=agency, name="First")
    profiles = [CLASSIC, GENAI_HIGH, None]
    urls = {
        page: (str(url).replace("division=first", f"division={division.pk}"), page == "divisions, after a change")
        for page, (url, _) in PORTFOLIO_PAGES.items()
    }
    urls["a tag"] = (reverse("portfolio-teams") + "?tag=genai&sort=-overall", False)
    client.force_login(executive)
    counts = []
    for start, count in ((0, 3), (3, 27)):
        for i in range(start, start + count):
            team = models.Team.objects.create(agency=agency, name=f"F2 team {i:02d}", slug=f"f2-{i}", division=division)
            models.Membership.objects.create(team=team, user=member, role=models.Membership.MEMBER)
            submitted(team, member, format2_version, ANSWERS, profiles[i % 3])
            models.Action.objects.create(  # overdue, as in the pinned test: the action plans list it
                team=team,
                questionnaire_slug=format2_version.slug,
                question_key="pipelines",
                target_level=4,
                due_date=datetime.date(2025, 1, 1),
                created_at=timezone.now(),
            )
        counts.append({page: count_queries(client, url, computed=computed) for page, (url, computed) in urls.items()})
    pinned = {page: count for page, (_, count) in PORTFOLIO_PAGES.items()}
    assert counts[0] == counts[1]
    assert {page: n for page, n in counts[0].items() if page in pinned} == pinned
    assert counts[0]["a tag"] == pinned["a filtered query"]  # a filter and no division to name, as that one


def test_the_plans_key_tells_apart_out_of_scope_sets_of_equal_count_and_id_sum(agency, team):
    """A profile saved on a draft flips actions' scope without a new "last change": the key still moves.

    Ids {a, d} and {b, c} of four consecutive actions share their number and their sum."""
    from assessment.selectors.portfolio import PortfolioScope, portfolio_plans_key

    now = timezone.now()
    a, b, c, d = (
        models.Action.objects.create(
            team=team, questionnaire_slug="q", question_key=f"k{i}", target_level=3, created_at=now
        ).pk
        for i in range(4)
    )
    assert a + d == b + c
    scope = PortfolioScope(agency=team.agency)

    def key_with_out_of_scope(ids):
        # As services/plan.py stores it: the flag alone, the last change untouched.
        models.Action.objects.update(question_out_of_scope=False)
        models.Action.objects.filter(pk__in=ids).update(question_out_of_scope=True)
        return portfolio_plans_key(scope, scope.teams(), stamp="same stamp")

    first = key_with_out_of_scope([a, d])
    assert key_with_out_of_scope([b, c]) != first
    assert key_with_out_of_scope([a, d]) == first  # and the same set gives the same key
