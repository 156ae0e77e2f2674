"""Format 2 in the tables: a loaded file rebuilds to the same questionnaire and digest (docs/questionnaire-format.md, 6)."""

import pytest
from django.db import IntegrityError

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.questionnaires import UNCHANGED, content_digest, questionnaire_load
from tests.helpers import DATA, load_questionnaire_file

pytestmark = pytest.mark.django_db
FORMAT2 = DATA / "format2_questionnaire.yaml"


@pytest.fixture
def format2_version():
    return load_questionnaire_file(FORMAT2)


def test_it_rebuilds_every_format2_key_from_the_rows(format2_version):
    parsed = parse_questionnaire(FORMAT2.read_text(), FORMAT2.name)
    rebuilt = questionnaire_domain(format2_version)
    assert rebuilt == parsed
    assert content_digest(rebuilt) == content_digest(parsed) == format2_version.content_digest
    # Each key the example uses, read back from the rows.
    assert [q.id for q in rebuilt.profile] == ["ai-kinds", "impact"]
    assert rebuilt.profile[0].help == "Count tools bought from a vendor as well as your own."
    assert rebuilt.profile[0].choices[2].tags == ("classic-ml", "genai")
    assert rebuilt.profile[0].choices[3].tags == ()
    assert rebuilt.areas[2].applies_when == ("genai",)
    governance, genai = rebuilt.areas[1], rebuilt.areas[2]
    assert governance.questions[0].owner == "agency"
    assert governance.questions[1].foundation_when == ("high-impact",)
    assert genai.questions[1].applies_when == ("high-impact",)
    assert (rebuilt.phase_budget.now, rebuilt.phase_budget.next) == (4, None)
    assert rebuilt.phase_sizes.next == 3


def test_a_phase_with_a_budget_stores_no_size(format2_version):
    assert (format2_version.phase_now, format2_version.budget_now) == (None, 4)
    assert (format2_version.phase_next, format2_version.budget_next) == (3, None)
    assert models.Question.objects.get(key="ai-inventory").owner == "agency"
    assert models.ProfileChoice.objects.get(key="both").tags == "classic-ml genai"


def test_loading_the_format2_file_again_is_a_no_op(format2_version):
    parsed = parse_questionnaire(FORMAT2.read_text(), FORMAT2.name)
    assert questionnaire_load(parsed).action == UNCHANGED


def test_a_format1_version_rebuilds_without_profile_queries(questionnaire_version, django_assert_num_queries):
    questionnaire_version.refresh_from_db()
    from assessment.selectors import questionnaires as selector

    with django_assert_num_queries(10):
        rebuilt = selector._build(questionnaire_version)
    assert rebuilt.profile == () and rebuilt.format == 1


def test_one_profile_answer_per_question(format2_version, assessment):
    question = format2_version.profile_questions.get(key="impact")
    choice = question.choices.get(key="yes")
    models.ProfileAnswer.objects.create(assessment=assessment, question=question, choice=choice)
    with pytest.raises(IntegrityError):
        models.ProfileAnswer.objects.create(assessment=assessment, question=question, choice=choice)


def test_a_new_draft_copies_the_profile_and_the_format2_keys(format2_version):
    from assessment.services.versions import version_new_draft

    draft = version_new_draft(format2_version)
    original, copy = questionnaire_domain(format2_version), questionnaire_domain(draft)
    assert (copy.profile, copy.areas, copy.phase_budget) == (original.profile, original.areas, original.phase_budget)
    assert models.ProfileChoice.history.filter(question__questionnaire=draft).count() == 6
