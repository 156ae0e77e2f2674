"""Shared fixtures: a small questionnaire, an agency with teams, and users in every role.

Test data is made here, in the test, not by migrations: pytest-django's
live_server flushes tables between tests.
"""

import pytest

from assessment import models
from assessment.sso.discovery import forget_provider_documents
from tests.helpers import DATA, REPO, answer, load_questionnaire_file, make_user, team_user
from tests.results_helpers import EXAMPLE_ANSWERS
from tests.sso_helpers import provider_start, provider_stop, sso_environment, sso_settings_apply

# A test that uses one of these fixtures starts a server (pytest-django's live server, the test
# identity provider), so it is marked `slow`: `pytest -m "not slow"` leaves it out (README "Tests").
SERVER_FIXTURES = {"live_server", "oidc_provider"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def questionnaire_version(db):
    """The small valid questionnaire of tests/data, loaded and published."""
    return load_questionnaire_file(DATA / "good_questionnaire.yaml")


@pytest.fixture
def full_questionnaire_version(db):
    """The product's real seven-area questionnaire: the current content (2026.3, format 2)."""
    return load_questionnaire_file(REPO / "questionnaires" / "public-sector-ml.yaml")


@pytest.fixture
def demo_questionnaire_version(db):
    """What seed_demo needs: 2026.2 (Benefits Analytics' baseline) and the current content, which it returns."""
    load_questionnaire_file(REPO / "questionnaires" / "public-sector-ml-2026.2.yaml")
    return load_questionnaire_file(REPO / "questionnaires" / "public-sector-ml.yaml")


@pytest.fixture
def format2_version(db):
    """The format 2 example of tests/data (every format 2 key), loaded and published."""
    return load_questionnaire_file(DATA / "format2_questionnaire.yaml")


@pytest.fixture
def agency(db):
    return models.Agency.objects.create(name="Test Agency")


@pytest.fixture
def team(agency):
    return models.Team.objects.create(agency=agency, name="Data Platform", slug="data-platform")


@pytest.fixture
def other_team(agency):
    return models.Team.objects.create(agency=agency, name="Other Team", slug="other-team")


@pytest.fixture
def member(team):
    return team_user(team, "member", first_name="Mia", last_name="Member")


@pytest.fixture
def viewer(team):
    return team_user(team, "viewer", models.Membership.VIEWER)


@pytest.fixture
def outsider(other_team):
    """A member of another team of the same agency."""
    return team_user(other_team, "outsider")


@pytest.fixture
def executive(agency):
    user = make_user("executive")
    models.Executive.objects.create(user=user, agency=agency)
    return user


@pytest.fixture
def assessment(team, member, questionnaire_version):
    return models.Assessment.objects.create(
        team=team, questionnaire=questionnaire_version, title="Q1 assessment", created_by=member
    )


@pytest.fixture
def answered(assessment, member):
    """The draft `assessment` with EXAMPLE_ANSWERS (worked by hand in tests/results_helpers.py) and a note."""
    answer(assessment, member, EXAMPLE_ANSWERS, notes={"model-versions": "Registry planned for Q3"})
    return assessment


# The groups the migrations made, with their permissions as (app label, codename): read once
# from the freshly migrated test database, because a live_server test's flush deletes them.
MIGRATED_GROUPS: dict[str, list[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        for group in Group.objects.prefetch_related("permissions__content_type"):
            MIGRATED_GROUPS[group.name] = [(p.content_type.app_label, p.codename) for p in group.permissions.all()]


def migrated_group(name):
    """The group `name` with the permissions the migrations gave it, made again if a flush deleted it."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    if name not in MIGRATED_GROUPS:
        raise LookupError(f"No migration makes a group named {name!r}; the migrated groups: {sorted(MIGRATED_GROUPS)}")
    group, _ = Group.objects.get_or_create(name=name)
    if not group.permissions.exists():
        wanted = Q(pk__in=[])
        for app_label, codename in MIGRATED_GROUPS[name]:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return group


@pytest.fixture
def editor(db):
    """Staff user in the "Questionnaire editors" group (the group comes from a data migration)."""
    user = make_user("editor", first_name="Eli", last_name="Editor", is_staff=True)
    user.groups.add(migrated_group("Questionnaire editors"))
    return user


@pytest.fixture
def team_manager(agency):
    """Staff user in the "Team managers" group, managing the test agency."""
    user = make_user("manager", first_name="Max", last_name="Manager", is_staff=True)
    user.groups.add(migrated_group("Team managers"))
    agency.managers.add(user)
    return user


# --- Single sign-on against the test provider (tests/sso_helpers.py) ----------------------------


@pytest.fixture(scope="session")
def oidc_provider():
    """The real OpenID Connect provider of tests/oidc_provider, started once for the session."""
    provider = provider_start()
    yield provider
    provider_stop(provider)


@pytest.fixture
def sso_on(settings, oidc_provider):
    """Single sign-on on, against the test provider; returns the provider."""
    oidc_provider.setup()
    sso_settings_apply(settings, sso_environment(oidc_provider))
    forget_provider_documents()
    yield oidc_provider
    forget_provider_documents()
