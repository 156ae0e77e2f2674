"""The form of one action of a team's plan. It only checks what was posted; services write."""

from __future__ import annotations

from django import forms

from assessment import models
from assessment.services.plan import DUE_YEAR_MAX, DUE_YEAR_MIN, ActionInput, ActionInvalid, action_input_check
from assessment.validators import link_field, one_line_validator


class ActionForm(forms.Form):
    title = forms.CharField(
        max_length=models.Action.TITLE_MAX_LENGTH,
        required=False,
        label="What to do",
        help_text="A few words an owner can act on. It starts as the first practice of the step; left empty, it stays as it is.",
        validators=[one_line_validator],
        error_messages={
            "max_length": "Shorten the title to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )
    owner = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Owner (team member)",
        help_text="Or name someone outside the app below.",
    )
    owner_name = forms.CharField(
        required=False,
        max_length=200,
        label="Owner outside the app",
        validators=[one_line_validator],
        error_messages={
            "max_length": "Shorten the name to %(limit_value)d characters or fewer (it has %(show_value)d)."
        },
    )
    due_date = forms.DateField(
        required=False,
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Pick the day in the calendar, or type it in the order your browser shows.",
        error_messages={"invalid": f"Enter a real date, between {DUE_YEAR_MIN} and {DUE_YEAR_MAX}."},
    )
    status = forms.ChoiceField(choices=models.Action.STATUS_CHOICES, widget=forms.RadioSelect)
    wont_do_reason = forms.CharField(
        required=False,
        label="Reason for won't do",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=models.Action.REASON_MAX_LENGTH,
        help_text="Required when the status is Won't do.",
        error_messages={
            "max_length": "Shorten the reason to %(limit_value)d characters or fewer (it has %(show_value)d)."
        },
    )
    link = link_field(500, "For example the ticket in your tracker: http:// or https:// only.")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=models.Action.NOTE_MAX_LENGTH,
        error_messages={
            "max_length": "Shorten the note to %(limit_value)d characters or fewer (it has %(show_value)d)."
        },
    )

    def __init__(self, *args, team: models.Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        members = (
            models.Membership.objects.filter(team=team, role=models.Membership.MEMBER)
            .select_related("user")
            .order_by("user__username")
        )
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "Nobody in the app")] + [
            (m.user_id, m.user.get_full_name() or m.user.get_username()) for m in members
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.cleaned_input = action_input_check(self.team, self.action_input(data))
        except ActionInvalid as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))
        return data

    @staticmethod
    def action_input(data) -> ActionInput:
        return ActionInput(
            owner_id=data.get("owner"),
            owner_name=data.get("owner_name", ""),
            due_date=data.get("due_date"),
            status=data.get("status", ""),
            wont_do_reason=data.get("wont_do_reason", ""),
            link=data.get("link", ""),
            note=data.get("note", ""),
            title=data.get("title", ""),
        )

    @classmethod
    def initial_for(cls, action: models.Action, title: str) -> dict:
        """`title`: the action's, or the default of its step when it has none (selectors/plan.py)."""
        return {
            "title": title,
            "owner": action.owner_id,
            "owner_name": action.owner_name,
            "due_date": action.due_date,
            "status": action.status,
            "wont_do_reason": action.wont_do_reason,
            "link": action.link,
            "note": action.note,
        }


class PlanFilterForm(forms.Form):
    """The plan page's filters (a GET form): one of the plan's owners, one status.

    Only the values the page offers are accepted: a made-up owner (a huge user
    id, a NUL in a name) gets an error at the field and never reaches the database.
    """

    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        error_messages={"invalid_choice": "No action of this plan has that owner; choose one from the list."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *models.Action.STATUS_CHOICES],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )

    def __init__(self, data, *, owners: list[tuple[str, str]]):
        super().__init__(data)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "Any owner"), *owners]
