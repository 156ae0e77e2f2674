"""A team's action plan: the plan page, one action (edit and history), adding roadmap items, exports.

Members write; viewers and the agency's executives read; everyone else gets a
404 (assessment.access).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from assessment import models
from assessment.access import action_for_user, assessment_for_member, team_for_user
from assessment.exports.plan import plan_to_csv, plan_to_ics
from assessment.forms.plan import ActionForm, PlanFilterForm
from assessment.selectors.evidence import expired_evidence_of_team
from assessment.selectors.plan import action_history, action_rows, owner_choices, team_plan
from assessment.services.plan import ActionConflict, ActionInvalid, action_update, actions_add_from_roadmap
from assessment.views.errors import error_page
from assessment.views.results import download

PLAN_MEMBERS_ONLY = "Only members of the team can change its plan."


def _plan_filters(request, team) -> tuple[PlanFilterForm, list[tuple[str, str]], str, str]:
    """The plan page's filters from the address, read the same way by the page and its exports.

    Returns the form, the owners it offers, and the owner and status chosen ("" for any, and when invalid).
    """
    owners = owner_choices(team)
    form = PlanFilterForm(request.GET, owners=owners)
    if form.is_valid():
        return form, owners, form.cleaned_data["owner"], form.cleaned_data["status"]
    return form, owners, "", ""


def _exported_rows(request, team):
    """The actions the plan page shows with the same filters, or the error page for a bad filter (400)."""
    form, _owners, owner, status = _plan_filters(request, team)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}: {' '.join(str(error) for error in errors)}"
            for name, errors in form.errors.items()
        ]
        back = (reverse("team-plan", args=[team.pk]), "Go to the plan")
        message = "Nothing was downloaded: the address asks for a filter the plan page does not offer."
        return None, error_page(request, 400, "Check the plan's filters", message, back=back, problems=problems)
    return [row for _key, _words, group in team_plan(team, owner=owner, status=status) for row in group], None


@login_required
def plan_page(request, team_id):
    team, can_write = team_for_user(request.user, team_id)
    form, owners, owner, status = _plan_filters(request, team)
    # A bad filter is shown at its field, over the whole plan (answered 400, as the portfolio's filters are).
    groups = team_plan(team, owner=owner, status=status)
    expired, evidence_of = expired_evidence_of_team(team)
    return render(
        request,
        "assessment/plan.html",
        {
            "team": team,
            "can_write": can_write,
            "groups": groups,
            "form": form,
            "owner": owner,
            "status": status,
            "owners": owners,
            "statuses": models.Action.STATUS_CHOICES,
            "filtered": bool(owner or status),
            "export_query": urlencode({key: value for key, value in (("owner", owner), ("status", status)) if value}),
            "total": sum(len(rows) for _key, _words, rows in groups),
            "expired_evidence": expired,
            "evidence_of": evidence_of,
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
def action_page(request, team_id, action_id):
    action, can_write = action_for_user(request.user, team_id, action_id)
    row = action_rows([action])[0]
    form = None
    if can_write:
        if request.method == "POST":
            form = ActionForm(request.POST, team=action.team)
            if form.is_valid():
                try:
                    action_update(action=action, user=request.user, given=form.cleaned_input, shown=form.shown_input())
                except ActionConflict as conflict:  # someone else saved it since this page was shown
                    form = form.conflict_shown(conflict)
                except ActionInvalid as error:  # checked by the form already; kept for a race with a membership change
                    form.add_error(error.field if error.field in form.fields else None, str(error))
                else:
                    messages.success(request, "The action was saved.")
                    return redirect("team-plan", team_id=action.team_id)
        else:
            form = ActionForm(initial=ActionForm.initial_for(action, row.title), team=action.team)
    elif request.method == "POST":
        raise PermissionDenied(PLAN_MEMBERS_ONLY)
    return render(
        request,
        "assessment/action.html",
        {
            "team": action.team,
            "action": action,
            "row": row,
            "form": form,
            "can_write": can_write,
            "history": action_history(action),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def plan_add(request, assessment_id):
    assessment = assessment_for_member(request.user, assessment_id, PLAN_MEMBERS_ONLY)
    keys = [request.POST["add"]] if request.POST.get("add") else request.POST.getlist("items")
    roadmap_url = reverse("assessment-roadmap", args=[assessment.pk])
    try:
        created = actions_add_from_roadmap(assessment=assessment, user=request.user, item_keys=keys[:500])
    except ActionInvalid as error:
        messages.error(request, f"Nothing was added to the plan: {error}")
        return redirect(roadmap_url + "#plan-form")
    if created:
        messages.success(
            request,
            f"{len(created)} action{pluralize(len(created))} added to the plan. Give each an owner and a due date.",
        )
    else:
        messages.info(request, "Those items are in the plan already.")
    return redirect("team-plan", team_id=assessment.team_id)


@login_required
def plan_csv(request, team_id):
    team, _ = team_for_user(request.user, team_id)
    rows, refused = _exported_rows(request, team)
    if refused is not None:
        return refused
    return download("\ufeff" + plan_to_csv(team, rows), "text/csv; charset=utf-8", f"{team.slug}-action-plan.csv")


@login_required
def plan_ics(request, team_id):
    team, _ = team_for_user(request.user, team_id)
    rows, refused = _exported_rows(request, team)
    if refused is not None:
        return refused
    body = plan_to_ics(team, rows, domain=request.get_host().split(":")[0] or "localhost", stamp=timezone.now())
    return download(body, "text/calendar; charset=utf-8", f"{team.slug}-action-plan.ics")
