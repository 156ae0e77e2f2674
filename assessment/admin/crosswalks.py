"""Admin of crosswalk revisions (docs/questionnaire-format.md, section 7): shown per questionnaire version, never
edited in a form; made by importing a file, exported back as YAML, deleted only while no assessment used them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from assessment import models
from assessment.domain.crosswalk_loader import CrosswalkInvalid, crosswalk_to_yaml
from assessment.selectors.crosswalks import crosswalk_domain
from assessment.services.crosswalks import IMPORT_MAX_BYTES, CrosswalkConflict, crosswalk_import

from .uploads import UploadAdminMixin, YamlUploadForm, safe_filename, yaml_download


class CrosswalkImportForm(YamlUploadForm):
    file_label = "Crosswalk file (YAML)"
    file_help = (
        "A crosswalk file (questionnaire, version, revision, frameworks, maps), at most 1 MiB. "
        "It is checked with every rule of the format; nothing is saved if any fails."
    )


@admin.register(models.CrosswalkRevision)
class CrosswalkRevisionAdmin(UploadAdminMixin, admin.ModelAdmin):
    list_display = ["questionnaire", "revision", "framework_total", "evaluation_total", "loaded_from", "created_at"]
    list_filter = ["questionnaire"]
    search_fields = ["revision", "questionnaire__slug", "questionnaire__version"]
    fields = ["questionnaire", "revision", "usage", "loaded_from", "content_digest", "created_at", "frameworks_shown"]
    readonly_fields = (
        "questionnaire",
        "revision",
        "usage",
        "loaded_from",
        "content_digest",
        "created_at",
        "frameworks_shown",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("questionnaire")
            .annotate(evaluation_count=Count("evaluations"))
        )

    @admin.display(description="assessments evaluated", ordering="evaluation_count")
    def evaluation_total(self, obj):
        return obj.evaluation_count

    @admin.display(description="frameworks")
    def framework_total(self, obj):
        return len(obj.content.get("frameworks", []))

    @admin.display(description="use")
    def usage(self, obj):
        used = obj.evaluations.count()
        if used:
            return (
                f"{used} submitted assessment(s) were evaluated with it — locked: a changed file needs a new revision."
            )
        return "No assessment was evaluated with it: importing a changed file under this revision replaces it."

    @admin.display(description="frameworks, items and maps")
    def frameworks_shown(self, obj):
        crosswalk = crosswalk_domain(obj)
        blocks = []
        for framework in crosswalk.frameworks:
            rows = format_html_join(
                "",
                "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        item.id,
                        item.title,
                        ", ".join(item.applies_when) or "every team",
                        "; ".join(
                            f"{m.question_key} at {m.level} ({m.relation})"
                            for m in crosswalk.mappings_by_item.get((framework.id, item.id), ())
                        )
                        or "not covered",
                    )
                    for item in framework.items
                ),
            )
            blocks.append(
                format_html(
                    "<h3>{} {} <small>({})</small></h3><table><thead><tr><th scope='col'>Item</th>"
                    "<th scope='col'>Title</th><th scope='col'>Applies to</th><th scope='col'>Maps</th></tr></thead>"
                    "<tbody>{}</tbody></table>",
                    framework.title,
                    framework.version,
                    framework.id,
                    rows,
                )
            )
        return format_html_join("", "{}", ((block,) for block in blocks))

    # Revisions come from files: never added or edited in a form.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.evaluations.exists():
            return False  # an assessment was evaluated with it (the foreign key protects it too)
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        used = revision.evaluations.count() if revision is not None else 0
        if request.method == "POST" and used:
            # Shown before the first assessment was evaluated with it: refused, saying why.
            raise PermissionDenied(
                f"Not deleted: {used} submitted assessment(s) were evaluated with {revision}, and their frameworks "
                "pages and reports show it. A revision no assessment used can be deleted; load a changed file "
                "under a new revision instead."
            )
        return super().delete_view(request, object_id, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="assessment_crosswalkrevision_import"),
            path("<int:revision_id>/export.yaml", wrap(self.export_view), name="assessment_crosswalkrevision_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.user_may(request, "add")}
        return super().changelist_view(request, extra_context)

    def export_view(self, request, revision_id):
        if not self.user_may(request, "view"):
            raise PermissionDenied
        revision = get_object_or_404(models.CrosswalkRevision.objects.select_related("questionnaire"), pk=revision_id)
        return crosswalk_yaml_download(revision)

    def import_view(self, request):
        if not self.user_may(request, "add"):
            raise PermissionDenied
        context = self.import_context(request, "Import a crosswalk file")
        form = CrosswalkImportForm(request.POST, request.FILES) if request.method == "POST" else CrosswalkImportForm()
        template = "admin/assessment/crosswalkrevision/import.html"
        if not form.is_bound:
            return TemplateResponse(request, template, {**context, "form": form})
        if not form.is_valid():
            return TemplateResponse(request, template, {**context, "form": form}, status=400)
        upload = form.cleaned_data["file"]
        filename = safe_filename(upload.name)
        try:
            outcome, crosswalk, warnings = crosswalk_import(upload.read(IMPORT_MAX_BYTES + 1), filename)
        except CrosswalkInvalid as error:
            problems = [str(problem) for problem in error.problems]
        except CrosswalkConflict as error:
            problems = [f"{filename}: {error}"]
        else:
            for warning in warnings:
                messages.warning(request, str(warning))
            if outcome.revision is not None and outcome.action != "unchanged":
                self.log_addition(request, outcome.revision, f"Imported from {filename} ({outcome.action})")
            messages.success(request, outcome.describe(crosswalk).capitalize() + ".")
            assert outcome.revision is not None  # an import always has its revision stored
            return HttpResponseRedirect(
                reverse("admin:assessment_crosswalkrevision_change", args=[outcome.revision.pk])
            )
        return TemplateResponse(
            request, template, {**context, "form": form, "filename": filename, "problems": problems}, status=400
        )


def crosswalk_yaml_download(revision: models.CrosswalkRevision) -> HttpResponse:
    stem = f"{revision.questionnaire.slug}-{revision.questionnaire.version}-{revision.revision}"
    # The file as it was loaded: its comments and order kept (the stored content is JSON, whose key order
    # PostgreSQL's jsonb does not keep); built from the content only for a revision stored without its text.
    return yaml_download(revision.source_text or crosswalk_to_yaml(crosswalk_domain(revision)), stem)


__all__ = ["CrosswalkRevisionAdmin"]
