"""Admin of agencies, teams, memberships and executives (the "Team managers" group), and assessments, read-only.

A team manager works only inside the agencies that list them as managers
(access.agencies_managed_by): the lists, the objects they can open, and the
choices of every agency or team field are cut to those agencies, so a form
posted with another agency's id fails validation and writes nothing. Only
superusers cross agencies, add or delete agencies and name their managers.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models as db_models
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path

from assessment import models
from assessment.access import agencies_managed_by, role_in_team, users_pickable_by
from assessment.forms.respondents import deactivated_refuse
from assessment.presentation import person_label
from assessment.services.assessments import assessments_delete
from assessment.services.respondents import panel_lead_take_over, respondent_name
from assessment.services.tallies import tallies_store
from assessment.services.teams import divisions_delete, teams_delete
from assessment.validators import BoundedModelMultipleChoiceField, one_line_validator

from .content import LabelledInline
from .people import person_add_view


def _choices_within_agencies(db_field, request):
    """The agencies, teams or people a user may pick in a foreign-key field; None when not scoped."""
    if db_field.related_model is get_user_model():
        return users_pickable_by(request.user)
    if db_field.related_model is models.Agency:
        return agencies_managed_by(request.user)
    if db_field.related_model is models.Team:
        return models.Team.objects.filter(agency__in=agencies_managed_by(request.user))
    if db_field.related_model is models.Division:
        return models.Division.objects.filter(agency__in=agencies_managed_by(request.user))
    return None


class DeletedThroughService:
    """Deletes, of one object or by the bulk action, go through `delete_service`, which keeps the
    portfolio's stored figures (latest assessments, division counts) right."""

    delete_service: staticmethod

    def delete_model(self, request, obj):
        self.delete_service(type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        self.delete_service(queryset)


class AgencyScopedAdmin(admin.ModelAdmin):
    """Objects of the agencies the user manages, reached through `agency_lookup`."""

    agency_lookup: str  # from the model to its agency, e.g. "team__agency"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        form_field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Names are one line: a line break in a team's name would break its calendar file.
        if isinstance(db_field, db_models.CharField) and form_field is not None and not db_field.choices:
            form_field.validators.append(one_line_validator)
        return form_field

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.agency_lookup}__in": agencies_managed_by(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scoped_foreignkey(super(), db_field, request, kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = _choices_within_agencies(db_field, request)
        if choices is not None and not request.user.is_superuser:
            kwargs["queryset"] = choices
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)  # a huge id is an error, not a 500
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _scoped_foreignkey(admin_super, db_field, request, kwargs):
    """A foreign-key field cut to what the user may pick; a person shown by name ("Ana Engineer (ana)")."""
    choices = _choices_within_agencies(db_field, request)
    if choices is not None and not request.user.is_superuser:
        kwargs["queryset"] = choices
    if db_field.related_model is get_user_model():
        kwargs.setdefault("form_class", PersonChoiceField)
    return admin_super.formfield_for_foreignkey(db_field, request, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """A user by name and username: "Ana Engineer (ana)"."""

    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class MembershipInline(LabelledInline, admin.TabularInline):
    model = models.Membership
    fields = ["user", "role", "source"]
    readonly_fields = ["source"]
    autocomplete_fields = ["user"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scoped_foreignkey(super(), db_field, request, kwargs)


@admin.register(models.Agency)
class AgencyAdmin(AgencyScopedAdmin):
    agency_lookup = "pk"
    list_display = ["name"]
    search_fields = ["name"]

    def get_fields(self, request, obj=None):
        return ["name", "managers"] if request.user.is_superuser else ["name"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managers":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(models.Division)
class DivisionAdmin(DeletedThroughService, AgencyScopedAdmin):
    """Optional, one level: a division groups some of an agency's teams in the portfolio."""

    delete_service = staticmethod(divisions_delete)

    agency_lookup = "agency"
    list_display = ["name", "agency", "team_total"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["agency"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(team_count=Count("teams"))

    @admin.display(description="teams", ordering="team_count")
    def team_total(self, obj):
        return obj.team_count


@admin.register(models.Team)
class TeamAdmin(DeletedThroughService, AgencyScopedAdmin):
    delete_service = staticmethod(teams_delete)
    agency_lookup = "agency"
    fields = ["agency", "division", "name", "slug"]
    list_display = ["name", "slug", "agency", "division"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter), ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "memberships__user__username"]
    list_select_related = ["agency", "division"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        before = models.Team.objects.filter(pk=obj.pk).values_list("agency_id", "division_id").first()
        super().save_model(request, obj, form, change)
        if before is not None and before != (obj.agency_id, obj.division_id):
            tallies_store([before, (obj.agency_id, obj.division_id)])  # the portfolio's counts follow the team


@admin.register(models.Membership)
class MembershipAdmin(AgencyScopedAdmin):
    agency_lookup = "team__agency"
    list_display = ["user", "team", "role", "source"]
    list_filter = [
        "role",
        "source",
        ("team__agency", admin.RelatedOnlyFieldListFilter),
        ("team", admin.RelatedOnlyFieldListFilter),
    ]
    readonly_fields = ["source"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "team__name"]
    list_select_related = ["user", "team"]

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: person_add_view(self, request))
        return [path("add-person/", view, name="assessment_membership_add_person"), *super().get_urls()]


class ExecutiveForm(forms.ModelForm):
    class Meta:
        model = models.Executive
        fields = ["user", "agency", "divisions"]

    def clean(self):
        data = super().clean() or {}
        agency, divisions = data.get("agency"), data.get("divisions")
        if agency is not None and divisions:
            others = [d.name for d in divisions if d.agency_id != agency.pk]
            if others:
                self.add_error("divisions", f"Not divisions of {agency}: {', '.join(others)}.")
        return data


@admin.register(models.Executive)
class ExecutiveAdmin(AgencyScopedAdmin):
    agency_lookup = "agency"
    form = ExecutiveForm
    list_display = ["user", "agency", "source"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter), "source"]
    readonly_fields = ["source"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "agency"]


@admin.register(models.Assessment)
class AssessmentAdmin(DeletedThroughService, AgencyScopedAdmin):
    """Read-only: assessments change only through the app, whose services keep scores and history right."""

    delete_service = staticmethod(assessments_delete)

    agency_lookup = "team__agency"
    list_display = ["title", "team", "questionnaire", "status", "created_at", "submitted_at"]
    list_filter = [
        "status",
        ("team__agency", admin.RelatedOnlyFieldListFilter),
        ("team", admin.RelatedOnlyFieldListFilter),
        "questionnaire",
    ]
    search_fields = ["title", "team__name"]
    list_select_related = ["team", "questionnaire"]
    date_hierarchy = "created_at"
    # Django links a read-only foreign key to its object's admin page whether or not the user may open
    # it; a team manager may open neither people nor questionnaire versions there (403), so they see
    # these by name. Each maps to the unlinked display below.
    unlinked = {
        "questionnaire": "questionnaire_name",
        "created_by": "created_by_name",
        "submitted_by": "submitted_by_name",
    }
    readonly_fields = list(unlinked.values())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_fields(self, request, obj=None):
        names = [name for name in super().get_fields(request, obj) if isinstance(name, str)]
        return [
            self.unlinked[name] if name in self.unlinked and not self._may_open(request, name) else name
            for name in names
            if name not in self.readonly_fields
        ]

    def _may_open(self, request, field_name) -> bool:
        target = self.admin_site._registry.get(self.model._meta.get_field(field_name).related_model)
        return target is not None and target.has_view_or_change_permission(request)

    @admin.display(description="questionnaire")
    def questionnaire_name(self, obj):
        return str(obj.questionnaire)

    @admin.display(description="created by")
    def created_by_name(self, obj):
        return person_label(obj.created_by) if obj.created_by else None

    @admin.display(description="submitted by")
    def submitted_by_name(self, obj):
        return person_label(obj.submitted_by) if obj.submitted_by else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        # "View on site" opens the assessment's results, which only its team and executives may read (404).
        hidden = obj is not None and role_in_team(request.user, obj.team) is None
        if hidden and isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data["has_absolute_url"] = False
        return response


class PanelLeadChangeInline(LabelledInline, admin.TabularInline):
    """The record of each change of lead (written by the service, never edited)."""

    model = models.PanelLeadChange
    fields = readonly_fields = ("changed_at", "previous_lead", "lead_name", "changed_by_name")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _LeadChoiceField(PersonChoiceField):
    """An active member of the team; a deactivated one posted is named (deactivated_refuse)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deactivated = get_user_model().objects.none()  # the team's members whose account is deactivated

    def clean(self, value):
        deactivated_refuse(self.deactivated, value, name=respondent_name, cannot="lead")
        return super().clean(value)


class PanelLeadForm(forms.ModelForm):
    """Only the lead is chosen here, among the active members (member role) of the assessment's team."""

    lead = _LeadChoiceField(
        queryset=get_user_model().objects.none(),
        label="Lead",
        error_messages={
            "invalid_choice": "That person is not a member (member role) of this team. Choose from the list."
        },
    )

    class Meta:
        model = models.RespondentPanel
        fields = ["lead"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lead"]
        assert isinstance(field, _LeadChoiceField)
        field.required = True
        members = get_user_model().objects.filter(
            memberships__team_id=self.instance.assessment.team_id, memberships__role=models.Membership.MEMBER
        )
        field.deactivated = members.filter(is_active=False)
        field.queryset = members.filter(is_active=True).order_by("first_name", "last_name", "username")
        field.help_text = "An active member of the team. The change is recorded below, with your name."

    def clean(self):
        data = super().clean() or {}
        if self.instance.assessment.is_submitted:
            raise forms.ValidationError("This assessment has been submitted: its lead can no longer change.")
        return data


@admin.register(models.RespondentPanel)
class RespondentPanelAdmin(AgencyScopedAdmin):
    """The lead of a draft's respondents: a team manager names a new one when the lead has left the team."""

    agency_lookup = "assessment__team__agency"
    form = PanelLeadForm
    list_display = ["assessment", "lead", "opened_at"]
    list_select_related = ["assessment__team", "lead"]
    fields = ["assessment", "lead", "opened_at"]
    readonly_fields = ["assessment", "opened_at"]
    inlines = [PanelLeadChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "lead" in form.changed_data:
            panel_lead_take_over(assessment=obj.assessment, lead=form.cleaned_data["lead"], by=request.user)
