"""The API's endpoints: read-only, each object reached through assessment/access.py as the pages reach it.

Every list is cursor-paginated in id order (stable while rows are added); every answer carries an
ETag and a request with a matching If-None-Match gets 304. A query parameter the endpoint does not
take, or a bad value, is a 400 whose body names each wrong parameter.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.db.models import F
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from assessment import access, models
from assessment.api import examples
from assessment.api.serializers import (
    MAX_PAGE_SIZE,
    AgencySerializer,
    AssessmentListQuery,
    DivisionSerializer,
    ListQuery,
    NoQuery,
    QuestionnaireVersionSerializer,
    TeamSerializer,
    assessment_row,
    portfolio_to_dict,
)
from assessment.domain.schema import questionnaire_to_dict
from assessment.exports.crosswalks import frameworks_to_dict
from assessment.exports.plan import plan_to_list
from assessment.exports.results import assessment_export
from assessment.selectors.crosswalks import assessment_frameworks
from assessment.selectors.plan import action_rows
from assessment.selectors.portfolio import PortfolioScope, agency_portfolio
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.selectors.results import assessment_results
from assessment.selectors.summaries import assessment_summaries

logger = logging.getLogger("assessment.api")


def bad_parameters(errors: dict[str, Any]) -> exceptions.ValidationError:
    return exceptions.ValidationError({"detail": "Some query parameters are wrong.", "parameters": errors})


def query_parameters(request, serializer_class, *, allowed_extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The validated query parameters, or a 400 naming each unknown, repeated or invalid one."""
    fields = serializer_class().fields
    allowed = set(fields) | set(allowed_extra)
    errors: dict[str, list[str]] = {}
    for name in request.query_params:
        if name not in allowed:
            takes = ", ".join(sorted(allowed)) or "none"
            errors[name[:100]] = [f"Unknown parameter. This endpoint takes: {takes}."]
        elif len(request.query_params.getlist(name)) > 1:
            errors[name] = ["Give this parameter once."]
    data = {name: request.query_params[name] for name in request.query_params if name in fields}
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        errors.update(serializer.errors)
    if errors:
        raise bad_parameters(errors)
    return dict(serializer.validated_data)


class NoParameters(serializers.Serializer):
    """An endpoint that takes no query parameter."""


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for anyone: it holds no data. The API has one version and one language, so any
    query parameter (drf-spectacular's own `version` and `lang` included) is a 400 naming it, never a 500."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        query_parameters(request, NoParameters, allowed_extra=("format",))


class StableCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = None
            valid = False
        else:
            valid = cursor is None or cursor.position is None or str(cursor.position).isdigit()
            valid = valid and (cursor is None or cursor.position is None or int(cursor.position) < 2**63)
        if not valid:
            raise bad_parameters({"cursor": ["Not a cursor of this list: follow the `next` link as given."]})
        return cursor


class ReadView(APIView):
    """What every endpoint shares: GET only, the ETag, and one log line per call (never the token)."""

    http_method_names = ["get", "head", "options"]
    query_class: type = NoQuery  # the query parameters it takes

    def initial(self, request, *args, **kwargs):
        self.started = time.monotonic()
        super().initial(request, *args, **kwargs)  # authenticated and throttled first: a stranger learns nothing
        self.query = query_parameters(request, self.query_class)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Vary"] = "Authorization"
        if response.status_code == 200 and request.method in ("GET", "HEAD"):
            response.render()
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Vary", "Cache-Control"):
                    not_modified[header] = response[header]
                response = not_modified
        # The token as authentication found it: reading request.auth here would authenticate a request
        # refused before that (an unknown format, 406), and a bad token would then raise outside the handler.
        token = getattr(request, "_auth", None) if response.status_code != 401 else None
        logger.info(
            "api %s %s %s user=%s token=%s %.0fms",
            request.method,
            request.path,
            response.status_code,
            token.user_id if token is not None else "-",
            token.pk if token is not None else "-",
            (time.monotonic() - getattr(self, "started", time.monotonic())) * 1000,
        )
        return response


class PagedListView(ReadView):
    query_class: type = ListQuery
    serializer_class: type | None = None

    def rows(self, request, query: dict[str, Any]):
        raise NotImplementedError

    def get(self, request):
        paginator = StableCursorPagination()
        page = paginator.paginate_queryset(self.rows(request, self.query), request, view=self)
        return paginator.get_paginated_response(self.represent(page))

    def represent(self, page) -> list:
        assert self.serializer_class is not None
        return self.serializer_class(page, many=True).data


def _paged(serializer, example, description):
    return extend_schema(
        parameters=[ListQuery],
        responses={200: serializer(many=True), 400: OpenApiResponse(description="A wrong query parameter.")},
        examples=[OpenApiExample("A page", value=example, response_only=True)],
        description=description,
    )


def _one(name, example, *, not_found, description):
    return extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description=not_found)},
        examples=[OpenApiExample(name, value=example, response_only=True)],
        description=description,
    )


@_paged(AgencySerializer, examples.AGENCIES, "The agencies whose teams the caller reads.")
class AgencyList(PagedListView):
    serializer_class = AgencySerializer

    def rows(self, request, query):
        return access.agencies_visible_to(request.user)


@_paged(DivisionSerializer, examples.DIVISIONS, "The divisions the caller reads.")
class DivisionList(PagedListView):
    serializer_class = DivisionSerializer

    def rows(self, request, query):
        return access.divisions_visible_to(request.user)


@_paged(TeamSerializer, examples.TEAMS, "The teams the caller reads: their own, or every team of an executive's scope.")
class TeamList(PagedListView):
    serializer_class = TeamSerializer

    def rows(self, request, query):
        return access.teams_visible_to(request.user)


@_paged(
    QuestionnaireVersionSerializer,
    examples.QUESTIONNAIRES,
    "Published questionnaire versions (and drafts an assessment uses); every draft for questionnaire editors.",
)
class QuestionnaireList(PagedListView):
    serializer_class = QuestionnaireVersionSerializer

    def rows(self, request, query):
        return access.versions_visible_to(request.user)


@extend_schema(
    parameters=[AssessmentListQuery],
    responses={
        200: OpenApiTypes.OBJECT,
        400: OpenApiResponse(description="A wrong query parameter."),
        404: OpenApiResponse(description="`team` is not a team the caller reads."),
    },
    examples=[OpenApiExample("A page", value=examples.ASSESSMENTS, response_only=True)],
    description="Assessments of the teams the caller reads, with their overall and area figures "
    "(the keys of the JSON export). `latest=true`: each team's latest submitted assessment.",
)
class AssessmentList(PagedListView):
    query_class = AssessmentListQuery

    # A list answering an object (the page) would be named "retrieve", like the one assessment's.
    @extend_schema(operation_id="assessments_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, request, query):
        assessments = models.Assessment.objects.filter(team__in=access.teams_visible_to(request.user))
        if query.get("team") is not None:
            team, _ = access.team_for_user(request.user, query["team"])
            assessments = assessments.filter(team=team)
        if query.get("status"):
            assessments = assessments.filter(status=query["status"])
        if query.get("questionnaire") is not None:
            assessments = assessments.filter(questionnaire_id=query["questionnaire"])
        if query.get("submitted_since") is not None:
            assessments = assessments.filter(submitted_at__gte=query["submitted_since"])
        if query.get("latest") is True:
            assessments = assessments.filter(summary__is_latest=True)
        elif query.get("latest") is False:
            assessments = assessments.exclude(summary__is_latest=True)
        return assessments.select_related("team", "questionnaire").annotate(latest_flag=F("summary__is_latest"))

    def represent(self, page) -> list:
        figures = assessment_summaries(page)
        latest = {a.pk for a in page if a.latest_flag}
        return [assessment_row(a, figures[a.pk], latest) for a in page]


class OneAssessmentView(ReadView):
    """An endpoint of one assessment the caller reads (404 otherwise), as `represent` gives it."""

    def get(self, request, assessment_id):
        assessment, _ = access.assessment_for_user(request.user, assessment_id)
        return Response(self.represent(request, assessment))

    def represent(self, request, assessment: models.Assessment) -> dict:
        raise NotImplementedError


def _one_assessment(name, example, description):
    return _one(name, example, not_found="Not an assessment the caller reads.", description=description)


@_one_assessment(
    "An assessment",
    examples.ASSESSMENT,
    "One assessment in full: exactly the JSON export (docs/questionnaire-format.md, section 5).",
)
class AssessmentDetail(OneAssessmentView):
    def represent(self, request, assessment):
        return assessment_export(assessment, user=request.user)


@_one_assessment(
    "Against the frameworks",
    examples.ASSESSMENT_FRAMEWORKS,
    "Where one assessment stands against each framework of its crosswalk, item by item, with the "
    "roadmap positions that close each gap: exactly the frameworks.json download (docs/results-and-exports.md). "
    "No framework when its questionnaire version has no crosswalk. What the answers imply; an audit needs evidence.",
)
class AssessmentFrameworks(OneAssessmentView):
    def represent(self, request, assessment):
        return frameworks_to_dict(assessment_frameworks(assessment_results(assessment)))


@_one(
    "A plan",
    examples.PLAN,
    not_found="Not a team the caller reads.",
    description="The team's action plan, each action with the progress measured on its submitted assessments.",
)
class TeamPlan(ReadView):
    def get(self, request, team_id):
        team, _ = access.team_for_user(request.user, team_id)
        rows = action_rows(models.Action.objects.filter(team=team).select_related("owner").order_by("pk"))
        actions = [
            {"id": row.action.pk, **item, "question_text": row.question_text, "area_title": row.area_title}
            for row, item in zip(rows, plan_to_list(rows), strict=True)
        ]
        return Response({"team": {"id": team.pk, "slug": team.slug, "name": team.name}, "actions": actions})


@_one(
    "A portfolio",
    examples.PORTFOLIO,
    not_found="Not the caller's agency as executive.",
    description="The portfolio figures of the caller's agency (executives only), within their divisions.",
)
class AgencyPortfolio(ReadView):
    def get(self, request, agency_id):
        agency, division_ids = access.executive_agency_for_user(request.user, agency_id)
        scope = PortfolioScope(agency=agency, division_ids=division_ids)
        return Response(portfolio_to_dict(agency_portfolio(scope), limited_to=division_ids))


@_one(
    "A questionnaire",
    examples.QUESTIONNAIRE,
    not_found="Not a version the caller reads.",
    description="One questionnaire version with its content, in the keys of the questionnaire file format.",
)
class QuestionnaireDetail(ReadView):
    def get(self, request, version_id):
        version = access.version_for_user(request.user, version_id)
        data = dict(QuestionnaireVersionSerializer(version).data)
        data["content"] = questionnaire_to_dict(questionnaire_domain(version))
        return Response(data)


def docs_page(request):
    """The documentation page: Swagger UI from drf-spectacular-sidecar's static files, started by a static
    script (static/js/api-docs.js), so it runs under the app's Content-Security-Policy with no inline script."""
    from django.shortcuts import render

    return render(request, "api/docs.html")
