"""The one place that decides who may see or change a team's data.

Every view that takes a team or assessment id reaches its object through these
helpers, so team isolation is enforced in one spot. One shape per refusal:

- an outsider (no role in the team, an executive of another agency or division)
  gets a 404, as if the object did not exist;
- someone who may read but not write (a viewer, an executive) gets a 403 from the
  `*_for_member` helpers, which raise PermissionDenied with the reason shown on
  the error page;
- the flags keep one meaning each: `team_for_user` says whether the user is a
  member (may change the team's plan and start assessments); `assessment_for_user`
  says whether the user may change the assessment (a member, while it is a draft).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessment.models import (
    Action,
    Agency,
    ApiToken,
    Assessment,
    Division,
    Executive,
    Membership,
    QuestionnaireVersion,
    Respondent,
    RespondentPanel,
    Team,
)

MEMBERS_ONLY = "Only members of the team can change it. You can read this team's work; ask a member to make changes."


def executive_agency_id(user) -> int | None:
    if not user.is_authenticated:
        return None
    try:
        return user.executive.agency_id
    except Executive.DoesNotExist:
        return None


def executive_division_ids(user) -> frozenset[int] | None:
    """The divisions an executive is limited to; None for the whole agency (and for non-executives)."""
    if executive_agency_id(user) is None:
        return None
    ids = frozenset(user.executive.divisions.values_list("pk", flat=True))
    return ids or None


def executive_scope(user) -> tuple[int, frozenset[int] | None] | None:
    """The agency an executive reads, and the divisions they are limited to (None: all); None if not one."""
    agency_id = executive_agency_id(user)
    if agency_id is None:
        return None
    return agency_id, executive_division_ids(user)


def executive_sees_team(user, team: Team) -> bool:
    if executive_agency_id(user) != team.agency_id:
        return False
    divisions = executive_division_ids(user)
    return divisions is None or team.division_id in divisions


def role_in_team(user, team: Team) -> str | None:
    """'member', 'viewer', 'executive' or None for a user and a team."""
    if not user.is_authenticated:
        return None
    role = Membership.objects.filter(team=team, user=user).values_list("role", flat=True).first()
    if role:
        return role
    if executive_sees_team(user, team):
        return "executive"
    return None


def team_for_user(user, team_id) -> tuple[Team, bool]:
    """The team and whether the user is a member (may write to it); 404 for everyone else."""
    team = get_object_or_404(Team, pk=team_id)
    role = role_in_team(user, team)
    if role is None:
        raise Http404("No such team.")
    return team, role == Membership.MEMBER


def assessment_for_user(user, assessment_id) -> tuple[Assessment, bool]:
    """The assessment and whether the user may change it (members, while it is a draft)."""
    queryset = Assessment.objects.select_related("team", "team__agency", "questionnaire")
    assessment = get_object_or_404(queryset, pk=assessment_id)
    role = role_in_team(user, assessment.team)
    if role is None:
        raise Http404("No such assessment.")
    return assessment, role == Membership.MEMBER and not assessment.is_submitted


def team_for_member(user, team_id, reason: str = MEMBERS_ONLY) -> Team:
    """The team, for a write: 404 for outsiders, 403 (PermissionDenied with `reason`) for its other readers."""
    team, is_member = team_for_user(user, team_id)
    if not is_member:
        raise PermissionDenied(reason)
    return team


def action_for_user(user, team_id, action_id) -> tuple[Action, bool]:
    """An action of the team's plan and whether the user may change it (members); 404 for everyone else."""
    team, can_write = team_for_user(user, team_id)
    action = get_object_or_404(Action.objects.select_related("team", "owner"), pk=action_id, team=team)
    return action, can_write


def assessment_for_member(user, assessment_id, reason: str = MEMBERS_ONLY) -> Assessment:
    """An assessment of a team the user is a member of, draft or submitted (its team's plan is theirs to change);
    404 for outsiders, 403 for the team's other readers."""
    assessment, _may_change = assessment_for_user(user, assessment_id)
    if role_in_team(user, assessment.team) != Membership.MEMBER:
        raise PermissionDenied(reason)
    return assessment


def action_for_member(user, team_id, action_id, reason: str = MEMBERS_ONLY) -> Action:
    """An action of the team's plan, for a write: 404 for outsiders, 403 for the team's other readers."""
    action, is_member = action_for_user(user, team_id, action_id)
    if not is_member:
        raise PermissionDenied(reason)
    return action


def agency_for_executive(user) -> tuple[Agency, frozenset[int] | None]:
    """The executive's agency and the divisions they are limited to (None: all); 404 for anyone else."""
    scope = executive_scope(user)
    if scope is None:
        raise Http404("No such page.")
    agency_id, division_ids = scope
    return get_object_or_404(Agency, pk=agency_id), division_ids


def agency_for_agency_executive(user) -> Agency:
    """The agency of an executive of the whole agency; 404 for anyone else (one limited to divisions too)."""
    agency, division_ids = agency_for_executive(user)
    if division_ids is not None:
        raise Http404("No such page.")
    return agency


def division_for_executive(user, division_id) -> Division:
    """A division of the executive's agency that they see; 404 for anyone else."""
    agency, division_ids = agency_for_executive(user)
    division = get_object_or_404(Division.objects.select_related("agency"), pk=division_id, agency=agency)
    if division_ids is not None and division.pk not in division_ids:
        raise Http404("No such division.")
    return division


def teams_visible_to(user):
    """Teams the user belongs to, plus every team of the agency for an executive."""
    if not user.is_authenticated:
        return Team.objects.none()
    agency_id = executive_agency_id(user)
    if agency_id is not None:
        teams = Team.objects.filter(agency_id=agency_id)
        divisions = executive_division_ids(user)
        return teams if divisions is None else teams.filter(division_id__in=divisions)
    return Team.objects.filter(memberships__user=user).distinct()


def agencies_visible_to(user):
    """The agencies of the teams the user sees (teams_visible_to), and an executive's own agency."""
    if not user.is_authenticated:
        return Agency.objects.none()
    agency_id = executive_agency_id(user)
    if agency_id is not None:
        return Agency.objects.filter(pk=agency_id)
    return Agency.objects.filter(pk__in=teams_visible_to(user).values("agency_id"))


def divisions_visible_to(user):
    """The divisions an executive reads (all of the agency's, or theirs); for others, those of their teams."""
    if not user.is_authenticated:
        return Division.objects.none()
    scope = executive_scope(user)
    if scope is not None:
        agency_id, division_ids = scope
        divisions = Division.objects.filter(agency_id=agency_id)
        return divisions if division_ids is None else divisions.filter(pk__in=division_ids)
    return Division.objects.filter(pk__in=teams_visible_to(user).values("division_id"))


def executive_agency_for_user(user, agency_id) -> tuple[Agency, frozenset[int] | None]:
    """The agency whose portfolio the user reads, and the divisions they are limited to; 404 for all but its executives."""
    scope = executive_scope(user)
    if scope is None or str(scope[0]) != str(agency_id):
        raise Http404("No such agency.")
    return get_object_or_404(Agency, pk=scope[0]), scope[1]


def reads_draft_questionnaires(user) -> bool:
    """Draft content is for the editors (the staff) until it is published, unless an assessment uses it."""
    return user.is_authenticated and user.is_active and user.is_staff


def versions_visible_to(user):
    """The questionnaire versions the user may read: published ones, drafts an assessment uses, all for editors."""
    if not user.is_authenticated:
        return QuestionnaireVersion.objects.none()
    if reads_draft_questionnaires(user):
        return QuestionnaireVersion.objects.all()
    used = Assessment.objects.filter(questionnaire=OuterRef("pk"))
    return QuestionnaireVersion.objects.filter(Q(status=QuestionnaireVersion.PUBLISHED) | Q(Exists(used)))


def version_for_user(user, version_id) -> QuestionnaireVersion:
    """A questionnaire version the user may read (versions_visible_to); 404 for the rest."""
    return get_object_or_404(versions_visible_to(user), pk=version_id)


def api_token_for_user(user, token_id) -> ApiToken:
    """One of the user's own API tokens; 404 for everyone else's."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)


def agencies_managed_by(user):
    """The agencies whose teams, memberships and executives the user manages in the admin.

    Superusers manage every agency; anyone else only the agencies that list them
    in `Agency.managers` (set by a superuser). Being in the "Team managers" group
    gives the admin permissions; this decides where they apply.
    """
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(managers=user)


def users_pickable_by(user):
    """The people a user may pick as a team member or an executive in the admin.

    Superusers pick anyone. A team manager picks the people already in a team or
    an executive role of the agencies they manage, themselves, and the people
    placed nowhere yet (signed in through single sign-on for the first time, or
    made by a superuser) who are active and neither staff nor superusers; never
    the people of another agency (users belong to no agency: their teams say
    where they work).
    """
    users = get_user_model().objects.all()
    if not user.is_authenticated or not user.is_active:
        return users.none()
    if user.is_superuser:
        return users
    agencies = agencies_managed_by(user)
    here = Exists(Membership.objects.filter(user=OuterRef("pk"), team__agency__in=agencies)) | Exists(
        Executive.objects.filter(user=OuterRef("pk"), agency__in=agencies)
    )
    placed = Exists(Membership.objects.filter(user=OuterRef("pk"))) | Exists(
        Executive.objects.filter(user=OuterRef("pk"))
    )
    unplaced = ~placed & Q(is_active=True, is_staff=False, is_superuser=False)
    return users.filter(here | Q(pk=user.pk) | unplaced)


# Who reads an assessment answered by several respondents, as far as its report differs: the PDF of
# a draft is rendered and stored once per audience (StoredReport.audience), never shared between them.
EVERYONE = ""  # no respondents: one report for every reader
SEES_ANSWERS = "answers"  # each submitted respondent's answers, under their names
TEAM_READER = "team"  # the team answers and the agreement figures; levels without names
NOT_SUBMITTED = "not-submitted"  # a respondent who has not submitted: no agreement figures either
AUDIENCES = (EVERYONE, SEES_ANSWERS, TEAM_READER, NOT_SUBMITTED)


@dataclass(frozen=True)
class PanelAccess:
    """What a team member may do on an assessment answered by several respondents."""

    panel: RespondentPanel | None
    respondent: Respondent | None  # the user's own response, if they were asked
    is_lead: bool
    may_see_responses: bool  # each respondent's answers, and the disagreement view

    @property
    def may_see_agreement(self) -> bool:
        """The agreement figures: for everyone but a respondent who has not submitted (they would anchor on them)."""
        return self.respondent is None or self.respondent.has_submitted

    @property
    def audience(self) -> str:
        if self.panel is None:
            return EVERYONE
        if self.may_see_responses:
            return SEES_ANSWERS
        return TEAM_READER if self.may_see_agreement else NOT_SUBMITTED


def panel_access(user, assessment: Assessment) -> PanelAccess:
    """For a user assessment_for_user has already let in.

    Respondents see the others' answers only once they have submitted their own
    (so nobody anchors on a colleague's answer); the lead sees them (after their
    own response, if they are also a respondent); the team's other readers only
    when the lead shares them.
    """
    panel = RespondentPanel.objects.filter(assessment=assessment).first()
    if panel is None:
        return PanelAccess(None, None, False, False)
    respondent = Respondent.objects.filter(assessment=assessment, user=user).first() if user.is_authenticated else None
    own_done = respondent is None or respondent.has_submitted
    is_lead = panel.lead_id == user.pk and role_in_team(user, assessment.team) == Membership.MEMBER
    may_see = own_done and (is_lead or respondent is not None or panel.share_individual_answers)
    return PanelAccess(panel, respondent, is_lead, may_see)
