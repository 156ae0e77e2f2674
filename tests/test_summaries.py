"""Stored assessment summaries: written at submit and on content changes, equal to live figures."""

import io

import pytest
from django.core.management import call_command

from assessment import models
from assessment.selectors.summaries import assessment_summaries, summaries_compute
from assessment.services.versions import version_content_changed

from .admin_forms import form_data
from .results_helpers import all_answers, submitted_assessment

pytestmark = pytest.mark.django_db


def _submitted():
    return list(
        models.Assessment.objects.filter(status=models.Assessment.SUBMITTED)
        .select_related("questionnaire")
        .order_by("pk")
    )


def test_it_stores_the_same_figures_as_computed_for_every_demo_assessment(
    settings, tmp_path, demo_questionnaire_version
):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    assessments = _submitted()
    assert len(assessments) >= 6
    assert models.AssessmentSummary.objects.count() == len(assessments)
    stored = assessment_summaries(assessments)
    fresh = summaries_compute(assessments)
    for assessment in assessments:
        assert stored[assessment.pk] == fresh[assessment.pk], assessment.title
        row = models.AssessmentSummary.objects.get(pk=assessment.pk)
        assert (row.score, row.level, row.completeness) == (
            fresh[assessment.pk].score.score,
            fresh[assessment.pk].score.level,
            fresh[assessment.pk].score.completeness,
        )
        areas = dict(models.AreaSummary.objects.filter(summary=row).values_list("area_key", "level"))
        assert areas == {a.area_key: a.level for a in fresh[assessment.pk].score.areas}
        now_steps = sorted(models.SummaryStep.objects.filter(summary=row).values_list("question_key", "level"))
        assert now_steps == sorted(
            (item.question_key, level)
            for item in fresh[assessment.pk].roadmap
            if item.phase == "now"
            for level in item.steps
        )
    # The demo's teams are grouped in divisions.
    assert set(models.Team.objects.values_list("division__name", flat=True)) == {
        "Service Delivery",
        "Integrity and Compliance",
    }


def test_the_recompute_command_is_idempotent(team, member, questionnaire_version):
    submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version))
    before = list(models.AreaSummary.objects.order_by("area_key").values_list("area_key", "score", "level"))
    out = io.StringIO()
    call_command("recompute_summaries", stdout=out)
    call_command("recompute_summaries", stdout=out)
    assert "Recomputed the summaries of 1 submitted assessment(s)." in out.getvalue()
    assert models.AssessmentSummary.objects.count() == 1
    assert list(models.AreaSummary.objects.order_by("area_key").values_list("area_key", "score", "level")) == before


def test_drafts_have_no_stored_summary_and_are_computed_live(team, member, questionnaire_version):
    from assessment.services.assessments import assessment_create

    draft = assessment_create(team=team, version=questionnaire_version, title="Draft", user=member)
    assert not models.AssessmentSummary.objects.exists()
    draft = models.Assessment.objects.select_related("questionnaire").get(pk=draft.pk)
    assert assessment_summaries([draft])[draft.pk].score.answered == 0


def test_a_content_change_rewrites_the_stored_figures_in_its_transaction(team, member, questionnaire_version):
    assessment = submitted_assessment(team, member, questionnaire_version, {"model-versions": ("choice", 2)})
    row = models.AreaSummary.objects.get(summary_id=assessment.pk, area_key="models")
    assert row.level == 2.0
    # An editor moves the chosen answer to the top of the scale (level 2 becomes level 5).
    choice = models.Choice.objects.get(
        question__key="model-versions", level=2, question__area__questionnaire=questionnaire_version
    )
    models.Choice.objects.filter(question=choice.question, level=5).delete()
    models.Choice.objects.filter(pk=choice.pk).update(level=5)
    version_content_changed(questionnaire_version)
    assert models.AreaSummary.objects.get(summary_id=assessment.pk, area_key="models").level == 5.0


def _fresh_tallies():
    """Per (agency, division, version): the tallies counted from freshly computed figures of each team's
    latest submitted assessment, with no stored row read."""
    latest = {}
    for assessment in _submitted():
        best = latest.get(assessment.team_id)
        if best is None or (assessment.submitted_at, assessment.pk) > (best.submitted_at, best.pk):
            latest[assessment.team_id] = assessment
    fresh = summaries_compute(list(latest.values()))
    teams = {t.pk: (t.agency_id, t.division_id) for t in models.Team.objects.all()}
    tallies: dict = {}

    def add(key, teams_n=1, now=0, score=0.0):
        key = key if len(key) == 7 else (*key, "")  # the answer counted: agency-owned questions' only
        old = tallies.get(key, (0, 0, 0.0))
        tallies[key] = (old[0] + teams_n, old[1] + now, old[2] + score)

    for team_id, assessment in latest.items():
        agency_id, division_id = teams[team_id]
        where = (agency_id, division_id, assessment.questionnaire_id)
        summary = fresh[assessment.pk]
        for area in summary.score.areas:
            if area.score is not None:
                add((*where, "area", area.area_key, 0), score=area.score)
        in_now: dict[str, bool] = {}
        questions_in_now = set()
        for item in summary.roadmap:
            if item.phase == "now":
                for level in item.steps:
                    add((*where, "step", item.question_key, level))
                    questions_in_now.add(item.question_key)
            for key in item.practices:
                in_now[key] = in_now.get(key, False) or item.phase == "now"
        for key, now in in_now.items():
            add((*where, "practice", key, 0), now=int(now))
        for key in questions_in_now:  # once per team, whatever its number of steps of the question
            add((*where, "question", key, 0))
        for tag in summary.tags:  # format 2: the answered tags, a team each
            add((*where, "tag", tag, 0))
        for answer in summary.agency_answers:  # format 2: each agency-owned question's answer
            add((*where, "agency", answer.question_key, answer.level or 0, answer.answer), now=int(answer.agency_step))
    return tallies


def _stored_tallies():
    return {
        (a, d, v, kind, key, level, answer): (teams, now, total)
        for a, d, v, kind, key, level, answer, teams, now, total in models.DivisionTally.objects.values_list(
            "agency_id",
            "division_id",
            "questionnaire_id",
            "kind",
            "key",
            "level",
            "answer",
            "teams",
            "now",
            "score_sum",
        )
    }


def _division_view(agency):
    from django.core.cache import cache

    from assessment.selectors.portfolio import PortfolioScope, agency_portfolio

    cache.clear()  # computed, not kept
    portfolio = agency_portfolio(PortfolioScope(agency=agency))
    return [
        (
            group.version.pk,
            [(r.pk, r.teams, r.submitted, r.overall.level, [c.level for c in r.cells]) for r in group.divisions],
            [(m.area.id, m.level, m.teams) for m in group.weakest_areas],
            [(q.question.id, q.teams, [(s.level, s.teams) for s in q.steps]) for q in group.top_now_questions],
            [(p.practice.id, p.now, p.teams) for p in group.top_practices],
        )
        for group in portfolio.groups
    ]


def test_it_stores_division_tallies_equal_to_fresh_figures_for_every_demo_team(
    settings, tmp_path, demo_questionnaire_version
):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    fresh, stored = _fresh_tallies(), _stored_tallies()
    assert len(fresh) > 50
    assert stored.keys() == fresh.keys()
    for key, (teams, now, total) in fresh.items():
        assert stored[key][:2] == (teams, now), key
        assert stored[key][2] == pytest.approx(total), key
    # The division view from stored tallies is the one counted live (every basis dropped: nothing is trusted).
    agencies = list(models.Agency.objects.filter(teams__isnull=False).distinct())
    from_stored = [_division_view(agency) for agency in agencies]
    models.DivisionTallyBasis.objects.all().delete()
    assert [_division_view(agency) for agency in agencies] == from_stored
    # And the recompute command counts the same rows again, however often it runs.
    call_command("recompute_summaries", stdout=io.StringIO())
    call_command("recompute_summaries", stdout=io.StringIO())
    assert _stored_tallies() == stored


def test_a_submit_counts_its_division_again_and_a_team_moved_behind_its_back_is_counted_live(
    agency, member, questionnaire_version
):
    from assessment.services.tallies import tallies_store_all
    from assessment.services.teams import team_ensure

    north, south = (models.Division.objects.create(agency=agency, name=name) for name in ("North", "South"))
    teams = [
        models.Team.objects.create(agency=agency, name=f"T{i}", slug=f"t{i}", division=(north, south)[i % 2])
        for i in range(4)
    ]
    for i, team in enumerate(teams):
        submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version, pattern=(i + 1,)))
    assert _stored_tallies() == _fresh_tallies()
    before = _division_view(agency)
    # A move the services never saw (a raw update): the stored counts are stale, the view is not.
    models.Team.objects.filter(pk=teams[0].pk).update(division=south)
    moved = _division_view(agency)
    assert moved != before
    call_command("recompute_summaries", stdout=io.StringIO())
    assert _stored_tallies() == _fresh_tallies()
    assert _division_view(agency) == moved
    # A move through the services counts both divisions again (team_ensure gives a division to a team with none).
    models.Team.objects.filter(pk=teams[1].pk).update(division=None)
    tallies_store_all()
    team_ensure(agency=agency, slug=teams[1].slug, name=teams[1].name, division=north)
    assert _stored_tallies() == _fresh_tallies()


def test_a_team_moved_in_the_admin_takes_its_counts_along(client, admin_user, agency, member, questionnaire_version):
    from django.urls import reverse

    north, south = (models.Division.objects.create(agency=agency, name=name) for name in ("North", "South"))
    team = models.Team.objects.create(agency=agency, name="Mover", slug="mover", division=north)
    submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version, pattern=(3,)))
    assert set(models.DivisionTally.objects.values_list("division_id", flat=True)) == {north.pk}
    client.force_login(admin_user)
    change = reverse("admin:assessment_team_change", args=[team.pk])
    response = client.post(change, {**form_data(client.get(change)), "division": south.pk})
    assert response.status_code == 302
    assert set(models.DivisionTally.objects.values_list("division_id", flat=True)) == {south.pk}
    assert _stored_tallies() == _fresh_tallies()
    assert list(models.DivisionTallyBasis.objects.values_list("division_id", "summaries")) == [(south.pk, 1)]


def _admin_delete(client, model_name, pk):
    from django.urls import reverse

    response = client.post(reverse(f"admin:assessment_{model_name}_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302, response.content[:500]


def test_deleting_a_teams_latest_assessment_in_the_admin_makes_the_one_before_its_latest(
    client, admin_user, agency, member, questionnaire_version
):
    division = models.Division.objects.create(agency=agency, name="North")
    team = models.Team.objects.create(agency=agency, name="Team", slug="team", division=division)
    older = submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version, pattern=(2,)))
    newer = submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version, pattern=(4,)))
    assert models.AssessmentSummary.objects.get(is_latest=True).pk == newer.pk
    client.force_login(admin_user)
    _admin_delete(client, "assessment", newer.pk)
    assert list(models.AssessmentSummary.objects.filter(is_latest=True).values_list("pk", flat=True)) == [older.pk]
    assert models.AreaSummary.objects.filter(is_latest=True).exclude(summary_id=older.pk).count() == 0
    assert models.AreaSummary.objects.filter(summary_id=older.pk, is_latest=False).count() == 0
    assert _stored_tallies() == _fresh_tallies()
    assert models.DivisionTallyBasis.objects.get(division=division).assessment_sum == older.pk


def test_deleting_a_team_or_a_division_in_the_admin_counts_what_is_left_again(
    client, admin_user, agency, member, questionnaire_version
):
    north, south = (models.Division.objects.create(agency=agency, name=name) for name in ("North", "South"))
    teams = [
        models.Team.objects.create(agency=agency, name=f"T{i}", slug=f"t{i}", division=(north, north, south)[i])
        for i in range(3)
    ]
    for i, team in enumerate(teams):
        submitted_assessment(team, member, questionnaire_version, all_answers(questionnaire_version, pattern=(i + 2,)))
    client.force_login(admin_user)
    from django.urls import reverse

    response = client.post(  # the bulk action this time
        reverse("admin:assessment_team_changelist"),
        {"action": "delete_selected", "_selected_action": [teams[0].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not models.Team.objects.filter(pk=teams[0].pk).exists()
    assert _stored_tallies() == _fresh_tallies()
    assert models.DivisionTallyBasis.objects.get(division=north).summaries == 1
    _admin_delete(client, "division", north.pk)  # its team is left without a division
    assert models.Team.objects.get(pk=teams[1].pk).division_id is None
    assert _stored_tallies() == _fresh_tallies()
    assert models.DivisionTallyBasis.objects.get(division=None).summaries == 1
