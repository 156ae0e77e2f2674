"""Admin of questionnaire versions: edit, new draft, publish, import and export YAML."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models as db_models
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from assessment import models
from assessment.domain.schema import QuestionnaireInvalid, questionnaire_to_yaml
from assessment.selectors.questionnaires import default_questionnaire_versions, questionnaire_domain
from assessment.services.questionnaires import QuestionnaireConflict
from assessment.services.versions import (
    CREATED,
    IMPORT_MAX_BYTES,
    REPLACED,
    UNCHANGED,
    ImportRefused,
    VersionInvalid,
    questionnaire_import,
    questionnaire_import_preview,
    version_check,
    version_new_draft,
    version_publish,
)

from .content import ContentAdmin, ContentInline, PositiveWeightMixin, web_url_field
from .uploads import UploadAdminMixin, YamlUploadForm, safe_filename, yaml_download

TEXTAREA_SMALL = forms.Textarea(attrs={"rows": 2, "cols": 50})


class ScaleLevelInline(ContentInline, admin.TabularInline):
    model = models.ScaleLevel
    fields = ["level", "name", "description"]
    extra = 0
    formfield_overrides = {db_models.TextField: {"widget": TEXTAREA_SMALL}}


class AreaInlineForm(PositiveWeightMixin, forms.ModelForm):
    pass


class AreaInline(ContentInline, admin.TabularInline):
    model = models.Area
    form = AreaInlineForm
    fields = ["key", "title", "weight", "position"]
    extra = 0
    show_change_link = True


class ProfileQuestionInline(ContentInline, admin.TabularInline):
    """Format 2: the profile, asked before the areas; each question's choices and tags are on its own page."""

    model = models.ProfileQuestion
    fields = ["key", "text", "position"]
    extra = 0
    show_change_link = True
    formfield_overrides = {db_models.TextField: {"widget": TEXTAREA_SMALL}}
    verbose_name_plural = "profile questions (format 2; open one to edit its choices and tags)"


class PracticeInline(ContentInline, admin.TabularInline):
    """A compact list: a questionnaire has dozens of practices, each edited on its own page."""

    model = models.Practice
    readonly_fields = ("key", "title", "effort", "position")
    fields = readonly_fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = "practices (open one to edit it, its references and requires)"

    def has_add_permission(self, request, obj=None):
        return False


class QuestionnaireVersionForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        web_url_field(self.fields.get("source_url"))


class ImportForm(YamlUploadForm):
    file_label = "Questionnaire file (YAML)"
    file_help = (
        "A file in the questionnaire format, at most 1 MiB. It is checked and previewed before anything is saved."
    )


ACTION_TEXT = {
    CREATED: "It will be created as a new draft version.",
    REPLACED: "It will replace the content of the existing draft with the same version (no assessment uses it).",
    UNCHANGED: "This exact content is already loaded: importing it changes nothing.",
}


# What the app sets, never the editor: shown in the Status section, read only.
STATUS_FIELDS = [
    "status",
    "usage",
    "published_at",
    "format",
    "loaded_from",
    "content_digest",
    "created_at",
    "updated_at",
]


@admin.register(models.QuestionnaireVersion)
class QuestionnaireVersionAdmin(UploadAdminMixin, ContentAdmin):
    form = QuestionnaireVersionForm
    formfield_overrides = {db_models.URLField: {"widget": forms.URLInput(attrs={"size": 80})}}
    list_display = ["slug", "version", "title", "status", "offered", "published_at", "assessment_total", "updated_at"]
    list_display_links = ["slug", "version"]
    list_filter = ["status", "slug"]
    search_fields = ["slug", "version", "title", "summary"]
    fieldsets = [
        (None, {"fields": ["slug", "version", "title", "summary", "default_target"]}),
        ("Roadmap phases", {"fields": ["phase_now", "phase_next", "budget_now", "budget_next"]}),
        ("Source", {"fields": ["source_title", "source_publisher", "source_url"]}),
        ("Status", {"fields": STATUS_FIELDS}),
    ]
    inlines = [ScaleLevelInline, ProfileQuestionInline, AreaInline, PracticeInline]
    actions = ["new_draft_action", "publish_action", "export_action"]
    ALWAYS_READ_ONLY = ["slug", *STATUS_FIELDS]

    def get_queryset(self, request):
        newer = models.QuestionnaireVersion.objects.filter(
            slug=OuterRef("slug"),
            status=models.QuestionnaireVersion.PUBLISHED,
            published_at__gt=OuterRef("published_at"),
        )
        return (
            super().get_queryset(request).annotate(assessment_count=Count("assessments"), newer_published=Exists(newer))
        )

    @admin.display(description="new assessments start with it", boolean=True)
    def offered(self, obj):
        return obj.status == models.QuestionnaireVersion.PUBLISHED and not obj.newer_published

    def get_readonly_fields(self, request, obj=None):
        return self.ALWAYS_READ_ONLY

    @admin.display(description="assessments", ordering="assessment_count")
    def assessment_total(self, obj):
        return obj.assessment_count

    @admin.display(description="use")
    def usage(self, obj):
        default = obj in default_questionnaire_versions()
        used = obj.assessments.count()
        parts = [f"Used by {used} assessment(s)" + (" — locked: its content cannot change." if used else ".")]
        parts.append("New assessments start with this version." if default else "Not offered to new assessments.")
        return " ".join(parts)

    # Versions are made by importing a file or copying a version, never from an empty form.
    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        obj.delete()  # the whole version goes; nothing left to check

    # -- extra pages

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="assessment_questionnaireversion_import"),
            path("<int:version_id>/export.yaml", wrap(self.export_view), name="assessment_questionnaireversion_export"),
            path(
                "<int:version_id>/new-draft/",
                wrap(self.new_draft_view),
                name="assessment_questionnaireversion_new_draft",
            ),
            path("<int:version_id>/publish/", wrap(self.publish_view), name="assessment_questionnaireversion_publish"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["may_copy"] = self.user_may(request, "add")
            context["may_publish"] = (
                self.user_may(request, "change") and obj.status == models.QuestionnaireVersion.DRAFT
            )
            if obj.status == models.QuestionnaireVersion.DRAFT and request.method == "GET":
                check = version_check(obj)
                context["version_problems"] = check.problems
                context["version_unfinished"] = check.unfinished
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.user_may(request, "add")}
        return super().changelist_view(request, extra_context)

    def _version(self, request, version_id, action="view"):
        if not self.user_may(request, action) and not (action == "view" and self.user_may(request, "change")):
            raise PermissionDenied
        return get_object_or_404(models.QuestionnaireVersion, pk=version_id)

    def export_view(self, request, version_id):
        version = self._version(request, version_id)
        return _yaml_download(version)

    def new_draft_view(self, request, version_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_change", args=[version_id]))
        version = self._version(request, version_id, "add")
        draft = self._make_draft(request, version)
        target = draft.pk if draft is not None else version.pk
        return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_change", args=[target]))

    def publish_view(self, request, version_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_change", args=[version_id]))
        version = self._version(request, version_id, "change")
        self._publish(request, version)
        return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_change", args=[version.pk]))

    def _make_draft(self, request, version):
        try:
            draft = version_new_draft(version)
        except VersionInvalid as error:
            for problem in error.problems:
                messages.error(request, problem)
            return None
        self.log_addition(request, draft, f"New draft version copied from {version.version}")
        messages.success(
            request,
            f'Draft "{draft.version}" created as a copy of "{version.version}". Edit it (you may rename the '
            "version), then use Publish to offer it to new assessments.",
        )
        return draft

    def _publish(self, request, version) -> bool:
        try:
            version_publish(version)
        except VersionInvalid as error:
            messages.error(request, f'"{version.slug} {version.version}" was not published. Fix these first:')
            for problem in error.problems:
                messages.error(request, problem)
            return False
        self.log_change(request, version, "Published")
        note = ""
        if "draft" in version.version:
            note = f' Its version string still says "{version.version}"; versions are shown on every report.'
        messages.success(
            request,
            f'"{version.slug} {version.version}" is published: new assessments start with it. '
            f"Existing assessments keep their own version and scores.{note}",
        )
        return True

    # -- actions

    @admin.action(description="New draft version (editable copy) of the selected versions", permissions=["add_copy"])
    def new_draft_action(self, request, queryset):
        drafts = [draft for draft in (self._make_draft(request, version) for version in queryset) if draft]
        if len(drafts) == 1:
            return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_change", args=[drafts[0].pk]))
        return None

    def has_add_copy_permission(self, request):
        return self.user_may(request, "add")

    @admin.action(description="Publish the selected drafts (new assessments start with them)", permissions=["change"])
    def publish_action(self, request, queryset):
        for version in queryset:
            if version.status == models.QuestionnaireVersion.PUBLISHED:
                messages.info(request, f'"{version.slug} {version.version}" is already published.')
            else:
                self._publish(request, version)

    @admin.action(description="Export the selected version as YAML", permissions=["view"])
    def export_action(self, request, queryset):
        versions = list(queryset[:2])
        if len(versions) != 1:
            messages.error(request, "Select exactly one version to export: each version is one file.")
            return None
        return _yaml_download(versions[0])

    # -- import

    def import_view(self, request):
        if not self.user_may(request, "add"):
            raise PermissionDenied
        context = self.import_context(request, "Import a questionnaire file")
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request, context)
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            filename = safe_filename(upload.name)
            data = upload.read(IMPORT_MAX_BYTES + 1)
            return self._import_preview(request, context, data, filename, form)
        return TemplateResponse(request, "admin/assessment/questionnaireversion/import.html", {**context, "form": form})

    def _import_preview(self, request, context, data: bytes, filename: str, form):
        try:
            preview = questionnaire_import_preview(data, filename)
        except QuestionnaireInvalid as error:
            return TemplateResponse(
                request,
                "admin/assessment/questionnaireversion/import.html",
                {**context, "form": form, "filename": filename, "problems": [str(p) for p in error.problems]},
            )
        except (QuestionnaireConflict, ImportRefused) as error:
            return TemplateResponse(
                request,
                "admin/assessment/questionnaireversion/import.html",
                {**context, "form": form, "filename": filename, "problems": [f"{filename}: {error}"]},
            )
        return TemplateResponse(
            request,
            "admin/assessment/questionnaireversion/import_preview.html",
            {
                **context,
                "title": "Check before importing",
                "preview": preview,
                "filename": filename,
                "action_text": ACTION_TEXT[preview.action],
                "content": base64.b64encode(data).decode("ascii"),
            },
        )

    def _import_confirm(self, request, context):
        filename = safe_filename(request.POST.get("filename", ""))
        try:
            data = base64.b64decode(request.POST.get("content", ""), validate=True)
        except (binascii.Error, ValueError):
            messages.error(request, "The file to import was lost on the way. Please upload it again.")
            return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_import"))
        try:  # never trust the posted content: every check runs again
            preview = questionnaire_import_preview(data, filename)
            if preview.action != request.POST.get("expected_action"):
                messages.warning(request, "The database changed since the preview. Please check this new preview.")
                return self._import_preview(request, context, data, filename, ImportForm())
            result = questionnaire_import(data, filename)
        except (QuestionnaireInvalid, QuestionnaireConflict, ImportRefused):
            return self._import_preview(request, context, data, filename, ImportForm())
        q, version = result.questionnaire, result.outcome.version
        assert version is not None  # an import, unlike its preview, always stores the version
        if result.action == UNCHANGED:
            messages.info(
                request, f'"{q.slug} {q.version}" is already loaded with this exact content; nothing changed.'
            )
        else:
            self.log_addition(request, version, f"Imported from {filename} ({result.action})")
            messages.success(
                request,
                f'Imported "{q.slug} {q.version}" from {filename} as a draft ({result.action}). '
                "Review it, then use Publish to offer it to new assessments.",
            )
        return HttpResponseRedirect(reverse("admin:assessment_questionnaireversion_change", args=[version.pk]))


def _yaml_download(version: models.QuestionnaireVersion) -> HttpResponse:
    return yaml_download(questionnaire_to_yaml(questionnaire_domain(version)), f"{version.slug}-{version.version}")


__all__ = ["QuestionnaireVersionAdmin"]
