"""People in the admin: the users' admin, whose search feeds the member and executive pickers.

A team manager never opens the users' list; they reach it only through the
admin's autocomplete (the pickers of Membership and Executive), which searches
by name, user name and email among the people they may pick
(access.users_pickable_by).
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model

from assessment.access import users_pickable_by

User = get_user_model()


def is_autocomplete(request) -> bool:
    match = request.resolver_match
    return match is not None and match.view_name == "admin:autocomplete"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("first_name", "last_name", "username")

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        picks = request.user.has_perm("assessment.add_membership") or request.user.has_perm(
            "assessment.change_membership"
        )
        return obj is None and is_autocomplete(request) and picks

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_autocomplete(request) and not request.user.is_superuser:
            return queryset.filter(pk__in=users_pickable_by(request.user).values("pk"))
        return queryset
