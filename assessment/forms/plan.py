"""The form of one action of a team's plan. It only checks what was posted; services write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from assessment import models
from assessment.services.plan import (
    DUE_YEAR_MAX,
    DUE_YEAR_MIN,
    ActionConflict,
    ActionInput,
    ActionInvalid,
    action_input_check,
)
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

    # Each field's value as the page showed it, in a hidden `shown_<name>`: a save changes only what
    # this user changed, and a field someone else changed meanwhile is a conflict (services/plan.py).
    SHOWN_PREFIX = "shown_"

    def __init__(self, *args, team: models.Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        for name in list(self.fields):
            value = self.initial.get(name)
            self.fields[self.SHOWN_PREFIX + name] = forms.CharField(
                required=False, strip=False, widget=forms.HiddenInput, initial="" if value is None else str(value)
            )
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

    def shown_input(self) -> ActionInput | None:
        """The action as the page showed it, or None when the post carries none (a script, a page from before)."""
        names = [n for n in self.fields if not n.startswith(self.SHOWN_PREFIX)]
        if not any(self.SHOWN_PREFIX + n in self.data for n in names):
            return None
        values = {}
        for name in names:
            raw = self.data.get(self.SHOWN_PREFIX + name, "")
            try:
                values[name] = self.fields[name].clean(raw)
            except ValidationError:
                values[name] = raw  # tampered with: differs from every stored value, so it counts as changed
        return self.action_input(values)

    def conflict_shown(self, conflict: ActionConflict) -> ActionForm:
        """The form again after `conflict`: what this user changed kept, the rest as stored now, and the
        hidden values as stored now, so saving again knowingly replaces the other person's change."""
        data = dict(self.data.items())
        shown = self.shown_input()
        mine = self.action_input(self.cleaned_data)
        for name, attr in self.INPUT_ATTRS.items():
            now = getattr(conflict.current, attr)
            text = "" if now is None else str(now)
            data[self.SHOWN_PREFIX + name] = text
            if shown is not None and getattr(mine, attr) == getattr(shown, attr):
                data[name] = text
        form = ActionForm(data, team=self.team)
        form.is_valid()
        form.add_error(
            None,
            "Someone else saved this action while you were editing it, so nothing was saved. "
            "The form now shows their version with your changes; check the fields marked and save again.",
        )
        for attr, now in conflict.fields.items():
            name = next(n for n, a in self.INPUT_ATTRS.items() if a == attr)
            form.add_error(
                name, f"Changed meanwhile to “{self._in_words(name, now)}”; yours is shown, save to keep it."
            )
        return form

    def _in_words(self, name: str, value) -> str:
        if value in (None, ""):
            return "(empty)"
        choices = getattr(self.fields[name], "choices", None)
        if choices:
            return str(dict(choices).get(value, value))
        return str(value)

    # Each form field and the ActionInput attribute it fills.
    INPUT_ATTRS = {
        "owner": "owner_id",
        "owner_name": "owner_name",
        "due_date": "due_date",
        "status": "status",
        "wont_do_reason": "wont_do_reason",
        "link": "link",
        "note": "note",
        "title": "title",
    }

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
