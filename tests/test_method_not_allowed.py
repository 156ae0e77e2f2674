"""An address that only takes a form submission, opened with GET (a bookmark, a pasted link): a page, not a blank 405."""

import datetime

import pytest
from django.http import HttpResponseNotAllowed
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import models
from assessment.services.api_tokens import api_token_create
from assessment.views.errors import MethodNotAllowedMiddleware

pytestmark = pytest.mark.django_db


def _next_month():
    return timezone.localdate() + datetime.timedelta(days=30)


def _assert_page(response, back_url):
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "only takes a form submission" in page
    assert f'href="{back_url}"' in page
    assert "<main" in page  # the site's layout


def test_it_explains_a_get_on_submit_and_links_to_the_review(client, member, assessment):
    client.force_login(member)
    response = client.get(reverse("assessment-submit", args=[assessment.pk]))
    _assert_page(response, reverse("assessment-review", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert not assessment.is_submitted


def test_it_links_back_to_the_roadmap_from_plan_add(client, member, assessment):
    client.force_login(member)
    response = client.get(reverse("assessment-plan-add", args=[assessment.pk]))
    _assert_page(response, reverse("assessment-roadmap", args=[assessment.pk]))


def test_it_links_back_to_the_assessment_from_evidence_urls(client, member, assessment):
    client.force_login(member)
    back = reverse("assessment-resume", args=[assessment.pk])
    _assert_page(client.get(reverse("evidence-add", args=[assessment.pk, "data-discovery"])), back)
    _assert_page(client.get(reverse("evidence-remove", args=[assessment.pk, 1])), back)


def test_it_links_back_to_the_tokens_from_revoke(client, member):
    client.force_login(member)
    token = api_token_create(user=member, name="laptop", expires_on=_next_month()).token
    response = client.get(reverse("api-token-revoke", args=[token.pk]))
    _assert_page(response, reverse("api-tokens"))
    assert models.ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_it_links_back_to_the_review_from_respondent_submit(client, member, assessment):
    client.force_login(member)
    response = client.get(reverse("respondent-submit", args=[assessment.pk]))
    _assert_page(response, reverse("respondent-review", args=[assessment.pk]))


def test_it_links_home_when_no_page_is_known(rf, member):
    request = rf.get("/somewhere/else/")
    request.user = member
    middleware = MethodNotAllowedMiddleware(lambda request: HttpResponseNotAllowed(["POST"]))
    _assert_page(middleware(request), reverse("home"))


def test_it_leaves_a_405_with_a_body_alone(rf, member):
    request = rf.get("/somewhere/else/")
    request.user = member
    middleware = MethodNotAllowedMiddleware(lambda request: HttpResponseNotAllowed(["POST"], content=b"own words"))
    assert middleware(request).content == b"own words"


def test_it_says_which_method_a_page_does_not_take(client, member):
    client.force_login(member)
    response = client.put(reverse("assessment-plan-add", args=[1]))
    assert response.status_code == 405
    assert "does not take a PUT request" in response.content.decode()


def test_it_keeps_the_api_format(member):
    secret = api_token_create(user=member, name="dashboard", expires_on=_next_month()).secret
    response = Client(headers={"Authorization": f"Bearer {secret}"}).post(reverse("api-agencies"))
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "only takes a form submission" not in response.content.decode()


def test_it_asks_before_logging_out_on_a_get_and_explains_a_put(client, member):
    client.force_login(member)
    response = client.get(reverse("logout"))
    assert response.status_code == 200 and "Log out?" in response.content.decode()
    response = client.put(reverse("logout"))
    assert response.status_code == 405
    assert "does not take a PUT request" in response.content.decode()
    assert response["Allow"] == "GET, POST"
