"""axe-core and no sideways scroll at 390 px on the format 2 pages (issue 27): "About your team", the results
and roadmap of a format 2 team, its disagreements and reconciliation, its plan and compare pages, and the
portfolio with its agency roadmap and tag filter."""

import pytest
from django.urls import reverse

from assessment import models
from assessment.services.assessments import AnswerInput, assessment_create, assessment_submit, profile_save
from assessment.services.plan import actions_add_from_roadmap, item_key
from assessment.services.respondents import panel_open, respondent_answers_save, respondent_submit
from tests.browser.conftest import _check_requests, _new_page, assert_accessible, login
from tests.format2_helpers import ANSWERS, CLASSIC, EVERYTHING, format2_load
from tests.helpers import answer, team_user

pytestmark = pytest.mark.browser

WIDTH = 390


@pytest.fixture
def format2_team(team, other_team, member, outsider):
    version = format2_load()
    first = models.Assessment.objects.create(team=team, questionnaire=version, title="Q1", created_by=member)
    answer(first, member, ANSWERS)
    profile_save(assessment=first, user=member, answers=EVERYTHING)
    first = assessment_submit(assessment=first, user=member)
    actions_add_from_roadmap(assessment=first, user=member, item_keys=[item_key("genai-guardrails", 2)])
    second = assessment_create(team=team, version=version, title="Q2", user=member, copy_from=first)
    profile_save(assessment=second, user=member, answers=CLASSIC)
    second = assessment_submit(assessment=second, user=member)
    other = models.Assessment.objects.create(team=other_team, questionnaire=version, title="O", created_by=outsider)
    answer(other, outsider, {**ANSWERS, "ai-inventory": ("choice", 4)})
    profile_save(assessment=other, user=outsider, answers=EVERYTHING)
    assessment_submit(assessment=other, user=outsider)
    # A draft answered by two respondents, then the profile narrowed.
    draft = models.Assessment.objects.create(team=team, questionnaire=version, title="Q3", created_by=member)
    profile_save(assessment=draft, user=member, answers=EVERYTHING)
    ana, ben = team_user(team, "ana"), team_user(team, "ben")
    panel_open(assessment=draft, lead=member, users=[ana, ben])
    for user, level in ((ana, 1), (ben, 4)):
        respondent = models.Respondent.objects.get(assessment=draft, user=user)
        given = [AnswerInput(question_key=key, kind="choice", level=level) for key in ANSWERS]
        respondent_answers_save(respondent=respondent, user=user, answers=given)
        respondent_submit(respondent=respondent, user=user)
    profile_save(assessment=draft, user=member, answers=CLASSIC)
    return {"first": first, "second": second, "draft": draft}


def visit(page, url, too_wide):
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        too_wide.append(f"{url}: {width} px")
    assert_accessible(page)


def test_the_format2_pages_pass_axe_on_a_phone(browser, request, live_server, member, executive, team, format2_team):
    base = live_server.url
    second, draft = format2_team["second"], format2_team["draft"]
    too_wide: list[str] = []
    context, page = _new_page(browser, request, viewport={"width": WIDTH, "height": 844}, is_mobile=True)
    login(page, live_server, member)
    for url in (
        reverse("assessment-profile", args=[draft.pk]),
        reverse("assessment-results", args=[second.pk]),
        reverse("assessment-roadmap", args=[second.pk]),
        reverse("assessment-disagreements", args=[draft.pk]),
        reverse("assessment-reconcile", args=[draft.pk, "data"]),
        reverse("assessment-reconcile", args=[draft.pk, "genai"]),
        reverse("assessment-respondents", args=[draft.pk]),
        reverse("team-plan", args=[team.pk]),
        reverse("team-compare", args=[team.pk]),
    ):
        visit(page, base + url, too_wide)
    context.close()
    _check_requests(page)
    context, page = _new_page(browser, request, viewport={"width": WIDTH, "height": 844}, is_mobile=True)
    login(page, live_server, executive)
    for url in (reverse("portfolio"), reverse("portfolio-teams") + "?tag=high-impact"):
        visit(page, base + url, too_wide)
    assert page.get_by_text("Other Team").count() >= 1
    context.close()
    _check_requests(page)
    assert not too_wide, f"Pages wider than {WIDTH} px:\n" + "\n".join(too_wide)
