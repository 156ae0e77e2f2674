"""The test-only setup endpoint: register clients and users, with a key only the test run knows."""

import json
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from tests.oidc_provider.validators import DEFECTS, KNOWN_DEFECTS


@csrf_exempt
@require_POST
def setup(request):
    expected = os.environ["OIDC_TEST_PROVIDER_SETUP_KEY"]
    if not constant_time_compare(request.headers.get("X-Setup-Key", ""), expected):
        return HttpResponseForbidden("wrong setup key")
    provider_setup(json.loads(request.body))
    return JsonResponse({"ok": True})


@transaction.atomic
def provider_setup(data: dict):
    """Create or update clients and users: {"clients": [...], "users": [...]} (see tests/sso_helpers.py)."""
    Application = get_application_model()
    for client in data.get("clients", []):
        application = Application.objects.filter(client_id=client["client_id"]).first() or Application(
            client_id=client["client_id"]
        )
        application.name = client.get("name", client["client_id"])
        application.client_secret = client["client_secret"]
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        application.redirect_uris = " ".join(client["redirect_uris"])
        application.post_logout_redirect_uris = " ".join(client.get("post_logout_redirect_uris", []))
        application.algorithm = Application.RS256_ALGORITHM
        application.skip_authorization = True
        application.save()
    User = get_user_model()
    for spec in data.get("users", []):
        user, _ = User.objects.get_or_create(username=spec["username"])
        user.set_password(spec["password"])
        user.email = spec.get("email", "")
        user.first_name, _, user.last_name = spec.get("name", "").partition(" ")
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in spec.get("groups", [])])
        defect = spec.get("defect")
        if defect and defect not in KNOWN_DEFECTS:
            raise ValueError(f"unknown defect {defect!r}")
        if defect:
            DEFECTS[user.username] = defect
        else:
            DEFECTS.pop(user.username, None)
