"""Services of questionnaire versions: the lock, checks after edits, new drafts, publish."""

import pytest

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.domain.scoring import score_assessment
from assessment.selectors.assessments import answers_domain
from assessment.selectors.questionnaires import default_questionnaire_versions, questionnaire_domain
from assessment.services.assessments import AnswerInput, answers_save
from assessment.services.questionnaires import content_digest
from assessment.services.versions import (
    VersionInvalid,
    VersionLocked,
    next_draft_version_string,
    version_check,
    version_content_changed,
    version_ensure_editable,
    version_is_locked,
    version_new_draft,
    version_publish,
)
from tests.helpers import REPO

pytestmark = pytest.mark.django_db


def _answer_all(assessment, member, level=2):
    questions = models.Question.objects.filter(area__questionnaire=assessment.questionnaire)
    answers_save(
        assessment=assessment,
        user=member,
        answers=[
            AnswerInput(q.key, models.Answer.CHOICE, level=min(c.level for c in q.choices.all() if c.level >= level))
            for q in questions.prefetch_related("choices")
        ],
    )


def test_it_reads_back_every_field_the_loader_stored(full_questionnaire_version):
    parsed = parse_questionnaire(
        (REPO / "questionnaires" / "public-sector-ml.yaml").read_text(), "public-sector-ml.yaml"
    )
    questions = [q for _, q in parsed.questions()]
    # The file sets each optional field somewhere, so a field the rebuild drops shows.
    assert any(q.foundation for q in questions) and any(q.not_applicable for q in questions)
    assert any(c.stage is not None for q in questions for c in q.choices)
    assert any(p.note for p in parsed.practices)
    assert questionnaire_domain(full_questionnaire_version) == parsed


def test_it_locks_a_version_that_an_assessment_uses(questionnaire_version, assessment):
    assert version_is_locked(questionnaire_version)
    with pytest.raises(VersionLocked, match="used by 1 assessment"):
        version_ensure_editable(questionnaire_version)


def test_it_leaves_an_unused_version_editable(questionnaire_version):
    assert not version_is_locked(questionnaire_version)
    version_ensure_editable(questionnaire_version)  # no exception


def test_it_copies_every_piece_of_content_into_a_new_draft(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    assert draft.pk != questionnaire_version.pk
    assert draft.status == models.QuestionnaireVersion.DRAFT
    assert draft.version == "2026.1-draft"
    original, copy = questionnaire_domain(questionnaire_version), questionnaire_domain(draft)
    assert copy.areas == original.areas
    assert copy.practices == original.practices
    assert copy.scale == original.scale
    assert copy.version == "2026.1-draft"


def test_it_picks_the_next_free_draft_version_string(questionnaire_version):
    first = version_new_draft(questionnaire_version)
    second = version_new_draft(questionnaire_version)
    third = version_new_draft(first)
    assert [first.version, second.version, third.version] == ["2026.1-draft", "2026.1-draft-2", "2026.1-draft-3"]
    assert next_draft_version_string(questionnaire_version) == "2026.1-draft-4"


def test_it_refuses_a_draft_version_string_already_taken(questionnaire_version):
    with pytest.raises(VersionInvalid, match=r'"2026\.1" of "small-ml" already exists'):
        version_new_draft(questionnaire_version, new_version="2026.1")


def test_it_publishes_a_draft_and_makes_it_the_default_for_new_assessments(questionnaire_version):
    draft = version_new_draft(questionnaire_version, new_version="2026.2")
    assert default_questionnaire_versions() == [questionnaire_version]
    published = version_publish(draft)
    assert published.status == models.QuestionnaireVersion.PUBLISHED
    assert published.published_at is not None
    assert default_questionnaire_versions() == [published]


def test_it_refuses_to_publish_a_draft_with_problems(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    question = models.Question.objects.get(area__questionnaire=draft, key="data-discovery")
    question.choices.exclude(level=1).delete()
    with pytest.raises(VersionInvalid) as refused:
        version_publish(draft)
    assert any('question "data-discovery"' in p and "at least two" in p for p in refused.value.problems)
    draft.refresh_from_db()
    assert draft.status == models.QuestionnaireVersion.DRAFT


def test_it_refuses_to_publish_twice(questionnaire_version):
    with pytest.raises(VersionInvalid, match="already published"):
        version_publish(questionnaire_version)


def test_it_finds_a_requires_cycle_with_the_loaders_rules(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    catalog = models.Practice.objects.get(questionnaire=draft, key="data-catalog")
    streaming = models.Practice.objects.get(questionnaire=draft, key="streaming-ingestion")
    models.PracticeRequirement.objects.create(practice=catalog, required=streaming)
    check = version_content_changed(draft)
    assert any("requires forms a cycle" in p and "data-catalog" in p for p in check.problems), check.problems


def test_it_finds_a_choice_level_off_the_scale(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    models.Choice.objects.create(question=question, level=9, text="Beyond the scale")
    check = version_content_changed(draft)
    assert any('question "model-versions"' in p and "choice level 9 is not on the scale" in p for p in check.problems)


def test_it_finds_a_link_to_a_practice_of_another_version(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    foreign = models.Practice.objects.get(questionnaire=questionnaire_version, key="data-catalog")
    models.QuestionPractice.objects.create(question=question, practice=foreign, position=9)
    check = version_check(draft)
    assert any("another version" in p and "data-catalog" in p for p in check.problems)


def test_it_names_each_link_to_another_version_in_words(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    question = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    choice = question.choices.order_by("level").last()
    foreign = models.Practice.objects.get(questionnaire=questionnaire_version, key="data-catalog")
    models.QuestionPractice.objects.create(question=question, practice=foreign, position=9)
    models.ChoicePractice.objects.create(choice=choice, practice=foreign, position=9)
    problems = version_check(draft).problems
    other = f'practice "data-catalog" of another version ("{questionnaire_version.version}")'
    assert f'question "model-versions": practices links to {other}' in problems
    assert f'question "model-versions", choice level {choice.level}: practices links to {other}' in problems


def test_it_reports_nothing_for_a_valid_version(questionnaire_version):
    check = version_check(questionnaire_version)
    assert check.problems == [] and check.unfinished == []


def test_it_lets_a_draft_be_unfinished_but_not_a_published_version(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    area = models.Area.objects.get(questionnaire=draft, key="models")
    models.Question.objects.create(area=area, key="new-question", text="A question without choices yet", position=5)
    check = version_content_changed(draft)
    assert check.problems == []
    assert check.blocking(draft) == []
    assert any('"new-question"' in item for item in check.unfinished)
    draft.status = models.QuestionnaireVersion.PUBLISHED
    assert check.blocking(draft) == check.unfinished


def test_it_bumps_updated_at_and_recomputes_the_digest_after_an_edit(questionnaire_version):
    before = questionnaire_version.updated_at
    old_digest = questionnaire_version.content_digest
    models.Question.objects.filter(area__questionnaire=questionnaire_version, key="model-versions").update(
        text="How are trained models stored?"
    )
    version_content_changed(questionnaire_version)
    questionnaire_version.refresh_from_db()
    assert questionnaire_version.updated_at > before
    assert questionnaire_version.content_digest != old_digest
    fresh = questionnaire_domain(questionnaire_version)
    assert fresh.areas[1].questions[0].text == "How are trained models stored?"
    assert questionnaire_version.content_digest == content_digest(fresh)


def test_it_keeps_old_scores_when_a_new_version_is_published(questionnaire_version, assessment, member):
    _answer_all(assessment, member, level=2)
    before = score_assessment(questionnaire_domain(questionnaire_version), answers_domain(assessment), {})
    draft = version_new_draft(questionnaire_version, new_version="2026.2")
    # The new version weighs a question differently and drops a choice: scores would differ under it.
    models.Question.objects.filter(area__questionnaire=draft, key="streaming-data").update(weight=5)
    version_content_changed(draft)
    version_publish(draft)
    answers = answers_domain(assessment)
    assert (
        score_assessment(questionnaire_domain(draft), answers, {}) != before
    )  # the new version would score it otherwise
    assessment.refresh_from_db()
    assert assessment.questionnaire_id == questionnaire_version.pk
    after = score_assessment(questionnaire_domain(assessment.questionnaire), answers_domain(assessment), {})
    assert after == before
    assert questionnaire_domain(assessment.questionnaire).areas[0].questions[0].weight == 2


def test_it_finds_no_problem_in_the_real_questionnaire_after_loading(full_questionnaire_version):
    check = version_check(full_questionnaire_version)
    assert check.problems == [] and check.unfinished == []
    draft = version_new_draft(full_questionnaire_version)
    assert questionnaire_domain(draft).areas == questionnaire_domain(full_questionnaire_version).areas
    assert version_publish(draft).status == models.QuestionnaireVersion.PUBLISHED


def test_it_describes_added_removed_and_changed_items(questionnaire_version):
    import dataclasses

    from assessment.services.versions import content_differences

    old = questionnaire_domain(questionnaire_version)
    data, models_area, operations = old.areas
    new = dataclasses.replace(
        old,
        title="Renamed",
        practices=old.practices[1:],  # data-catalog removed
        areas=(
            dataclasses.replace(data, questions=data.questions[:1]),  # data-discovery removed
            dataclasses.replace(models_area, weight=3),
            operations,
            dataclasses.replace(operations, id="ethics", title="Ethics"),
        ),
    )
    assert content_differences(old, new) == [
        "questionnaire: title changed",
        'practice "data-catalog" removed',
        'area "models": weight changed',
        'area "ethics" added',
        'question "data-discovery" removed',
    ]
    assert content_differences(old, old) == []


def test_it_stores_and_rebuilds_the_roadmap_keys(questionnaire_version):
    q = questionnaire_domain(questionnaire_version)
    assert (q.phase_sizes.now, q.phase_sizes.next) == (2, 16)
    model_versions = q.areas[1].questions[0]
    registry = model_versions.choice_at(4)
    assert (registry.practices, registry.stage) == (("model-registry",), 3)
    assert [(n.question_key, n.level) for n in registry.needs] == [("data-discovery", 3)]
    assert model_versions.choice_at(5).practices is None  # uses the question's
    assert q.areas[2].questions[0].choice_at(3).practices == ()  # "none", kept apart from "the question's"
    assert q.areas[0].questions[1].foundation
    # A new draft copies them all.
    draft = version_new_draft(questionnaire_version)
    assert questionnaire_domain(draft).areas == q.areas
    assert questionnaire_domain(draft).phase_sizes == q.phase_sizes


def test_it_finds_a_needs_cycle_made_in_the_tables(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    discovery = models.Question.objects.get(area__questionnaire=draft, key="data-discovery")
    model_versions = models.Question.objects.get(area__questionnaire=draft, key="model-versions")
    # model-versions 4 needs data-discovery 3 already; data-discovery 3 needing model-versions 4 closes a loop.
    models.ChoiceNeed.objects.create(choice=discovery.choices.get(level=3), question=model_versions, level=4)
    check = version_content_changed(draft)
    assert any("needs form a cycle" in p and "data-discovery level 3" in p for p in check.problems), check.problems


def test_it_finds_a_stage_above_its_choice(questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    models.Choice.objects.filter(question__area__questionnaire=draft, question__key="model-versions", level=2).update(
        stage=4
    )
    check = version_content_changed(draft)
    assert any('question "model-versions"' in p and "stage 4" in p for p in check.problems), check.problems


def test_it_lists_changes_of_the_roadmap_keys(questionnaire_version):
    import dataclasses

    from assessment.domain.model import PhaseSizes
    from assessment.services.versions import content_differences

    old = questionnaire_domain(questionnaire_version)
    data, models_area, operations = old.areas
    discovery = data.questions[1]
    model_versions = models_area.questions[0]
    choices = tuple(dataclasses.replace(c, stage=None, needs=()) if c.level == 4 else c for c in model_versions.choices)
    new = dataclasses.replace(
        old,
        phase_sizes=PhaseSizes(now=8, next=16),
        areas=(
            dataclasses.replace(data, questions=(data.questions[0], dataclasses.replace(discovery, foundation=False))),
            dataclasses.replace(models_area, questions=(dataclasses.replace(model_versions, choices=choices),)),
            operations,
        ),
    )
    assert content_differences(old, new) == [
        "questionnaire: phase_sizes changed",
        'question "data-discovery": foundation changed',
        'question "model-versions": choice 4 stage and needs changed',
    ]


def test_a_questionnaire_without_roadmap_keys_keeps_its_digest():
    import dataclasses
    import hashlib
    import json
    from pathlib import Path

    from assessment.domain.model import Choice, PhaseSizes
    from assessment.domain.schema import parse_questionnaire

    path = Path(__file__).parent / "data" / "good_questionnaire.yaml"
    with_keys = parse_questionnaire(path.read_bytes(), path.name)
    q = dataclasses.replace(
        with_keys,
        phase_sizes=PhaseSizes(),
        areas=tuple(
            dataclasses.replace(
                area,
                questions=tuple(
                    dataclasses.replace(
                        question, foundation=False, choices=tuple(Choice(c.level, c.text) for c in question.choices)
                    )
                    for question in area.questions
                ),
            )
            for area in with_keys.areas
        ),
    )
    assert content_digest(with_keys) != content_digest(q)
    # The digest as it was computed before the roadmap keys existed.
    data = dataclasses.asdict(q)
    del data["phase_sizes"], data["profile"], data["phase_budget"]  # format 2's came later still
    for area in data["areas"]:
        del area["applies_when"]
        for question in area["questions"]:
            del question["foundation"], question["applies_when"], question["foundation_when"], question["owner"]
            question["choices"] = [{"level": c["level"], "text": c["text"]} for c in question["choices"]]
    from assessment.services.questionnaires import _normalized  # weights as floats, as stored

    before = hashlib.sha256(json.dumps(_normalized(data), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert content_digest(q) == before
