"""Admin of single sign-on: which provider group gives which role, and who signed in through the provider.

Superusers only (no admin group holds these permissions): a mapping can give
admin groups, so whoever edits mappings can grant access to the admin.
"""

from django.contrib import admin

from assessment import models


@admin.register(models.ProviderGroupMapping)
class ProviderGroupMappingAdmin(admin.ModelAdmin):
    list_display = ["claim_value", "team", "role", "executive_agency", "admin_group"]
    list_filter = ["role", "team__agency", "admin_group"]
    search_fields = ["claim_value", "team__name"]
    list_select_related = ["team", "executive_agency", "admin_group"]
    fieldsets = [
        (None, {"fields": ["claim_value"]}),
        ("A role in a team", {"fields": ["team", "role"]}),
        ("Agency-wide and admin roles", {"fields": ["executive_agency", "admin_group"]}),
    ]


@admin.register(models.ProviderIdentity)
class ProviderIdentityAdmin(admin.ModelAdmin):
    """Read-only: written at each sign-in from what the provider asserted."""

    list_display = ["user", "subject", "last_sign_in"]
    search_fields = ["user__username", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "groups", "granted_admin_groups", "granted_staff", "last_sign_in"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
