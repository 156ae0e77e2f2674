"""Admin pages of questionnaire content: areas, questions, choices, practices and their links.

Django's admin does not nest inlines, so each level has its page: a version
lists its scale, areas and practices; an area its questions; a question its
choices and practice links; a choice its own practices and needs (the roadmap
keys); a practice its references and `requires`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.db import models as db_models
from django.db.models import Count
from django.utils.text import Truncator

from assessment import models

from .content import ContentAdmin, ContentInline, PositiveWeightMixin, content_version, web_url_field

TEXTAREA_SMALL = forms.Textarea(attrs={"rows": 2, "cols": 60})


def _editable_versions():
    """Versions whose content may change: those no assessment uses."""
    return models.QuestionnaireVersion.objects.annotate(used=Count("assessments")).filter(used=0)


class PracticeChoiceField(forms.ModelChoiceField):
    """A practice named with its version, since the same key is in every version."""

    def label_from_instance(self, obj):
        return f"{obj.key} ({obj.questionnaire.slug} {obj.questionnaire.version})"


class _QuestionChoiceField(forms.ModelChoiceField):
    """A question named with its version, since the same key is in every version."""

    def label_from_instance(self, obj):
        return f"{obj.key} ({obj.area.questionnaire.slug} {obj.area.questionnaire.version})"


@dataclass(frozen=True)
class _VersionPicker:
    """A drop-down of one kind of content (practices, questions) limited to one questionnaire version."""

    model: type[db_models.Model]
    version_field: str  # the lookup from the picked model to its version
    form_class: type[forms.ModelChoiceField]
    ordering: tuple[str, ...]

    def arguments(self, version) -> dict:
        """formfield_for_foreignkey arguments for content in `version` (a row or its pk; editable versions when None)."""
        queryset = self.model._default_manager.select_related(self.version_field)
        if version is not None:
            queryset = queryset.filter(**{self.version_field: version})
        else:
            queryset = queryset.filter(**{f"{self.version_field}__in": _editable_versions()})
        return {"queryset": queryset.order_by(*self.ordering), "form_class": self.form_class}


PRACTICE_PICKER = _VersionPicker(
    models.Practice, "questionnaire", PracticeChoiceField, ("questionnaire__slug", "questionnaire__version", "key")
)
QUESTION_PICKER = _VersionPicker(
    models.Question, "area__questionnaire", _QuestionChoiceField, ("area__position", "position", "id")
)


class ShortTextMixin:
    """A list column with the first 80 characters of the row's text."""

    @admin.display(description="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(80)


class WeightForm(PositiveWeightMixin, forms.ModelForm):
    pass


# --- Inlines -------------------------------------------------------------------


class QuestionInline(ContentInline, admin.TabularInline):
    model = models.Question
    form = WeightForm
    fields = ["key", "text", "weight", "not_applicable", "foundation", "position"]
    extra = 0
    show_change_link = True
    formfield_overrides = {db_models.TextField: {"widget": TEXTAREA_SMALL}}


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        area = getattr(self.instance, "area", None) if self.instance.area_id else None
        if area is None:
            return
        scale = list(
            models.ScaleLevel.objects.filter(questionnaire_id=area.questionnaire_id).values_list("level", flat=True)
        )
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            level = form.cleaned_data.get("level")
            if level is None:
                continue
            if scale and level not in scale:
                form.add_error("level", f"Level {level} is not on the scale ({min(scale)}-{max(scale)}).")
            elif level in seen:
                form.add_error("level", f"Level {level} is used by another choice of this question.")
            seen.add(level)


class ChoiceInline(ContentInline, admin.TabularInline):
    model = models.Choice
    formset = ChoiceInlineFormSet
    fields = ["level", "text", "stage", "own_practices"]
    extra = 0
    show_change_link = True  # the choice's page edits its practices and needs
    formfield_overrides = {db_models.TextField: {"widget": TEXTAREA_SMALL}}


class SameVersionLinkFormSet(forms.BaseInlineFormSet):
    """Links must point at a practice of the same version as the owner."""

    link_field = "practice"

    def owner_version_id(self):
        raise NotImplementedError

    def clean(self):
        super().clean()
        version_id = self.owner_version_id()
        if version_id is None:
            return
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            practice = form.cleaned_data.get(self.link_field)
            if practice is not None and practice.questionnaire_id != version_id:
                form.add_error(self.link_field, f'Practice "{practice.key}" belongs to another questionnaire version.')


class QuestionPracticeFormSet(SameVersionLinkFormSet):
    def owner_version_id(self):
        return self.instance.area.questionnaire_id if self.instance.area_id else None


class PracticeRequirementFormSet(SameVersionLinkFormSet):
    link_field = "required"

    def owner_version_id(self):
        return self.instance.questionnaire_id

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            required = form.cleaned_data.get("required")
            if required is not None and required.pk == self.instance.pk:
                form.add_error("required", "A practice cannot require itself.")


class _VersionPickerInline(ContentInline):
    """Its `picked_fields` offer only the `picker`'s content of the owner's version (of editable versions on an add page)."""

    picker: _VersionPicker
    picked_fields: tuple[str, ...]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.picked_fields:
            # The version of the object this page edits; None on an add page.
            kwargs.update(self.picker.arguments(content_version(self.parent_obj)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _PracticeChoiceInline(_VersionPickerInline):
    """Links to practices, offering only those of the owner's version."""

    picker = PRACTICE_PICKER
    picked_fields = ("practice", "required")
    fields = ["practice", "position"]
    extra = 0


class QuestionPracticeInline(_PracticeChoiceInline, admin.TabularInline):
    model = models.QuestionPractice
    formset = QuestionPracticeFormSet
    verbose_name = "practice that closes a gap here"
    verbose_name_plural = "practices (links to the roadmap)"


class ChoicePracticeFormSet(SameVersionLinkFormSet):
    def owner_version_id(self):
        choice = self.instance
        return choice.question.area.questionnaire_id if choice.question_id else None


class ChoicePracticeInline(_PracticeChoiceInline, admin.TabularInline):
    model = models.ChoicePractice
    formset = ChoicePracticeFormSet
    verbose_name = "practice that moves a team to this level"
    verbose_name_plural = "practices of this choice (replace the question's)"


class ChoiceNeedFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        choice = self.instance
        if not choice.question_id:
            return
        version_id = choice.question.area.questionnaire_id
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            needed = form.cleaned_data.get("question")
            if needed is not None and needed.area.questionnaire_id != version_id:
                form.add_error("question", f'Question "{needed.key}" belongs to another questionnaire version.')


class ChoiceNeedInline(_VersionPickerInline, admin.TabularInline):
    model = models.ChoiceNeed
    formset = ChoiceNeedFormSet
    fk_name = "choice"
    picker = QUESTION_PICKER
    picked_fields = ("question",)
    fields = ["question", "level", "position"]
    extra = 0
    verbose_name = "need (another question at a level first)"
    verbose_name_plural = "needs"


class PracticeRequirementInline(_PracticeChoiceInline, admin.TabularInline):
    model = models.PracticeRequirement
    formset = PracticeRequirementFormSet
    fk_name = "practice"
    fields = ["required", "position"]
    verbose_name = "required practice (comes first)"
    verbose_name_plural = "requires"


class PracticeReferenceForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        web_url_field(self.fields.get("url"))


class PracticeReferenceInline(ContentInline, admin.TabularInline):
    model = models.PracticeReference
    form = PracticeReferenceForm
    fields = ["title", "url", "position"]
    extra = 0
    formfield_overrides = {db_models.URLField: {"widget": forms.URLInput(attrs={"size": 60})}}


# --- Areas, questions, practices ----------------------------------------------


class AreaForm(PositiveWeightMixin, forms.ModelForm):
    pass


class VersionPartAdmin(ContentAdmin):
    """Admin of something that belongs straight to a version (an area, a practice).

    The version is chosen when the thing is added, among the versions still
    editable, and cannot change afterwards.
    """

    def get_readonly_fields(self, request, obj=None):
        return ["questionnaire"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":
            kwargs["queryset"] = _editable_versions()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Area)
class AreaAdmin(VersionPartAdmin):
    form = AreaForm
    list_display = ["key", "title", "weight", "position", "questionnaire"]
    list_filter = ["questionnaire__slug", "questionnaire__status", "questionnaire"]
    search_fields = ["key", "title", "summary"]
    list_select_related = ["questionnaire"]
    fields = ["questionnaire", "key", "title", "summary", "weight", "applies_when", "position"]
    inlines = [QuestionInline]


class QuestionForm(PositiveWeightMixin, forms.ModelForm):
    pass


@admin.register(models.Question)
class QuestionAdmin(ShortTextMixin, ContentAdmin):
    form = QuestionForm
    list_display = ["key", "short_text", "area", "version", "weight", "choice_count"]
    list_filter = ["area__questionnaire__slug", "area__questionnaire", "area__key", "not_applicable"]
    search_fields = ["key", "text", "help", "area__key", "area__title"]
    list_select_related = ["area__questionnaire"]
    fields = [
        "area",
        "key",
        "text",
        "help",
        "weight",
        "not_applicable",
        "foundation",
        "applies_when",
        "foundation_when",
        "owner",
        "position",
    ]
    inlines = [ChoiceInline, QuestionPracticeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(choice_total=Count("choices"))

    @admin.display(description="version", ordering="area__questionnaire__version")
    def version(self, obj):
        return f"{obj.area.questionnaire.slug} {obj.area.questionnaire.version}"

    @admin.display(description="choices", ordering="choice_total")
    def choice_count(self, obj):
        return obj.choice_total

    def get_changeform_initial_data(self, request):
        return {"area": request.GET.get("area")} if request.GET.get("area") else {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._question_being_edited = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            editing = getattr(request, "_question_being_edited", None)
            if editing is not None:  # a question may move between areas of its own version only
                kwargs["queryset"] = models.Area.objects.filter(questionnaire_id=editing.area.questionnaire_id)
            else:
                kwargs["queryset"] = models.Area.objects.filter(questionnaire__in=_editable_versions())
            kwargs["queryset"] = kwargs["queryset"].select_related("questionnaire")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda a: (
                f"{a.key}: {a.title} ({a.questionnaire.slug} {a.questionnaire.version})"
            )
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Choice)
class ChoiceAdmin(ShortTextMixin, ContentAdmin):
    """A choice's roadmap keys: stage, its own practices and its needs (the loader's rules apply on save)."""

    list_display = ["question", "level", "short_text", "stage", "own_practices"]
    list_filter = ["question__area__questionnaire"]
    search_fields = ["text", "question__key"]
    list_select_related = ["question__area__questionnaire"]
    fields = ["question", "level", "text", "stage", "own_practices"]
    readonly_fields = ["question"]
    inlines = [ChoicePracticeInline, ChoiceNeedInline]

    def has_add_permission(self, request):
        return False  # choices are added on their question's page


class ProfileChoiceInline(ContentInline, admin.TabularInline):
    model = models.ProfileChoice
    fields = ["key", "text", "tags", "position"]
    extra = 0
    formfield_overrides = {db_models.TextField: {"widget": TEXTAREA_SMALL}}
    verbose_name = "choice (and the tags it gives the team)"
    verbose_name_plural = "choices"


@admin.register(models.ProfileQuestion)
class ProfileQuestionAdmin(ShortTextMixin, VersionPartAdmin):
    """Format 2: a profile question and its choices with their tags (the loader's rules apply on save)."""

    list_display = ["key", "short_text", "position", "questionnaire"]
    list_filter = ["questionnaire__slug", "questionnaire"]
    search_fields = ["key", "text", "help"]
    list_select_related = ["questionnaire"]
    fields = ["questionnaire", "key", "text", "help", "position"]
    inlines = [ProfileChoiceInline]


class PracticeForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        web_url_field(self.fields.get("url"))


@admin.register(models.Practice)
class PracticeAdmin(VersionPartAdmin):
    form = PracticeForm
    formfield_overrides = {db_models.URLField: {"widget": forms.URLInput(attrs={"size": 80})}}
    list_display = ["key", "title", "effort", "questionnaire"]
    list_filter = ["questionnaire__slug", "questionnaire", "effort"]
    search_fields = ["key", "title", "summary", "note", "url"]
    list_select_related = ["questionnaire"]
    fields = ["questionnaire", "key", "title", "summary", "url", "note", "effort", "position"]
    inlines = [PracticeReferenceInline, PracticeRequirementInline]

    def get_deleted_objects(self, objs, request):
        """A practice still named by a question, a choice or another practice's `requires` is not deleted.

        A file that drops a practice still named is refused ("names unknown practice"); deleting
        it here would instead drop those names unseen and change the roadmap. Each is listed, to
        take the practice out of first; the confirm button is not offered.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *practice_namers(objs)]


def practice_namers(practices) -> list[str]:
    """What names these practices, as the delete page lists it: where to take each practice out first."""
    keys = {practice.pk: practice.key for practice in practices}
    named = [
        f'question "{link.question.key}" lists practice "{keys[link.practice_id]}" among its practices: take it out '
        "there first"
        for link in models.QuestionPractice.objects.filter(practice__in=keys).select_related("question")
    ]
    named += [
        f'choice {link.choice.level} of question "{link.choice.question.key}" lists practice '
        f'"{keys[link.practice_id]}": take it out on the choice\'s page first'
        for link in models.ChoicePractice.objects.filter(practice__in=keys).select_related("choice__question")
    ]
    named += [
        f'practice "{link.practice.key}" requires practice "{keys[link.required_id]}": take it out of its '
        "requires first"
        for link in models.PracticeRequirement.objects.filter(required__in=keys)
        .exclude(practice__in=keys)
        .select_related("practice")
    ]
    return named


__all__ = ["AreaAdmin", "ChoiceAdmin", "PracticeAdmin", "ProfileQuestionAdmin", "QuestionAdmin"]
