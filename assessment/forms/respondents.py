"""Forms of several respondents: the panel and the lead's reconciliation of an area."""

from __future__ import annotations

from django import forms

from assessment import models
from assessment.domain import model as domain
from assessment.forms.assessments import AreaAnswersForm
from assessment.services.respondents import deactivated_words, respondent_name
from assessment.validators import BoundedModelMultipleChoiceField


class ReconcileForm(AreaAnswersForm):
    """The lead's team answers to one area, pre-filled with the respondents' median level.

    `answers` holds what the page starts from (the saved team answer, else the
    suggestion); `saved` the team answers as stored. A suggestion left as it was
    differs from what is saved, so saving the page decides it.
    """

    def __init__(self, *args, saved: dict[str, domain.Answer], **kwargs):
        self.saved = saved
        super().__init__(*args, **kwargs)

    def shown(self, question_id: str) -> str:
        if self.is_bound and f"shown_{question_id}" in self.data:
            return self.data[f"shown_{question_id}"]
        return domain.answer_token(self.saved.get(question_id))


def deactivated_refuse(deactivated, values, *, name, cannot: str) -> None:
    """Refuse, naming them, the rows of `deactivated` (people whose account is deactivated) among the posted ids.

    A choice of people offers active accounts only, so one posted anyway would read as "not one
    of the choices"; this says what is wrong. `name(row)` names a row; `cannot` says what such a
    person cannot do ("lead").
    """
    ids = [str(v) for v in (values if isinstance(values, list | tuple) else [values])]
    ids = [i for i in ids if i.isdigit() and len(i) <= 18]  # the field refuses the others as not a choice
    names = [name(row) for row in deactivated.filter(pk__in=ids)] if ids else []
    if names:
        raise forms.ValidationError(deactivated_words(names, cannot), code="deactivated")


class _MemberChoiceField(BoundedModelMultipleChoiceField):
    """Active team members by name, with their role: "Mia Member (member)"; a deactivated one posted is named."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deactivated = models.Membership.objects.none()  # the team's memberships of deactivated accounts

    def clean(self, value):
        deactivated_refuse(self.deactivated, value, name=lambda m: respondent_name(m.user), cannot="be a respondent")
        return super().clean(value)

    def label_from_instance(self, obj: models.Membership) -> str:
        return f"{respondent_name(obj.user)} ({obj.get_role_display().split(' ')[0].lower()})"


class PanelForm(forms.Form):
    """Who answers on their own, and whether the team's readers see each respondent's answers."""

    respondents = _MemberChoiceField(
        queryset=models.Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Respondents",
        help_text="Each answers every area on their own. They see the others' answers only after submitting theirs.",
        error_messages={
            "required": "Choose at least one respondent.",
            "invalid_choice": "That person is not a member of this team. Choose from the list.",
            "invalid_pk_value": "That person is not a member of this team. Choose from the list.",
        },
    )
    share_individual_answers = forms.BooleanField(
        required=False,
        label="Let viewers and executives see each respondent's answers",
        help_text="Off: they see the team answers and the agreement figures only.",
    )

    def __init__(self, *args, team: models.Team, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["respondents"]
        assert isinstance(field, _MemberChoiceField)
        members = models.Membership.objects.filter(team=team).select_related("user")
        field.deactivated = members.filter(user__is_active=False)
        field.queryset = members.filter(user__is_active=True).order_by(
            "user__first_name", "user__last_name", "user__username"
        )

    def users(self):
        return [membership.user for membership in self.cleaned_data["respondents"]]
