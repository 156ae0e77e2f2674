"""People in the admin: the users' admin, whose search feeds the member and executive pickers, and
"Add a person" (a user and their membership in one form, for a team manager).

A team manager never opens the users' list; they reach it only through the
admin's autocomplete (the pickers of Membership and Executive), which searches
by name, user name and email among the people they may pick
(access.users_pickable_by).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment import models
from assessment.access import agencies_managed_by, users_pickable_by
from assessment.services.teams import person_add
from assessment.validators import one_line_validator

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


# --- Adding a person: a user and their membership of one of the manager's teams, in one form --------


class PersonAddForm(forms.Form):
    team = forms.ModelChoiceField(queryset=models.Team.objects.none(), help_text="One of the teams you manage.")
    role = forms.ChoiceField(choices=models.Membership.ROLE_CHOICES, initial=models.Membership.MEMBER)
    first_name = forms.CharField(max_length=150, validators=[one_line_validator])
    last_name = forms.CharField(max_length=150, validators=[one_line_validator])
    email = forms.EmailField(max_length=254)
    username = forms.CharField(
        max_length=150,
        label="User name",
        validators=[UnicodeUsernameValidator()],
        help_text="What they type to log in: letters, digits and @ . + - _ only.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = models.Team.objects.all()  # another agency's team is refused by the view (403)
        team_field.choices = [("", "---------"), *((t.pk, str(t)) for t in teams)]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Someone already has this user name; choose another.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "Someone already has this email address: find them in a team's member picker instead."
            )
        return email


SSO_ONLY = (
    "Passwords are off here (LOCAL_PASSWORDS=0): people sign in through single sign-on, and their first sign-in "
    "creates their account. Then pick them as a member of your team, or map their provider group to it."
)


def person_add_view(model_admin, request):
    """The admin page "Add a person": a team manager's way to bring someone into one of their teams."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    teams = models.Team.objects.filter(agency__in=agencies_managed_by(request.user)).select_related("agency")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Add a person",
        "local_passwords": settings.LOCAL_PASSWORDS,
        "sso_only": SSO_ONLY,
    }
    if not settings.LOCAL_PASSWORDS:
        if request.method == "POST":
            raise PermissionDenied(SSO_ONLY)
        return TemplateResponse(request, "admin/assessment/membership/person_add.html", context)
    data = request.POST if request.method == "POST" else None
    form = PersonAddForm(data, teams=teams, initial={"team": request.GET.get("team", "")[:20]})
    if form.is_bound and form.is_valid():
        team = form.cleaned_data["team"]
        if not teams.filter(pk=team.pk).exists():
            raise PermissionDenied("You do not manage this team: add people only to the teams of your agencies.")
        try:
            user, _membership = person_add(
                team=team,
                role=form.cleaned_data["role"],
                **{name: form.cleaned_data[name] for name in ("username", "first_name", "last_name", "email")},
            )
        except ValidationError as error:  # a user name taken meanwhile: the model's own check, inside the write
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            link = request.build_absolute_uri(
                reverse(
                    "password-set",
                    args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
                )
            )
            context.update(person=user, team=team, link=link, link_days=settings.PASSWORD_RESET_TIMEOUT // 86400)
            return TemplateResponse(request, "admin/assessment/membership/person_added.html", context)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "admin/assessment/membership/person_add.html", {**context, "form": form}, status=status
    )
