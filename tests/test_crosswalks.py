"""Crosswalk storage (docs/questionnaire-format.md, section 7): loading with the questionnaires, revisions in use
read-only, the revision recorded at submit, per-framework figures stored and recounted."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from assessment import models
from assessment.domain.crosswalk import MET, NOT_COVERED, NOT_MET, TO_VERIFY
from assessment.domain.crosswalk_loader import CrosswalkInvalid
from assessment.selectors.crosswalks import assessment_frameworks, crosswalk_current
from assessment.selectors.results import assessment_results
from assessment.services.crosswalks import CrosswalkConflict, crosswalk_import

from .helpers import REPO
from .results_helpers import submitted_assessment

QUESTIONNAIRE = REPO / "questionnaires" / "public-sector-ml-2026.2.yaml"
CROSSWALK = REPO / "questionnaires" / "crosswalks" / "public-sector-ml-2026.2.yaml"
ANSWERS = {
    "gov-ai-inventory": ("choice", 3),  # GOVERN 1.6 at 3, equal: met
    "ops-incident-response": ("choice", 2),  # MANAGE 4.3 at 3: short, not met
    "ops-monitoring": ("not_sure", None),  # MEASURE 3.1: to verify
}


def load(*files):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_questionnaire", *map(str, files), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def loaded(db):
    load(QUESTIONNAIRE)
    return models.QuestionnaireVersion.objects.get(slug="public-sector-ml", version="2026.2")


def changed_text():
    return CROSSWALK.read_text(encoding="utf-8").replace(
        "title: An inventory of AI systems is kept", "title: An inventory of AI systems is kept current"
    )


def test_the_command_loads_the_crosswalk_beside_the_questionnaire(loaded):
    revision = crosswalk_current(loaded.pk)

    assert revision is not None
    assert revision.revision == "2026.2-sample-1"
    assert revision.source_text == CROSSWALK.read_text(encoding="utf-8")
    assert revision.content["frameworks"][0]["id"] == "nist-ai-rmf"


def test_loading_again_unchanged_adds_no_revision(loaded):
    out, _err = load(QUESTIONNAIRE)

    assert "unchanged" in out
    assert models.CrosswalkRevision.objects.count() == 1


def test_a_broken_crosswalk_refuses_the_whole_load_located(db, tmp_path):
    (tmp_path / "crosswalks").mkdir()
    shutil.copy(QUESTIONNAIRE, tmp_path / "q.yaml")
    broken = CROSSWALK.read_text(encoding="utf-8").replace(
        "relation: equal}\n  gov-use", "relation: equals}\n  gov-use"
    )
    (tmp_path / "crosswalks" / CROSSWALK.name).write_text(broken, encoding="utf-8")

    with pytest.raises(CommandError):
        load(tmp_path / "q.yaml")

    assert not models.QuestionnaireVersion.objects.exists()
    assert not models.CrosswalkRevision.objects.exists()


def test_a_submitted_assessment_records_its_revision_and_stores_framework_figures(loaded, team, member):
    assessment = submitted_assessment(team, member, loaded, ANSWERS)

    evaluation = models.CrosswalkEvaluation.objects.get(assessment=assessment)
    [row] = models.FrameworkSummary.objects.filter(summary_id=assessment.pk)
    statuses = dict(row.item_statuses)
    assert evaluation.crosswalk == crosswalk_current(loaded.pk)
    assert (statuses["GOVERN 1.6"], statuses["MANAGE 4.3"], statuses["MEASURE 3.1"]) == (MET, NOT_MET, TO_VERIFY)
    assert statuses["MEASURE 2.7"] == NOT_COVERED
    assert (row.met, row.applicable, row.not_covered, row.is_latest) == (1, 8, 1, True)
    assert row.share_met == pytest.approx(1 / 8)


def test_a_revision_in_use_is_read_only_and_a_new_revision_is_accepted(loaded, team, member):
    submitted_assessment(team, member, loaded, ANSWERS)

    with pytest.raises(CrosswalkConflict, match="give the changed file a new revision"):
        crosswalk_import(changed_text(), CROSSWALK.name)
    outcome, _crosswalk, _warnings = crosswalk_import(
        changed_text().replace('revision: "2026.2-sample-1"', 'revision: "2026.2-sample-2"'), CROSSWALK.name
    )

    assert outcome.revision == crosswalk_current(loaded.pk)
    assert models.CrosswalkRevision.objects.count() == 2


def test_an_unused_revision_may_be_replaced(loaded):
    outcome, _crosswalk, _warnings = crosswalk_import(changed_text(), CROSSWALK.name)

    assert outcome.action == "replaced"
    assert models.CrosswalkRevision.objects.get().content["frameworks"][0]["items"][0]["title"].endswith("current")


def test_an_import_for_a_version_not_loaded_is_refused_located(db):
    with pytest.raises(CrosswalkInvalid) as refused:
        crosswalk_import(CROSSWALK.read_bytes(), CROSSWALK.name)

    assert str(refused.value.problems[0]).startswith(f"{CROSSWALK.name}:6: ")


def test_a_submitted_assessment_keeps_its_revision_and_recompute_counts_it_again(loaded, team, member):
    assessment = submitted_assessment(team, member, loaded, ANSWERS)
    first = crosswalk_current(loaded.pk)
    crosswalk_import(changed_text().replace("2026.2-sample-1", "2026.2-sample-2"), CROSSWALK.name)
    models.FrameworkSummary.objects.all().delete()

    call_command("recompute_summaries", stdout=io.StringIO())

    assert models.CrosswalkEvaluation.objects.get(assessment=assessment).crosswalk == first
    assert assessment_frameworks(assessment_results(assessment)).revision == first
    assert models.FrameworkSummary.objects.filter(summary_id=assessment.pk, is_latest=True).count() == 1


def test_the_page_data_names_the_roadmap_item_that_closes_a_gap(loaded, team, member):
    assessment = submitted_assessment(team, member, loaded, ANSWERS)

    [framework] = assessment_frameworks(assessment_results(assessment)).frameworks
    [manage] = [line for line in framework.items if line.status.item.id == "MANAGE 4.3"]

    assert [entry.question.id for entry in manage.closing] == ["ops-incident-response"]
    assert manage.closing[0].item.to_level >= 3
