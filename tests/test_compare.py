"""Two assessments of a team compared: areas, answers and notes, roadmap items, actions achieved."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.selectors.results import assessment_results
from assessment.services.assessments import assessment_create, assessment_submit
from assessment.services.plan import actions_add_from_roadmap, item_key
from tests.helpers import answer, client_for, text_of


@pytest.fixture
def two(assessment, member, team):
    answer(assessment, member, {"streaming-data": ("choice", 1)}, notes={"streaming-data": "Old scripts"})
    answer(assessment, member, {"data-discovery": ("choice", 1)})
    first = assessment_submit(assessment=assessment, user=member)
    item = next(i for i in assessment_results(first).roadmap if i.question_key == "streaming-data")
    actions_add_from_roadmap(assessment=first, user=member, item_keys=[item_key(item.question_key, item.to_level)])
    second = assessment_create(
        team=team, version=first.questionnaire, title="Q2 assessment", user=member, copy_from=first
    )
    # To the area's target (4): the question leaves the roadmap, and the action's target is reached.
    answer(second, member, {"streaming-data": ("choice", 4)}, notes={"streaming-data": "Managed stream now"})
    assessment_submit(assessment=second, user=member)
    return first, second, item


@pytest.mark.django_db
def test_it_lists_what_changed_between_the_two_latest(two, member, executive):
    first, _second, item = two
    for user in (member, executive):
        response = client_for(user).get(reverse("team-compare", args=[first.team_id]))
        assert response.status_code == 200
        page = text_of(response)
        assert "How does your organization collect streaming data" in page
        assert "Level 1 (Initial): Each team writes its own collectors" in page
        assert "Level 4 (Managed): A managed stream with monitoring" in page
        assert "Note: Old scripts" in page and "Note: Managed stream now" in page
        achieved = page[page.index("Actions achieved in between") : page.index("Answers that changed")]
        # The action by what to do (its step's first practice), then the question it raised.
        practice = assessment_results(first).practices_by_key[item.practices[0]].title
        assert f"{practice} : “How does your organization collect streaming data" in achieved
        assert f"reached its target level {item.to_level}" in achieved
        assert "Closed (1) 1.1 How does your organization collect streaming data" in page
        assert "Opened (0)" in page
    history = client_for(member).get(reverse("team-history", args=[first.team_id]))
    assert reverse("team-compare", args=[first.team_id]) in history.content.decode()


@pytest.mark.django_db
def test_it_gives_a_located_error_for_an_assessment_of_another_team(two, member, other_team, outsider):
    first, _second, _item = two
    foreign = models.Assessment.objects.create(
        team=other_team, questionnaire=first.questionnaire, title="Foreign", created_by=outsider, status="submitted"
    )
    response = client_for(member).get(
        reverse("team-compare", args=[first.team_id]), {"before": foreign.pk, "after": first.pk}
    )
    assert response.status_code == 400
    assert "Choose one of the submitted assessments of this team." in text_of(response)
    assert 'href="#id_before"' in response.content.decode() and "Foreign" not in text_of(response)
    assert "was saved" not in text_of(response)  # the compare form only shows: nothing is ever saved
    response = client_for(member).get(
        reverse("team-compare", args=[first.team_id]), {"before": first.pk, "after": first.pk}
    )
    assert "Choose two different assessments" in text_of(response)
