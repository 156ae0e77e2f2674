"""Example answers of each endpoint, shown in the OpenAPI schema and the documentation page."""

NEXT = "https://ml.agency.example/api/v1/assessments/?cursor=cD0xMDA%3D&latest=true"

AGENCIES = {"next": None, "previous": None, "results": [{"id": 1, "name": "Department of Examples"}]}
DIVISIONS = {"next": None, "previous": None, "results": [{"id": 3, "name": "Analytics", "agency": 1}]}
TEAMS = {
    "next": None,
    "previous": None,
    "results": [{"id": 7, "name": "Fraud analytics", "slug": "fraud-analytics", "agency": 1, "division": 3}],
}
QUESTIONNAIRE_VERSION = {
    "id": 2,
    "slug": "ml-readiness",
    "version": "2026.1",
    "title": "ML readiness",
    "format": 1,
    "status": "published",
    "published_at": "2026-01-15T09:00:00Z",
    "updated_at": "2026-01-15T09:00:00Z",
}
QUESTIONNAIRES = {
    "next": None,
    "previous": None,
    "results": [QUESTIONNAIRE_VERSION],
}
_OVERALL = {
    "score": 0.5,
    "percent": 50,
    "level": 3.0,
    "level_name": "Defined",
    "completeness": 1.0,
    "progress_to_target": 0.625,
    "answered": 24,
    "total": 24,
}
_AREA = {
    "id": "data",
    "title": "Data",
    "score": 0.5,
    "percent": 50,
    "level": 3.0,
    "level_name": "Defined",
    "completeness": 1.0,
    "target": 4,
    "progress_to_target": 0.667,
    "answered": 6,
    "total": 6,
}
ASSESSMENTS = {
    "next": NEXT,
    "previous": None,
    "results": [
        {
            "id": 41,
            "team": 7,
            "team_slug": "fraud-analytics",
            "team_name": "Fraud analytics",
            "title": "2026 baseline",
            "status": "submitted",
            "questionnaire": {"id": 2, "slug": "ml-readiness", "version": "2026.1"},
            "created_at": "2026-02-01T10:00:00+00:00",
            "updated_at": "2026-02-20T16:30:00+00:00",
            "submitted_at": "2026-02-20T16:30:00+00:00",
            "is_latest": True,
            "overall": _OVERALL,
            "areas": [_AREA],
        }
    ],
}
ASSESSMENT = {
    "questionnaire": {"slug": "ml-readiness", "version": "2026.1", "title": "ML readiness"},
    "team": "fraud-analytics",
    "team_name": "Fraud analytics",
    "title": "2026 baseline",
    "status": "submitted",
    "submitted_at": "2026-02-20T16:30:00+00:00",
    "updated_at": "2026-02-20T16:30:00+00:00",
    "overall": _OVERALL,
    "areas": [_AREA],
    "answers": [{"question": "data-catalog", "answer": "choice", "level": 3, "note": ""}],
    "to_verify": [],
    "roadmap": [
        {
            "position": 1,
            "question": "data-catalog",
            "area": "data",
            "phase": "now",
            "from": 3,
            "to": 4,
            "steps": [4],
            "practices": ["catalog-datasets"],
            "effort": "medium",
        }
    ],
    "actions": [],
}
PLAN = {
    "team": {"id": 7, "slug": "fraud-analytics", "name": "Fraud analytics"},
    "actions": [
        {
            "id": 12,
            "questionnaire": "ml-readiness",
            "question": "data-catalog",
            "target_level": 4,
            "owner": "Ana Lopez",
            "due_date": "2026-06-30",
            "status": "in_progress",
            "wont_do_reason": "",
            "link": "",
            "note": "",
            "progress": "not_measured",
            "progress_assessment": None,
            "overdue": False,
            "question_retired": False,
            "question_text": "How are datasets found?",
            "area_title": "Data",
        }
    ],
}
_CELL = {"area": "data", "score": 0.5, "level": 3.0, "percent": 50}
PORTFOLIO = {
    "agency": {"id": 1, "name": "Department of Examples"},
    "divisions_limited_to": None,
    "team_count": 3000,
    "without_submitted": 120,
    "division_count": 12,
    "questionnaires": [
        {
            "slug": "ml-readiness",
            "version": "2026.1",
            "title": "ML readiness",
            "team_count": 2880,
            "divisions": [
                {
                    "id": 3,
                    "name": "Analytics",
                    "teams": 250,
                    "submitted": 240,
                    "overall": {**_CELL, "area": ""},
                    "areas": [_CELL],
                }
            ],
            "weakest_areas": [{"area": "data", "title": "Data", "score": 0.4, "level": 2.6, "teams": 2880}],
            "top_practices": [{"practice": "catalog-datasets", "title": "Catalog datasets", "now": 900, "teams": 1500}],
            "top_now_questions": [
                {
                    "question": "data-catalog",
                    "area": "data",
                    "teams": 700,
                    "steps": [{"level": 4, "level_name": "Managed", "teams": 700}],
                }
            ],
        }
    ],
}
QUESTIONNAIRE = {
    **QUESTIONNAIRE_VERSION,
    "content": {
        "format": 1,
        "slug": "ml-readiness",
        "version": "2026.1",
        "title": "ML readiness",
        "scale": [{"level": 1, "name": "Initial"}, {"level": 5, "name": "Optimized"}],
        "practices": [{"id": "catalog-datasets", "title": "Catalog datasets"}],
        "areas": [{"id": "data", "title": "Data", "questions": []}],
    },
}

ASSESSMENT_FRAMEWORKS = {
    "assessment": 42,
    "team": "Fraud Detection",
    "questionnaire": {"slug": "public-sector-ml", "version": "2026.3"},
    "crosswalk_revision": "1",
    "note": "What the answers imply about each framework; an audit needs evidence as well.",
    "frameworks": [
        {
            "id": "omb-m-25-21",
            "title": "OMB M-25-21",
            "version": "2025-04",
            "applicable": 13,
            "met": 6,
            "share_met": 0.46,
            "counts": {"met": 6, "partly_met": 2, "not_met": 4, "to_verify": 1, "not_applicable": 0, "not_covered": 2},
            "items": [
                {
                    "id": "4(b)(i)",
                    "title": "Test the AI's performance before deployment",
                    "status": "not_met",
                    "beyond_target": False,
                    "roadmap_positions": [3],
                    "questions": [
                        {
                            "number": "2.5",
                            "question": "mt-pre-deployment-testing",
                            "relation": "equal",
                            "level_needed": 3,
                            "answered_level": 2,
                            "status": "short",
                            "roadmap_position": 3,
                        }
                    ],
                }
            ],
        }
    ],
}
