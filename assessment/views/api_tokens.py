"""The signed-in user's own personal access tokens for the API: made (shown once), listed, revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessment.access import api_token_for_user
from assessment.forms.api_tokens import ApiTokenForm
from assessment.selectors.api_tokens import api_tokens_of_user
from assessment.services.api_tokens import ENDED_KEPT_DAYS, ApiTokenInvalid, api_token_create, api_token_revoke


def _page(request, form, *, new=None, status=200):
    now = timezone.now()
    context = {"form": form, "tokens": api_tokens_of_user(request.user, now), "new": new, "now": now}
    context["kept_days"] = ENDED_KEPT_DAYS
    response = render(request, "assessment/api_tokens.html", context, status=status)
    # The page that shows a new token once must not be kept by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def api_tokens_page(request):
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        new = api_token_create(
            user=request.user, name=form.cleaned_data["name"], expires_on=form.cleaned_data["expires_on"]
        )
    except ApiTokenInvalid as refused:  # the cap on active tokens: nothing was stored
        form.add_error(None if refused.field == "__all__" else refused.field, str(refused))
        return _page(request, form, status=400)
    return _page(request, ApiTokenForm(), new=new, status=201)


@login_required
@require_POST
def api_token_revoke_view(request, token_id):
    token = api_token_for_user(request.user, token_id)
    api_token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer reads anything.")
    return redirect("api-tokens")
