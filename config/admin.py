"""The admin site: Django's, with people shown by name in its autocomplete pickers.

Installed as `config.admin.AdminConfig` in place of "django.contrib.admin", so
`admin.site` (and every `@admin.register`) is this site.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class PeopleAutocompleteView(AutocompleteJsonView):
    """A user reads "Ana Engineer (ana)" in the results, as in the field once picked; other objects as before."""

    def serialize_result(self, obj, to_field_name):
        from django.contrib.auth import get_user_model  # not at import: this module loads with the apps

        from assessment.presentation import person_label

        result = super().serialize_result(obj, to_field_name)  # type: ignore[misc]  # not in django-stubs
        if isinstance(obj, get_user_model()):
            result["text"] = person_label(obj)
        return result


class AdminSite(admin.AdminSite):
    site_header = "ML Readiness administration"
    site_title = "ML Readiness admin"

    def autocomplete_view(self, request):
        return PeopleAutocompleteView.as_view(admin_site=self)(request)


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin.AdminSite"
