"""What every admin page of questionnaire content shares: the lock, the checks after a save, history.

Each save of a version or of anything inside it runs in one transaction:
Django saves the form and inlines, then `version_content_changed` bumps the
version, recomputes its digest and checks the whole questionnaire with the
loader's rules. If the edit broke a rule, the transaction is rolled back and
the same form is shown again, with the posted values kept and the problems
listed at the top.

Two editors may have the same draft open. Each change page carries the
version's `updated_at` as it was when the page was shown (`content_stamp`);
a save from a page older than the version's last change is refused the same
way, so one editor's save never silently undoes another's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from assessment import models
from assessment.services.versions import (
    VersionLocked,
    version_content_changed,
    version_ensure_editable,
    version_is_locked,
    version_locked_message,
)

web_url_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter an absolute http(s) URL, e.g. https://docs.aws.amazon.com/...",
    code="not_web_url",
)


CONTENT_STAMP = "content_stamp"


class QuestionnaireRulesBroken(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def content_version(obj) -> models.QuestionnaireVersion | None:
    """The questionnaire version a version, area, practice, question or choice belongs to.

    None while an added one has no parent yet.
    """
    if obj is None or isinstance(obj, models.QuestionnaireVersion):
        return obj
    if isinstance(obj, models.Area | models.Practice | models.ProfileQuestion):
        return obj.questionnaire if obj.questionnaire_id else None
    if isinstance(obj, models.ProfileChoice):
        return obj.question.questionnaire if obj.question_id else None
    if isinstance(obj, models.Question):
        return obj.area.questionnaire if obj.area_id else None
    if isinstance(obj, models.Choice):
        return obj.question.area.questionnaire if obj.question_id else None
    raise TypeError(f"{type(obj).__name__} is not questionnaire content")


def _stamp(updated_at) -> str:
    return updated_at.isoformat() if updated_at is not None else ""


def locked(request, version: models.QuestionnaireVersion | None) -> bool:
    """version_is_locked, asked once per request and version."""
    if version is None or version.pk is None:
        return False
    cache = request.__dict__.setdefault("_versions_locked", {})
    if version.pk not in cache:
        cache[version.pk] = version_is_locked(version)
    return cache[version.pk]


if TYPE_CHECKING:
    # What the mixins below are mixed into, so that their calls to super() and to
    # the form's or inline's attributes are checked.
    _FormBase = forms.ModelForm
    _InlineBase = admin.options.InlineModelAdmin
else:
    _FormBase = _InlineBase = object


class PositiveWeightMixin(_FormBase):
    """Field-level messages for the rules a single field can break."""

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and not weight > 0:
            raise forms.ValidationError(f"Weight must be a positive number such as 1 or 2.5; {weight:g} is not.")
        return weight


def web_url_field(form_field):
    if form_field is not None:
        form_field.validators.append(web_url_validator)
    return form_field


class LabelledInline(_InlineBase):
    """A tabular inline whose inputs carry their own accessible names.

    Django's tabular inlines label columns only through the table header, which
    screen readers do not announce for form fields; each field gets an
    aria-label such as "Level (scale level, row 2)".
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset: type[Any] = super().get_formset(request, obj, **kwargs)
        item = str(self.verbose_name)  # the inline's own name, e.g. "practice that closes a gap here"

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = "new row" if index is None else f"row {index + 1}"
                for name, form_field in form.fields.items():
                    label = "Delete" if name == "DELETE" else (form_field.label or name)
                    # A select with the admin's add/change icons is wrapped: the inner widget renders.
                    widget = getattr(form_field.widget, "widget", form_field.widget)
                    widget.attrs = {**widget.attrs, "aria-label": f"{label} ({item}, {row})"}

        LabelledFormSet.__name__ = formset.__name__
        return LabelledFormSet


class ContentInline(LabelledInline):
    """An inline inside questionnaire content: read-only when its version is locked."""

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_obj = obj  # inline instances are made per request
        return super().get_formset(request, obj, **kwargs)

    def _editable(self, request, obj):
        return obj is None or not locked(request, content_version(obj))

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class ContentAdmin(SimpleHistoryAdmin):
    """Admin of a questionnaire version or something inside one."""

    save_as = False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes go through the delete page, which checks the result
        return actions

    # -- the lock

    def has_change_permission(self, request, obj=None):
        if obj is not None and locked(request, content_version(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and locked(request, content_version(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return False  # history is for reading; "revert" would skip the checks

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Reverting from the history is turned off: edit the fields instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        version = content_version(obj)
        if version is not None and version.pk is not None:
            # Read again: a re-shown form offers the stamp of the content as it is now.
            stamp = models.QuestionnaireVersion.objects.filter(pk=version.pk).values_list("updated_at", flat=True)
            context[CONTENT_STAMP] = _stamp(stamp.first())
        if version is not None and locked(request, version):
            context["version_locked"] = version
            context["version_locked_count"] = version.assessments.count()
            context["version_locked_url"] = reverse("admin:assessment_questionnaireversion_change", args=[version.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # -- saving, checked as a whole

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class: type[Any] = super().get_form(request, obj, change=change, **kwargs)
        problems: list[str] = getattr(request, "_questionnaire_problems", None) or []
        if not problems:
            return form_class

        class FormWithProblems(form_class):
            def clean(self):
                cleaned = super().clean()
                for problem in problems:
                    self.add_error(None, f"Not saved: {problem}")
                return cleaned

        FormWithProblems.__name__ = form_class.__name__
        return FormWithProblems

    def refuse_post_to_locked(self, request, object_id) -> None:
        """A post from a page shown before an assessment started using the version: refused, saying why."""
        if request.method != "POST" or object_id is None:
            return
        version = content_version(self.get_object(request, unquote(object_id)))
        if version is not None and locked(request, version):
            raise PermissionDenied(
                f"Not saved or deleted: {version_locked_message(version)} (An assessment may have started using it "
                "since the page was opened.)"
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self.refuse_post_to_locked(request, object_id)
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except QuestionnaireRulesBroken as broken:
            # Everything was rolled back; show the same form again with the posted values and the problems.
            request._questionnaire_problems = broken.problems
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionLocked as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        version = content_version(obj)
        if version is not None:
            version_ensure_editable(version)
            self.ensure_unchanged_since_shown(request, version)
        original = content_version(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        if original is not None and version is not None and original.pk != version.pk:
            version_ensure_editable(original)
        super().save_model(request, obj, form, change)

    def ensure_unchanged_since_shown(self, request, version):
        """Refuse a save from a page shown before the version's last change (the row is locked by now)."""
        shown = request.POST.get(CONTENT_STAMP)
        if shown is None:
            return  # not from a change page (every one sends it)
        current = models.QuestionnaireVersion.objects.filter(pk=version.pk).values_list("updated_at", flat=True)
        changed_at = current.first()
        if shown != _stamp(changed_at):
            when = f" at {changed_at:%Y-%m-%d %H:%M:%S} UTC" if changed_at else ""
            raise QuestionnaireRulesBroken(
                [
                    f'"{version.slug} {version.version}" was changed{when} by another save since you opened this '
                    "page, so saving would undo that change. Your values are kept below; open the page again "
                    "in a new tab to see the current content, or save this form again to replace it with what "
                    "this form shows"
                ]
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.check_version(request, content_version(form.instance))

    def check_version(self, request, version):
        if version is None:
            return
        check = version_content_changed(version)
        blocking = check.blocking(version)
        if blocking:
            raise QuestionnaireRulesBroken(blocking)
        for item in check.unfinished:
            messages.warning(request, f"To finish before publishing: {item}.")

    # -- deleting, checked as a whole

    def delete_model(self, request, obj):
        version = content_version(obj)
        if version is not None:
            version_ensure_editable(version)
        super().delete_model(request, obj)
        self.check_version(request, version)

    def delete_view(self, request, object_id, extra_context=None):
        self.refuse_post_to_locked(request, object_id)
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except QuestionnaireRulesBroken as broken:
            for problem in broken.problems:
                messages.error(request, f"Not deleted: {problem}.")
        except VersionLocked as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(reverse(f"admin:assessment_{self.opts.model_name}_change", args=[object_id]))
