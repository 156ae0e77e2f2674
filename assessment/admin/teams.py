"""Admin of agencies, teams, memberships and executives (the "Team managers" group), and assessments, read-only."""
from django.contrib import admin

from assessment import models

from .content import LabelledInline


class MembershipInline(LabelledInline, admin.TabularInline):
    model = models.Membership
    fields = ["user", "role", "source"]
    readonly_fields = ["source"]
    extra = 0


@admin.register(models.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "agency"]
    list_filter = ["agency"]
    search_fields = ["name", "slug", "memberships__user__username"]
    list_select_related = ["agency"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "source"]
    list_filter = ["role", "source", "team__agency", "team"]
    readonly_fields = ["source"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team__name"]
    list_select_related = ["user", "team"]


@admin.register(models.Executive)
class ExecutiveAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "source"]
    list_filter = ["agency", "source"]
    readonly_fields = ["source"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "agency"]


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: assessments change only through the app, whose services keep scores and history right."""

    list_display = ["title", "team", "questionnaire", "status", "created_at", "submitted_at"]
    list_filter = ["status", "team__agency", "team", "questionnaire"]
    search_fields = ["title", "team__name"]
    list_select_related = ["team", "questionnaire"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
